"""The coordination view on the real PostgreSQL: rows as the catalogue and registrations leave
them, the other services' events through the handlers, the page, its CSV and its API."""

from __future__ import annotations

import csv
import io
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from uuid import UUID

import httpx
import pytest

from services.actions.adapters import coordination_repo
from services.actions.adapters.db import Conn
from services.actions.bootstrap import Services
from services.actions.handlers import coordination
from shared import identity
from shared.web.door import IDENTITY_HEADER, door_assertion
from tests.integration.actions import _coordination as rows

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Someone:
    """A référent, as the front door and the API's bearer would present them."""

    referent_id: UUID
    page: dict[str, str]
    api: dict[str, str]


async def referent(services: Services, *, coordinator: bool) -> Someone:
    referent_id, structure = uuid.uuid4(), "Conseil départemental"
    async with services.transaction() as conn:
        await conn.execute(
            "insert into actions.referents (referent_id, structure, name, email)"
            " values ($1, $2, 'Claire Test', $3)",
            referent_id,
            structure,
            f"claire.{referent_id.hex[:10]}@example.org",
        )
        if coordinator:
            await conn.execute(
                "insert into actions.coordinators (referent_id, granted_by) values ($1, 'test')",
                referent_id,
            )
    keyring = services.keyring
    door = door_assertion(keyring, referent_id=referent_id, structure=structure)
    token = identity.issue(keyring, role="referent", subject=str(referent_id), scope=structure)
    return Someone(referent_id, {IDENTITY_HEADER: door}, {"Authorization": f"Bearer {token}"})


def a_month_of_its_own() -> tuple[datetime, dict[str, str]]:
    """A month far ahead that no other test counts in: the figures are this test's alone."""
    first = datetime(random.randrange(2300, 2900), random.randrange(1, 13), 1, tzinfo=UTC)
    query = {"du": first.date().isoformat(), "au": (first + timedelta(days=27)).date().isoformat()}
    return first, query


@dataclass(frozen=True)
class Scenario:
    query: dict[str, str]
    alpha: str
    beta: str
    masons: list[UUID]


@pytest.fixture(scope="module")
async def scenario(services: Services) -> Scenario:
    """Alpha: 6 formations for the over-50s (20 places taken: 14 present, 6 absent; 3 waiting);
    Beta: 2 ateliers for parents of young children and everyone (3 places taken). Seven
    persons proposed to discover F1703: five then take a place in one of Alpha's formations,
    six are matched on a need of it, five hired; two proposed to discover N1103."""
    first, query = a_month_of_its_own()
    unique = uuid.uuid4().hex[:8]
    alpha, beta = f"Alpha {unique}", f"Beta {unique}"
    masons = [uuid.uuid4() for _ in range(7)]
    async with services.transaction() as conn:
        await _catalogue(conn, first, alpha, beta, masons)
    await _events(services, first, masons)
    return Scenario(query, alpha, beta, masons)


def _day(first: datetime, n: int) -> datetime:
    return first + timedelta(days=n - 1, hours=9)


async def _catalogue(
    conn: Conn, first: datetime, alpha: str, beta: str, masons: list[UUID]
) -> None:
    def day(n: int) -> datetime:
        return _day(first, n)

    formations = [
        await rows.action(
            conn, kind="formation", provider=alpha, publics=["50_ans_et_plus"], rome=["F1703"]
        )
        for _ in range(6)
    ]
    full = await rows.session(conn, formations[0], day(12), registered=10)
    second = await rows.session(conn, formations[1], day(12), registered=10)
    for a in formations[2:]:
        await rows.session(conn, a, day(13))
    await rows.session(conn, formations[0], day(14), cancelled=True)  # not counted
    await rows.session(conn, formations[0], day(40))  # after the period: not counted
    # Five masons take a place after their proposal; the sixth had taken one before it.
    for person in masons[:5]:
        await rows.registration(conn, full, "present", candidate_id=person, created_at=day(10))
    await rows.registration(conn, full, "present", candidate_id=masons[5], created_at=day(1))
    for status in ["absent"] * 4 + ["liste_attente"] * 3:
        await rows.registration(conn, full, status, created_at=day(5))
    for status in ["present"] * 8 + ["absent"] * 2:
        await rows.registration(conn, second, status, created_at=day(5))
    await rows.registration(conn, second, "annule", candidate_id=masons[6], created_at=day(10))
    publics = ["parents_jeunes_enfants", "tous"]
    workshops = [await rows.action(conn, kind="atelier", provider=beta, publics=publics)]
    workshops.append(await rows.action(conn, kind="atelier", provider=beta, publics=publics))
    small = await rows.session(conn, workshops[0], day(20), capacity=5, registered=3)
    await rows.session(conn, workshops[1], day(21), capacity=5)
    for _ in range(3):
        await rows.registration(conn, small, "inscrit", created_at=day(8))


