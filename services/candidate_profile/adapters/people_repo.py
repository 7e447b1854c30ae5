"""The référents' workspace reads of profiles: a page of the people a structure may see, found by
first name, and the first names of given ids. Visibility is profiles_repo's own rule."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.adapters.profiles_repo import _SELECT, _VISIBLE, _profile
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.people import ACCENTED, LIGATURES, PLAIN

# The first name folded as domain.people.fold does it ($4, $5: the translate table), so that
# the search ignores case and accents without an extension in the database.
_FOLDED = "lower(translate(p.first_name, $4, $5))"
for _ligature, _letters in LIGATURES.items():
    _FOLDED = f"replace(replace({_FOLDED}, '{_ligature}', '{_letters}'),"
    _FOLDED += f" '{_ligature.upper()}', '{_letters}')"
_MATCHING = f"{_VISIBLE} and ($3::text = '' or strpos({_FOLDED}, $3::text) > 0)"


async def page_visible(
    conn: Conn, *, structure: str, folded_name: str, limit: int, offset: int
) -> list[Profile]:
    """Profiles of the structure or shared with it whose folded first name holds `folded_name`
    (all when empty), by first name then id (a stable order for paging)."""
    rows = await conn.fetch(
        _SELECT + f" where {_MATCHING} order by lower(p.first_name), p.candidate_id"
        " limit $1 offset $6",
        limit, structure, folded_name, ACCENTED, PLAIN, offset,
    )  # fmt: skip
    return [_profile(r) for r in rows]


async def first_names(conn: Conn, *, structure: str, ids: Sequence[UUID]) -> dict[UUID, str]:
    """The first names of those of `ids` the structure may see; the others are left out."""
    rows = await conn.fetch(
        "select p.candidate_id, p.first_name from profiles.profiles p"  # noqa: S608
        f" where p.candidate_id = any($1::uuid[]) and {_VISIBLE}",
        list(ids),
        structure,
    )
    return {r["candidate_id"]: r["first_name"] for r in rows}
