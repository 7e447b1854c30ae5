"""Anyone signed in searches the whole catalogue (every partner's open actions)."""

from __future__ import annotations

from services.actions.adapters import search_repo
from services.actions.bootstrap import Services
from services.actions.domain.search import Criteria, Page, read_search


async def search_catalogue(services: Services, criteria: Criteria) -> Page:
    query = read_search(criteria, services.referential, services.clock())
    async with services.pool.acquire() as conn:
        return await search_repo.search(conn, query)