async def _events(services: Services, first: datetime, masons: list[UUID]) -> None:
    def at(n: int) -> datetime:
        return _day(first, n)

    discoveries = [rows.proposed(p, "F1703", at(3), discovery=True) for p in masons]
    discoveries += [rows.proposed(uuid.uuid4(), "N1103", at(3), discovery=True) for _ in range(2)]
    wishes = [rows.proposed(uuid.uuid4(), "F1703", at(4), discovery=False) for _ in range(11)]
    for batch in (discoveries + wishes, discoveries):  # the second: a redelivery
        await coordination.record_proposals(services, batch)
    follow_ups = [rows.followed(p, "inscrit", at(5)) for p in wishes[:6] + discoveries[:5]]
    follow_ups += [rows.followed(p, "pas_pertinent", at(5), "trop_loin") for p in wishes[6:]]
    follow_ups += [rows.followed(p, "pas_pertinent", at(5), "deja_fait") for p in discoveries[7:]]
    # An older follow-up read late changes nothing.
    follow_ups.append(rows.followed(wishes[0], "pas_pertinent", at(4), "autre"))
    await coordination.record_follow_ups(services, follow_ups)
    matches = [rows.matched(p, "F1703", at(15)) for p in masons[:6]]
    ignored = [
        rows.matched(uuid.uuid4(), "F1703", at(15)),
        rows.matched(masons[6], "N1103", at(15)),
    ]
    ignored.append(rows.matched(masons[6], "F1703", at(2)))  # before the proposal
    for batch in (matches + ignored, matches):
        await coordination.record_matches(services, batch)
    decisions = [rows.decided(m, "hired", at(20)) for m in matches[:5]]
    decisions.append(rows.decided(matches[5], "interview", at(20)))
    decisions.append(rows.decided(matches[0], "interview", at(18)))  # older: hired stays
    for batch in (decisions, decisions):
        await coordination.record_match_decisions(services, batch)


