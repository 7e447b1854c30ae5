"""Many rows in one INSERT statement, in the order given.

    stored = await insert_rows(
        conn, "notifier.alerts", [("alert_id", "uuid"), ("shared_with", "text[]"), ...], rows,
        tail="on conflict do nothing", returning="alert_id",
    )

asyncpg's executemany pipelines one execution per row: PostgreSQL then binds, plans and runs the
statement once per row (under load, ~18 matches a need + profile update pair, each written by the
matcher, its outbox, the notifier's alert, delivery and outbox). Here each column travels as one
array and `unnest` makes the rows: one execution whatever their number. Rows are inserted in the
order given (`with ordinality`), so serial ids follow it and, with `on conflict do nothing`, the
first of two rows that conflict with each other wins, as one by one. A `jsonb` or `text[]` column
travels as JSON text (PostgreSQL arrays cannot be ragged, and a JSON list is not an array of
arrays) and is read back into its type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

_NAME = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")
_TYPE = re.compile(r"^[a-z ]+(\[\])?$")


def insert_sql(
    table: str, columns: Sequence[tuple[str, str]], *, tail: str = "", returning: str = ""
) -> str:
    """The statement: `$i` is the i-th column's values, as an array."""
    if not _NAME.match(table) or not columns:
        raise ValueError(f"bad table or no column: {table!r}")
    names, arrays, values = [], [], []
    for i, (name, sql_type) in enumerate(columns, start=1):
        if not _NAME.match(name) or not _TYPE.match(sql_type):
            raise ValueError(f"bad column {name!r} {sql_type!r}")
        names.append(name)
        if sql_type.endswith("[]"):
            arrays.append(f"${i}::text[]")
            values.append(f"array(select jsonb_array_elements_text(u.{name}::jsonb))::{sql_type}")
        elif sql_type == "jsonb":
            arrays.append(f"${i}::text[]")
            values.append(f"u.{name}::jsonb")
        else:
            arrays.append(f"${i}::{sql_type}[]")
            values.append(f"u.{name}")
    return (
        f"insert into {table} ({', '.join(names)})"  # noqa: S608 (names checked above)
        f" select {', '.join(values)}"
        f" from unnest({', '.join(arrays)}) with ordinality as u({', '.join(names)}, n__)"
        f" order by u.n__ {tail}" + (f" returning {returning}" if returning else "")
    )


def columns_of(rows: Sequence[Sequence[Any]], types: Sequence[str]) -> list[list[Any]]:
    """Rows turned into one list per column, JSON columns as text."""
    out: list[list[Any]] = [[] for _ in types]
    as_json = [t == "jsonb" or t.endswith("[]") for t in types]
    for row in rows:
        if len(row) != len(types):
            raise ValueError(f"a row of {len(row)} values for {len(types)} columns")
        for column, value, is_json in zip(out, row, as_json, strict=True):
            column.append(json.dumps(value) if is_json and value is not None else value)
    return out


async def insert_rows(
    conn: asyncpg.Connection | PoolConnectionProxy,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    tail: str = "",
    returning: str = "",
) -> list[asyncpg.Record]:
    """Insert `rows` (tuples in the order of `columns`) in one statement; what `returning`
    names of each row inserted (nothing when `returning` is empty)."""
    if not rows:
        return []
    sql = insert_sql(table, columns, tail=tail, returning=returning)
    args = columns_of(rows, [t for _, t in columns])
    if returning:
        return list(await conn.fetch(sql, *args))
    await conn.execute(sql, *args)
    return []
