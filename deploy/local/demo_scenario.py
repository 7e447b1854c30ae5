"""The demo: a realistic Haute-Garonne morning played through the public APIs of the five services.

BTP 31, the GEIQ and the CCI post needs (one by CSV upload, one with a compliance flag, one
probable duplicate); référents of three structures create consented profiles; the matcher
proposes; the notifier alerts; the Mission locale publishes a "découverte des métiers" session
in the banque d'actions commune and the matcher proposes it to the people it fits; one
candidate withdraws consent. Prints a summary and exits 0 only if the scenario's alerts and the
action's proposals arrived.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from shared.contracts import AlertSent, MatchFound, UnknownEventError, decode_event
from shared.contracts.actions import ActionProposed
from shared.kafka.reader import read_since
from shared.settings import load_base_settings
from shared.topics import ACTION_PROPOSALS, ALERTS, MATCHES

BASE = int(os.environ.get("SPIE_SERVICE_PORT_BASE", "8000"))
INTAKE = f"http://127.0.0.1:{BASE + 1}"
PROFILES = f"http://127.0.0.1:{BASE + 2}"
MATCHER = f"http://127.0.0.1:{BASE + 3}"
INBOX = f"http://127.0.0.1:{BASE + 4}"
ACTIONS = f"http://127.0.0.1:{BASE + 5}"
FRONT = f"http://127.0.0.1:{os.environ.get('SPIE_FRONT_PORT', '8080')}"
# The compose test (deploy/compose/test.sh) points these at its mail sink's folder and runs the
# services' CLIs inside their containers: "podman exec -i spie31_{service}_1 python -m".
MAIL_DIR = Path(
    os.environ.get("SPIE_DEMO_MAIL_DIR") or Path(__file__).resolve().parents[2] / ".stack" / "mail"
)
CLI = os.environ.get("SPIE_DEMO_CLI", "")
console = Console()


@dataclass
class Referent:
    structure: str
    name: str
    referent_id: str = ""
    token: str = ""
    inbox_token: str = ""
    email: str = ""


@dataclass
class Demo:
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    keys: dict[str, str] = field(default_factory=dict)
    referents: dict[str, Referent] = field(default_factory=dict)
    needs: list[dict[str, Any]] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)  # label -> candidate_id
    action: dict[str, Any] = field(default_factory=dict)  # the banque d'actions' session


def cli(module: str, *args: str) -> tuple[str, str]:
    prefix = (
        shlex.split(CLI.format(service=module.split(".")[1])) if CLI else [sys.executable, "-m"]
    )
    done = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [*prefix, module, *args], capture_output=True, text=True, check=True
    )
    return done.stdout, done.stderr


def create_keys(demo: Demo) -> None:
    for federation in ("BTP31", "GEIQ", "CCI"):
        out, _ = cli(
            "services.employer_intake",
            "create-api-key",
            "--federation",
            federation,
            "--label",
            f"démo {demo.run}",
        )
        demo.keys[federation] = out.strip().splitlines()[-1]


def create_referents(demo: Demo) -> None:
    people = {"CD31": "Claire Dupuy", "FT31": "Mehdi Benali", "MLT": "Sophie Garcia"}
    for structure, name in people.items():
        ref = Referent(structure, name)
        email = f"{name.split()[0].lower()}.{demo.run}@{structure.lower()}.demo.fr"
        out, err = cli(
            "services.candidate_profile",
            "create-referent",
            "--structure",
            structure,
            "--email",
            email,
            "--name",
            name,
        )
        ref.token = out.strip().splitlines()[-1]
        ref.email = email
        for line in err.splitlines():
            if line.startswith("referent_id "):
                ref.referent_id = line.split()[-1]
            if line.startswith("inbox sign-in token "):
                ref.inbox_token = line.split()[-1]
        demo.referents[structure] = ref


CSV_BTP31 = """external_ref,employer_name,siret,title,description,rome_code,skills,commune_insee,\
contract_type,hours_per_week,positions,driving_licence_required,schedules,start_date,\
open_to_beginners
BTP31-{run}-1,Bâtir Garonne,{siret1},Maçon / Maçonne,Rénovation de logements sociaux \
à Muret,,lecture de plans|coulage de béton|montage de murs,31395,CDD,35,2,oui,day|early_morning,\
{start},oui
BTP31-{run}-2,Coffrages du Volvestre,{siret2},Coffreur bancheur / Coffreuse bancheuse,\
Voiles béton sur chantier de collège,,coffrage|lecture de plans,31555,INTERIM,39,1,non,day,\
{start},non
"""


def siret(demo: Demo, n: int) -> str:
    """Sirets of this run only, so that a second demo is not a duplicate of the first."""
    return f"{int(demo.run, 16) % 10**12:012d}{n:02d}"


def need(
    employer: str,
    siret: str,
    title: str,
    desc: str,
    skills: list[str],
    commune: str,
    contract: str,
    hours: float,
    schedules: list[str],
    **extra: Any,
) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    return {
        "employer_name": employer,
        "siret": siret,
        "title": title,
        "description": desc,
        "skills": skills,
        "commune_insee": commune,
        "contract_type": contract,
        "hours_per_week": hours,
        "schedules": schedules,
        "start_date": start,
        **extra,
    }


async def set_preferences(demo: Demo, http: httpx.AsyncClient) -> None:
    """CD31 wants every alert by e-mail at once, even in the evening; the others keep the
    defaults (no e-mail between 20:00 and 07:00, the alert waits in the inbox)."""
    ref = demo.referents["CD31"]
    r = await http.put(
        f"{PROFILES}/referents/me/preferences",
        json={"email": True, "mode": "immediate", "quiet_start": None, "quiet_end": None},
        headers={"Authorization": f"Bearer {ref.token}"},
    )
    r.raise_for_status()


async def post_needs(demo: Demo, http: httpx.AsyncClient) -> None:
    start = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    csv = CSV_BTP31.format(
        run=demo.run, start=start, siret1=siret(demo, 1), siret2=siret(demo, 2)
    ).encode()
    r = await http.post(
        f"{INTAKE}/needs/bulk",
        content=csv,
        headers={"X-API-Key": demo.keys["BTP31"], "Content-Type": "text/csv"},
    )
    r.raise_for_status()
    report = r.json()
    demo.needs += [{"federation": "BTP31", "via": "CSV", **n} for n in _stored(report)]
    posts = [
        (
            "GEIQ",
            need(
                "GEIQ Propreté Occitanie",
                siret(demo, 3),
                "Agent / Agente de propreté",
                "Nettoyage de bureaux à Colomiers. Homme uniquement, moins de 30 ans.",
                ["nettoyage des locaux", "utilisation d'autolaveuse"],
                "31149",
                "IAE",
                26,
                ["early_morning"],
                open_to_beginners=True,
            ),
        ),
        (
            "CCI",
            need(
                "LogiSud Entrepôts",
                siret(demo, 4),
                "Préparateur / Préparatrice de commandes",
                "Préparation sur terminal radio, entrepôt de Blagnac.",
                ["préparation de commandes", "cariste"],
                "31069",
                "CDI",
                35,
                ["day"],
                open_to_beginners=True,
            ),
        ),
        (
            "GEIQ",
            need(
                "LogiSud Entrepôts",
                siret(demo, 4),
                "Préparatrice de commandes",
                "Même entrepôt, poste en alternance.",
                ["préparation de commandes"],
                "31069",
                "ALTERNANCE",
                35,
                ["day"],
            ),
        ),
        (
            "CCI",
            need(
                "Brasserie du Capitole",
                siret(demo, 5),
                "Commis / Commise de cuisine",
                "Restaurant du centre de Toulouse, service du midi.",
                ["mise en place", "règles d'hygiène HACCP"],
                "31555",
                "CDD",
                30,
                ["day"],
                open_to_beginners=True,
            ),
        ),
    ]
    for federation, body in posts:
        r = await http.post(
            f"{INTAKE}/needs",
            json=body,
            headers={
                "X-API-Key": demo.keys[federation],
                "Idempotency-Key": f"{demo.run}-{len(demo.needs)}-{federation}",
            },
        )
        r.raise_for_status()
        demo.needs.append({"federation": federation, "via": "API", **r.json()})


def _stored(report: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("stored", "needs", "created"):
        if isinstance(report.get(key), list):
            return [n if isinstance(n, dict) else {"need_id": n} for n in report[key]]
    return []


PROFILES_DATA = [
    (
        "CD31",
        "Samira",
        ["Maçonne"],
        "4 ans de gros œuvre en intérim, murs en parpaings.",
        ["lecture de plans", "montage de murs"],
        "31395",
        25,
        True,
        ["night"],
    ),
    (
        "CD31",
        "Karim",
        ["Coffreur bancheur"],
        "Coffrage de voiles et de poteaux.",
        ["coffrage", "lecture de plans"],
        "31555",
        30,
        True,
        [],
    ),
    (
        "FT31",
        "Julie",
        ["Agente d'entretien"],
        "Ménage en collectivité, 2 ans.",
        ["nettoyage des locaux"],
        "31149",
        15,
        False,
        ["night"],
    ),
    (
        "FT31",
        "Marc",
        ["Préparateur de commandes"],
        "Cariste CACES 1, préparation en entrepôt.",
        ["préparation de commandes", "cariste"],
        "31069",
        20,
        False,
        ["weekend"],
    ),
    (
        "MLT",
        "Inès",
        ["Commis de cuisine"],
        "CAP cuisine, stage en brasserie.",
        ["mise en place"],
        "31555",
        10,
        False,
        ["night"],
    ),
    (
        "MLT",
        "Yanis",
        ["Aide-maçon"],
        "Premier emploi recherché dans le bâtiment.",
        ["montage de murs"],
        "31483",
        10,
        False,
        [],
    ),
]


async def create_profiles(demo: Demo, http: httpx.AsyncClient) -> None:
    expires = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    for structure, first, jobs, exp, skills, commune, km, licence, unavailable in PROFILES_DATA:
        body = {
            "first_name": first,
            "desired_jobs": jobs,
            "experience": exp,
            "skills": skills,
            "commune_insee": commune,
            "mobility_km": km,
            "has_driving_licence": licence,
            "unavailable_schedules": unavailable,
            "notes": "Profil de démonstration.",
            "consent": {"purposes": ["matching"], "expires_at": expires},
        }
        ref = demo.referents[structure]
        r = await http.post(
            f"{PROFILES}/profiles", json=body, headers={"Authorization": f"Bearer {ref.token}"}
        )
        r.raise_for_status()
        demo.profiles[first] = r.json()["candidate_id"]


async def withdraw(demo: Demo, http: httpx.AsyncClient, first: str, structure: str) -> None:
    ref = demo.referents[structure]
    r = await http.post(
        f"{PROFILES}/profiles/{demo.profiles[first]}/consent/withdraw",
        json={"purposes": ["matching"]},
        headers={"Authorization": f"Bearer {ref.token}"},
    )
    r.raise_for_status()


async def publish_action(demo: Demo, http: httpx.AsyncClient) -> None:
    """The Mission locale publishes a morning of discovery of the building trades in Muret,
    through the catalogue's API (an identity assertion from the profiles service)."""
    ref = demo.referents["MLT"]
    r = await http.post(
        f"{PROFILES}/referents/me/assertion", headers={"Authorization": f"Bearer {ref.token}"}
    )
    r.raise_for_status()
    headers = {"Authorization": f"Bearer {r.json()['assertion']}"}
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    body = {
        "kind": "decouverte_metiers",
        "title": f"Découvrir les métiers du gros œuvre ({demo.run})",
        "description": "Une matinée sur un chantier-école : maçonnerie, coffrage, sécurité.",
        "rome_codes": ["F1703", "F1701"],
        "publics": ["tous"],
        "commune_insee": "31395",
        "sessions": [
            {
                "starts_at": f"{day}T09:00:00+01:00",
                "ends_at": f"{day}T12:00:00+01:00",
                "capacity": 12,
                "schedules": ["day"],
            }
        ],
    }
    # The catalogue knows the référent once it has read them on spie.referents.v1.
    for _ in range(60):
        r = await http.post(f"{ACTIONS}/actions/api/actions", json=body, headers=headers)
        if r.status_code != 401:
            break
        await asyncio.sleep(1)
    r.raise_for_status()
    demo.action = r.json()


