"""Every HTTP route of the five services, attacked on the running stack: with no credential, with
a forged one, and with another tenant's genuine one (federation A on B's need, référent of
structure X on Y's profile and alerts, X's assertion on the matcher's rows of Y's candidate, a
federation's assertion on the rows themselves, a user's credential on the ops routes, X on Y's
actions and registrations: actions_plans.py).

The routes come from the services' app objects: a route added later is attacked or listed as
public here, or `test_every_route_is_attacked_or_listed_public` fails. Beside each attack, the
owner's same request succeeds and returns the data (positive control). Nothing personal printed.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from shared.identity import issue
from shared.kafka.broker import make_broker, publish_event
from shared.keys import Keyring
from shared.settings import load_base_settings
from shared.web import sessions
from shared.web.door import IDENTITY_HEADER
from tests.action_events import proposal_event
from tests.security.actions_plans import ACTIONS_PUBLIC, actions_plans
from tests.security.actions_world import new_action, register, until_known, until_listed
from tests.security.actions_world import victims as actions_victims
from tests.security.conftest import AttackLedger, cli
from tests.security.forms import form_fields
from tests.security.routes_kit import (
    FORGED,
    NO_CREDENTIAL,
    OTHER_TENANT,
    Attempt,
    Call,
    DoorPass,
    Plan,
    PlanMaker,
    World,
    api_key,
    assertion,
    authorization,
    bearer,
    contains,
    cookie,
    cookie_header,
    door_pass,
    forged_assertion,
    ops,
)

SERVICES = ("employer_intake", "candidate_profile", "matcher", "notifier", "actions")

# Open on purpose, or acting on the caller's own session only, with the reason; everything else
# is attacked below.
PUBLIC: dict[tuple[str, str, str], str] = {
    **{(s, "GET", "/healthz"): "liveness probe: says ok only" for s in SERVICES},
    **{(s, "GET", "/readyz"): "readiness probe: says ready / not ready only" for s in SERVICES},
    ("notifier", "GET", "/"): "redirects to the inbox",
    ("notifier", "GET", "/connexion"): "the sign-in form",
    ("notifier", "POST", "/connexion"): "signing in: takes a sign-in token",
    ("notifier", "POST", "/deconnexion"): "signing out: only clears the caller's own cookie",
    ("notifier", "POST", "/deconnexion-partout"): "signing out everywhere: ends only the caller's"
    " own sessions, with its cookie and form token (attacked in test_credentials.py)",
    ("notifier", "POST", "/connexion/lien"): "asks for a sign-in link by e-mail: the same answer"
    " for any address, rate-limited (tests/integration/notifier/test_front_door.py)",
    ("notifier", "GET", "/session/porte"): "the front door's question: names the caller's own"
    " référent only, to the caller's own session",
    ("candidate_profile", "GET", "/espace/static/diagnostic.js"): "the diagnostic form's script",
    ("candidate_profile", "GET", "/espace/passeport/copier.js"): "the passeport page's script",
    ("employer_intake", "GET", "/federation/static/besoin.js"): "the portal's need form script",
    ("employer_intake", "GET", "/federation/static/import.js"): "the portal's import script",
    **{
        ("candidate_profile", method, path): "a passeport link is its own key (no session): an"
        " unknown, revoked or expired link, another passeport's link and a forged form token are"
        " attacked in tests/integration/candidate_profile/test_passeport.py"
        for method, path in (
            ("GET", "/passeport/lien/{token}"),
            ("POST", "/passeport/lien/{token}/avis/{section}"),
            ("POST", "/passeport/lien/{token}/attestation"),
        )
    },
    **{
        (s, "MOUNT", "/commun"): "the shared stylesheet and script"
        for s in ("candidate_profile", "notifier", "employer_intake")
    },
    **ACTIONS_PUBLIC,
}


def app_of(service: str) -> FastAPI:
    """The service's app as it is built (creating it connects to nothing)."""
    if service == "employer_intake":
        from services.employer_intake.entrypoints.app import create_app as intake

        return intake()
    if service == "candidate_profile":
        from services.candidate_profile.entrypoints.app import create_app as profiles

        return profiles()
    if service == "matcher":
        from services.matcher.entrypoints.app import create_app as matcher

        return matcher()
    if service == "notifier":
        from services.notifier.entrypoints.app import create_app as notifier

        return notifier()
    from services.actions.entrypoints.app import create_app as actions

    return actions()


def routes_of(service: str) -> set[tuple[str, str, str]]:
    """(service, method, path) of every route, those of included routers too."""
    found = set()
    for route in iter_route_contexts(app_of(service).routes):
        if isinstance(route.original_route, Mount):
            found.add((service, "MOUNT", route.path))
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((service, method, route.path))
    return found


# --- the tenants -------------------------------------------------------------------------------


# A rare trade in Saint-Gaudens, within 10 km: the suite's profiles and needs fit each other and
# stay out of the other suites' matches on the same stack (and theirs out of ours).
COMMUNE = "31483"


def need_body(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "employer_name": world.employer,
        "title": "Tailleur / Tailleuse de pierre",
        "description": "Restauration de façades en pierre.",
        "skills": ["taille de pierre", "lecture de plans"],
        "commune_insee": COMMUNE,
        "contract_type": "CDD",
        "hours_per_week": 35,
        "schedules": ["day"],
        **changes,
    }


def consent() -> dict[str, Any]:
    expires = (datetime.now(UTC) + timedelta(days=300)).isoformat()
    # Sharing with another structure needs its own purpose (the victim's profile is shared).
    return {"purposes": ["matching", "sharing_with_partners"], "expires_at": expires}


def profile_fields() -> dict[str, Any]:
    return {
        "first_name": "Inès",
        "desired_jobs": ["Tailleuse de pierre"],
        "commune_insee": COMMUNE,
        "experience": "Trois ans de restauration de façades en pierre.",
        "skills": ["taille de pierre", "lecture de plans"],
        "mobility_km": 10,
        "has_driving_licence": True,
    }


def make_tenants(world: World) -> None:
    for name in ("A", "B"):
        world.federation[name] = f"SEC{world.run}{name}"
        out, _ = cli(
            "services.employer_intake", "create-api-key", "--federation", world.federation[name]
        )
        world.api_key[name] = out.strip().splitlines()[-1]
        world.portal_admin[name] = new_portal_user(world, name, admin=True)
    for name in ("X", "Y", "Z"):
        world.structure[name] = f"SEC{world.run}{name}"
        out, err = cli(
            "services.candidate_profile",
            "create-referent",
            "--structure",
            world.structure[name],
            "--email",
            f"ref.{name.lower()}.{world.run.lower()}@securite.example.org",
            "--name",
            f"Référent {name}",
        )
        world.bearer[name] = out.strip().splitlines()[-1]
        found = re.search(r"inbox sign-in token (\S+)", err)
        assert found is not None
        world.sign_in[name] = found.group(1)


def portal_email(world: World, name: str, who: str) -> str:
    return f"{who}.{name.lower()}.{world.run.lower()}@federation.example.org"


def new_portal_user(world: World, name: str, *, admin: bool = False) -> str:
    """A user of federation `name`'s portal, created as ops would; their id."""
    who = "admin" if admin else f"membre-{uuid.uuid4().hex[:6]}"
    args = ["--federation", world.federation[name], "--name", f"Fédé {name} {who}"]
    args += ["--email", portal_email(world, name, who)] + (["--admin"] if admin else [])
    out, _ = cli("services.employer_intake", "create-federation-user", *args)
    return out.strip().splitlines()[-1]


