"""The attacks on the actions service (the banque d'actions commune), one plan per route.

The victims are structure Y's: an action Y provides (made through the JSON API), Y's person
(the world's profile, which reaches the service's persons replica through Kafka) registered by Y
to one of its sessions, and Y's référent, granted the coordination view. The attackers: nobody,
a forged identity (signed with another keyring), X's genuine référent, a federation's genuine
assertion on the référents' API, and, on every form, Y's own session with no CSRF token or with
the token of another session. Each attempt must get the one refusal the rule gives it: the
sign-in page (pages) or 401 (API) without a credential, 404 where X reaches what is Y's (403 on
the coordination API and to a federation), 403 without the session's token.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from shared.identity import issue
from shared.settings import load_base_settings
from tests.security.conftest import cli
from tests.security.routes_kit import (
    FORGED,
    FORGED_RING,
    NO_CREDENTIAL,
    OTHER_TENANT,
    Attempt,
    Call,
    Plan,
    PlanMaker,
    World,
    assertion,
    authorization,
    bearer,
    contains,
    cookie_header,
    door_pass,
)

NO_CSRF, FOREIGN_CSRF = "form without CSRF token", "form with another session's CSRF token"

ACTIONS_PUBLIC: dict[tuple[str, str, str], str] = {
    ("actions", "MOUNT", "/commun"): "the shared stylesheet and script",
    ("actions", "MOUNT", "/actions/static"): "the catalogue's and the registration form's"
    " scripts (the front door's CSP forbids inline ones): no data",
}


@dataclass
class Victims:
    """What Y owns in the actions service, made once per world."""

    referent: dict[str, str]  # name -> référent id
    action: str
    session: str
    registration: str
    day: datetime  # the far day of Y's sessions: a search on it finds Y's action


_VICTIMS: dict[str, Victims] = {}


async def victims(world: World, http: httpx.AsyncClient) -> Victims:
    if world.run not in _VICTIMS:
        _VICTIMS[world.run] = await _make_victims(world, http)
    return _VICTIMS[world.run]


async def _make_victims(world: World, http: httpx.AsyncClient) -> Victims:
    referent = {}
    for name in ("X", "Y"):
        me = await http.get(
            f"{world.urls['candidate_profile']}/referents/me", headers=bearer(world, name)
        )
        referent[name] = str(me.json()["referent_id"])
        await _until(lambda n=name: _known_to_actions(world, http, n), "référent in the replica")
    # The coordination role, as ops grant it (the référent must be in the replica first).
    cli(
        "services.actions",
        "grant-coordination",
        "--referent-id",
        referent["Y"],
        "--granted-by",
        "security-suite",
    )
    # A day of its own, after those of the other suites: a search on it finds Y's action.
    day = datetime(2182, 1, 5, 8, tzinfo=UTC) + timedelta(days=uuid.uuid4().int % 5000)
    action, session = await new_action(world, http, day)
    await _until(lambda: _person_listed(world, http, action), "the person in the replica")
    registration = await register(world, http, session)
    return Victims(referent, action, session, registration, day)


async def _until(done: Callable[[], Awaitable[bool]], what: str, within: float = 120) -> None:
    deadline = time.monotonic() + within
    while not await done():
        assert time.monotonic() < deadline, f"never arrived: {what}"
        await asyncio.sleep(1)


async def _known_to_actions(world: World, http: httpx.AsyncClient, name: str) -> bool:
    r = await http.get(
        f"{world.urls['actions']}/actions/api/inscriptions",
        headers=await assertion(world, http, name),
    )
    return r.status_code == 200


async def _person_listed(world: World, http: httpx.AsyncClient, action: str) -> bool:
    y = await door_pass(world, http, "Y")
    r = await http.get(
        f"{world.urls['actions']}/actions/{action}",
        headers={**y.headers, **cookie_header(y.cookies)},
    )
    return world.profile in r.text


def action_body(world: World, day: datetime) -> dict[str, Any]:
    start = day + timedelta(hours=uuid.uuid4().int % 8)
    session = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(),
        "capacity": 10,
        "schedules": ["day"],
    }
    return {
        "kind": "decouverte_metiers",
        "title": f"Découvrir la taille de pierre {world.run}",
        "description": "Une matinée sur un chantier de restauration.",
        "rome_codes": ["F1701"],
        "publics": ["tous"],
        "commune_insee": "31483",
        "sessions": [session],
    }


async def new_action(
    world: World, http: httpx.AsyncClient, day: datetime | None = None
) -> tuple[str, str]:
    """An action of Y's with one session: (action id, session id)."""
    when = day or datetime(2182, 1, 5, 8, tzinfo=UTC) + timedelta(days=uuid.uuid4().int % 5000)
    r = await http.post(
        f"{world.urls['actions']}/actions/api/actions",
        json=action_body(world, when),
        headers=await assertion(world, http, "Y"),
    )
    assert r.status_code == 201, r.status_code
    return str(r.json()["action_id"]), str(r.json()["sessions"][0]["session_id"])


