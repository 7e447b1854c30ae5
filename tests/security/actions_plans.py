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

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx

from tests.security.actions_world import (
    Victims,
    action_body,
    action_form,
    closed_action,
    forged_referent,
    fresh_action,
    import_line,
    live_registration,
    started_registration,
    victims,
    y_imported,
)
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
    contains,
    door_pass,
)

NO_CSRF, FOREIGN_CSRF = "form without CSRF token", "form with another session's CSRF token"

ACTIONS_PUBLIC: dict[tuple[str, str, str], str] = {
    ("actions", "MOUNT", "/commun"): "the shared stylesheet and script",
    ("actions", "MOUNT", "/actions/static"): "the catalogue's and the registration form's"
    " scripts (the front door's CSP forbids inline ones): no data",
}


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
    csv: Callable[[World], str] | None = None,
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
            content=csv(world).encode() if csv else None,
            extra_headers={"Content-Type": "text/csv"} if csv else {},
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
        sessions: list[dict[str, Any]] = action_body(w, v.day + timedelta(days=1))["sessions"]
        return sessions[0]

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
        # Importing is every référent's right; X importing Y's reference makes X's own action
        # and must not update Y's (references are per provider).
        ("POST", f"{api}/import"): api_plan(
            "POST", f"{api}/import", updated, target=y_imported, csv=import_line, other=None
        ),
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


def page_plans() -> dict[tuple[str, str], PlanMaker]:
    def marker(*text: str) -> Leak:
        return lambda w, v, ids: contains(*text)

    def json_list(w: World, v: Victims, ids: dict[str, str]) -> Callable[[httpx.Response], bool]:
        return lambda r: (
            r.headers.get("content-type", "").startswith("application/json") and bool(r.json())
        )

    def upload(world: World) -> dict[str, Any]:
        return {"fichier": ("catalogue.csv", import_line(world).encode(), "text/csv")}

    def day_params(w: World, v: Victims, ids: dict[str, str]) -> dict[str, str]:
        return {"date_from": f"{v.day:%Y-%m-%d}", "date_to": f"{v.day:%Y-%m-%d}"}

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
        # The import's report ("1 action ajoutée, 0 mise à jour ; ..."): the file was read.
        ("POST", "/actions/import"): page_plan(
            "POST", "/actions/import", marker(" à jour ; "), other_attacks=False, files=upload
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