async def make_victims(world: World, http: httpx.AsyncClient) -> None:
    """Y's profile, shared with Z; B's need that fits it; Y's alert about it."""
    profiles, intake = world.urls["candidate_profile"], world.urls["employer_intake"]
    world.idempotency["Y"] = f"idem-{uuid.uuid4()}"
    world.profile_body = {**profile_fields(), "consent": consent()}
    r = await http.post(
        f"{profiles}/profiles",
        json=world.profile_body,
        headers={**bearer(world, "Y"), "Idempotency-Key": world.idempotency["Y"]},
    )
    assert r.status_code == 201, r.status_code
    world.profile = r.json()["candidate_id"]
    r = await http.post(
        f"{profiles}/profiles/{world.profile}/shares",
        json={"structure": world.structure["Z"]},
        headers=bearer(world, "Y"),
    )
    assert r.status_code == 200, r.status_code
    # X has a candidate of its own that fits too: its inbox then holds a form (and its token).
    r = await http.post(
        f"{profiles}/profiles",
        json={**profile_fields(), "consent": consent()},
        headers=bearer(world, "X"),
    )
    assert r.status_code == 201, r.status_code
    await asyncio.sleep(2)  # the profile reaches the matcher's index first
    world.idempotency["B"] = f"idem-{uuid.uuid4()}"
    r = await http.post(
        f"{intake}/needs",
        json=need_body(world),
        headers={**api_key(world, "B"), "Idempotency-Key": world.idempotency["B"]},
    )
    assert r.status_code == 201, r.status_code
    world.need = r.json()["need_id"]
    for name in ("X", "Y"):
        session = await sign_in(world, name)
        alert, csrf = await until_alerted(world, session)
        world.sessions[name] = (session, csrf)
        if name == "Y":
            world.alert = alert


async def sign_in(world: World, name: str) -> str:
    """The session cookie of the référent's inbox."""
    async with httpx.AsyncClient(base_url=world.urls["notifier"], timeout=30) as browser:
        r = await browser.post("/connexion", data={"jeton": world.sign_in[name]})
        assert r.status_code == 303, r.status_code
        session = browser.cookies.get("spie_session")
    assert session
    return session