class TopicWatch:
    """Reads MatchFound and AlertSent published since the demo started."""

    def __init__(self, bootstrap: str, since_ms: int) -> None:
        self.bootstrap, self.since_ms = bootstrap, since_ms
        self.matches: list[MatchFound] = []
        self.alerts: list[AlertSent] = []
        self.proposals: list[ActionProposed] = []
        # People whose consent was withdrawn: once erased, the notifier rightly alerts nobody
        # about them, so their late matches owe no alert.
        self.withdrawn: set[str] = set()

    def unalerted(self, needs: set[str]) -> set[str]:
        """Match ids of these needs still waiting for their alert."""
        owed = {
            str(m.payload.match_id)
            for m in self.matches
            if str(m.payload.need_id) in needs and str(m.payload.candidate_id) not in self.withdrawn
        }
        return owed - {str(a.payload.match_id) for a in self.alerts}

    async def poll(self) -> None:
        matches = await read_since(self.bootstrap, MATCHES.name, self.since_ms)
        alerts = await read_since(self.bootstrap, ALERTS.name, self.since_ms)
        self.matches = [e for e in _decoded(matches) if isinstance(e, MatchFound)]
        self.alerts = [e for e in _decoded(alerts) if isinstance(e, AlertSent)]
        proposals = await read_since(self.bootstrap, ACTION_PROPOSALS.name, self.since_ms)
        self.proposals = [e for e in _decoded(proposals) if isinstance(e, ActionProposed)]

    def proposed(self, action_id: str) -> list[ActionProposed]:
        return [p for p in self.proposals if str(p.payload.action_id) == action_id]

    async def until_proposed(self, action_id: str, deadline: float) -> None:
        while True:
            await self.poll()
            if self.proposed(action_id) or time.time() >= deadline:
                return
            await asyncio.sleep(2)

    async def until_alerted(self, needs: set[str], deadline: float) -> None:
        """Polls until every match of these needs has its alert, or the deadline passes."""
        while True:
            await self.poll()
            if (self.matches and not self.unalerted(needs)) or time.time() >= deadline:
                return
            await asyncio.sleep(2)


