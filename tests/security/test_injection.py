"""Header and control-character injection in every text field of the two APIs, and oversized or
malformed bodies on each of their write routes, against the services on the real stack.

"Got through" means the raw character was stored unchanged where it must not be (a line break in
a one-line field, any other control character anywhere), or a bad body was taken (2xx) or broke
the service (5xx). Every field also gets the same request with clean text, which must be stored
as written: the positive control.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.security.conftest import AttackLedger, cli

pytestmark = pytest.mark.security

# One-line fields: a line break or tab must never be stored (it becomes one space).
BREAKS = {
    "CR/LF header injection": "Maçon\r\nBcc: pirate@example.com",
    "LF header injection": "Maçon\nSubject: gagné",
    "lone CR": "Maçon\rX-Injected: 1",
}
# Every text field: these are refused (422) wherever they are.
REFUSED = {
    "NUL": "Maçon\x00confirmé",
    "bidi override U+202E": "Maçon\u202eenneuqsa",
    "bidi isolate U+2066": "Maçon\u2066x\u2069",
    "line separator U+2028": "Maçon\u2028Bcc: pirate@example.com",
    "C1 NEL U+0085": "Maçon\x85Bcc: pirate@example.com",
    "escape ESC": "Maçon\x1b[31m",
}
ONE_LINE_BAD = "\r\n\x00\u202e\u2066\u2069\u2028\x85\x1b"
LONG_BAD = "\r\x00\u202e\u2066\u2069\u2028\x85\x1b"
CLEAN = "Maçon / Maçonne « confirmé » — coffrage"

NEED: dict[str, Any] = {
    "employer_name": "Bâtir Garonne SARL", "title": "Maçon / Maçonne",
    "description": "Chantiers de rénovation.", "skills": ["coffrage"], "commune_insee": "31555",
    "contract_type": "CDD", "hours_per_week": 35,
}  # fmt: skip
PROFILE: dict[str, Any] = {
    "first_name": "Samira", "desired_jobs": ["Maçonne"], "experience": "3 ans de gros œuvre.",
    "skills": ["coffrage"], "notes": "note", "commune_insee": "31555", "mobility_km": 20,
}  # fmt: skip


def _unique() -> str:
    return uuid.uuid4().hex[:8].upper()


@pytest.fixture(scope="module")
def intake_headers(service_urls: dict[str, str]) -> dict[str, str]:
    out, _ = cli("services.employer_intake", "create-api-key", "--federation", f"INJ{_unique()}")
    return {"X-API-Key": out.strip().splitlines()[-1]}


@pytest.fixture(scope="module")
def profile_headers(service_urls: dict[str, str]) -> dict[str, str]:
    code = f"INJ{_unique()}"
    out, _ = cli(
        "services.candidate_profile", "create-referent", "--structure", code,
        "--email", f"{code.lower()}@example.org", "--name", "Attaque Injection",
    )  # fmt: skip
    return {"Authorization": f"Bearer {out.strip().splitlines()[-1]}"}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http


async def send(client: httpx.AsyncClient, method: str, url: str, **kw: Any) -> httpx.Response:
    """One request, waiting out the intake's per-key rate limit (429) rather than failing."""
    for _ in range(20):
        response = await client.request(method, url, **kw)
        if response.status_code != 429:
            return response
        await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
    return response


def _holds(value: Any, chars: str) -> bool:
    """Whether a stored value (text or list of texts) holds any of `chars`."""
    texts = value if isinstance(value, list) else [value]
    return any(isinstance(t, str) and any(c in t for c in chars) for t in texts)


def _put_in(field: str, text: str) -> Any:
    return [text] if field in ("skills", "desired_jobs") else text


class Probe:
    """Tries one field with each payload; the stored value is read back from the reply."""

    def __init__(self, attacks: AttackLedger, target: str) -> None:
        self.attacks, self.target = attacks, target

    def judge(
        self, kind: str, field: str, response: httpx.Response, bad: str, read: Callable[[], Any]
    ) -> None:
        stored = read() if response.is_success else None
        through = response.status_code >= 500 or _holds(stored, bad)
        refused_or_clean = response.status_code == 422 or response.is_success
        self.attacks.record(
            f"text injection: {kind}", f"{self.target} {field}",
            got_through=through or not refused_or_clean,
            detail=f"{response.status_code} {response.text[:200]}",
        )  # fmt: skip
        if response.status_code == 422:
            locs = [e["loc"] for e in response.json()["detail"]]
            assert any(field in loc for loc in locs), (field, locs)


ONE_LINE_NEED = ("employer_name", "title", "skills", "external_ref")
ONE_LINE_PROFILE = ("first_name", "desired_jobs", "skills")