async def until_alerted(world: World, session: str, within: float = 120) -> tuple[str, str]:
    """The alert about B's need as the référent's inbox shows it, and the page's form token."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=world.urls["notifier"], timeout=30) as browser:
        while time.monotonic() < deadline:
            page = (await browser.get("/boite", headers={"Cookie": f"spie_session={session}"})).text
            for chunk in page.split('id="alerte-')[1:]:
                csrf = re.search(r'name="csrf" value="([^"]+)"', chunk)
                if world.employer in chunk and csrf:
                    return chunk[:36], csrf.group(1)
            await asyncio.sleep(1)
    raise AssertionError("the alert never arrived")


# --- the attacks -------------------------------------------------------------------------------


def nonzero_counts(r: httpx.Response) -> bool:
    return any(v != 0 for v in r.json().get("decisions", {}).values())


async def fresh_need(world: World, http: httpx.AsyncClient) -> str:
    r = await http.post(
        f"{world.urls['employer_intake']}/needs",
        json=need_body(world, title="Coffreur / Coffreuse"),
        headers=api_key(world, "B"),
    )
    assert r.status_code == 201, r.status_code
    return str(r.json()["need_id"])


async def fresh_profile(world: World, http: httpx.AsyncClient, *, shared: bool = False) -> str:
    profiles = world.urls["candidate_profile"]
    r = await http.post(
        f"{profiles}/profiles",
        json={**profile_fields(), "consent": consent()},
        headers=bearer(world, "Y"),
    )
    assert r.status_code == 201, r.status_code
    candidate = str(r.json()["candidate_id"])
    if shared:
        r = await http.post(
            f"{profiles}/profiles/{candidate}/shares",
            json={"structure": world.structure["Z"]},
            headers=bearer(world, "Y"),
        )
        assert r.status_code == 200, r.status_code
    return candidate


def federation_attempts(world: World) -> list[Attempt]:
    return [
        Attempt(NO_CREDENTIAL),
        Attempt(FORGED, {"X-API-Key": f"spie_{uuid.uuid4().hex[:8]}_{uuid.uuid4().hex}"}),
        Attempt(OTHER_TENANT, api_key(world, "A")),
    ]


def referent_attempts(world: World) -> list[Attempt]:
    return [
        Attempt(NO_CREDENTIAL),
        Attempt(FORGED, authorization(f"forged-{uuid.uuid4().hex}")),
        Attempt(OTHER_TENANT, bearer(world, "X")),
    ]


def intake_plans() -> dict[tuple[str, str], PlanMaker]:
    def on_need(method: str, suffix: str = "", body: Any = None, fresh: bool = False) -> PlanMaker:
        async def plan(world: World, http: httpx.AsyncClient) -> Plan:
            need = await fresh_need(world, http) if fresh else world.need
            call = Call(method, f"{world.urls['employer_intake']}/needs/{need}{suffix}", json=body)
            return Plan(
                call,
                federation_attempts(world),
                Attempt("owner", api_key(world, "B")),
                contains(need),
                changes_victim=method != "GET",
            )

        return plan

    async def post_need(world: World, http: httpx.AsyncClient) -> Plan:
        # A replays the Idempotency-Key B used: it must not get B's need back.
        call = Call(
            "POST",
            f"{world.urls['employer_intake']}/needs",
            json=need_body(world),
            extra_headers={"Idempotency-Key": world.idempotency["B"]},
        )
        return Plan(
            call,
            federation_attempts(world),
            Attempt("owner", api_key(world, "B")),
            contains(world.need),
        )

    async def list_needs(world: World, http: httpx.AsyncClient) -> Plan:
        call = Call("GET", f"{world.urls['employer_intake']}/needs", params={"limit": "200"})
        return Plan(
            call,
            federation_attempts(world),
            Attempt("owner", api_key(world, "B")),
            contains(world.need),
        )

    async def bulk(world: World, http: httpx.AsyncClient) -> Plan:
        line = httpx.Request("POST", "/", json=need_body(world, title="Manœuvre")).content
        call = Call(
            "POST",
            f"{world.urls['employer_intake']}/needs/bulk",
            content=line + b"\n",
            extra_headers={"Content-Type": "application/x-ndjson"},
        )
        return Plan(
            call,
            federation_attempts(world),
            Attempt("owner", api_key(world, "B")),
            contains(world.need),  # the report of A's upload must not name B's need
            owner_check=lambda r: r.json()["stored"] + r.json()["already_present"] == 1,
        )

    async def my_assertion(world: World, http: httpx.AsyncClient) -> Plan:
        call = Call("POST", f"{world.urls['employer_intake']}/federations/me/assertion")
        return Plan(
            call,
            federation_attempts(world),
            Attempt("owner", api_key(world, "B")),
            contains(f'"{world.federation["B"]}"'),
        )

    return {
        ("POST", "/needs"): post_need,
        ("GET", "/needs"): list_needs,
        ("GET", "/needs/{need_id}"): on_need("GET"),
        ("PATCH", "/needs/{need_id}"): on_need("PATCH", body={"hours_per_week": 30}),
        ("POST", "/needs/{need_id}/close"): on_need(
            "POST", "/close", body={"reason": "cancelled"}, fresh=True
        ),
        ("POST", "/needs/bulk"): bulk,
        ("POST", "/federations/me/assertion"): my_assertion,
    }


def profile_plans() -> dict[tuple[str, str], PlanMaker]:
    def on_profile(
        method: str,
        suffix: str = "",
        body: Any = None,
        *,
        fresh: bool = False,
        shared: bool = False,
        status: int = 200,
        shows: bool = True,
        leaked: Callable[[httpx.Response], bool] | None = None,
    ) -> PlanMaker:
        async def plan(world: World, http: httpx.AsyncClient) -> Plan:
            candidate = await fresh_profile(world, http, shared=shared) if fresh else world.profile
            url = f"{world.urls['candidate_profile']}/profiles/{candidate}{suffix}"
            url = url.replace("{structure}", world.structure["Z"])
            sent = body(world) if callable(body) else body
            return Plan(
                Call(method, url, json=sent),
                referent_attempts(world),
                Attempt("owner", bearer(world, "Y")),
                leaked or contains(candidate),
                changes_victim=method != "GET",
                owner_status=status,
                owner_sees_data=shows,
            )

        return plan

    async def post_profile(world: World, http: httpx.AsyncClient) -> Plan:
        # X replays the Idempotency-Key Y used: it must not get Y's profile back.
        call = Call(
            "POST",
            f"{world.urls['candidate_profile']}/profiles",
            json=world.profile_body,
            extra_headers={"Idempotency-Key": world.idempotency["Y"]},
        )
        return Plan(
            call,
            referent_attempts(world),
            Attempt("owner", bearer(world, "Y")),
            contains(world.profile),
            owner_status=201,
        )

    def about_me(method: str, suffix: str, body: Any = None) -> PlanMaker:
        async def plan(world: World, http: httpx.AsyncClient) -> Plan:
            call = Call(
                method, f"{world.urls['candidate_profile']}/referents/me{suffix}", json=body
            )
            return Plan(
                call,
                referent_attempts(world),
                Attempt("owner", bearer(world, "Y")),
                contains(f'"{world.structure["Y"]}"'),
            )

        return plan

    async def list_profiles(world: World, http: httpx.AsyncClient) -> Plan:
        call = Call("GET", f"{world.urls['candidate_profile']}/profiles", params={"limit": "200"})
        return Plan(
            call,
            referent_attempts(world),
            Attempt("owner", bearer(world, "Y")),
            contains(world.profile),
        )

    preferences = {"mode": "immediate", "quiet_start": None, "quiet_end": None}
    return {
        ("POST", "/profiles"): post_profile,
        ("GET", "/profiles"): list_profiles,
        ("GET", "/profiles/{candidate_id}"): on_profile("GET"),
        ("PUT", "/profiles/{candidate_id}"): on_profile("PUT", body=profile_fields()),
        ("DELETE", "/profiles/{candidate_id}"): on_profile("DELETE", fresh=True, status=204),
        # X asks for Y's profile to be shared with X (a fresh one: Y's own success shares it).
        ("POST", "/profiles/{candidate_id}/shares"): on_profile(
            "POST", "/shares", body=lambda w: {"structure": w.structure["X"]}, fresh=True
        ),
        ("DELETE", "/profiles/{candidate_id}/shares/{structure}"): on_profile(
            "DELETE", "/shares/{structure}", fresh=True, shared=True
        ),
        # The history names no candidate (a keyed hash): any entry is the victim's data.
        ("GET", "/profiles/{candidate_id}/consent"): on_profile(
            "GET", "/consent", leaked=lambda r: r.json() != []
        ),
        ("POST", "/profiles/{candidate_id}/consent"): on_profile(
            "POST", "/consent", body=consent()
        ),
        ("POST", "/profiles/{candidate_id}/consent/renew"): on_profile(
            "POST", "/consent/renew", body={"expires_at": consent()["expires_at"]}
        ),
        ("POST", "/profiles/{candidate_id}/consent/withdraw"): on_profile(
            "POST", "/consent/withdraw", body={"purposes": ["matching"]}, fresh=True, shows=False
        ),
        ("GET", "/referents/me"): about_me("GET", ""),
        ("PUT", "/referents/me/preferences"): about_me("PUT", "/preferences", preferences),
        ("POST", "/referents/me/assertion"): about_me("POST", "/assertion"),
    }


def matcher_plans() -> dict[tuple[str, str], PlanMaker]:
    async def rows(world: World, http: httpx.AsyncClient) -> Plan:
        # X's référent asks for the rows of Y's candidate; B's federation for the rows at all.
        call = Call(
            "GET", f"{world.urls['matcher']}/matches", params={"candidate_id": world.profile}
        )
        attempts = [
            Attempt(NO_CREDENTIAL),
            Attempt(FORGED, forged_assertion("auditor", "*")),
            Attempt(OTHER_TENANT, await assertion(world, http, "X")),
            Attempt(OTHER_TENANT, await assertion(world, http, "B")),
        ]
        owner = Attempt("owner", await assertion(world, http, "Y"))
        return Plan(call, attempts, owner, contains(world.profile))

    async def summary(world: World, http: httpx.AsyncClient) -> Plan:
        call = Call(
            "GET", f"{world.urls['matcher']}/matches/summary", params={"need_id": world.need}
        )
        attempts = [
            Attempt(NO_CREDENTIAL),
            Attempt(FORGED, forged_assertion("federation", world.federation["B"])),
            Attempt(OTHER_TENANT, await assertion(world, http, "A")),
            Attempt(OTHER_TENANT, await assertion(world, http, "Y")),
        ]
        owner = Attempt("owner", await assertion(world, http, "B"))
        return Plan(call, attempts, owner, nonzero_counts)

    return {("GET", "/matches"): rows, ("GET", "/matches/summary"): summary}


def notifier_plans() -> dict[tuple[str, str], PlanMaker]:
    def forged_cookie(world: World) -> dict[str, str]:
        expires = int(time.time()) + 3600
        return {"spie_session": f"{uuid.uuid4()}.{expires}.{'0' * 64}"}

    async def inbox(world: World, http: httpx.AsyncClient) -> Plan:
        attempts = [
            Attempt(NO_CREDENTIAL),
            Attempt(FORGED, cookies=forged_cookie(world)),
            Attempt(OTHER_TENANT, cookies=cookie(world, "X")),
        ]
        return Plan(
            Call("GET", f"{world.urls['notifier']}/boite"),
            attempts,
            Attempt("owner", cookies=cookie(world, "Y")),
            contains(world.alert),
        )

    async def act(world: World, http: httpx.AsyncClient) -> Plan:
        # X, signed in with a valid form token of its own, acts on Y's alert.
        x_cookie, x_csrf = world.sessions["X"]
        attempts = [
            Attempt(NO_CREDENTIAL, form={"csrf": x_csrf}),
            Attempt(FORGED, cookies=forged_cookie(world), form={"csrf": x_csrf}),
            Attempt(OTHER_TENANT, cookies={"spie_session": x_cookie}, form={"csrf": x_csrf}),
        ]
        owner = Attempt("owner", cookies=cookie(world, "Y"), form={"csrf": world.sessions["Y"][1]})
        call = Call(
            "POST",
            f"{world.urls['notifier']}/alertes/{world.alert}/suivi",
            data={"decision": "contacted"},
        )
        return Plan(
            call,
            attempts,
            owner,
            contains(world.alert),
            changes_victim=True,
            owner_status=303,
            owner_sees_data=False,
        )

    async def proposals(world: World, http: httpx.AsyncClient) -> Plan:
        # The proposals made for Y's person, as the workspace's page borrows them.
        attempts = [
            Attempt(NO_CREDENTIAL),
            Attempt(FORGED, cookies=forged_cookie(world)),
            Attempt(OTHER_TENANT, cookies=cookie(world, "X")),
        ]
        return Plan(
            Call("GET", f"{world.urls['notifier']}/boite/personnes/{world.profile}"),
            attempts,
            Attempt("owner", cookies=cookie(world, "Y")),
            contains(world.employer),
        )

    async def open_counts(world: World, http: httpx.AsyncClient) -> Plan:
        attempts = [
            Attempt(NO_CREDENTIAL),
            Attempt(FORGED, cookies=forged_cookie(world)),
            Attempt(OTHER_TENANT, cookies=cookie(world, "X")),
        ]
        return Plan(
            Call(
                "GET",
                f"{world.urls['notifier']}/boite/api/nouvelles",
                params={"ids": world.profile},
            ),
            attempts,
            Attempt("owner", cookies=cookie(world, "Y")),
            contains(world.profile),
            # The owner may have acted on the alert already (the count is then 0 and absent):
            # what the reply holds for the owner is checked in tests/integration/notifier.
            owner_check=lambda r: isinstance(r.json(), dict),
        )

    async def follow_up_action(world: World, http: httpx.AsyncClient) -> Plan:
        # X, signed in with a valid form token of its own, follows up an action proposed to Y's
        # person (Z, shared with, may: it is not attacked here).
        proposal = await proposed_to_y(world, http)
        x_cookie, x_csrf = world.sessions["X"]
        attempts = [
            Attempt(NO_CREDENTIAL, form={"csrf": x_csrf}),
            Attempt(FORGED, cookies=forged_cookie(world), form={"csrf": x_csrf}),
            Attempt(OTHER_TENANT, cookies={"spie_session": x_cookie}, form={"csrf": x_csrf}),
        ]
        owner = Attempt("owner", cookies=cookie(world, "Y"), form={"csrf": world.sessions["Y"][1]})
        call = Call(
            "POST",
            f"{world.urls['notifier']}/boite/actions/{proposal}/suivi",
            data={"decision": "inscrit"},
        )
        return Plan(
            call,
            attempts,
            owner,
            contains(proposal),
            changes_victim=True,
            owner_status=303,
            owner_sees_data=False,
        )

    return {
        ("GET", "/boite"): inbox,
        ("POST", "/alertes/{alert_id}/suivi"): act,
        ("POST", "/boite/actions/{proposal_id}/suivi"): follow_up_action,
        ("GET", "/boite/personnes/{candidate_id}"): proposals,
        ("GET", "/boite/api/nouvelles"): open_counts,
    }


async def proposed_to_y(world: World, http: httpx.AsyncClient, within: float = 60) -> str:
    """An action proposed to Y's person (published as the matcher would), once in Y's inbox."""
    me = await http.get(
        f"{world.urls['candidate_profile']}/referents/me", headers=bearer(world, "Y")
    )
    event = proposal_event(
        uuid.UUID(me.json()["referent_id"]), world.structure["Y"],
        candidate_id=uuid.UUID(world.profile),
    )  # fmt: skip
    broker = make_broker(load_base_settings().kafka_bootstrap, client_id="security-tests")
    await broker.start()
    try:
        await publish_event(broker, event)
    finally:
        await broker.stop()
    proposal = str(event.payload.proposal_id)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        page = await http.get(f"{world.urls['notifier']}/boite", cookies=cookie(world, "Y"))
        if f'id="action-{proposal}"' in page.text:
            return proposal
        await asyncio.sleep(0.5)
    raise AssertionError("the action proposed never reached Y's inbox")


def workspace_plans() -> dict[tuple[str, str], PlanMaker]:
    """The référents' pages: nobody without the door's word, nobody with a forged one, and a
    référent of X on Y's person gets nothing (404); Y itself gets the page."""
    forged_ring = Keyring(b"not-the-real-root-secret-0123456789")
    later = (datetime.now(UTC) + timedelta(days=300)).date().isoformat()

    def page(
        method: str,
        suffix: str,
        *,
        form: dict[str, str] | None = None,
        fresh: bool = False,
        shared: bool = True,
        owner_status: int = 200,
        listing: bool = False,
    ) -> PlanMaker:
        async def plan(world: World, http: httpx.AsyncClient) -> Plan:
            candidate = world.profile
            if fresh:  # what the owner's control changes is a person of its own
                candidate = await fresh_profile(world, http, shared=shared)
            data = None
            if form is not None:  # the structure to share with is Z's
                data = {k: world.structure["Z"] if v == "Z" else v for k, v in form.items()}
            base = world.urls["candidate_profile"]
            if listing:
                url = f"{base}{suffix}"
            else:
                url = f"{base}/espace/personnes/{candidate}{suffix}"
            x, y = await door_pass(world, http, "X"), await door_pass(world, http, "Y")
            forged = await door_pass(world, http, "Y", forged_ring)
            attempts = [
                Attempt(NO_CREDENTIAL, form={"csrf": y.csrf} if form is not None else {}),
                Attempt(FORGED, forged.headers, forged.cookies, {"csrf": forged.csrf}),
                Attempt(OTHER_TENANT, x.headers, x.cookies, {"csrf": x.csrf}),
            ]
            if form is None:
                attempts = [Attempt(a.kind, a.headers, a.cookies) for a in attempts]
            owner = Attempt(
                "owner", y.headers, y.cookies, {"csrf": y.csrf} if form is not None else {}
            )
            params = {"ids": candidate} if suffix == "/espace/api/prenoms" else None
            if suffix == "/espace":
                params = {"q": "Inès"}
            return Plan(
                Call(method, url, data=data, params=params),
                attempts,
                owner,
                contains(candidate),
                changes_victim=method == "POST",
                owner_status=owner_status,
                owner_sees_data=owner_status == 200,
            )

        return plan

    person = "/espace/personnes/{candidate_id:uuid}"
    return {
        ("GET", "/espace"): page("GET", "/espace", listing=True),
        ("GET", "/espace/api/prenoms"): page("GET", "/espace/api/prenoms", listing=True),
        ("GET", person): page("GET", ""),
        ("GET", f"{person}/consentement"): page("GET", "/consentement"),
        ("GET", f"{person}/consentement/recu"): page("GET", "/consentement/recu"),
        ("POST", f"{person}/consentement"): page(
            "POST",
            "/consentement",
            form={"usages": "matching", "fin": later},
            fresh=True,
            owner_status=303,
        ),
        ("POST", f"{person}/consentement/prolonger"): page(
            "POST",
            "/consentement/prolonger",
            form={"fin_prolongation": later},
            fresh=True,
            owner_status=303,
        ),
        # Without `confirme=oui`: the confirmation page (the owner's control changes nothing).
        ("POST", f"{person}/consentement/retrait"): page(
            "POST", "/consentement/retrait", form={"retrait": "sharing_with_partners"}, fresh=True
        ),
        ("POST", f"{person}/partages"): page(
            "POST",
            "/partages",
            form={"structure": "Z"},
            fresh=True,
            shared=False,
            owner_status=303,
        ),
        ("POST", f"{person}/partages/retrait"): page(
            "POST", "/partages/retrait", form={"structure": "Z"}, fresh=True, owner_status=303
        ),
    }