async def register(world: World, http: httpx.AsyncClient, session: str) -> str:
    """Y registers its person to the session: the registration's id."""
    r = await http.post(
        f"{world.urls['actions']}/actions/api/sessions/{session}/inscriptions",
        json={"candidate_id": world.profile},
        headers=await assertion(world, http, "Y"),
    )
    assert r.status_code == 201, r.status_code
    return str(r.json()["registration_id"])


async def fresh_registration(world: World, http: httpx.AsyncClient, *, started: bool) -> str:
    """Y's person on a new action of Y's; `started`: its session began an hour ago."""
    _, session = await new_action(world, http)
    registration = await register(world, http, session)
    if started:
        # Attendance is recorded once the session has begun, and the API (rightly) takes no
        # session in the past: the database's owner moves it, as time would.
        conn = await asyncpg.connect(load_base_settings().dsn)
        try:
            await conn.execute(
                "update actions.sessions set starts_at = now() - interval '1 hour',"
                " ends_at = now() + interval '2 hours' where session_id = $1::uuid",
                session,
            )
        finally:
            await conn.close()
    return registration


def forged_referent(world: World, v: Victims) -> dict[str, str]:
    """Y's référent, exactly as candidate_profile would assert it, signed with another key."""
    token = issue(FORGED_RING, role="referent", subject=v.referent["Y"], scope=world.structure["Y"])
    return authorization(token)


# --- the JSON API (the identity assertion) ------------------------------------------------------


Target = Callable[[World, httpx.AsyncClient, Victims], Awaitable[dict[str, str]]]
Leak = Callable[[World, Victims, dict[str, str]], Callable[[httpx.Response], bool]]


def api_plan(
    method: str,
    path: str,
    leaked: Leak,
    *,
    target: Target | None = None,
    body: Callable[[World, Victims, dict[str, str]], Any] = lambda w, v, t: None,
    params: Callable[[World, Victims, dict[str, str]], dict[str, str]] | None = None,
    other: int | None = 404,
    other_attacks: bool = True,
    changes_victim: bool = False,
    owner_status: int = 200,
    owner_check: Leak | None = None,
) -> PlanMaker:
    """`path` names the target's ids in braces; `other`: the refusal X's genuine assertion gets
    (None: X's call is its right, and the reply must hold none of Y's data)."""

    async def plan(world: World, http: httpx.AsyncClient) -> Plan:
        v = await victims(world, http)
        found = await target(world, http, v) if target else {}
        ids = {"action": v.action, "session": v.session, "registration": v.registration, **found}
        attempts = [
            Attempt(NO_CREDENTIAL, refusal=401),
            Attempt(FORGED, forged_referent(world, v), refusal=401),
            # A genuine assertion of another role: a federation's.
            Attempt(OTHER_TENANT, await assertion(world, http, "B"), refusal=403),
        ]
        if other_attacks:
            x = await assertion(world, http, "X")
            attempts.append(Attempt(OTHER_TENANT, x, refusal=other))
        call = Call(
            method,
            f"{world.urls['actions']}{path.format(**ids)}",
            json=body(world, v, ids),
            params=params(world, v, ids) if params else None,
        )
        return Plan(
            call,
            attempts,
            Attempt("owner", await assertion(world, http, "Y")),
            leaked(world, v, ids),
            changes_victim=changes_victim,
            owner_status=owner_status,
            owner_check=owner_check(world, v, ids) if owner_check else None,
        )

    return plan


