"""Which PostgreSQL schema each component owns, where its migrations are, and which login role
each service connects as.

The schemas are created and migrated by the owner (the admin DSN of `python -m shared.db setup`);
each service connects as its own role, which may read and write the tables of its schema and,
where it needs the referential, read that one, and nothing else (`shared/db/roles.py`).
Only names and paths live here: shared/ imports no service.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Component:
    schema: str
    migrations: Path
    role: str | None  # the login role of the service; None: written by the owner only
    reads: tuple[str, ...] = ()  # other schemas it may SELECT from
    outbox: bool = True  # the service's outbox table lives in its schema


COMPONENTS: tuple[Component, ...] = (
    Component("referential", REPO / "shared/referential/migrations", role=None, outbox=False),
    Component(
        "intake",
        REPO / "services/employer_intake/migrations",
        role="spie_intake",
        reads=("referential",),
    ),
    Component(
        "profiles",
        REPO / "services/candidate_profile/migrations",
        role="spie_profiles",
        reads=("referential",),
    ),
    Component(
        "matcher", REPO / "services/matcher/migrations", role="spie_matcher", reads=("referential",)
    ),
    Component("notifier", REPO / "services/notifier/migrations", role="spie_notifier"),
    Component(
        "actions", REPO / "services/actions/migrations", role="spie_actions", reads=("referential",)
    ),
)

# Version tables: read by a service at start (to see that nothing is pending), never written.
VERSION_TABLES = ("schema_migrations", "outbox_migrations")


def service_roles() -> list[Component]:
    return [c for c in COMPONENTS if c.role is not None]