def as_form(fields: list[tuple[str, str]]) -> dict[str, Any]:
    """Fields of a page, as httpx posts them (a name met twice becomes a list)."""
    form: dict[str, list[str]] = {}
    for name, value in fields:
        form.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in form.items() if k != "csrf"}


def diagnostic_plans() -> dict[tuple[str, str], PlanMaker]:
    """The diagnostic's pages: the same three attackers; the owner's controls post the owner's
    own pre-filled form back (a profile made through the API pre-fills it)."""
    forged_ring = Keyring(b"not-the-real-root-secret-0123456789")

    async def passes(world: World, http: httpx.AsyncClient) -> tuple[DoorPass, ...]:
        return (
            await door_pass(world, http, "X"),
            await door_pass(world, http, "Y"),
            await door_pass(world, http, "Y", forged_ring),
        )

    def attempts_of(x: DoorPass, y: DoorPass, forged: DoorPass, post: bool) -> list[Attempt]:
        found = [
            Attempt(NO_CREDENTIAL, form={"csrf": y.csrf} if post else {}),
            Attempt(FORGED, forged.headers, forged.cookies, {"csrf": forged.csrf} if post else {}),
        ]
        if x.headers:  # a référent of X on Y's person
            found.append(
                Attempt(OTHER_TENANT, x.headers, x.cookies, {"csrf": x.csrf} if post else {})
            )
        return found

    async def own_form(
        world: World, http: httpx.AsyncClient, y: DoorPass, candidate: str
    ) -> dict[str, Any]:
        page = await http.get(
            f"{world.urls['candidate_profile']}/espace/personnes/{candidate}/diagnostic",
            headers=y.headers,
            cookies=y.cookies,
        )
        assert page.status_code == 200, page.status_code
        return as_form(form_fields(page.text))

    async def trades(world: World, http: httpx.AsyncClient) -> Plan:
        _x, y, forged = await passes(world, http)
        no_one = DoorPass({}, {}, "")
        return Plan(
            Call(
                "GET",
                f"{world.urls['candidate_profile']}/espace/api/metiers",
                params={"q": "maçon"},
            ),
            attempts_of(no_one, y, forged, post=False),
            Attempt("owner", y.headers, y.cookies),
            lambda r: (
                r.headers.get("content-type", "").startswith("application/json") and bool(r.json())
            ),
        )

    async def new_form(world: World, http: httpx.AsyncClient) -> Plan:
        _x, y, forged = await passes(world, http)
        return Plan(
            Call("GET", f"{world.urls['candidate_profile']}/espace/personnes/nouvelle"),
            attempts_of(DoorPass({}, {}, ""), y, forged, post=False),
            Attempt("owner", y.headers, y.cookies),
            contains("<form"),
        )

    async def new_person(world: World, http: httpx.AsyncClient) -> Plan:
        # Nobody without the door creates a person; the owner's empty form is refused field by
        # field (422), which shows the request reached the form's checks.
        _x, y, forged = await passes(world, http)
        return Plan(
            Call("POST", f"{world.urls['candidate_profile']}/espace/personnes/nouvelle", data={}),
            attempts_of(DoorPass({}, {}, ""), y, forged, post=True),
            Attempt("owner", y.headers, y.cookies, {"csrf": y.csrf}),
            contains("<form"),
            changes_victim=True,
            owner_status=422,
        )

    async def view(world: World, http: httpx.AsyncClient) -> Plan:
        x, y, forged = await passes(world, http)
        return Plan(
            Call(
                "GET",
                f"{world.urls['candidate_profile']}/espace/personnes/{world.profile}/diagnostic",
            ),
            attempts_of(x, y, forged, post=False),
            Attempt("owner", y.headers, y.cookies),
            contains(world.profile),
        )

    async def save(world: World, http: httpx.AsyncClient) -> Plan:
        x, y, forged = await passes(world, http)
        candidate = await fresh_profile(world, http)
        form = await own_form(world, http, y, candidate)
        return Plan(
            Call(
                "POST",
                f"{world.urls['candidate_profile']}/espace/personnes/{candidate}/diagnostic",
                data=form,
            ),
            attempts_of(x, y, forged, post=True),
            Attempt("owner", y.headers, y.cookies, {"csrf": y.csrf}),
            contains(candidate),
            changes_victim=True,
            owner_status=303,
            owner_sees_data=False,
        )

    async def past(world: World, http: httpx.AsyncClient) -> Plan:
        x, y, forged = await passes(world, http)
        candidate = await fresh_profile(world, http)
        form = await own_form(world, http, y, candidate)
        saved = await http.post(
            f"{world.urls['candidate_profile']}/espace/personnes/{candidate}/diagnostic",
            data={**form, "csrf": y.csrf},
            headers=y.headers,
            cookies=y.cookies,
        )
        assert saved.status_code == 303, saved.status_code
        return Plan(
            Call(
                "GET",
                f"{world.urls['candidate_profile']}/espace/personnes/{candidate}/diagnostic/1",
            ),
            attempts_of(x, y, forged, post=False),
            Attempt("owner", y.headers, y.cookies),
            contains(candidate),
        )

    person = "/espace/personnes/{candidate_id:uuid}"
    return {
        ("GET", "/espace/api/metiers"): trades,
        ("GET", "/espace/personnes/nouvelle"): new_form,
        ("POST", "/espace/personnes/nouvelle"): new_person,
        ("GET", f"{person}/diagnostic"): view,
        ("POST", f"{person}/diagnostic"): save,
        ("GET", f"{person}/diagnostic/{{seq:int}}"): past,
    }


