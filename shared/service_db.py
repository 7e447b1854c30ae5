"""A service's database made ready at start: its migrations applied, its outbox installed, and
the referential in force read (the services that place communes and name trades need it)."""

from __future__ import annotations

from pathlib import Path

from shared.db.migrate import migrate
from shared.db.pool import connect
from shared.outbox import install
from shared.referential.lookup import load_snapshot
from shared.referential.snapshot import Snapshot


async def prepare_with_referential(
    dsn: str, *, schema: str, migrations: Path, given: Snapshot | None = None
) -> Snapshot:
    """Migrate `schema`, install its outbox, and return `given` or the referential in force,
    refusing to start without communes (every place a person or an action names is one)."""
    conn = await connect(dsn)
    try:
        await migrate(conn, schema=schema, directory=migrations)
        await install(conn, schema=schema)
        snapshot = given or await load_snapshot(conn)
    finally:
        await conn.close()
    if not snapshot.communes:
        raise RuntimeError(
            "the referential has no communes: run `python -m shared.referential import-communes`"
        )
    return snapshot
