"""Federation users on the real PostgreSQL and Kafka: created by the CLI or by their admin on the
portal, each change published as FederationUserUpserted through the outbox; the users and API
keys pages, their roles, another federation's 404 and the forms' token."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from typer.testing import CliRunner

from services.employer_intake.entrypoints.cli import cli
from services.employer_intake.federation_users import get_user
from shared.topics import FEDERATION_USERS

from .portal import PortalSession, portal_user

pytestmark = pytest.mark.integration
runner = CliRunner()


async def published(bootstrap: str, federation: str, *, expected: int) -> list[dict[str, Any]]:
    """The FederationUserUpserted payloads of this federation, waiting for `expected`, then a
    little longer so that an extra one would show."""
    consumer = AIOKafkaConsumer(
        FEDERATION_USERS.name,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[dict[str, Any]] = []

    async def poll(ms: int) -> None:
        for records in (await consumer.getmany(timeout_ms=ms)).values():
            for r in records:
                payload = json.loads(r.value or b"{}").get("payload", {})
                if payload.get("federation") == federation:
                    found.append(payload)

    try:
        async with asyncio.timeout(60):
            while len(found) < expected:
                await poll(1000)
        await poll(1500)
    finally:
        await consumer.stop()
    return found


def signed(session: PortalSession) -> dict[str, Any]:
    return {"headers": session.headers, "cookies": session.cookies}


async def admin_of(app: FastAPI, federation: str, *, admin: bool = True) -> PortalSession:
    container = app.state.container
    return await portal_user(container.pool, container.keyring, federation, admin=admin)


def new_user_form(session: PortalSession, email: str, **changes: str) -> dict[str, str]:
    return {
        "name": "Karim Benali",
        "email": email,
        "role": "member",
        "csrf": session.csrf,
    } | changes


async def test_the_cli_creates_a_user_prints_its_id_and_publishes_it(
    intake_app: FastAPI, federation: str, kafka_bootstrap: str
) -> None:
    email = f"Julie.{uuid.uuid4().hex[:8]}@BTP31.example.org"
    args = ["create-federation-user", "--federation", federation, "--email", email]
    result = await asyncio.to_thread(
        runner.invoke, cli, [*args, "--name", "Julie Martin", "--admin"]
    )
    assert result.exit_code == 0, result.output
    user_id = uuid.UUID(result.output.strip().splitlines()[-1])
    stored = await get_user(intake_app.state.container.pool, user_id=user_id)
    assert stored is not None and (stored.federation, stored.role) == (federation, "admin")
    [event] = await published(kafka_bootstrap, federation, expected=1)
    assert event["user_id"] == str(user_id) and event["active"]
    assert event["email"].lower() == email.lower()  # the contract writes the domain in lower case
    # The same address again, in any case: refused, nothing stored or published.
    again = await asyncio.to_thread(
        runner.invoke, cli, [*args[:3], "--email", email.lower(), "--name", "Autre"]
    )
    assert again.exit_code == 1 and "already uses" in again.output
    assert len(await published(kafka_bootstrap, federation, expected=1)) == 1


async def test_an_admin_creates_a_user_who_is_listed_and_published(
    intake_app: FastAPI, client: httpx.AsyncClient, federation: str, kafka_bootstrap: str
) -> None:
    admin = await admin_of(intake_app, federation)
    email = f"karim.{uuid.uuid4().hex[:8]}@federation.example.org"
    created = await client.post(
        "/federation/utilisateurs", data=new_user_form(admin, email), **signed(admin)
    )
    assert created.status_code == 303
    assert created.headers["location"] == "/federation/utilisateurs?fait=cree"
    page = await client.get(created.headers["location"], **signed(admin))
    assert page.status_code == 200
    assert "Karim Benali" in page.text and email in page.text and "Le compte est créé" in page.text
    assert "Portail des fédérations" in page.text and "Julie Martin" in page.text
    events = await published(kafka_bootstrap, federation, expected=2)  # the admin, then Karim
    [karim] = [e for e in events if e["email"] == email]
    assert (karim["name"], karim["role"], karim["active"]) == ("Karim Benali", "member", True)


async def test_a_bad_form_is_shown_again_with_each_error_by_its_field_and_nothing_is_saved(
    intake_app: FastAPI, client: httpx.AsyncClient, federation: str
) -> None:
    admin = await admin_of(intake_app, federation)
    form = new_user_form(admin, "karim.sans.domaine", name="Karim Typé")
    page = await client.post("/federation/utilisateurs", data=form, **signed(admin))
    assert page.status_code == 422
    assert 'id="erreur-email"' in page.text and 'aria-invalid="true"' in page.text
    assert 'value="Karim Typé"' in page.text and 'value="karim.sans.domaine"' in page.text
    listed = await client.get("/federation/utilisateurs", **signed(admin))
    assert "Karim Typé" not in listed.text and "Julie Martin" in listed.text
    # An address another account has (whatever its case) is named on the e-mail field.
    taken = new_user_form(admin, admin.user.email.upper())
    page = await client.post("/federation/utilisateurs", data=taken, **signed(admin))
    assert page.status_code == 422 and "Un compte utilise déjà cette adresse" in page.text


async def test_a_member_sees_the_pages_but_changes_nothing(
    intake_app: FastAPI, client: httpx.AsyncClient, federation: str
) -> None:
    admin = await admin_of(intake_app, federation)
    member = await admin_of(intake_app, federation, admin=False)
    users = await client.get("/federation/utilisateurs", **signed(member))
    assert users.status_code == 200 and admin.user.email in users.text
    assert 'action="/federation/utilisateurs"' not in users.text  # no form for a member
    email = f"m.{uuid.uuid4().hex[:8]}@federation.example.org"
    attempts = [
        ("/federation/utilisateurs", new_user_form(member, email)),
        (f"/federation/utilisateurs/{admin.user.user_id}/acces", {"actif": "0"}),
        ("/federation/cles", {"label": "Logiciel"}),
    ]
    for path, form in attempts:
        refused = await client.post(path, data={**form, "csrf": member.csrf}, **signed(member))
        assert refused.status_code == 403, path
        assert "Seul un administrateur" in refused.text
    # Positive control: the admin's same requests go through.
    for path, form in attempts[::2]:
        done = await client.post(path, data={**form, "csrf": admin.csrf}, **signed(admin))
        assert done.status_code in (200, 303), path


async def test_another_federations_admin_sees_none_of_its_users_or_keys_and_gets_404(
    intake_app: FastAPI, client: httpx.AsyncClient, federation: str
) -> None:
    owner = await admin_of(intake_app, federation)
    member = await admin_of(intake_app, federation, admin=False)
    stranger = await admin_of(intake_app, f"{federation}B")
    made = await client.post(
        "/federation/cles", data={"label": "Logiciel RH", "csrf": owner.csrf}, **signed(owner)
    )
    key_id = re.search(r"/federation/cles/([0-9a-f-]{36})/revoquer", made.text)
    assert key_id is not None
    users = await client.get("/federation/utilisateurs", **signed(stranger))
    keys = await client.get("/federation/cles", **signed(stranger))
    assert users.status_code == keys.status_code == 200
    assert member.user.email not in users.text and "Logiciel RH" not in keys.text
    deactivate = f"/federation/utilisateurs/{member.user.user_id}/acces"
    revoke = f"/federation/cles/{key_id.group(1)}/revoquer"
    for path, form in ((deactivate, {"actif": "0"}), (revoke, {})):
        lost = await client.post(path, data={**form, "csrf": stranger.csrf}, **signed(stranger))
        assert lost.status_code == 404, path
        assert "Page introuvable" in lost.text
    # Positive control: the federation's own admin sees both and may act on them.
    assert member.user.email in (await client.get("/federation/utilisateurs", **signed(owner))).text
    assert "Logiciel RH" in (await client.get("/federation/cles", **signed(owner))).text
    done = await client.post(revoke, data={"csrf": owner.csrf}, **signed(owner))
    assert done.status_code == 303


async def test_a_form_without_this_sessions_token_is_refused(
    intake_app: FastAPI, client: httpx.AsyncClient, federation: str
) -> None:
    admin = await admin_of(intake_app, federation)
    other = await admin_of(intake_app, federation)
    email = f"csrf.{uuid.uuid4().hex[:8]}@federation.example.org"
    for token in ("", other.csrf):  # none, and another session's
        form = new_user_form(admin, email, csrf=token)
        refused = await client.post("/federation/utilisateurs", data=form, **signed(admin))
        assert refused.status_code == 403
    assert email not in (await client.get("/federation/utilisateurs", **signed(admin))).text
    form = new_user_form(admin, email)
    assert (
        await client.post("/federation/utilisateurs", data=form, **signed(admin))
    ).status_code == 303


async def test_a_key_made_on_the_portal_is_shown_once_works_and_stops_once_revoked(
    intake_app: FastAPI, client: httpx.AsyncClient, federation: str
) -> None:
    admin = await admin_of(intake_app, federation)
    made = await client.post(
        "/federation/cles", data={"label": "Logiciel RH", "csrf": admin.csrf}, **signed(admin)
    )
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    shown = re.search(r'id="cle-a-copier" type="text" readonly value="(spie_[^"]+)"', made.text)
    assert shown is not None
    key = shown.group(1)
    assert (await client.get("/needs", headers={"X-API-Key": key})).status_code == 200
    listing = await client.get("/federation/cles", **signed(admin))
    assert "Logiciel RH" in listing.text and key not in listing.text
    assert f"spie_{key.split('_')[1]}_" in listing.text  # its prefix names it
    revoke = re.search(r"/federation/cles/[0-9a-f-]{36}/revoquer", listing.text)
    assert revoke is not None
    done = await client.post(revoke.group(0), data={"csrf": admin.csrf}, **signed(admin))
    assert done.status_code == 303
    assert (await client.get("/needs", headers={"X-API-Key": key})).status_code == 401
    # A key needs a label: the field says so and no key is made.
    empty = await client.post(
        "/federation/cles", data={"label": " ", "csrf": admin.csrf}, **signed(admin)
    )
    assert empty.status_code == 422 and 'id="erreur-label"' in empty.text
    assert "cle-a-copier" not in empty.text


async def test_a_deactivated_user_signs_in_again_and_the_change_is_published(
    intake_app: FastAPI, client: httpx.AsyncClient, federation: str, kafka_bootstrap: str
) -> None:
    admin = await admin_of(intake_app, federation)
    member = await admin_of(intake_app, federation, admin=False)
    assert (await client.get("/federation/cles", **signed(member))).status_code == 200
    path = f"/federation/utilisateurs/{member.user.user_id}/acces"
    off = await client.post(path, data={"actif": "0", "csrf": admin.csrf}, **signed(admin))
    assert off.status_code == 303
    # The door's assertion is still valid for two minutes; the intake's table is not.
    bounced = await client.get("/federation/cles", **signed(member))
    assert bounced.status_code == 303
    assert bounced.headers["location"] == "/connexion?suite=/federation/cles"
    events = await published(kafka_bootstrap, federation, expected=3)
    assert [e["active"] for e in events if e["user_id"] == str(member.user.user_id)] == [
        True,
        False,
    ]
    on = await client.post(path, data={"actif": "1", "csrf": admin.csrf}, **signed(admin))
    assert on.status_code == 303
    assert (await client.get("/federation/cles", **signed(member))).status_code == 200
    # An admin cannot lock themself out.
    own = f"/federation/utilisateurs/{admin.user.user_id}/acces"
    refused = await client.post(own, data={"actif": "0", "csrf": admin.csrf}, **signed(admin))
    assert refused.status_code == 403