def _decoded(records: list[Any]) -> list[Any]:
    events = []
    for record in records:
        try:
            events.append(decode_event(record.value or b""))
        except UnknownEventError:  # a poison record: the services dead-letter it, the demo skips it
            continue
    return events


async def main() -> int:
    settings = load_base_settings()
    demo = Demo()
    t0 = time.time()
    watch = TopicWatch(settings.kafka_bootstrap, int(t0 * 1000) - 1000)
    with console.status("Fédérations et référents…"):
        create_keys(demo)
        create_referents(demo)
    async with httpx.AsyncClient(timeout=30) as http:
        await set_preferences(demo, http)
        with console.status("Besoins des employeurs (CSV et API)…"):
            await post_needs(demo, http)
        with console.status("Profils des personnes accompagnées…"):
            await create_profiles(demo, http)
        our_needs = {str(n["need_id"]) for n in demo.needs}
        ours = set(demo.profiles.values())
        wait_s = float(os.environ.get("DEMO_WAIT_SECONDS", "90"))
        with console.status("Rapprochements et alertes…"):
            await watch.until_alerted(our_needs, time.time() + wait_s)
        with console.status("Banque d'actions : une découverte des métiers, ses propositions…"):
            await publish_action(demo, http)
            await watch.until_proposed(str(demo.action["action_id"]), time.time() + wait_s)
        await withdraw(demo, http, "Karim", "CD31")
        watch.withdrawn.add(demo.profiles["Karim"])
        # A withdrawal erases; matches found meanwhile must still have their alerts.
        await asyncio.sleep(3)
        await watch.until_alerted(our_needs, time.time() + wait_s)
        with console.status("Connexion à l'espace des référents par la porte d'entrée…"):
            door = await through_the_front_door(http, demo.referents["CD31"])
    return summary(demo, watch, our_needs, ours, time.time() - t0, door)


