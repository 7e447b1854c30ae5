"""Helpers of the workspace page tests: a signed-in browser, people created through the API."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.integration.candidate_profile.conftest import WebSession
from tests.integration.candidate_profile.helpers import profile_body

Login = Callable[[str], Coroutine[Any, Any, dict[str, str]]]
WebLogin = Callable[[str], Coroutine[Any, Any, WebSession]]
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")  # fmt: skip


def consent(*purposes: str, days: float = 365) -> dict[str, Any]:
    """A consent ending at noon UTC (the same day in Paris) `days` from now."""
    end = (datetime.now(UTC) + timedelta(days=days)).replace(hour=12, minute=0)
    return {"purposes": list(purposes), "expires_at": end.isoformat()}


def french_day(iso: str) -> str:
    d = datetime.fromisoformat(iso).date()
    return f"{'1er' if d.day == 1 else d.day} {MONTHS[d.month - 1]} {d.year}"


class Browser:
    """The pages as a signed-in référent's browser asks for them (redirects not followed)."""

    def __init__(self, client: httpx.AsyncClient, session: WebSession) -> None:
        self.client = client
        self.session = session
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        self.headers = {**session.headers, "Cookie": cookie}

    async def get(self, path: str, **params: str) -> httpx.Response:
        # No params= when there are none: httpx would drop the query of a redirect's location.
        return await self.client.get(path, params=params or None, headers=self.headers)

    async def post(self, path: str, data: dict[str, Any], *, csrf: bool = True) -> httpx.Response:
        form = {**data, "csrf": self.session.csrf} if csrf else data
        return await self.client.post(path, data=form, headers=self.headers)


async def create_person(
    client: httpx.AsyncClient, api: dict[str, str], first_name: str, **changes: Any
) -> str:
    created = await client.post("/profiles", json=profile_body(first_name, **changes), headers=api)
    assert created.status_code == 201, created.text
    return str(created.json()["candidate_id"])