def passeport_plans() -> dict[tuple[str, str], PlanMaker]:
    """The référent's side of the passeport: the same three attackers on Y's person; what the
    owner's controls change is a fresh person of Y's, with an item and a link made first."""
    forged_ring = Keyring(b"not-the-real-root-secret-0123456789")
    skill = {
        "section": "competences",
        "competence": "Taille de pierre",
        "preuve_type": "experience",
        "preuve": "Trois ans sur chantier",
    }

    def plan_for(
        method: str,
        suffix: str,
        *,
        form: dict[str, str] | None = None,
        needs: str = "",
        owner_status: int = 200,
        shows: Callable[[httpx.Response], bool] | None = None,
    ) -> PlanMaker:
        async def plan(world: World, http: httpx.AsyncClient) -> Plan:
            x, y = await door_pass(world, http, "X"), await door_pass(world, http, "Y")
            forged = await door_pass(world, http, "Y", forged_ring)
            candidate = await fresh_profile(world, http) if (form or needs) else world.profile
            base = f"{world.urls['candidate_profile']}/espace/personnes/{candidate}/passeport"
            owner_pass = {"headers": y.headers, "cookies": y.cookies}
            made = ""
            if needs:  # an item or a link of the owner's, made as the owner would
                first = await http.post(
                    f"{base}/{'liens' if needs == 'link' else 'elements'}",
                    data={
                        **({"lien_type": "personne"} if needs == "link" else skill),
                        "csrf": y.csrf,
                    },
                    **owner_pass,
                )
                assert first.status_code in (201, 303), first.status_code
                page = (await http.get(base, **owner_pass)).text
                pattern = (
                    r"/liens/([0-9a-f-]{36})/retirer"
                    if needs == "link"
                    else r"/elements/([0-9a-f-]{36})"
                )
                found = re.search(pattern, page)
                assert found, f"no {needs} on the owner's passeport page"
                made = found.group(1)
            post = method == "POST"
            attempts = [
                Attempt(NO_CREDENTIAL, form={"csrf": y.csrf} if post else {}),
                Attempt(
                    FORGED, forged.headers, forged.cookies, {"csrf": forged.csrf} if post else {}
                ),
                Attempt(OTHER_TENANT, x.headers, x.cookies, {"csrf": x.csrf} if post else {}),
            ]
            return Plan(
                Call(method, f"{base}{suffix.replace('{made}', made)}", data=form),
                attempts,
                Attempt("owner", y.headers, y.cookies, {"csrf": y.csrf} if post else {}),
                shows or contains(candidate),
                changes_victim=post,
                owner_status=owner_status,
                owner_sees_data=owner_status in (200, 201),
            )

        return plan

    def typed(kind: str) -> Callable[[httpx.Response], bool]:
        return lambda r: r.headers.get("content-type", "").startswith(kind)

    person = "/espace/personnes/{candidate_id}/passeport"
    return {
        ("GET", person): plan_for("GET", ""),
        ("GET", f"{person}.json"): plan_for("GET", ".json", shows=typed("application/json")),
        ("GET", f"{person}.pdf"): plan_for("GET", ".pdf", shows=typed("application/pdf")),
        ("POST", f"{person}/elements"): plan_for("POST", "/elements", form=skill, owner_status=303),
        ("GET", f"{person}/elements/{{item_id}}"): plan_for(
            "GET", "/elements/{made}", needs="item", shows=contains("Taille de pierre")
        ),
        ("POST", f"{person}/elements/{{item_id}}"): plan_for(
            "POST",
            "/elements/{made}",
            form={**skill, "preuve": "Quatre ans"},
            needs="item",
            owner_status=303,
        ),
        ("POST", f"{person}/elements/{{item_id}}/retirer"): plan_for(
            "POST", "/elements/{made}/retirer", form={}, needs="item", owner_status=303
        ),
        ("POST", f"{person}/liens"): plan_for(
            "POST",
            "/liens",
            form={"lien_type": "personne", "lien_jours": "30"},
            owner_status=201,
            shows=contains("/passeport/lien/"),
        ),
        ("POST", f"{person}/liens/{{link_id}}/retirer"): plan_for(
            "POST", "/liens/{made}/retirer", form={}, needs="link", owner_status=303
        ),
    }


