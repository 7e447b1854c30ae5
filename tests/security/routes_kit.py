"""What the route attacks share (test_routes.py and the plans of actions_plans.py): the
tenants' world, the callers' credentials, and how an attack on one route is written (`Plan`)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from shared.identity import issue
from shared.keys import Keyring
from shared.ops_access import issue_ops
from shared.settings import load_base_settings
from shared.web import sessions
from shared.web.door import IDENTITY_HEADER, door_assertion

NO_CREDENTIAL, FORGED, OTHER_TENANT = "no credential", "forged credential", "other tenant"
# A keyring that is not the services': what it signs is well formed and forged.
FORGED_RING = Keyring(b"not-the-real-root-secret-0123456789")


@dataclass
class World:
    """Federations A and B, structures X, Y and Z; the victims are B's need, Y's profile
    (matched, shared with Z) and Y's alert."""

    urls: dict[str, str]
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())
    federation: dict[str, str] = field(default_factory=dict)
    api_key: dict[str, str] = field(default_factory=dict)
    structure: dict[str, str] = field(default_factory=dict)
    bearer: dict[str, str] = field(default_factory=dict)
    sign_in: dict[str, str] = field(default_factory=dict)
    idempotency: dict[str, str] = field(default_factory=dict)
    need: str = ""
    profile: str = ""
    profile_body: dict[str, Any] = field(default_factory=dict)
    alert: str = ""
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)  # cookie, csrf
    portal_admin: dict[str, str] = field(default_factory=dict)  # federation -> its admin's id

    @property
    def employer(self) -> str:
        return f"Pierres Sécurité {self.run}"


# --- credentials -------------------------------------------------------------------------------


def api_key(world: World, name: str) -> dict[str, str]:
    return {"X-API-Key": world.api_key[name]}


def bearer(world: World, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.bearer[name]}"}


def cookie(world: World, name: str) -> dict[str, str]:
    return {"spie_session": world.sessions[name][0]}


def authorization(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def assertion(world: World, http: httpx.AsyncClient, who: str) -> dict[str, str]:
    """An identity assertion for the matcher, asked of the service that knows the caller."""
    if who in world.federation:
        url = f"{world.urls['employer_intake']}/federations/me/assertion"
        r = await http.post(url, headers=api_key(world, who))
    else:
        r = await http.post(
            f"{world.urls['candidate_profile']}/referents/me/assertion", headers=bearer(world, who)
        )
    assert r.status_code == 200, r.status_code
    return authorization(r.json()["assertion"])


def forged_assertion(role: str, scope: str) -> dict[str, str]:
    """A well-formed assertion signed with a key that is not the service's."""
    ring = Keyring(b"not-the-real-root-secret-0123456789")
    return authorization(issue(ring, role=role, subject="intrus", scope=scope))  # type: ignore[arg-type]


def ops() -> dict[str, str]:
    return authorization(issue_ops(load_base_settings().keyring(), name="attack-suite", days=1))


# --- the attacks -------------------------------------------------------------------------------


@dataclass
class Call:
    """One request: the headers/cookies of a caller are added by the attack."""

    method: str
    url: str
    json: Any = None
    data: dict[str, str] | None = None
    params: dict[str, str] | None = None
    content: bytes | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)
    files: dict[str, Any] | None = None  # a multipart upload (the attempt's form goes beside)


@dataclass
class Attempt:
    kind: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    # The one answer that refuses it (303: sent to sign in), where one is known; None: refused
    # is any non-2xx, or a 2xx without the victim's data.
    refusal: int | None = None


@dataclass
class Plan:
    """How to attack one route: the call on the victim's data, who attacks, who owns it, and
    what in a 2xx reply would be the victim's data."""

    call: Call
    attempts: list[Attempt]
    owner: Attempt
    leaked: Callable[[httpx.Response], bool]
    changes_victim: bool = False  # a 2xx is then a breach whatever the body
    owner_status: int = 200
    owner_sees_data: bool = True  # False where the owner's success returns nothing to show
    owner_check: Callable[[httpx.Response], bool] | None = None  # else `leaked` on the reply


PlanMaker = Callable[[World, httpx.AsyncClient], Awaitable[Plan]]


def contains(*markers: str) -> Callable[[httpx.Response], bool]:
    return lambda r: any(m in r.text for m in markers)


@dataclass
class DoorPass:
    """A référent as the front door vouches for them: its header, a session cookie, the CSRF
    token of that cookie (the pages of candidate_profile)."""

    headers: dict[str, str]
    cookies: dict[str, str]
    csrf: str


async def door_pass(
    world: World, http: httpx.AsyncClient, name: str, ring: Keyring | None = None
) -> DoorPass:
    me = await http.get(
        f"{world.urls['candidate_profile']}/referents/me", headers=bearer(world, name)
    )
    assert me.status_code == 200, me.status_code
    keyring = ring or load_base_settings().keyring()
    session = uuid.uuid4()
    header = door_assertion(
        keyring, referent_id=uuid.UUID(me.json()["referent_id"]), structure=world.structure[name]
    )
    return DoorPass(
        {IDENTITY_HEADER: header},
        {sessions.COOKIE: sessions.cookie_value(keyring, session)},
        sessions.csrf_token(keyring, session),
    )


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
