"""Sustained POST /needs throughput and latency with N concurrent clients (a script, not a test).

    SPIE_KAFKA_BOOTSTRAP=... SPIE_DATABASE_URL=... .venv/bin/python bench/intake_post_needs.py
        [--url http://127.0.0.1:8001 --key spie_...] [--clients 8] [--seconds 30]

Without --url it starts the service itself (rate limit off) on a free port of the real stack,
creates a key for a fresh federation, and stops the service at the end. The client runs on the
same machine, so its CPU counts against the service's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
TITLES = [
    "Maçon / Maçonne",
    "Cariste",
    "Aide-soignante en EHPAD",
    "Serveur H/F",
    "Plaquiste",
    "Agent de nettoyage",
    "Chauffeur PL",
    "Cuisinier de collectivité",
]


def body(i: int) -> dict[str, object]:
    return {
        "employer_name": "Bench SARL",
        "siret": f"{uuid.uuid4().int % 10**14:014d}",
        "title": TITLES[i % len(TITLES)],
        "description": "Chantiers et sites à Toulouse et alentours. Démarrage rapide.",
        "skills": ["travail en équipe", "sécurité"],
        "commune_insee": "31555",
        "contract_type": "CDD",
        "hours_per_week": 35,
        "schedules": ["day"],
    }


@contextmanager
def service() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "SPIE_HTTP_PORT": str(port),
        "SPIE_RATE_LIMIT_PER_SECOND": "0",
        "SPIE_LOG_LEVEL": "WARNING",
    }
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.employer_intake", "serve"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.3)
            else:
                raise SystemExit("the service did not start")
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def create_key() -> str:
    federation = f"BENCH{uuid.uuid4().hex[:8]}"
    out = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [
            sys.executable,
            "-m",
            "services.employer_intake",
            "create-api-key",
            "--federation",
            federation,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


async def client(
    url: str,
    key: str,
    stop_at: float,
    warm_until: float,
    latencies: list[float],
    errors: list[int],
    offset: int,
) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, timeout=30) as c:
        i = offset
        while (now := time.perf_counter()) < stop_at:
            response = await c.post("/needs", json=body(i))
            elapsed = time.perf_counter() - now
            i += 1
            if now < warm_until:
                continue
            if response.status_code == 201:
                latencies.append(elapsed)
            else:
                errors.append(response.status_code)


async def run(url: str, key: str, clients: int, seconds: float, warmup: float) -> None:
    latencies: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    warm_until, stop_at = start + warmup, start + warmup + seconds
    await asyncio.gather(
        *(
            client(url, key, stop_at, warm_until, latencies, errors, n * 10_000)
            for n in range(clients)
        )
    )
    measured = time.perf_counter() - warm_until
    q = statistics.quantiles(latencies, n=100)
    print(f"clients {clients}, measured {measured:.1f} s after {warmup:.0f} s of warm-up")
    print(f"201 responses      {len(latencies)}  ({len(latencies) / measured:.0f} needs/s)")
    print(f"errors             {len(errors)} {sorted(set(errors)) or ''}")
    print(f"latency p50        {q[49] * 1000:.1f} ms")
    print(f"latency p95        {q[94] * 1000:.1f} ms")
    print(f"latency p99        {q[98] * 1000:.1f} ms")
    print(f"latency max        {max(latencies) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--key")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=3)
    args = parser.parse_args()
    if args.url:
        asyncio.run(
            run(args.url, args.key or create_key(), args.clients, args.seconds, args.warmup)
        )
        return
    with service() as url:
        asyncio.run(run(url, create_key(), args.clients, args.seconds, args.warmup))


if __name__ == "__main__":
    main()
