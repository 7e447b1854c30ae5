"""Attacks on the inbox's credentials, against the running notifier: forged and replayed sign-in
links, a deactivated référent's link and cookie, a cookie after sign-out, a token of one purpose
used as another, a key id the service does not accept. Each kind has its positive control: the
genuine credential, used the legitimate way, opens the inbox.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from shared.keys import Keyring
from shared.login_token import issue_login_token
from shared.settings import BaseServiceSettings, load_base_settings

from .conftest import AttackLedger, cli

pytestmark = pytest.mark.security
COOKIE = "spie_session"
Referent = tuple[uuid.UUID, str]  # the référent's id and the first link create-referent printed


@pytest.fixture(scope="module")
def settings() -> BaseServiceSettings:
    return load_base_settings()


@pytest.fixture(scope="module")
def notifier(service_urls: dict[str, str]) -> str:
    return service_urls["notifier"]


async def _eventually(check: Callable[[], Awaitable[object]], *, seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.2)):
        if await check():
            return
        await asyncio.sleep(0.2)
    pytest.fail("the notifier never caught up")


async def _notifier_knows(dsn: str, referent_id: uuid.UUID, *, active: bool) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await _eventually(
            lambda: conn.fetchval(
                "select 1 from notifier.referents where referent_id = $1 and active = $2",
                referent_id,
                active,
            )
        )
    finally:
        await conn.close()


async def new_referent(settings: BaseServiceSettings) -> tuple[uuid.UUID, str]:
    """A référent created as ops would (their first inbox link), once the notifier knows them."""
    unique = uuid.uuid4().hex[:8]
    _, err = cli(
        "services.candidate_profile",
        "create-referent",
        "--structure",
        f"SEC{unique}",
        "--email",
        f"sec-{unique}@example.org",
        "--name",
        "Camille Attaque",
    )
    referent_id = uuid.UUID(re.search(r"referent_id (\S+)", err).group(1))  # type: ignore[union-attr]
    token = re.search(r"inbox sign-in token (\S+)", err).group(1)  # type: ignore[union-attr]
    await _notifier_knows(settings.dsn, referent_id, active=True)
    return referent_id, token


def link(keyring: Keyring, referent_id: uuid.UUID) -> str:
    return issue_login_token(keyring, referent_id, datetime.now(UTC) + timedelta(hours=1))


async def sign_in(notifier: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=notifier, timeout=10) as client:
        return await client.post("/connexion", data={"jeton": token})


def cookie_of(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    return response.cookies[COOKIE]


async def inbox_with(notifier: str, cookie: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=notifier, timeout=10, cookies={COOKIE: cookie}) as c:
        return await c.get("/boite")


async def opens(notifier: str, cookie: str) -> bool:
    return (await inbox_with(notifier, cookie)).status_code == 200


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


@pytest.fixture
async def referent(settings: BaseServiceSettings) -> AsyncIterator[Referent]:
    yield await new_referent(settings)


class Tally:
    """This test's attempts, also recorded in the suite's ledger."""

    def __init__(self, attacks: AttackLedger) -> None:
        self.attacks = attacks
        self.through: list[str] = []

    def __call__(self, kind: str, target: str, *, got_through: bool) -> None:
        if self.attacks.record(kind, target, got_through=got_through):
            self.through.append(f"{kind}: {target}")


@pytest.fixture
def tally(attacks: AttackLedger) -> Tally:
    return Tally(attacks)


async def test_forged_sign_in_links_are_refused(
    notifier: str, settings: BaseServiceSettings, referent: Referent, tally: Tally
) -> None:
    referent_id, _ = referent
    genuine = link(settings.keyring(), referent_id)
    parts = genuine.split(".")
    forgeries = {
        "flipped MAC": genuine[:-1] + ("0" if genuine[-1] != "0" else "1"),
        "another référent": ".".join([*parts[:4], str(uuid.uuid4()), *parts[5:]]),
        "later expiry": ".".join([*parts[:6], "4102444800", parts[7]]),
        "another root secret": link(Keyring(b"an-attacker-chosen-root-secret-0123"), referent_id),
        "old v1 format": f"v1.{referent_id}.4102444800.{'0' * 64}",
    }
    for name, forged in forgeries.items():
        response = await sign_in(notifier, forged)
        tally("forged sign-in link", f"POST /connexion ({name})",
              got_through=response.status_code != 401)  # fmt: skip
    assert await opens(notifier, cookie_of(await sign_in(notifier, genuine)))  # positive control
    assert not tally.through


async def test_a_used_sign_in_link_is_refused_when_replayed(
    notifier: str, referent: Referent, tally: Tally
) -> None:
    _, first_link = referent  # the link create-referent printed, as ops would hand it over
    assert await opens(notifier, cookie_of(await sign_in(notifier, first_link)))  # control
    for _ in range(3):
        replay = await sign_in(notifier, first_link)
        tally("replayed sign-in link", "POST /connexion",
              got_through=replay.status_code != 401 or COOKIE in replay.cookies)  # fmt: skip
    assert not tally.through


async def test_a_deactivated_referents_link_and_cookie_are_refused_at_once(
    notifier: str, settings: BaseServiceSettings, referent: Referent, tally: Tally
) -> None:
    referent_id, _ = referent
    unused = link(settings.keyring(), referent_id)
    cookie = cookie_of(await sign_in(notifier, link(settings.keyring(), referent_id)))
    assert await opens(notifier, cookie)  # positive control: open before the deactivation
    cli("services.candidate_profile", "deactivate-referent", str(referent_id))
    await _notifier_knows(settings.dsn, referent_id, active=False)
    tally("cookie of a deactivated référent", "GET /boite",
          got_through=await opens(notifier, cookie))  # fmt: skip
    for token in (unused, link(settings.keyring(), referent_id)):
        response = await sign_in(notifier, token)
        tally("sign-in link of a deactivated référent", "POST /connexion",
              got_through=response.status_code != 401)  # fmt: skip
    assert not tally.through


async def test_a_cookie_is_refused_after_sign_out_and_after_sign_out_everywhere(
    notifier: str, settings: BaseServiceSettings, referent: Referent, tally: Tally
) -> None:
    referent_id, _ = referent
    ring = settings.keyring()
    stolen = cookie_of(await sign_in(notifier, link(ring, referent_id)))
    async with httpx.AsyncClient(base_url=notifier, timeout=10) as browser:
        browser.cookies.set(COOKIE, stolen)
        page = await browser.get("/boite")
        assert page.status_code == 200  # positive control: the copy opened the inbox
        await browser.post("/deconnexion", data={"csrf": csrf_of(page.text)})
    tally("cookie after sign-out", "GET /boite", got_through=await opens(notifier, stolen))

    elsewhere = cookie_of(await sign_in(notifier, link(ring, referent_id)))
    async with httpx.AsyncClient(base_url=notifier, timeout=10) as browser:
        browser.cookies.set(COOKIE, cookie_of(await sign_in(notifier, link(ring, referent_id))))
        page = await browser.get("/boite")
        assert await opens(notifier, elsewhere)  # positive control: the other browser is open
        await browser.post("/deconnexion-partout", data={"csrf": csrf_of(page.text)})
    tally("cookie after sign-out everywhere", "GET /boite",
          got_through=await opens(notifier, elsewhere))  # fmt: skip
    assert not tally.through


async def test_a_token_of_one_purpose_is_refused_as_another(
    notifier: str, settings: BaseServiceSettings, referent: Referent, tally: Tally
) -> None:
    referent_id, _ = referent
    ring = settings.keyring()
    unused_link = link(ring, referent_id)
    cookie = cookie_of(await sign_in(notifier, link(ring, referent_id)))
    page = await inbox_with(notifier, cookie)
    assert page.status_code == 200  # positive control: the genuine cookie opens the inbox
    csrf = csrf_of(page.text)

    for name, token in (("session cookie", cookie), ("CSRF token", csrf)):
        response = await sign_in(notifier, token)
        tally("token of another purpose", f"POST /connexion ({name} as a link)",
              got_through=response.status_code != 401)  # fmt: skip
    for name, token in (("sign-in link", unused_link), ("CSRF token", csrf)):
        tally("token of another purpose", f"GET /boite ({name} as a cookie)",
              got_through=await opens(notifier, token))  # fmt: skip
    async with httpx.AsyncClient(base_url=notifier, timeout=10, cookies={COOKIE: cookie}) as c:
        out = await c.post("/deconnexion-partout", data={"csrf": cookie})
    tally("token of another purpose", "POST /deconnexion-partout (cookie as CSRF)",
          got_through=out.status_code != 403)  # fmt: skip
    assert await opens(notifier, cookie)  # still signed in: the forged form did nothing
    assert (await sign_in(notifier, unused_link)).status_code == 303  # the link was not spent
    assert not tally.through


async def test_a_link_under_a_key_id_the_service_does_not_accept_is_refused(
    notifier: str, settings: BaseServiceSettings, referent: Referent, tally: Tally
) -> None:
    """The notifier runs generation 1 of the login key: a link made from the same root secret
    under another generation is refused. A generation retired by a rotation is refused in
    tests/integration/notifier/test_inbox_access.py, where the notifier can be rotated."""
    referent_id, _ = referent
    for generation in (2, 3):
        rotated = settings.model_copy(update={"key_generations": {"login": generation}})
        other = link(rotated.keyring(), referent_id)
        assert other.startswith(f"v2.login.{generation}.")
        response = await sign_in(notifier, other)
        tally("sign-in link under a key id not accepted", f"POST /connexion (login.{generation})",
              got_through=response.status_code != 401)  # fmt: skip
    assert (await sign_in(notifier, link(settings.keyring(), referent_id))).status_code == 303
    assert not tally.through