def portal_plans() -> dict[tuple[str, str], PlanMaker]:
    """The federations' portal: nobody without the door's word, nobody with a forged one, and a
    user of A on B's need gets nothing (404); B itself gets the page. Where a page holds no
    federation's data (a blank form, the suggestions), A's own use is legitimate: only the
    first two attack it."""
    forged_ring = Keyring(b"not-the-real-root-secret-0123456789")
    need_form = {
        "title": "Coffreur / Coffreuse",
        "employer_name": "Pierres Sécurité",
        "commune": "Saint-Gaudens (31483)",
        "contract_type": "CDD",
        "hours_per_week": "30",
        "positions": "1",
        "driving_licence_required": "non",
        "open_to_beginners": "non",
    }

    def typed(kind: str) -> Callable[[httpx.Response], bool]:
        return lambda r: r.headers.get("content-type", "").startswith(kind) and len(r.text) > 2

    def plan_for(
        method: str,
        suffix: str,
        *,
        form: dict[str, str] | None = None,
        files: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        on_need: bool = False,
        fresh: bool = False,
        tenant_data: bool = True,
        owner_status: int = 200,
        shows: Callable[[httpx.Response], bool] | None = None,
    ) -> PlanMaker:
        async def plan(world: World, http: httpx.AsyncClient) -> Plan:
            a, b = portal_pass(world, "A"), portal_pass(world, "B")
            forged = portal_pass(world, "B", forged_ring)
            need = await fresh_need(world, http) if fresh else world.need
            base = world.urls["employer_intake"]
            url = f"{base}/federation/besoins/{need}{suffix}" if on_need else f"{base}{suffix}"
            post = method == "POST"
            attempts = [
                Attempt(NO_CREDENTIAL, form={"csrf": b.csrf} if post else {}),
                Attempt(
                    FORGED, forged.headers, forged.cookies, {"csrf": forged.csrf} if post else {}
                ),
            ]
            if tenant_data:
                attempts.append(
                    Attempt(OTHER_TENANT, a.headers, a.cookies, {"csrf": a.csrf} if post else {})
                )
            return Plan(
                Call(method, url, data=form, files=files, params=params),
                attempts,
                Attempt("owner", b.headers, b.cookies, {"csrf": b.csrf} if post else {}),
                shows or contains(need),
                changes_victim=post,
                owner_status=owner_status,
                owner_sees_data=owner_status == 200,
            )

        return plan

    line = "employer_name,title,commune_insee,contract_type,hours_per_week\n"
    upload = {"fichier": ("besoins.csv", f"{line}Pierres,Manœuvre,31483,CDD,35\n", "text/csv")}
    refused = base64.b64encode(b"ligne;motifs\r\n3;Heures par semaine\r\n").decode()
    need = "/federation/besoins/{need_id:uuid}"
    return {
        ("GET", "/federation"): plan_for("GET", "/federation"),
        ("GET", "/federation/export.csv"): plan_for("GET", "/federation/export.csv"),
        ("GET", need): plan_for("GET", "", on_need=True),
        ("GET", f"{need}/modifier"): plan_for("GET", "/modifier", on_need=True),
        ("POST", f"{need}/modifier"): plan_for(
            "POST",
            "/modifier",
            form={**need_form, "action": "publier"},
            on_need=True,
            fresh=True,
            owner_status=303,
        ),
        ("POST", f"{need}/cloture"): plan_for(
            "POST", "/cloture", form={"issue": "annule"}, on_need=True, fresh=True, owner_status=303
        ),
        ("GET", "/federation/besoins/nouveau"): plan_for(
            "GET", "/federation/besoins/nouveau", tenant_data=False, shows=contains("<form")
        ),
        # Checking stores nothing: the owner's control is the checked form, shown again.
        ("POST", "/federation/besoins/nouveau"): plan_for(
            "POST",
            "/federation/besoins/nouveau",
            form={**need_form, "action": "verifier"},
            tenant_data=False,
            shows=contains("Vérification avant publication"),
        ),
        ("GET", "/federation/import"): plan_for(
            "GET", "/federation/import", tenant_data=False, shows=contains("<form")
        ),
        ("POST", "/federation/import"): plan_for(
            "POST",
            "/federation/import",
            files=upload,
            tenant_data=False,
            shows=contains("1 besoin publié"),
        ),
        ("POST", "/federation/import/refus.csv"): plan_for(
            "POST",
            "/federation/import/refus.csv",
            form={"contenu": refused},
            tenant_data=False,
            shows=contains("Heures par semaine"),
        ),
        ("GET", "/federation/api/metiers"): plan_for(
            "GET",
            "/federation/api/metiers",
            params={"q": "coffreur"},
            tenant_data=False,
            shows=typed("application/json"),
        ),
        ("GET", "/federation/api/competences"): plan_for(
            "GET",
            "/federation/api/competences",
            params={"rome": "F1701"},
            tenant_data=False,
            shows=typed("application/json"),
        ),
        ("GET", "/federation/api/communes"): plan_for(
            "GET",
            "/federation/api/communes",
            params={"q": "saint-gau"},
            tenant_data=False,
            shows=typed("application/json"),
        ),
    }


def portal_reach_plans() -> dict[tuple[str, str], PlanMaker]:
    """A need's results fragment: nobody without the door's word or with a forged one, and A's
    user on B's need gets a 404; B's user gets the fragment."""
    forged_ring = Keyring(b"not-the-real-root-secret-0123456789")

    async def results(world: World, http: httpx.AsyncClient) -> Plan:
        url = f"{world.urls['employer_intake']}/federation/besoins/{world.need}/resultats"
        a, b = portal_pass(world, "A"), portal_pass(world, "B")
        forged = portal_pass(world, "B", forged_ring)
        return Plan(
            Call("GET", url),
            [
                Attempt(NO_CREDENTIAL),
                Attempt(FORGED, forged.headers, forged.cookies),
                Attempt(OTHER_TENANT, a.headers, a.cookies),
            ],
            Attempt("owner", b.headers, b.cookies),
            contains("Résultats du besoin"),
        )

    async def totals(world: World, http: httpx.AsyncClient) -> Plan:
        # The federation's page names no need; what A must not get is B's weeks at all.
        b, forged = portal_pass(world, "B"), portal_pass(world, "B", forged_ring)
        return Plan(
            Call("GET", f"{world.urls['employer_intake']}/federation/resultats"),
            [
                Attempt(NO_CREDENTIAL),
                Attempt(FORGED, forged.headers, forged.cookies),
            ],
            Attempt("owner", b.headers, b.cookies),
            contains("Détail par semaine"),
        )

    return {
        ("GET", "/federation/besoins/{need_id}/resultats"): results,
        ("GET", "/federation/resultats"): totals,
    }


def ops_plan(service: str, path: str) -> PlanMaker:
    async def plan(world: World, http: httpx.AsyncClient) -> Plan:
        attempts = [
            Attempt(NO_CREDENTIAL),
            Attempt(FORGED, forged_assertion("ops", "*")),
            Attempt(OTHER_TENANT, await assertion(world, http, "B")),
            Attempt(OTHER_TENANT, await assertion(world, http, "Y")),
        ]
        marker = "openapi" if path == "/openapi.json" else "spie_http_request_seconds"
        return Plan(
            Call("GET", f"{world.urls[service]}{path}"),
            attempts,
            Attempt("owner", ops()),
            contains(marker),
        )

    return plan


def portal_pass(world: World, name: str, ring: Keyring | None = None) -> DoorPass:
    """Federation `name`'s admin as the front door vouches for them (the portal's pages)."""
    keyring = ring or load_base_settings().keyring()
    session = uuid.uuid4()
    header = issue(
        keyring,
        role="federation",
        subject=world.portal_admin[name],
        scope=world.federation[name],
        lifetime=timedelta(minutes=2),
    )
    return DoorPass(
        {IDENTITY_HEADER: header},
        {sessions.COOKIE: sessions.cookie_value(keyring, session)},
        sessions.csrf_token(keyring, session),
    )


