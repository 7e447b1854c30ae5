"""Load benchmark (a script, not a test), on the running local stack (`make stack-up`):

    .venv/bin/python bench/load.py [--profiles 100000] [--duration 300] [--rate 20]

1. Indexes N profiles posted through the profile API (one référent, alerts by e-mail at once),
   until the matcher's consumer group has no lag: profiles/s.
2. `rate` needs/s and `rate` profile updates/s for `duration` s through the public APIs, while
   consumer lag and the services' memory are sampled.
3. Reports need → alert latency (POST time → AlertSent record time) p50/p95/p99, need →
   MatchFound latency, throughput, maximum lag, peak RSS per service (VmHWM of the pids in
   .stack/pids), and the raw aiokafka vs FastStream consume → produce ratio, to
   bench/results/<date>.json and a PNG of latency over time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load_report import percentiles, plot, rss_now, rss_peaks
from bench.raw_loop import overhead
from shared.contracts import AlertSent, MatchFound
from shared.metrics import consumer_lag
from shared.settings import load_base_settings
from shared.topics import ALERTS, MATCHES
from tests.chaos._checks import GROUPS, events, lag, read_since
from tests.chaos._flow import create_actors, need_body, profile_body
from tests.chaos._stack import url

RESULTS = Path(__file__).resolve().parent / "results"


async def _matcher_lag(bootstrap: str) -> int:
    return sum((await consumer_lag(bootstrap, "matcher", GROUPS["matcher"])).values())


async def settled(probe: Callable[[], Awaitable[int]], *, within: float) -> None:
    """Until `probe` (a consumer lag) is zero, or `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await probe() == 0:
            return
        await asyncio.sleep(2)


async def index_profiles(
    http: httpx.AsyncClient, bearer: str, n: int, bootstrap: str
) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {bearer}"}
    ids: list[str] = []
    queue = iter(range(n))
    start = time.monotonic()

    async def worker() -> None:
        for i in queue:
            r = await http.post(
                f"{url('candidate_profile')}/profiles", headers=auth, json=profile_body(i % 3, i)
            )
            if r.status_code == 201:
                ids.append(r.json()["candidate_id"])

    await asyncio.gather(*[worker() for _ in range(16)])
    posted = time.monotonic() - start
    await settled(lambda: _matcher_lag(bootstrap), within=24 * 3600)
    took = time.monotonic() - start
    print(
        f"indexed {len(ids)} profiles: posted in {posted:.0f} s,"
        f" indexed in {took:.0f} s ({len(ids) / took:.1f}/s)"
    )
    return {"profiles": len(ids), "ids": ids, "seconds": took, "per_s": len(ids) / took}


async def load(
    http: httpx.AsyncClient,
    actors: Any,
    ids: list[str],
    seconds: float,
    rate: float,
    bootstrap: str,
    samples: list[dict[str, Any]],
) -> dict[str, float]:
    posted: dict[str, float] = {}
    auth = {"Authorization": f"Bearer {actors.bearer}"}
    errors = [0]

    async def need(n: int) -> None:
        r = await http.post(
            f"{url('employer_intake')}/needs",
            headers={"X-API-Key": actors.api_key},
            json=need_body(actors.run, n),
        )
        if r.status_code == 201:
            posted[r.json()["need_id"]] = time.time()
        else:
            errors[0] += 1

    async def update(n: int) -> None:
        i = n % len(ids)
        body = {k: v for k, v in profile_body(i % 3, n).items() if k != "consent"}
        r = await http.put(f"{url('candidate_profile')}/profiles/{ids[i]}", headers=auth, json=body)
        errors[0] += r.status_code != 200

    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            samples.append({"t": time.time(), "lag": await lag(bootstrap), "rss_mb": rss_now()})
            await asyncio.sleep(2)

    sampler = asyncio.create_task(sample())
    start, tasks = time.monotonic(), []
    for n in range(int(seconds * rate)):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        tasks += [asyncio.create_task(need(n)), asyncio.create_task(update(n))]
    await asyncio.gather(*tasks)
    await settled(lambda: lag(bootstrap), within=300)
    await asyncio.sleep(5)  # e-mails go out after the alert is stored
    stop.set()
    await sampler
    print(f"load: {len(posted)} needs accepted, {errors[0]} refused requests")
    return posted


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--raw-messages", type=int, default=3000)
    args = parser.parse_args()
    bootstrap = load_base_settings().kafka_bootstrap
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=64)) as http:
        actors = await create_actors(http, profiles=0)
        indexed = await index_profiles(http, actors.bearer, args.profiles, bootstrap)
        since_ms = int(time.time() * 1000)
        samples: list[dict[str, Any]] = []
        posted = await load(
            http, actors, indexed.pop("ids"), args.duration, args.rate, bootstrap, samples
        )
    need_of = {
        e.payload.match_id: str(e.payload.need_id)
        for e in events(await read_since(bootstrap, MATCHES.name, since_ms))
        if isinstance(e, MatchFound)
    }
    first_match: dict[str, float] = {}
    for r in await read_since(bootstrap, MATCHES.name, since_ms):
        for e in events([r]):
            if isinstance(e, MatchFound) and str(e.payload.need_id) in posted:
                n = str(e.payload.need_id)
                first_match[n] = min(first_match.get(n, 1e20), r.timestamp / 1000)
    first_alert: dict[str, float] = {}
    for r in await read_since(bootstrap, ALERTS.name, since_ms):
        for e in events([r]):
            if (
                isinstance(e, AlertSent)
                and e.payload.status == "sent"
                and need_of.get(e.payload.match_id) in posted
            ):
                n = need_of[e.payload.match_id]
                first_alert[n] = min(first_alert.get(n, 1e20), r.timestamp / 1000)
    alert_ms = {n: (t - posted[n]) * 1000 for n, t in first_alert.items()}
    match_ms = [(t - posted[n]) * 1000 for n, t in first_match.items()]
    raw = await overhead(bootstrap, args.raw_messages)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": vars(args),
        "indexing": indexed,
        "needs_accepted": len(posted),
        "needs_alerted": len(alert_ms),
        "throughput_needs_per_s": len(posted) / args.duration,
        "need_to_alert_ms": percentiles(list(alert_ms.values())),
        "need_to_match_ms": percentiles(match_ms),
        "max_consumer_lag": max((s["lag"] for s in samples), default=0),
        "peak_rss_mb": rss_peaks(),
        "framework_overhead": raw,
    }
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2))
    plot(stem.with_suffix(".png"), [(posted[n], ms) for n, ms in alert_ms.items()], samples)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