def shows(key: str) -> Leak:
    """The reply names the target's `key` (an action, a session, a registration)."""
    return lambda w, v, ids: contains(ids[key])


def shows_person() -> Leak:
    return lambda w, v, ids: contains(w.profile)


async def fresh_action(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    action, session = await new_action(world, http)
    return {"action": action, "session": session}


async def closed_action(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    made = await fresh_action(world, http, v)
    r = await http.post(
        f"{world.urls['actions']}/actions/api/actions/{made['action']}/cloture",
        headers=await assertion(world, http, "Y"),
    )
    assert r.status_code == 200, r.status_code
    return made


async def live_registration(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    return {"registration": await fresh_registration(world, http, started=False)}


async def started_registration(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    return {"registration": await fresh_registration(world, http, started=True)}


def import_line(world: World) -> str:
    day = (datetime.now(UTC) + timedelta(days=3000)).strftime("%d/%m/%Y")
    return (
        "reference;type;intitule;metiers;publics;commune;date;heure_debut;heure_fin;places\n"
        f"SEC-{world.run};atelier;Atelier pierre sèche;F1701;tous;31483;{day};09:00;12:00;8\n"
    )


async def y_imported(world: World, http: httpx.AsyncClient, v: Victims) -> dict[str, str]:
    """Y's catalogue holds the reference first: the same reference imported again by Y updates
    it; imported by X, it must make X's own action and leave Y's alone."""
    r = await http.post(
        f"{world.urls['actions']}/actions/api/import",
        content=import_line(world).encode(),
        headers={**await assertion(world, http, "Y"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.status_code
    return {}


def api_plans() -> dict[tuple[str, str], PlanMaker]:
    api = "/actions/api"
    on_action = f"{api}/actions/{{action}}"

    def updated(w: World, v: Victims, ids: dict[str, str]) -> Callable[[httpx.Response], bool]:
        return lambda r: r.json().get("updated", 0) > 0

    def made_by_y(w: World, v: Victims, ids: dict[str, str]) -> Callable[[httpx.Response], bool]:
        return lambda r: r.json().get("provider_structure") == w.structure["Y"]

    def edit_body(w: World, v: Victims, ids: dict[str, str]) -> dict[str, Any]:
        body = action_body(w, v.day)
        del body["sessions"]
        return body | {"title": f"Découvrir la taille de pierre {w.run} (modifiée)"}

    def later_session(w: World, v: Victims, ids: dict[str, str]) -> dict[str, Any]:
        return action_body(w, v.day + timedelta(days=1))["sessions"][0]

    return {
        # Search is every référent's right: X's reply must hold no person (none holds any).
        ("GET", f"{api}/actions"): api_plan(
            "GET",
            f"{api}/actions",
            shows_person(),
            params=lambda w, v, ids: {
                "date_from": f"{v.day:%Y-%m-%d}",
                "date_to": f"{v.day:%Y-%m-%d}",
            },
            other=None,
            owner_check=shows("action"),
        ),
        # Creating is every référent's right: what must not happen is an action in Y's name.
        ("POST", f"{api}/actions"): api_plan(
            "POST",
            f"{api}/actions",
            made_by_y,
            body=lambda w, v, ids: action_body(w, v.day),
            other_attacks=False,
            owner_status=201,
        ),
        # An open action is everyone's to read; a closed one only its provider's.
        ("GET", f"{api}/actions/{{action_id}}"): api_plan(
            "GET", on_action, shows("action"), target=closed_action
        ),
        ("PUT", f"{api}/actions/{{action_id}}"): api_plan(
            "PUT",
            on_action,
            shows("action"),
            target=fresh_action,
            body=edit_body,
            changes_victim=True,
        ),
        ("POST", f"{api}/actions/{{action_id}}/sessions"): api_plan(
            "POST",
            f"{on_action}/sessions",
            shows("action"),
            target=fresh_action,
            body=later_session,
            changes_victim=True,
            owner_status=201,
        ),
        ("PUT", f"{api}/actions/{{action_id}}/sessions/{{session_id}}"): api_plan(
            "PUT",
            f"{on_action}/sessions/{{session}}",
            shows("action"),
            target=fresh_action,
            body=lambda w, v, ids: {"capacity": 9},
            changes_victim=True,
        ),
        ("POST", f"{api}/actions/{{action_id}}/cloture"): api_plan(
            "POST",
            f"{on_action}/cloture",
            shows("action"),
            target=fresh_action,
            changes_victim=True,
        ),
        ("POST", f"{api}/import"): y_import_plan(updated),
        # A structure lists its own registrations: X asking for Y's person gets none of Y's.
        ("GET", f"{api}/inscriptions"): api_plan(
            "GET",
            f"{api}/inscriptions",
            shows("registration"),
            params=lambda w, v, ids: {"candidate_id": w.profile},
            other=None,
        ),
        ("POST", f"{api}/sessions/{{session_id}}/inscriptions"): api_plan(
            "POST",
            f"{api}/sessions/{{session}}/inscriptions",
            shows_person(),
            target=fresh_action,
            body=lambda w, v, ids: {"candidate_id": w.profile},
            changes_victim=True,
            owner_status=201,
        ),
        ("POST", f"{api}/inscriptions/{{registration_id}}/annulation"): api_plan(
            "POST",
            f"{api}/inscriptions/{{registration}}/annulation",
            shows("registration"),
            target=live_registration,
            changes_victim=True,
        ),
        ("POST", f"{api}/inscriptions/{{registration_id}}/presence"): api_plan(
            "POST",
            f"{api}/inscriptions/{{registration}}/presence",
            shows("registration"),
            target=started_registration,
            changes_victim=True,
            body=lambda w, v, ids: {"status": "present", "outcome": "Venue, très intéressée"},
        ),
        # Only coordinators: X, signed in but not one, is refused (403).
        ("GET", f"{api}/coordination"): api_plan(
            "GET", f"{api}/coordination", lambda w, v, ids: contains('"tableaux"'), other=403
        ),
    }


def y_import_plan(updated: Leak) -> PlanMaker:
    def csv_call(plan: PlanMaker) -> PlanMaker:
        async def with_body(world: World, http: httpx.AsyncClient) -> Plan:
            made = await plan(world, http)
            made.call.content = import_line(world).encode()
            made.call.extra_headers = {"Content-Type": "text/csv"}
            return made

        return with_body

    return csv_call(api_plan("POST", "/actions/api/import", updated, target=y_imported, other=None))


# --- the pages (the front door's identity, the session cookie, its CSRF token) ------------------


def page_plan(
    method: str,
    path: str,
    leaked: Leak,
    *,
    target: Target | None = None,
    form: Callable[[World, Victims, dict[str, str]], dict[str, Any]] | None = None,
    params: Callable[[World, Victims, dict[str, str]], dict[str, str]] | None = None,
    files: Callable[[World], dict[str, Any]] | None = None,
    other: int | None = 404,
    other_attacks: bool = True,
    owner_status: int = 200,
    owner_check: Leak | None = None,
) -> PlanMaker:
    """A page: nobody and a forged door are sent to sign in; X's genuine session gets `other`
    (None: X's request is its right, and the page must hold none of Y's data); a form posted
    without this session's token, or with another session's, gets 403."""

    async def plan(world: World, http: httpx.AsyncClient) -> Plan:
        v = await victims(world, http)
        found = await target(world, http, v) if target else {}
        ids = {"action": v.action, "session": v.session, "registration": v.registration, **found}
        x, y = await door_pass(world, http, "X"), await door_pass(world, http, "Y")
        forged = await door_pass(world, http, "Y", FORGED_RING)
        post = method == "POST"

        def token(of: str) -> dict[str, str]:
            return {"csrf": of} if post else {}

        attempts = [
            Attempt(NO_CREDENTIAL, form=token(y.csrf), refusal=303),
            Attempt(FORGED, forged.headers, forged.cookies, token(forged.csrf), refusal=303),
        ]
        if other_attacks:
            attempts.append(Attempt(OTHER_TENANT, x.headers, x.cookies, token(x.csrf), other))
        if post:
            attempts += [
                Attempt(NO_CSRF, y.headers, y.cookies, refusal=403),
                Attempt(FOREIGN_CSRF, y.headers, y.cookies, {"csrf": x.csrf}, refusal=403),
            ]
        call = Call(
            method,
            f"{world.urls['actions']}{path.format(**ids)}",
            data=form(world, v, ids) if form else None,
            params=params(world, v, ids) if params else None,
            files=files(world) if files else None,
        )
        return Plan(
            call,
            attempts,
            Attempt("owner", y.headers, y.cookies, token(y.csrf)),
            leaked(world, v, ids),
            changes_victim=post,
            owner_status=owner_status,
            owner_sees_data=owner_status in (200, 201),
            owner_check=owner_check(world, v, ids) if owner_check else None,
        )

    return plan


def action_form(world: World, day: datetime) -> dict[str, Any]:
    return {
        "type": "atelier",
        "intitule": f"Atelier pierre sèche {world.run}",
        "metier_1": "F1701",
        "publics": ["tous"],
        "commune": "Saint-Gaudens (31483)",
        "date": f"{day:%Y-%m-%d}",
        "heure_debut": "09:00",
        "heure_fin": "12:00",
        "places": "8",
        "horaires": ["day"],
    }


def page_plans() -> dict[tuple[str, str], PlanMaker]:
    def marker(*text: str) -> Leak:
        return lambda w, v, ids: contains(*text)

    def json_list(w: World, v: Victims, ids: dict[str, str]) -> Callable[[httpx.Response], bool]:
        return lambda r: (
            r.headers.get("content-type", "").startswith("application/json") and bool(r.json())
        )

    def upload(world: World) -> dict[str, Any]:
        return {"fichier": ("catalogue.csv", import_line(world).encode(), "text/csv")}

    day_params = lambda w, v, ids: {  # noqa: E731
        "date_from": f"{v.day:%Y-%m-%d}",
        "date_to": f"{v.day:%Y-%m-%d}",
    }
    on_action = "/actions/{action}"
    return {
        # The catalogue is every référent's: X's page must show none of Y's persons.
        ("GET", "/actions"): page_plan(
            "GET",
            "/actions",
            shows_person(),
            params=day_params,
            other=None,
            owner_check=shows("action"),
        ),
        ("GET", "/actions/nouvelle"): page_plan(
            "GET", "/actions/nouvelle", marker("<form"), other_attacks=False
        ),
        ("POST", "/actions/nouvelle"): page_plan(
            "POST",
            "/actions/nouvelle",
            marker("<form"),
            other_attacks=False,
            form=lambda w, v, ids: action_form(w, v.day),
            owner_status=303,
        ),
        ("GET", "/actions/import"): page_plan(
            "GET", "/actions/import", marker("<form"), other_attacks=False
        ),
        ("POST", "/actions/import"): page_plan(
            "POST",
            "/actions/import",
            marker("1 action"),
            other_attacks=False,
            files=upload,
            owner_check=marker("<form"),
        ),
        ("GET", "/actions/api/metiers"): page_plan(
            "GET",
            "/actions/api/metiers",
            json_list,
            other_attacks=False,
            params=lambda w, v, ids: {"q": "tailleur"},
        ),
        ("GET", "/actions/api/communes"): page_plan(
            "GET",
            "/actions/api/communes",
            json_list,
            other_attacks=False,
            params=lambda w, v, ids: {"q": "saint-gau"},
        ),
        # The action's page is every référent's; its registration form lists only the viewer's
        # persons, even when a link names another structure's.
        ("GET", "/actions/{action_id:uuid}"): page_plan(
            "GET",
            on_action,
            shows_person(),
            other=None,
            params=lambda w, v, ids: {"personne": w.profile, "session": ids["session"]},
        ),
        ("POST", "/actions/{action_id:uuid}/inscriptions"): page_plan(
            "POST",
            f"{on_action}/inscriptions",
            marker("Inscription enregistrée"),
            target=fresh_action,
            owner_status=201,
            form=lambda w, v, ids: {"session": ids["session"], "personne": w.profile},
        ),
        ("GET", "/actions/{action_id:uuid}/presences"): page_plan(
            "GET", f"{on_action}/presences", shows("registration")
        ),
        # X's registrations page is X's right: it must show none of Y's.
        ("GET", "/actions/inscriptions"): page_plan(
            "GET", "/actions/inscriptions", shows("registration"), other=None
        ),
        ("GET", "/actions/inscriptions/{registration_id:uuid}/annulation"): page_plan(
            "GET", "/actions/inscriptions/{registration}/annulation", shows("registration")
        ),
        ("POST", "/actions/inscriptions/{registration_id:uuid}/annulation"): page_plan(
            "POST",
            "/actions/inscriptions/{registration}/annulation",
            shows("registration"),
            target=live_registration,
            form=lambda w, v, ids: {},
            owner_status=303,
        ),
        ("POST", "/actions/inscriptions/{registration_id:uuid}/presence"): page_plan(
            "POST",
            "/actions/inscriptions/{registration}/presence",
            shows("registration"),
            target=started_registration,
            owner_status=303,
            form=lambda w, v, ids: {"presence": "present", "resultat": "Venue"},
        ),
        ("GET", "/actions/{action_id}/modifier"): page_plan(
            "GET", f"{on_action}/modifier", shows("action")
        ),
        ("POST", "/actions/{action_id}/modifier"): page_plan(
            "POST",
            f"{on_action}/modifier",
            shows("action"),
            target=fresh_action,
            form=lambda w, v, ids: action_form(w, v.day),
            owner_status=303,
        ),
        ("GET", "/actions/{action_id}/seances/nouvelle"): page_plan(
            "GET", f"{on_action}/seances/nouvelle", shows("action")
        ),
        ("POST", "/actions/{action_id}/seances/nouvelle"): page_plan(
            "POST",
            f"{on_action}/seances/nouvelle",
            shows("action"),
            target=fresh_action,
            form=lambda w, v, ids: action_form(w, v.day + timedelta(days=2)),
            owner_status=303,
        ),
        ("POST", "/actions/{action_id}/seances/{session_id}/places"): page_plan(
            "POST",
            f"{on_action}/seances/{{session}}/places",
            shows("action"),
            target=fresh_action,
            form=lambda w, v, ids: {"places": "9"},
            owner_status=303,
        ),
        ("POST", "/actions/{action_id}/cloture"): page_plan(
            "POST",
            f"{on_action}/cloture",
            shows("action"),
            target=fresh_action,
            form=lambda w, v, ids: {},
            owner_status=303,
        ),
        # Only coordinators: to X, signed in but not one, the pages do not exist.
        ("GET", "/actions/coordination"): page_plan(
            "GET", "/actions/coordination", marker("<h1>Coordination de la banque d'actions")
        ),
        ("GET", "/actions/coordination.csv"): page_plan(
            "GET", "/actions/coordination.csv", lambda w, v, ids: is_csv
        ),
    }


def is_csv(r: httpx.Response) -> bool:
    return r.headers.get("content-type", "").startswith("text/csv") and ";" in r.text


def actions_plans() -> dict[tuple[str, str], PlanMaker]:
    return {**api_plans(), **page_plans()}