def portal_admin_plans() -> dict[tuple[str, str], PlanMaker]:
    """The federation's users and API keys: nobody without the door's word, nobody with a forged
    one; A's admin sees only A's users and keys and gets 404 on B's; B's admin gets in."""
    forged_ring = Keyring(b"not-the-real-root-secret-0123456789")

    def page(
        method: str,
        path: Callable[[World, httpx.AsyncClient], Awaitable[str]],
        leaked: Callable[[World], Callable[[httpx.Response], bool]],
        *,
        form: Callable[[World, str], dict[str, str]] | None = None,
        changes_victim: bool = False,
        owner_status: int = 200,
    ) -> PlanMaker:
        async def plan(world: World, http: httpx.AsyncClient) -> Plan:
            a, b = portal_pass(world, "A"), portal_pass(world, "B")
            forged = portal_pass(world, "B", forged_ring)

            def fields(pass_: DoorPass, who: str) -> dict[str, str]:
                # Each caller's form is its own (a new address each): one cannot spoil another's.
                return {"csrf": pass_.csrf, **form(world, who)} if form else {}

            attempts = [
                Attempt(NO_CREDENTIAL, form=fields(b, "nobody")),
                Attempt(FORGED, forged.headers, forged.cookies, fields(forged, "forged")),
                Attempt(OTHER_TENANT, a.headers, a.cookies, fields(a, "other")),
            ]
            url = f"{world.urls['employer_intake']}{await path(world, http)}"
            return Plan(
                Call(method, url),
                attempts,
                Attempt("owner", b.headers, b.cookies, fields(b, "owner")),
                leaked(world),
                changes_victim=changes_victim,
                owner_status=owner_status,
                owner_sees_data=owner_status == 200,
            )

        return plan

    def fixed(path: str) -> Callable[[World, httpx.AsyncClient], Awaitable[str]]:
        async def get(world: World, http: httpx.AsyncClient) -> str:
            return path

        return get

    async def b_member(world: World, http: httpx.AsyncClient) -> str:
        return f"/federation/utilisateurs/{new_portal_user(world, 'B')}/acces"

    async def b_key(world: World, http: httpx.AsyncClient) -> str:
        b = portal_pass(world, "B")
        r = await http.post(
            f"{world.urls['employer_intake']}/federation/cles",
            data={"label": "Clé à révoquer", "csrf": b.csrf},
            headers={**b.headers, **cookie_header(b.cookies)},
        )
        assert r.status_code == 200, r.status_code
        found = re.search(r"/federation/cles/([0-9a-f-]{36})/revoquer", r.text)
        assert found is not None  # the newest key's form comes first
        return found.group(0)

    def b_admin(world: World) -> Callable[[httpx.Response], bool]:
        return contains(portal_email(world, "B", "admin"))

    def b_keys(world: World) -> Callable[[httpx.Response], bool]:
        return contains(f"spie_{world.api_key['B'].split('_')[1]}_")

    def new_user(world: World, who: str) -> dict[str, str]:
        return {
            "name": "Nouvelle Personne",
            "email": portal_email(world, "B", f"{who}-{uuid.uuid4().hex[:6]}"),
            "role": "member",
        }

    return {
        ("GET", "/federation/utilisateurs"): page(
            "GET", fixed("/federation/utilisateurs"), b_admin
        ),
        ("POST", "/federation/utilisateurs"): page(
            "POST", fixed("/federation/utilisateurs"), b_admin, form=new_user, owner_status=303
        ),
        ("POST", "/federation/utilisateurs/{user_id:uuid}/acces"): page(
            "POST",
            b_member,
            b_admin,
            form=lambda w, who: {"actif": "0"},
            changes_victim=True,
            owner_status=303,
        ),
        ("GET", "/federation/cles"): page("GET", fixed("/federation/cles"), b_keys),
        # A's admin makes a key for A (their right): the reply must show none of B's keys.
        ("POST", "/federation/cles"): page(
            "POST", fixed("/federation/cles"), b_keys, form=lambda w, who: {"label": who}
        ),
        ("POST", "/federation/cles/{key_id:uuid}/revoquer"): page(
            "POST", b_key, b_keys, form=lambda w, who: {}, changes_victim=True, owner_status=303
        ),
    }


def all_plans() -> dict[tuple[str, str, str], PlanMaker]:
    plans: dict[tuple[str, str, str], PlanMaker] = {}
    for service, table in (
        ("employer_intake", intake_plans()),
        ("candidate_profile", profile_plans()),
        ("matcher", matcher_plans()),
        ("notifier", notifier_plans()),
        ("candidate_profile", workspace_plans()),
        ("candidate_profile", diagnostic_plans()),
        ("candidate_profile", passeport_plans()),
        ("employer_intake", portal_plans()),
        ("employer_intake", portal_admin_plans()),
        ("employer_intake", portal_reach_plans()),
        ("actions", actions_plans()),
    ):
        plans.update({(service, method, path): p for (method, path), p in table.items()})
    for service in SERVICES:
        for path in ("/metrics", "/openapi.json"):
            plans[(service, "GET", path)] = ops_plan(service, path)
    return plans


PLANS = all_plans()


# --- the tests ---------------------------------------------------------------------------------


def test_every_route_is_attacked_or_listed_public() -> None:
    routes = set().union(*(routes_of(s) for s in SERVICES))
    neither = sorted(routes - set(PLANS) - set(PUBLIC))
    assert neither == [], f"routes neither attacked nor listed public: {neither}"
    gone = sorted((set(PLANS) | set(PUBLIC)) - routes)
    assert gone == [], f"listed but no longer served: {gone}"


@pytest.fixture(scope="module")
async def world(service_urls: dict[str, str]) -> AsyncIterator[World]:
    world = World(urls=service_urls)
    make_tenants(world)
    async with httpx.AsyncClient(timeout=30) as http:
        await make_victims(world, http)
        yield world
        await clean_up(world, http)


async def clean_up(world: World, http: httpx.AsyncClient) -> None:
    """Erases the suite's profiles and closes its needs: alike, they would fill the top 10 of
    the next run's need on the same stack."""
    profiles, intake = world.urls["candidate_profile"], world.urls["employer_intake"]
    for name in ("X", "Y"):
        page = await http.get(
            f"{profiles}/profiles", params={"limit": "200"}, headers=bearer(world, name)
        )
        for p in page.json()["items"]:
            await http.delete(
                f"{profiles}/profiles/{p['candidate_id']}", headers=bearer(world, name)
            )
    for name in ("A", "B"):
        page = await http.get(
            f"{intake}/needs",
            params={"limit": "200", "status": "open"},
            headers=api_key(world, name),
        )
        for n in page.json()["items"]:
            await http.post(
                f"{intake}/needs/{n['need_id']}/close",
                json={"reason": "cancelled"},
                headers=api_key(world, name),
            )


async def test_the_running_services_document_only_inventoried_routes(world: World) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        for service in SERVICES:
            r = await http.get(f"{world.urls[service]}/openapi.json", headers=ops())
            assert r.status_code == 200, service
            for path, operations in r.json()["paths"].items():
                for method in operations:
                    route = (service, method.upper(), path)
                    assert route in PLANS or route in PUBLIC, route