class _Tables(HTMLParser):
    """The page's tables, figure by figure: (table title, line, column) -> cell."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[tuple[str, str, str], str] = {}
        self.title, self.text, self.part = "", "", ""
        self.columns: list[str] = []
        self.line: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.text = "" if tag in ("h2", "th", "td") else self.text
        self.part = tag if tag in ("thead", "tbody") else self.part
        self.line = [] if tag == "tr" else self.line

    def handle_data(self, data: str) -> None:
        self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self.title = self.text.strip()
        elif tag in ("th", "td"):
            self.line.append(self.text.strip())
        elif tag == "tr" and self.part == "thead":
            self.columns = self.line[1:]
        elif tag == "tr":
            for column, cell in zip(self.columns, self.line[1:], strict=True):
                self.figures[(self.title, self.line[0], column)] = cell


def page_figures(html: str) -> dict[tuple[str, str, str], str]:
    parser = _Tables()
    parser.feed(html)
    return parser.figures


def line(figures: dict[tuple[str, str, str], str], table: str, label: str) -> list[str]:
    return [cell for (t, lbl, _), cell in figures.items() if (t, lbl) == (table, label)]


KINDS, PROVIDERS, PUBLICS = (
    "Actions par type",
    "Actions par structure",
    ("Inscriptions et présence par public"),
)
PROPOSALS = "Propositions d'actions et suites données"
REASONS = "Propositions jugées pas pertinentes, par raison"
TRADES = "Métiers découverts, puis inscriptions, mises en relation et embauches"


async def test_a_coordinator_sees_the_offer_by_kind_and_provider_with_small_counts_masked(
    services: Services,
    client: httpx.AsyncClient,
    scenario: Scenario,
) -> None:
    who = await referent(services, coordinator=True)
    reply = await client.get("/actions/coordination", params=scenario.query, headers=who.page)
    assert reply.status_code == 200, reply.text
    page = reply.text
    assert "50 ans et plus et des parents de jeunes enfants" in page
    assert "Aucune personne n'est montrée" in page
    figures = page_figures(page)
    # Columns: actions, sessions, places offered, places taken, fill rate.
    assert line(figures, KINDS, "Formation") == ["6", "6", "60", "20", "33 %"]
    assert line(figures, KINDS, "Atelier") == ["moins de 5", "moins de 5", "10", "moins de 5", "—"]
    # One kind masked in a column: the total would give it back, so it is masked too.
    assert line(figures, KINDS, "Ensemble") == ["masqué", "masqué", "70", "masqué", "—"]
    assert line(figures, PROVIDERS, scenario.alpha) == ["6", "6", "60", "20", "33 %"]
    assert line(figures, PROVIDERS, scenario.beta) == line(figures, KINDS, "Atelier")
    assert line(figures, PROVIDERS, "Ensemble") == line(figures, KINDS, "Ensemble")


async def test_registrations_and_attendance_are_counted_by_public_of_the_action(
    services: Services,
    client: httpx.AsyncClient,
    scenario: Scenario,
) -> None:
    who = await referent(services, coordinator=True)
    page = (await client.get("/actions/coordination", params=scenario.query, headers=who.page)).text
    figures = page_figures(page)
    # Columns: registrations, present, absent, attendance rate, waiting list.
    assert line(figures, PUBLICS, "50 ans et plus") == ["20", "14", "6", "70 %", "moins de 5"]
    parents = ["moins de 5", "0", "0", "—", "0"]
    assert line(figures, PUBLICS, "Parents de jeunes enfants") == parents
    assert line(figures, PUBLICS, "Tous publics") == parents
    assert line(figures, PUBLICS, "Jeunes (16-25 ans)") == ["0", "0", "0", "—", "0"]
    # 23 places taken is the grand total masked in the tables above: masked here too.
    assert line(figures, PUBLICS, "Toutes actions") == ["masqué", "14", "6", "70 %", "moins de 5"]


async def test_proposals_their_follow_up_and_the_trades_discovered_then_matched_and_hired(
    services: Services,
    client: httpx.AsyncClient,
    scenario: Scenario,
) -> None:
    who = await referent(services, coordinator=True)
    page = (await client.get("/actions/coordination", params=scenario.query, headers=who.page)).text
    figures = page_figures(page)
    assert line(figures, PROPOSALS, "Souhait") == ["11", "6", "5", "55 %"]
    assert line(figures, PROPOSALS, "Découverte") == ["9", "5", "moins de 5", "56 %"]
    assert line(figures, PROPOSALS, "Ensemble") == ["20", "11", "masqué", "55 %"]
    assert line(figures, REASONS, "Trop loin") == ["5", "0", "5"]
    assert line(figures, REASONS, "Déjà fait") == ["0", "moins de 5", "moins de 5"]
    assert line(figures, REASONS, "Pas pertinent, toutes raisons") == [
        "5",
        "moins de 5",
        "masqué",
    ]
    mason = coordination.trade_label(services.referential, "F1703")
    assert mason == "Maçon / Maçonne (F1703)"
    # 7 proposed; 5 took a place after it (not the one before, not the cancelled one);
    # 6 matched after it; 5 hired (a decision older than "hired" read late changes nothing).
    assert line(figures, TRADES, mason) == ["7", "5", "6", "5"]
    picker = coordination.trade_label(services.referential, "N1103")
    assert line(figures, TRADES, picker) == ["moins de 5", "0", "0", "0"]


async def test_the_csv_holds_exactly_the_figures_of_the_page(
    services: Services,
    client: httpx.AsyncClient,
    scenario: Scenario,
) -> None:
    who = await referent(services, coordinator=True)
    page = await client.get("/actions/coordination", params=scenario.query, headers=who.page)
    export = await client.get("/actions/coordination.csv", params=scenario.query, headers=who.page)
    assert export.status_code == 200
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in export.headers["content-disposition"]
    assert export.content.startswith(b"\xef\xbb\xbfDu;Au;Tableau;Ligne;Indicateur;Valeur\r\n")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    exported = {(t, label, column): value for _, _, t, label, column, value in rows[1:]}
    assert exported == page_figures(page.text)
    assert exported[(KINDS, "Atelier", "Actions")] == "moins de 5"  # not the 2 behind it
    assert f'href="/actions/coordination.csv?du={scenario.query["du"]}' in page.text


async def test_the_api_gives_a_coordinator_the_same_figures(
    services: Services,
    client: httpx.AsyncClient,
    scenario: Scenario,
) -> None:
    who = await referent(services, coordinator=True)
    reply = await client.get("/actions/api/coordination", params=scenario.query, headers=who.api)
    assert reply.status_code == 200, reply.text
    tables = {t["id"]: t for t in reply.json()["tableaux"]}
    kinds = {ln["libelle"]: ln["valeurs"] for ln in tables["par-type"]["lignes"]}
    assert kinds["Atelier"] == ["moins de 5", "moins de 5", "10", "moins de 5", "—"]
    assert reply.json()["du"] == scenario.query["du"]


async def test_a_referent_without_the_coordination_role_gets_404_on_the_pages_and_403_on_the_api(
    services: Services,
    client: httpx.AsyncClient,
    scenario: Scenario,
) -> None:
    other = await referent(services, coordinator=False)
    granted = await referent(services, coordinator=True)
    for path in ("/actions/coordination", "/actions/coordination.csv"):
        refused = await client.get(path, params=scenario.query, headers=other.page)
        assert refused.status_code == 404, path
        assert scenario.alpha not in refused.text
        allowed = await client.get(path, params=scenario.query, headers=granted.page)
        assert allowed.status_code == 200, path  # the control
    api = "/actions/api/coordination"
    refused = await client.get(api, params=scenario.query, headers=other.api)
    assert refused.status_code == 403
    assert (await client.get(api, headers=granted.api)).status_code == 200
    # Not signed in at all: sent to sign in / 401.
    anonymous = await client.get("/actions/coordination")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")
    assert (await client.get(api)).status_code == 401


async def test_the_default_period_is_the_last_twelve_months_and_a_bad_date_is_named(
    services: Services, client: httpx.AsyncClient
) -> None:
    who = await referent(services, coordinator=True)
    today = coordination.today(services)
    page = await client.get("/actions/coordination", headers=who.page)
    assert page.status_code == 200
    assert f'value="{today.isoformat()}"' in page.text
    bad = await client.get("/actions/coordination", params={"du": "2026-02-31"}, headers=who.page)
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and "Date non reconnue" in bad.text
    api = await client.get(
        "/actions/api/coordination",
        params={"du": "2026-03-31", "au": "2026-03-01"},
        headers=who.api,
    )
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["query", "au"]


async def test_forgetting_a_person_deletes_their_rows_and_theirs_only(
    services: Services,
) -> None:
    first, _ = a_month_of_its_own()
    gone, kept = uuid.uuid4(), uuid.uuid4()
    services = services
    proposals = [rows.proposed(p, "F1703", first, discovery=True) for p in (gone, kept)]
    await coordination.record_proposals(services, proposals)
    await coordination.record_follow_ups(
        services, [rows.followed(p, "inscrit", first) for p in proposals]
    )
    await coordination.record_matches(
        services, [rows.matched(p, "F1703", first + timedelta(days=1)) for p in (gone, kept)]
    )
    async with services.transaction() as conn:
        await coordination_repo.forget_person(conn, gone)
    count = (
        "select (select count(*) from actions.coordination_proposals where candidate_id = $1)"
        " + (select count(*) from actions.coordination_follow_ups where candidate_id = $1)"
        " + (select count(*) from actions.coordination_matches where candidate_id = $1)"
    )
    async with services.pool.acquire() as conn:
        assert await conn.fetchval(count, gone) == 0
        assert await conn.fetchval(count, kept) == 3  # the control