def _cases(one_line: tuple[str, ...], long: tuple[str, ...]) -> Iterator[tuple[str, str, str, str]]:
    """(field, kind, payload, characters that must not be stored) for every field."""
    for field in one_line:
        for kind, text in {**BREAKS, **REFUSED}.items():
            yield field, kind, text, ONE_LINE_BAD
    for field in long:
        for kind, text in {"lone CR": "Chantier.\rX-Injected: 1", **REFUSED}.items():
            yield field, kind, text, LONG_BAD


async def test_control_characters_never_reach_a_stored_need(
    client: httpx.AsyncClient, service_urls: dict[str, str], intake_headers: dict[str, str],
    attacks: AttackLedger,
) -> None:  # fmt: skip
    before = len(attacks.through)
    base = f"{service_urls['employer_intake']}/needs"
    probe = Probe(attacks, "POST /needs")
    for field, kind, text, bad in _cases(ONE_LINE_NEED, ("description",)):
        body = {**NEED, field: _put_in(field, text)}
        response = await send(client, "POST", base, json=body, headers=intake_headers)
        probe.judge(kind, field, response, bad, lambda r=response, f=field: r.json()[f])
    # Positive control: clean text in every field is stored exactly as written.
    clean = {**NEED, "employer_name": CLEAN, "title": CLEAN, "skills": [CLEAN],
             "external_ref": f"REF-{_unique()}",
             "description": f"{CLEAN}\n\tDébut lundi."}  # fmt: skip
    created = await send(client, "POST", base, json=clean, headers=intake_headers)
    assert created.status_code == 201, created.text
    stored = (await send(client, "GET", f"{base}/{created.json()['need_id']}",
                         headers=intake_headers)).json()  # fmt: skip
    assert {k: stored[k] for k in clean} == clean
    assert attacks.through[before:] == []  # none of this test's attempts got through


async def test_control_characters_never_reach_a_changed_or_closed_need(
    client: httpx.AsyncClient, service_urls: dict[str, str], intake_headers: dict[str, str],
    attacks: AttackLedger,
) -> None:  # fmt: skip
    before = len(attacks.through)
    base = f"{service_urls['employer_intake']}/needs"
    created = await send(client, "POST", base, json=NEED, headers=intake_headers)
    url = f"{base}/{created.json()['need_id']}"
    probe = Probe(attacks, "PATCH /needs/{id}")
    for field, kind, text, bad in _cases(("title", "employer_name", "skills"), ("description",)):
        response = await send(
            client, "PATCH", url, json={field: _put_in(field, text)}, headers=intake_headers
        )
        probe.judge(kind, field, response, bad, lambda r=response, f=field: r.json()[f])
    patched = await send(client, "PATCH", url, json={"title": CLEAN}, headers=intake_headers)
    assert patched.status_code == 200 and patched.json()["title"] == CLEAN  # positive control

    close = Probe(attacks, "POST /needs/{id}/close")
    for kind, text in REFUSED.items():
        body = {"reason": "filled", "comment": text}
        response = await send(client, "POST", f"{url}/close", json=body, headers=intake_headers)
        close.judge(kind, "comment", response, LONG_BAD,
                    lambda r=response: r.json()["closed_comment"])  # fmt: skip
    closed = await send(client, "POST", f"{url}/close", headers=intake_headers,
                        json={"reason": "filled", "comment": "Pourvu.\nMerci"})  # fmt: skip
    assert closed.status_code == 200 and closed.json()["closed_comment"] == "Pourvu.\nMerci"
    assert attacks.through[before:] == []  # none of this test's attempts got through