async def test_a_structure_the_profile_is_no_longer_shared_with_loses_its_alerts_at_once(
    world: World, attacks: AttackLedger
) -> None:
    # Runs before the routes' attacks: Y's alert is still unclaimed, so Z's page has its form.
    z_session = await sign_in(world, "Z")
    alert, z_csrf = await until_alerted(world, z_session)
    assert alert == world.alert  # positive control: shared with Z, Z sees it and may act
    async with httpx.AsyncClient(timeout=30) as http:
        url = f"{world.urls['candidate_profile']}/profiles/{world.profile}/shares"
        r = await http.delete(f"{url}/{world.structure['Z']}", headers=bearer(world, "Y"))
        assert r.status_code == 200, r.status_code
        inbox = f"{world.urls['notifier']}"
        z_cookie = {"Cookie": f"spie_session={z_session}"}
        deadline = time.monotonic() + 60
        while world.alert in (await http.get(f"{inbox}/boite", headers=z_cookie)).text:
            assert time.monotonic() < deadline, "Z still sees the alert after the un-share"
            await asyncio.sleep(1)
        r = await http.post(
            f"{inbox}/alertes/{world.alert}/suivi",
            headers=z_cookie,
            data={"decision": "contacted", "csrf": z_csrf},
        )
    target = "notifier POST /alertes/{alert_id}/suivi after an un-share"
    assert not attacks.record(OTHER_TENANT, target, got_through=r.status_code != 404)


async def test_another_structures_refusal_does_not_tell_whether_the_person_exists(
    world: World, attacks: AttackLedger
) -> None:
    """X registering Y's person (API and page) or cancelling Y's registration gets the very
    reply an unknown id gets: nothing tells X who is known to the banque d'actions."""
    async with httpx.AsyncClient(timeout=30) as http:
        v = await actions_victims(world, http)
        action, session = await new_action(world, http)
        x, x_page = await assertion(world, http, "X"), await door_pass(world, http, "X")
        api = f"{world.urls['actions']}/actions/api"

        async def as_x(person: str, registration: str) -> list[tuple[int, str]]:
            replies = [
                await http.post(
                    f"{api}/sessions/{session}/inscriptions",
                    json={"candidate_id": person},
                    headers=x,
                ),
                await http.post(
                    f"{world.urls['actions']}/actions/{action}/inscriptions",
                    data={"csrf": x_page.csrf, "session": session, "personne": person},
                    headers={**x_page.headers, **cookie_header(x_page.cookies)},
                ),
                await http.post(f"{api}/inscriptions/{registration}/annulation", headers=x),
            ]
            return [(r.status_code, r.text) for r in replies]

        on_y = await as_x(world.profile, v.registration)
        on_nobody = await as_x(str(uuid.uuid4()), str(uuid.uuid4()))
        # Positive control: Y registers its own person to the same session.
        owned = await http.post(
            f"{api}/sessions/{session}/inscriptions",
            json={"candidate_id": world.profile},
            headers=await assertion(world, http, "Y"),
        )
    for what, mine, unknown in zip(("API", "page", "cancel"), on_y, on_nobody, strict=True):
        told = mine != unknown or mine[0] != 404
        target = f"actions: does X learn that Y's person exists ({what})?"
        assert not attacks.record(OTHER_TENANT, target, got_through=told)
    assert owned.status_code == 201, owned.status_code


async def test_the_providers_attendance_sheet_names_no_person_of_another_structure(
    world: World, attacks: AttackLedger
) -> None:
    """X registers a person of its own to Y's action: Y's sheet holds X's registration, as
    "Personne inscrite par X", never X's person's id (the browser would ask for the name)."""
    async with httpx.AsyncClient(timeout=30) as http:
        v = await actions_victims(world, http)
        r = await http.post(
            f"{world.urls['candidate_profile']}/profiles",
            json={**profile_fields(), "consent": consent()},
            headers=bearer(world, "X"),
        )
        assert r.status_code == 201, r.status_code
        x_person = str(r.json()["candidate_id"])
        await until_listed(world, http, "X", v.action, x_person)
        x_registration = await register(world, http, v.session, by="X", person=x_person)
        y = await door_pass(world, http, "Y")
        sheet = await http.get(
            f"{world.urls['actions']}/actions/{v.action}/presences",
            headers={**y.headers, **cookie_header(y.cookies)},
        )
    assert sheet.status_code == 200, sheet.status_code
    assert x_registration in sheet.text and v.registration in sheet.text  # both are on it
    assert f"Personne inscrite par {world.structure['X']}" in sheet.text
    assert f'data-prenom="{world.profile}"' in sheet.text  # Y's own person is named
    target = "actions GET /actions/{action_id}/presences: X's person on Y's sheet"
    assert not attacks.record(OTHER_TENANT, target, got_through=x_person in sheet.text)


async def test_a_structure_the_person_is_no_longer_shared_with_can_no_longer_register_them(
    world: World, attacks: AttackLedger
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await actions_victims(world, http)
        await until_known(world, http, "Z")
        person = await fresh_profile(world, http, shared=True)
        action, first = await new_action(world, http)
        await until_listed(world, http, "Z", action, person)
        # Positive control: shared with Z, the person is Z's to register.
        await register(world, http, first, by="Z", person=person)
        r = await http.delete(
            f"{world.urls['candidate_profile']}/profiles/{person}/shares/{world.structure['Z']}",
            headers=bearer(world, "Y"),
        )
        assert r.status_code == 200, r.status_code
        await until_listed(world, http, "Z", action, person, listed=False)
        _, second = await new_action(world, http)
        r = await http.post(
            f"{world.urls['actions']}/actions/api/sessions/{second}/inscriptions",
            json={"candidate_id": person},
            headers=await assertion(world, http, "Z"),
        )
    target = "actions POST /actions/api/sessions/{session_id}/inscriptions after an un-share"
    assert not attacks.record(OTHER_TENANT, target, got_through=r.status_code != 404)


async def send(http: httpx.AsyncClient, call: Call, who: Attempt) -> httpx.Response:
    data = {**(call.data or {}), **who.form} if (call.data or who.form) else None
    return await http.request(
        call.method,
        call.url,
        json=call.json,
        data=data,
        params=call.params,
        content=call.content,
        files=call.files,
        headers={**call.extra_headers, **who.headers, **cookie_header(who.cookies)},
    )


def got_through(plan: Plan, attempt: Attempt, response: httpx.Response) -> bool:
    if attempt.refusal is not None and not refused_as(attempt.refusal, response):
        return True  # e.g. a form's success is a 303 too: only the expected refusal is one
    if not 200 <= response.status_code < 300:
        return False
    return plan.changes_victim or plan.leaked(response)


def refused_as(status: int, response: httpx.Response) -> bool:
    if status == 303:  # a page's refusal sends to the sign-in page, nowhere else
        location = response.headers.get("location", "")
        return response.status_code == 303 and location.startswith("/connexion?")
    return response.status_code == status


@pytest.mark.parametrize("route", sorted(PLANS), ids=lambda r: f"{r[0]} {r[1]} {r[2]}")
async def test_no_attempt_on_the_route_gets_through_and_its_owner_gets_in(
    route: tuple[str, str, str], world: World, attacks: AttackLedger
) -> None:
    async with httpx.AsyncClient(timeout=30, follow_redirects=False) as http:
        plan = await PLANS[route](world, http)
        breaches = []
        for attempt in plan.attempts:
            response = await send(http, plan.call, attempt)
            target = f"{route[0]} {route[1]} {route[2]}"
            if attacks.record(
                attempt.kind,
                target,
                got_through=got_through(plan, attempt, response),
                detail=str(response.status_code),
            ):
                breaches.append((attempt.kind, response.status_code))
        # Positive control, after the attacks: the owner's request still succeeds, with the data.
        owned = await send(http, plan.call, plan.owner)
    assert breaches == []
    assert owned.status_code == plan.owner_status, (route, owned.status_code)
    if plan.owner_sees_data and plan.owner_status != 204:
        shows = plan.owner_check or plan.leaked
        assert shows(owned), "the owner's reply lacks the data the attacks looked for"


async def test_the_open_probes_say_nothing_but_their_state(world: World) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        for service in SERVICES:
            assert (await http.get(f"{world.urls[service]}/healthz")).json() == {"status": "ok"}
            ready = (await http.get(f"{world.urls[service]}/readyz")).json()
            assert ready == {"status": "ready"}, service
            for page in ("/docs", "/redoc"):
                assert (await http.get(f"{world.urls[service]}{page}")).status_code == 404
