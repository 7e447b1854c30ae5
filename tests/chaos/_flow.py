"""A steady flow of needs and profile updates through the public APIs, bounded in count and
time, that remembers every accepted request (201/200) so that nothing accepted can be lost."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.chaos._stack import cli, url

# Job families: a need of a family matches the profiles desiring that job.
FAMILIES = [
    ("Maçon / Maçonne", "Maçonne", ["lecture de plans", "montage de murs"]),
    ("Agent / Agente de propreté", "Agente de propreté", ["nettoyage des locaux"]),
    ("Préparateur / Préparatrice de commandes", "Préparatrice de commandes", ["cariste"]),
]


@dataclass
class Actors:
    run: str
    api_key: str
    bearer: str
    email: str
    profiles: list[str] = field(default_factory=list)


def run_skill(run: str) -> str:
    """A skill only this run's needs and profiles share: they rank first for each other, above
    the same trade's profiles left on the stack by earlier runs (top 10 per need)."""
    return f"chantier école {run}"


def family_of(profile_index: int) -> int:
    return profile_index % len(FAMILIES)


def profile_body(family: int, n: int, run: str = "") -> dict[str, Any]:
    expires = (datetime.now(UTC) + timedelta(days=300)).isoformat()
    return {
        "first_name": "Lina",
        "desired_jobs": [FAMILIES[family][1]],
        "commune_insee": "31555",
        "experience": f"Trois ans d'expérience, mise à jour {n}.",
        "skills": [*FAMILIES[family][2], run_skill(run)] if run else FAMILIES[family][2],
        "mobility_km": 30,
        "has_driving_licence": True,
        "consent": {"purposes": ["matching"], "expires_at": expires},
    }


def need_body(run: str, n: int, flow: str = "") -> dict[str, Any]:
    """Need `n` of a flow; its employer's name ("Chaos <run> <flow>-<n>") tells it apart in the
    e-mails, which name the need by its title and employer."""
    title, _, skills = FAMILIES[n % len(FAMILIES)]
    return {
        "employer_name": f"Chaos {run} {flow}-{n}" if flow else f"Chaos {run}",
        "title": title,
        "siret": f"{(int(run, 16) * 1000 + n) % 10**14:014d}",
        "description": f"Poste {n} à Toulouse.",
        "skills": [*skills, run_skill(run)],
        "commune_insee": "31555",
        "contract_type": "CDD",
        "hours_per_week": 35,
        "schedules": ["day"],
    }


async def new_referent(http: httpx.AsyncClient, *, structure: str, email: str, name: str) -> str:
    """A référent created by the profile service's CLI, alerted by e-mail at once: its token."""
    out, _ = await asyncio.to_thread(
        cli, "services.candidate_profile", "create-referent", "--structure", structure,
        "--email", email, "--name", name,
    )  # fmt: skip
    bearer = out.strip().splitlines()[-1]
    r = await http.put(
        f"{url('candidate_profile')}/referents/me/preferences",
        headers={"Authorization": f"Bearer {bearer}"},
        json={"email": True, "mode": "immediate", "quiet_start": None, "quiet_end": None},
    )
    r.raise_for_status()
    return bearer


async def new_api_key(federation: str) -> str:
    """A federation's API key, created by the intake service's CLI."""
    out, _ = await asyncio.to_thread(
        cli, "services.employer_intake", "create-api-key", "--federation", federation
    )
    return out.strip().splitlines()[-1]


async def create_actors(http: httpx.AsyncClient, profiles: int = 6) -> Actors:
    run = uuid.uuid4().hex[:8]
    email = f"chaos.{run}@cd31.fr"
    bearer = await new_referent(http, structure=f"CH{run}", email=email, name="Référente Chaos")
    actors = Actors(run, await new_api_key(f"CH{run}"), bearer, email)
    auth = {"Authorization": f"Bearer {bearer}"}
    for i in range(profiles):
        r = await http.post(
            f"{url('candidate_profile')}/profiles",
            headers=auth,
            json=profile_body(family_of(i), 0, run),
        )
        r.raise_for_status()
        actors.profiles.append(r.json()["candidate_id"])
    return actors


@dataclass
class Outcome:
    flow: str = field(default_factory=lambda: uuid.uuid4().hex[:6])  # tells its needs apart
    needs: dict[str, float] = field(default_factory=dict)  # need_id -> POST time (epoch s)
    numbers: dict[str, int] = field(default_factory=dict)  # need_id -> n (its family: n % 3)
    versions: set[tuple[str, int]] = field(default_factory=set)  # (candidate_id, version) saved
    refused: dict[str, int] = field(default_factory=dict)  # "needs 503" -> count

    def refuse(self, what: str, status: int | str) -> None:
        label = f"{what} {status}"
        self.refused[label] = self.refused.get(label, 0) + 1

    def refuse_response(self, what: str, r: httpx.Response) -> None:
        # A 503 must say when to come back; one without Retry-After counts apart.
        retry = r.status_code != 503 or "retry-after" in r.headers
        self.refuse(what, r.status_code if retry else "503 without Retry-After")


async def run_flow(
    http: httpx.AsyncClient, actors: Actors, *, seconds: float, rate: float = 5.0
) -> Outcome:
    """`rate` needs/s and `rate` profile updates/s for `seconds`; every request is awaited."""
    outcome = Outcome()
    auth = {"Authorization": f"Bearer {actors.bearer}"}

    async def post_need(n: int) -> None:
        try:
            r = await http.post(
                f"{url('employer_intake')}/needs",
                headers={"X-API-Key": actors.api_key},
                json=need_body(actors.run, n, outcome.flow),
            )
        except httpx.HTTPError as exc:
            outcome.refuse("needs", type(exc).__name__)
            return
        if r.status_code == 201:
            outcome.needs[r.json()["need_id"]] = time.time()
            outcome.numbers[r.json()["need_id"]] = n
        else:
            outcome.refuse_response("needs", r)

    async def update_profile(n: int) -> None:
        i = n % len(actors.profiles)
        try:
            r = await http.put(
                f"{url('candidate_profile')}/profiles/{actors.profiles[i]}",
                headers=auth,
                json={
                    k: v
                    for k, v in profile_body(family_of(i), n, actors.run).items()
                    if k != "consent"
                },
            )
        except httpx.HTTPError as exc:
            outcome.refuse("profiles", type(exc).__name__)
            return
        if r.status_code == 200:
            outcome.versions.add((actors.profiles[i], int(r.json()["version"])))
        else:
            outcome.refuse_response("profiles", r)

    start, tasks = time.monotonic(), []
    for n in range(int(seconds * rate)):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        tasks += [asyncio.create_task(post_need(n)), asyncio.create_task(update_profile(n))]
    await asyncio.gather(*tasks)
    return outcome