async def test_control_characters_in_a_bulk_file_are_normalised_or_refused_by_line(
    client: httpx.AsyncClient, service_urls: dict[str, str], intake_headers: dict[str, str],
    attacks: AttackLedger,
) -> None:  # fmt: skip
    """A quoted CSV title with a line break is stored on one line; other control characters
    refuse their line (with its number), the rest of the file is stored."""
    before = len(attacks.through)
    base = f"{service_urls['employer_intake']}/needs"
    kinds = {**BREAKS, **REFUSED}
    header = "employer_name,title,description,skills,commune_insee,contract_type,hours_per_week\n"
    rows = [f'Bâtir,"{text}",case-{i}.,coffrage,31555,CDD,35\n' for i, text in
            enumerate(kinds.values())]  # fmt: skip
    clean_row = "Bâtir,Maçon / Maçonne « confirmé »,clean.,coffrage,31555,CDD,35\n"
    headers = {**intake_headers, "Content-Type": "text/csv"}
    body = (header + "".join(rows) + clean_row).encode()
    response = await send(client, "POST", f"{base}/bulk", content=body, headers=headers)
    assert response.status_code == 200, response.text
    report = response.json()
    stored: dict[str, str] = {}
    for line in report["needs"]:
        need = await send(client, "GET", f"{base}/{line['need_id']}", headers=intake_headers)
        stored[need.json()["description"]] = need.json()["title"]
    for i, kind in enumerate(kinds):
        title = stored.get(f"case-{i}.")
        attacks.record(f"text injection: {kind}", "POST /needs/bulk (CSV) title",
                       got_through=_holds(title, ONE_LINE_BAD) or (kind in REFUSED and title
                       is not None), detail=repr(title))  # fmt: skip
    assert stored["clean."] == "Maçon / Maçonne « confirmé »"  # positive control
    assert stored["case-0."] == "Maçon Bcc: pirate@example.com"  # CR/LF became one space
    refused = [e for e in report["errors"] if e["field"] == "title"]
    assert len(refused) == report["rejected"] == len(REFUSED)
    assert all(e["line"] > 1 for e in refused)  # each refusal names its line

    jsonl = "\n".join(json.dumps({**NEED, "title": t}) for t in (*REFUSED.values(), CLEAN))
    headers = {**intake_headers, "Content-Type": "application/x-ndjson"}
    response = await send(client, "POST", f"{base}/bulk", content=jsonl.encode(), headers=headers)
    report = response.json()
    rejected = {e["line"] for e in report["errors"] if e["field"] == "title"}
    for i, kind in enumerate(REFUSED, start=1):
        attacks.record(f"text injection: {kind}", "POST /needs/bulk (JSONL) title",
                       got_through=i not in rejected, detail=json.dumps(report)[:200])  # fmt: skip
    assert [n["line"] for n in report["needs"]] == [len(REFUSED) + 1]  # the clean line
    assert attacks.through[before:] == []  # none of this test's attempts got through


async def test_control_characters_never_reach_a_stored_profile(
    client: httpx.AsyncClient, service_urls: dict[str, str], profile_headers: dict[str, str],
    attacks: AttackLedger,
) -> None:  # fmt: skip
    before = len(attacks.through)
    base = f"{service_urls['candidate_profile']}/profiles"
    created = await client.post(base, json=PROFILE, headers=profile_headers)
    assert created.status_code == 201, created.text
    url = f"{base}/{created.json()['candidate_id']}"
    for method, target in (("POST", base), ("PUT", url)):
        probe = Probe(attacks, f"{method} /profiles" + ("/{id}" if method == "PUT" else ""))
        for field, kind, text, bad in _cases(ONE_LINE_PROFILE, ("experience", "notes")):
            body = {**PROFILE, field: _put_in(field, text)}
            response = await client.request(method, target, json=body, headers=profile_headers)
            probe.judge(kind, field, response, bad, lambda r=response, f=field: r.json()[f])
        for field in ("contact_email", "contact_phone"):
            for kind, text in {**BREAKS, **REFUSED}.items():
                value = "samira@example.org" + text[5:] if field == "contact_email" else (
                    "06 12 34 56 78" + text[5:])  # fmt: skip
                response = await client.request(
                    method, target, json={**PROFILE, field: value}, headers=profile_headers
                )
                probe.judge(kind, field, response, ONE_LINE_BAD,
                            lambda r=response, f=field: r.json()[f])  # fmt: skip
    clean = {**PROFILE, "first_name": CLEAN[:40], "desired_jobs": [CLEAN], "skills": [CLEAN],
             "experience": f"{CLEAN}\n\tIntérim.", "notes": "Rappeler\tmardi.\nOK",
             "contact_email": "samira@example.org", "contact_phone": "06 12 34 56 78"}  # fmt: skip
    replaced = await client.put(url, json=clean, headers=profile_headers)
    assert replaced.status_code == 200, replaced.text
    assert {k: replaced.json()[k] for k in clean} == clean  # positive control

    shares = Probe(attacks, "POST /profiles/{id}/shares")
    for kind, text in {**BREAKS, **REFUSED}.items():
        response = await client.post(f"{url}/shares", json={"structure": f"FT31{text}"},
                                     headers=profile_headers)  # fmt: skip
        shares.judge(kind, "structure", response, ONE_LINE_BAD,
                     lambda r=response: r.json()["shared_with"])  # fmt: skip
    assert attacks.through[before:] == []  # none of this test's attempts got through