def sign_in_link(email: str, since: float) -> str | None:
    """The sign-in link of the newest e-mail to `email` received after `since`."""
    for path in sorted(MAIL_DIR.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
        if path.stat().st_mtime < since:
            break
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        if email in str(message.get("To", "")) and body is not None:
            found = re.search(r"http://\S+/connexion\?jeton=\S+", body.get_content())
            if found:
                return found.group(0)
    return None


async def ask_link(http: httpx.AsyncClient, email: str) -> str:
    since = time.time() - 1
    r = await http.post(f"{FRONT}/connexion/lien", data={"email": email, "suite": "/espace"})
    r.raise_for_status()
    for _ in range(100):
        link = sign_in_link(email, since)
        if link:
            return link
        await asyncio.sleep(0.2)
    raise RuntimeError("no sign-in e-mail reached the mail sink")


async def through_the_front_door(http: httpx.AsyncClient, ref: Referent) -> tuple[bool, str]:
    """Sign the référent in as a browser would (e-mailed link, then the workspace), and keep a
    fresh single-use link for the person running the demo."""
    link = await ask_link(http, ref.email)
    token = parse_qs(urlsplit(link).query)["jeton"][0]
    async with httpx.AsyncClient(timeout=30) as browser:
        signed = await browser.post(
            f"{FRONT}/connexion", data={"jeton": token, "suite": "/espace"}, follow_redirects=True
        )
        ok = signed.status_code == 200 and urlsplit(str(signed.url)).path == "/espace"
    return ok, await ask_link(http, ref.email)


def summary(
    demo: Demo,
    watch: TopicWatch,
    our_needs: set[str],
    ours: set[str],
    elapsed: float,
    door: tuple[bool, str],
) -> int:
    matches = [m for m in watch.matches if str(m.payload.need_id) in our_needs]
    match_ids = {str(m.payload.match_id) for m in matches}
    alerts = [a for a in watch.alerts if str(a.payload.match_id) in match_ids]
    table = Table(title=f"SPIE Haute-Garonne — démonstration {demo.run} ({elapsed:.0f} s)")
    table.add_column("quoi")
    table.add_column("résultat")
    flagged = [n for n in demo.needs if n.get("compliance_flags")]
    duplicates = [n for n in demo.needs if n.get("duplicate_of")]
    table.add_row(
        "besoins publiés",
        f"{len(demo.needs)} (dont {sum(n['via'] == 'CSV' for n in demo.needs)} par CSV)",
    )
    table.add_row(
        "signalés (L1132-1 / L1142-1)",
        "; ".join(
            f"{n['title']}: "
            + ", ".join(f"{f['ground']} « {f['sentence']} »" for f in n["compliance_flags"])
            for n in flagged
        )
        or "aucun",
    )
    table.add_row("doublons probables", ", ".join(n["title"] for n in duplicates) or "aucun")
    table.add_row("profils consentis", f"{len(ours)} (3 structures), 1 retrait de consentement")
    table.add_row("rapprochements (MatchFound)", str(len(matches)))
    for channel in ("email", "inbox", "webhook"):
        sent = [a for a in alerts if a.payload.channel.value == channel]
        table.add_row(f"alertes {channel}", str(len(sent)))
    proposals = watch.proposed(str(demo.action.get("action_id", "")))
    discovery = sum(p.payload.reason.kind == "decouverte" for p in proposals)
    table.add_row(
        "banque d'actions",
        f"1 action publiée, {len(proposals)} proposition(s) (dont {discovery} métier à découvrir)",
    )
    console.print(table)
    for p in proposals[:2]:
        console.print(
            Panel(p.payload.explanation, title=f"Action proposée : {p.payload.action.title}")
        )
    if matches:
        best = max(matches, key=lambda m: m.payload.score)
        p = best.payload
        console.print(
            Panel(
                f"{p.need.title} — {p.need.employer_name} "
                f"({p.need.commune_name or p.need.commune_insee})\n"
                f"{p.explanation}\nscore {p.score:.2f} (seuil {p.threshold:.2f}) · "
                + json.dumps(p.score_parts.model_dump(), ensure_ascii=False),
                title="Une explication en entier",
            )
        )
    ref = demo.referents["CD31"]
    signed_in, link = door
    console.print(
        f"Banque d'actions commune : {FRONT}/actions\n"
        f"Espace des référents : {FRONT}/espace "
        f"({'connexion vérifiée' if signed_in else '[red]connexion impossible[/red]'})\n"
        f"Lien de connexion de {ref.name} ({ref.structure}), une fois, 30 min : {link}\n"
        f"Ou demandez un lien à {FRONT}/connexion avec l'adresse {ref.email} "
        f"(e-mails dans {MAIL_DIR})\n"
        "Journal des rapprochements (auditeur) : python -m services.matcher"
        " issue-auditor-assertion --name <vous>, puis\n"
        f"  curl -H 'Authorization: Bearer <assertion>'"
        f" '{MATCHER}/matches?need_id={next(iter(our_needs))}'"
    )
    arrived = bool(matches) and not watch.unalerted(our_needs)
    if not arrived:
        console.print("[red]Les alertes du scénario ne sont pas toutes arrivées.[/red]")
    if not proposals:
        console.print("[red]L'action publiée n'a été proposée à personne.[/red]")
    return 0 if arrived and signed_in and proposals else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