def _write_routes(urls: dict[str, str], need_id: str, candidate_id: str) -> list[tuple[str, str]]:
    intake, profiles = urls["employer_intake"], f"{urls['candidate_profile']}/profiles"
    return [
        ("POST", f"{intake}/needs"), ("PATCH", f"{intake}/needs/{need_id}"),
        ("POST", f"{intake}/needs/{need_id}/close"), ("POST", f"{intake}/needs/bulk"),
        ("POST", profiles), ("PUT", f"{profiles}/{candidate_id}"),
        ("POST", f"{profiles}/{candidate_id}/shares"),
        ("POST", f"{profiles}/{candidate_id}/consent"),
        ("POST", f"{profiles}/{candidate_id}/consent/renew"),
        ("POST", f"{profiles}/{candidate_id}/consent/withdraw"),
        ("PUT", f"{urls['candidate_profile']}/referents/me/preferences"),
    ]  # fmt: skip


async def _status_for_declared_length(
    method: str, url: str, headers: dict[str, str], length: int
) -> int:
    """The status answered to a request that declares a huge body and sends 1 KiB of it: the
    service must refuse it from the header, without reading (or waiting for) the rest."""
    target = httpx.URL(url)
    reader, writer = await asyncio.open_connection(target.host, target.port)
    lines = [f"{method} {target.raw_path.decode()} HTTP/1.1", f"Host: {target.host}",
             f"Content-Length: {length}", "Connection: close",
             *(f"{k}: {v}" for k, v in headers.items())]  # fmt: skip
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + b"x" * 1024)
    await writer.drain()
    try:
        status_line = await asyncio.wait_for(reader.readline(), timeout=10)
    finally:
        writer.close()
    return int(status_line.split()[1])


async def _status_for_real_body(
    client: httpx.AsyncClient, method: str, url: str, headers: dict[str, str]
) -> int:
    """The status answered to a 300 KiB body. The service answers 413 from the declared length
    and may close the connection before the client has sent it all: the client then sees the
    connection cut, and the same request, declared but not sent, tells the status."""
    body = b'{"title": "' + b"x" * (300 * 1024) + b'"}'
    try:
        return (await send(client, method, url, content=body, headers=headers)).status_code
    except httpx.TransportError:
        return await _status_for_declared_length(method, url, headers, len(body))


MALFORMED = {
    "truncated JSON": b'{"title": "Ma\xc3\xa7on", "skills": [',
    "not UTF-8": b'{"title": "Ma\xe7on"}',
    "deeply nested": b"[" * 50_000 + b"]" * 50_000,
    "huge integer": b'{"hours_per_week": ' + b"9" * 100_000 + b"}",
    "NaN": b'{"hours_per_week": NaN, "mobility_km": NaN}',
    "top-level string": b'"Ma\xc3\xa7on"',
    "empty body": b"",
}


async def test_oversized_and_malformed_bodies_are_refused_on_every_write_route(
    client: httpx.AsyncClient, service_urls: dict[str, str], intake_headers: dict[str, str],
    profile_headers: dict[str, str], attacks: AttackLedger,
) -> None:  # fmt: skip
    before = len(attacks.through)
    need = await send(client, "POST", f"{service_urls['employer_intake']}/needs", json=NEED,
                      headers=intake_headers)  # fmt: skip
    profile = await client.post(f"{service_urls['candidate_profile']}/profiles", json=PROFILE,
                                headers=profile_headers)  # fmt: skip
    assert need.status_code == 201 and profile.status_code == 201  # positive control
    routes = _write_routes(service_urls, need.json()["need_id"], profile.json()["candidate_id"])
    for method, url in routes:
        headers = intake_headers if "/needs" in url else profile_headers
        is_bulk = url.endswith("/bulk")
        kind = {"Content-Type": "text/csv" if is_bulk else "application/json"}
        declared = await _status_for_declared_length(method, url, {**headers, **kind}, 64 << 20)
        attacks.record("oversized body", f"{method} {url} (declared 64 MiB)",
                       got_through=declared != 413, detail=str(declared))  # fmt: skip
        if not is_bulk:  # a real body over the JSON ceiling (256 KiB intake, 64 KiB profiles)
            status = await _status_for_real_body(client, method, url, {**headers, **kind})
            attacks.record("oversized body", f"{method} {url} (300 KiB)",
                           got_through=status != 413, detail=str(status))  # fmt: skip
        for name, body in MALFORMED.items():
            response = await send(client, method, url, content=body, headers={**headers, **kind})
            attacks.record(
                "malformed body", f"{method} {url} ({name})",
                got_through=response.is_success or response.status_code >= 500,
                detail=f"{response.status_code} {response.text[:120]}",
            )  # fmt: skip
    # Positive control: well-formed bodies on the same routes are taken.
    ok = await send(client, "PATCH", routes[1][1], json={"positions": 2}, headers=intake_headers)
    assert ok.status_code == 200, ok.text
    ok = await client.put(routes[5][1], json=PROFILE, headers=profile_headers)
    assert ok.status_code == 200, ok.text
    assert attacks.through[before:] == []  # none of this test's attempts got through
