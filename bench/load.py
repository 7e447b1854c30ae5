"""Load benchmark (a script, not a test), on the running local stack (`make stack-up`):

    .venv/bin/python bench/load.py [--profiles N] [--duration 300] [--rate 20] [--grace 120]
    .venv/bin/python bench/load.py --rate 20,10,5    # one indexing, then one window per rate
    .venv/bin/python bench/load.py --reuse --rate 10  # the profiles indexed by the last run
    .venv/bin/python bench/load.py --reuse --rate 0 --burst 500  # the CSV burst alone

1. Indexes N profiles posted through the profile API (spread over `--referents` référents,
   alerts by e-mail at once; Haute-Garonne-like trades, communes and constraints, see
   `bench/load_data.py`), until both consumer groups have no lag: profiles/s. `--reuse` skips
   this step when a previous run of the same stack left its profiles (`.stack/bench-load.json`).
2. Starts one consumer on the matches and alerts topics at their ends, then sends `rate` needs/s
   and `rate` profile updates/s for `duration` s through the public APIs, while consumer lag per
   group and the services' memory are sampled. Needs still open from earlier windows or runs
   are closed first (as filled, through the API): a window starts with none open. After the
   window, waits up to `grace` s for the last alerts; no topic is ever read back from the
   start.
   With `--burst N`, a last window sends one CSV of N needs (POST /needs/bulk) while profile
   updates arrive at `--burst-updates`/s for `--burst-seconds` s, and reports `last_alert_s`:
   from the file sent to the last of its needs' first alerts.
3. Reports need → alert latency (POST sent → first AlertSent "sent" of the need, record time)
   p50/p95/p99, need → first MatchFound, throughput, maximum lag per group, peak RSS per service
   (during the load, and VmHWM since start, of the pids in .stack/pids), and the raw aiokafka vs
   FastStream consume → produce ratio, to bench/results/<date>.json and a PNG of latency over
   time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.alert_watch import AlertWatch, wait_alerted
from bench.load_data import burst_csv, need_body, profile_body
from bench.load_report import (
    SERVICES,
    cpu_per_pair,
    cpu_seconds,
    cpu_table,
    percentiles,
    percentiles_of_all,
    plot,
    rss_now,
    rss_peaks,
)
from bench.raw_loop import overhead
from services.matcher.settings import MatcherSettings
from shared.metrics import consumer_lag
from shared.ops_access import issue_ops
from shared.settings import load_base_settings
from tests.chaos._checks import GROUPS, count_settled, lag
from tests.chaos._flow import new_api_key, new_referent
from tests.chaos._stack import STACK_DIR, url

RESULTS = Path(__file__).resolve().parent / "results"
STATE = STACK_DIR / "bench-load.json"


@dataclass
class Fleet:
    """Who posts: one federation key, the référents' tokens, the profiles (profile i is
    `profile_body(i)`, followed by référent i % len(bearers))."""

    run: str
    api_key: str
    bearers: list[str]
    ids: list[str]

    def auth(self, i: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bearers[i % len(self.bearers)]}"}


async def create_fleet(http: httpx.AsyncClient, referents: int) -> Fleet:
    run = uuid.uuid4().hex[:8]

    def referent(r: int) -> Awaitable[str]:
        structure, email = f"S{r % 30:02d}{run}", f"ref{r}.{run}@cd31.fr"
        return new_referent(http, structure=structure, email=email, name=f"Référent {r}")

    bearers = []
    for start in range(0, referents, 4):  # a few CLI processes at a time
        bearers += await asyncio.gather(*map(referent, range(start, min(referents, start + 4))))
    return Fleet(run, await new_api_key(f"BENCH{run}"), bearers, [])


def mail_count() -> int:
    return sum(1 for _ in (STACK_DIR / "mail").glob("*.eml"))


async def _matcher_lag(bootstrap: str) -> int:
    return sum((await consumer_lag(bootstrap, "matcher", GROUPS["matcher"])).values())


async def settled(probe: Callable[[], Awaitable[int]], *, within: float) -> None:
    """Until `probe` (a consumer lag) is zero, or `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await probe() == 0:
            return
        await asyncio.sleep(2)


async def upkeep_done(http: httpx.AsyncClient) -> float:
    """The matcher's index upkeep starts at the first quiet moment after work (the work just
    settled: indexing, or the previous window) and pauses the matcher: over before the load.
    Seconds waited; /metrics answers only once a round has ended."""
    started = time.monotonic()
    await asyncio.sleep(MatcherSettings.model_fields["optimize_quiet_s"].default + 3)
    while True:
        if "spie_index_upkeep_running 0.0" in (await matcher_metrics(http)).splitlines():
            return round(time.monotonic() - started, 1)
        await asyncio.sleep(1)


async def matcher_metrics(http: httpx.AsyncClient) -> str:
    """The matcher's /metrics (for ops only: a token issued from the stack's keyring)."""
    ops = issue_ops(load_base_settings().keyring(), name="bench", days=1)
    response = await http.get(
        f"{url('matcher')}/metrics", headers={"Authorization": f"Bearer {ops}"}, timeout=1800
    )
    return response.text


async def texts_read(http: httpx.AsyncClient) -> dict[str, float]:
    """The matcher's spie_texts_read_total: {"query encoded": n, "query kept": n, ...}."""
    return {
        f"{sample.labels['kind']} {sample.labels['outcome']}": sample.value
        for family in text_string_to_metric_families(await matcher_metrics(http))
        if family.name == "spie_texts_read"
        for sample in family.samples
        if sample.name == "spie_texts_read_total"
    }


async def index_profiles(
    http: httpx.AsyncClient, fleet: Fleet, n: int, bootstrap: str
) -> dict[str, Any]:
    ids: dict[int, str] = {}
    queue = iter(range(n))
    start = time.monotonic()

    async def worker() -> None:
        for i in queue:
            r = await http.post(
                f"{url('candidate_profile')}/profiles", headers=fleet.auth(i), json=profile_body(i)
            )
            if r.status_code == 201:
                ids[i] = r.json()["candidate_id"]
            else:
                print(f"profile {i} refused: {r.status_code} {r.text[:200]}", flush=True)

    await asyncio.gather(*[worker() for _ in range(16)])
    posted = time.monotonic() - start
    await settled(lambda: _matcher_lag(bootstrap), within=24 * 3600)
    took = time.monotonic() - start
    print(
        f"indexed {len(ids)} profiles: posted in {posted:.0f} s,"
        f" indexed in {took:.0f} s ({len(ids) / took:.1f}/s)"
    )
    # Profiles refused (none expected) leave a hole: profile i stays the i-th posted.
    fleet.ids = [ids[i] for i in sorted(ids)]
    return {"profiles": len(ids), "seconds": round(took, 1), "per_s": round(len(ids) / took, 1)}


async def close_open_needs(http: httpx.AsyncClient, fleet: Fleet, workers: int = 8) -> int:
    """Close (as filled) every need of the fleet still open: each window starts, as the issue's
    load does, with 100k profiles and no open need, whatever earlier windows or runs posted
    (every open need is matched against each profile update, so they would weigh on it).
    Each worker has a key of the fleet's federation: the rate limit is per key."""
    listing = f"{url('employer_intake')}/needs"

    async def politely(method: str, path: str, key: str, **kw: Any) -> httpx.Response:
        """The request, again after `Retry-After` while the key's rate limit refuses it."""
        while True:
            r = await http.request(method, f"{listing}{path}", headers={"X-API-Key": key}, **kw)
            if r.status_code != 429:
                return r.raise_for_status()
            await asyncio.sleep(float(r.headers.get("Retry-After", "1")))

    async def still_open(key: str) -> list[str]:
        page = await politely("GET", "", key, params={"status": "open", "limit": 200})
        return [n["need_id"] for n in page.json()["items"]]

    async def close(key: str, ids: list[str]) -> None:
        for need_id in ids:
            await politely("POST", f"/{need_id}/close", key, json={"reason": "filled"})

    ids = await still_open(fleet.api_key)
    if not ids:
        return 0
    keys, closed = [await new_api_key(f"BENCH{fleet.run}") for _ in range(workers)], 0
    while ids:
        await asyncio.gather(*(close(key, ids[k::workers]) for k, key in enumerate(keys)))
        closed += len(ids)
        ids = await still_open(keys[0])
    print(f"closed {closed} needs left open by earlier windows", flush=True)
    return closed


async def group_lags(bootstrap: str) -> dict[str, int]:
    return {g: sum((await consumer_lag(bootstrap, g, t)).values()) for g, t in GROUPS.items()}


async def load(
    http: httpx.AsyncClient, fleet: Fleet, seconds: float, rate: float, first: int
) -> tuple[dict[str, float], int]:
    """`rate` needs/s and `rate` profile updates/s (updates numbered from `first`, so that
    each window's are new versions); need_id -> when its POST was sent."""
    posted: dict[str, float] = {}
    errors = [0]

    async def need(n: int) -> None:
        sent = time.time()
        r = await http.post(
            f"{url('employer_intake')}/needs",
            headers={"X-API-Key": fleet.api_key},
            json=need_body(fleet.run, first + n),
        )
        if r.status_code == 201:
            posted[r.json()["need_id"]] = sent
        else:
            errors[0] += 1

    start, tasks = time.monotonic(), []
    for n in range(int(seconds * rate)):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        tasks += [asyncio.create_task(need(n)), asyncio.create_task(update(http, fleet, first + n))]
    errors[0] += sum(not ok for ok in await asyncio.gather(*tasks) if ok is not None)
    print(f"load: {len(posted)} needs accepted, {errors[0]} refused requests", flush=True)
    return posted, errors[0]


async def update(http: httpx.AsyncClient, fleet: Fleet, n: int) -> bool:
    """Profile update `n`: a new version of one of the profiles (none twice a window)."""
    i = n * 7919 % len(fleet.ids)
    r = await http.put(
        f"{url('candidate_profile')}/profiles/{fleet.ids[i]}",
        headers=fleet.auth(i),
        json=profile_body(i, update=n + 1),
    )
    return r.status_code == 200


async def burst(
    http: httpx.AsyncClient,
    fleet: Fleet,
    *,
    needs: int,
    update_rate: float,
    seconds: float,
    first: int,
) -> tuple[dict[str, float], int]:
    """A federation's CSV import of `needs` needs in one POST /needs/bulk, during a morning
    peak of `update_rate` profile updates/s for `seconds` s; need_id -> when the file was sent
    (every need of the file waits for it)."""
    posted: dict[str, float] = {}

    async def post_file() -> int:
        sent = time.time()
        r = await http.post(
            f"{url('employer_intake')}/needs/bulk",
            headers={"X-API-Key": fleet.api_key, "Content-Type": "text/csv"},
            content=burst_csv(fleet.run, first, needs).encode(),
            timeout=600,
        )
        if r.status_code != 200:
            print(f"burst: the file was refused: {r.status_code} {r.text[:300]}", flush=True)
            return needs
        report = r.json()
        posted.update({n["need_id"]: sent for n in report["needs"] if n["created"]})
        print(
            f"burst: {report['stored']} of {needs} needs stored in {time.time() - sent:.1f} s",
            flush=True,
        )
        return int(report["rejected"])

    async def peak() -> int:
        start, tasks = time.monotonic(), []
        for n in range(int(seconds * update_rate)):
            await asyncio.sleep(max(0.0, start + n / update_rate - time.monotonic()))
            tasks.append(asyncio.create_task(update(http, fleet, first + n)))
        return sum(not ok for ok in await asyncio.gather(*tasks))

    rejected, refused = await asyncio.gather(post_file(), peak())
    print(f"burst: {len(posted)} needs stored, {rejected + refused} refused lines/requests")
    return posted, rejected + refused


async def sample(bootstrap: str, samples: list[dict[str, Any]], stop: asyncio.Event) -> None:
    """Consumer lag per group and the services' RSS, every 2 s, until `stop`."""
    while not stop.is_set():
        try:
            lags = await group_lags(bootstrap)
        except Exception as exc:  # one missed sample must not end the run
            print(f"lag sample failed: {type(exc).__name__}", flush=True)
        else:
            samples.append({"t": time.time(), "lag": lags, "rss_mb": rss_now()})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2)


Plotted = tuple[list[tuple[float, float]], list[dict[str, Any]], float]


async def window(
    http: httpx.AsyncClient,
    fleet: Fleet,
    *,
    shape: dict[str, Any],
    drive: Callable[[], Awaitable[tuple[dict[str, float], int]]],
    args: argparse.Namespace,
    bootstrap: str,
) -> tuple[dict[str, Any], Plotted]:
    """One load window (`drive`: the steady rate, or the burst; `shape` says which): its
    figures, and what its plot shows (each alerted need's latency, the samples, when the load
    ended)."""
    closed = await close_open_needs(http, fleet)
    await settled(lambda: lag(bootstrap), within=900)  # the previous work done first
    await count_settled(mail_count, quiet=5, within=600)  # and its e-mail deliveries
    upkeep_s = await upkeep_done(http)
    watch, stop = AlertWatch(bootstrap), asyncio.Event()
    samples: list[dict[str, Any]] = []
    await watch.start()  # at the topics' ends, before the first need
    tasks = [
        asyncio.create_task(watch.run(stop)),
        asyncio.create_task(sample(bootstrap, samples, stop)),
    ]
    read_before = await texts_read(http)
    began, cpu_before, load_before = time.time(), cpu_seconds(), os.getloadavg()
    posted, refused = await drive()
    load_s = time.time() - began
    cpu_after, load_after = cpu_seconds(), os.getloadavg()
    waited = await wait_alerted(watch, posted, grace=args.grace)
    cpu_done = cpu_seconds()  # the load's work until its last alert (or the grace period)
    stop.set()
    await asyncio.gather(*tasks)
    read_after = await texts_read(http)
    first_alert = {n: t for n, t in watch.first_alert().items() if n in posted}
    alert_ms = {n: (t - posted[n]) * 1000 for n, t in first_alert.items()}
    match_ms = [(t - posted[n]) * 1000 for n, t in watch.first_match.items() if n in posted]
    print(f"collected {watch.records} records; waited {waited:.0f} s after the load", flush=True)
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": {**vars(args), "before": [str(f) for f in args.before], **shape},
        "needs_closed_before": closed,
        "waited_for_index_upkeep_s": upkeep_s,
        "load_seconds": round(load_s, 1),
        "waited_after_load_s": round(waited, 1),
        "needs_accepted": len(posted),
        "requests_refused": refused,
        "needs_matched": len(match_ms),
        "needs_alerted": len(alert_ms),
        "alerts_by_status": watch.alert_status,
        "throughput": {
            "needs_per_s": round(len(posted) / load_s, 2),
            "alerts_sent_per_s": round(watch.alert_status.get("sent", 0) / (load_s + waited), 2),
        },
        # Over the needs alerted within the window, then over all accepted needs (None: the
        # percentile lies among the needs not alerted before the end of the grace period).
        "need_to_alert_ms": percentiles(list(alert_ms.values())),
        "need_to_alert_ms_all_needs": percentiles_of_all(
            list(alert_ms.values()), len(posted) - len(alert_ms)
        ),
        "need_to_match_ms": percentiles(match_ms),
        # From the first need sent to the last need's first alert (the burst's figure).
        "last_alert_s": round(max(first_alert.values()) - min(posted.values()), 1)
        if first_alert
        else None,
        "max_consumer_lag": {g: max((s["lag"][g] for s in samples), default=0) for g in GROUPS},
        "peak_rss_mb_during_load": {
            svc: max((s["rss_mb"][svc] for s in samples), default=0.0) for svc in SERVICES
        },
        "peak_rss_mb_since_start": rss_peaks(),
        # Share of one core each process used during the load window (postgres: with its
        # backends), and the machine's 1-minute load average then.
        "cpu_percent_of_one_core_during_load": {
            p: round((cpu_after.get(p, 0) - cpu_before[p]) / load_s * 100, 1) for p in cpu_before
        },
        # Each process's CPU per need + profile update pair (pairs = needs accepted), from the
        # window's start until its last alert: what every change shows its cost by.
        "cpu_ms_per_pair": cpu_per_pair(cpu_before, cpu_done, len(posted)),
        "load_average_1m": {"load_start": load_before[0], "load_end": load_after[0]},
        "cores": os.cpu_count(),
        # What the matcher's encoder was asked for during the window: the texts it encoded,
        # and those whose vectors it kept from before (a need's title and skills seen again).
        "texts_read": {k: read_after[k] - read_before.get(k, 0) for k in sorted(read_after)},
    }
    return figures, ([(posted[n], ms) for n, ms in alert_ms.items()], samples, began + load_s)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, default=100_000, help="N profiles to index first")
    parser.add_argument("--duration", type=float, default=300, help="load window, seconds")
    parser.add_argument(
        "--rate",
        default="20",
        help="needs/s and profile updates/s; several (e.g. 20,10,5) run one window each,"
        " after one indexing, each reported on its own",
    )
    parser.add_argument("--referents", type=int, default=30, help="référents the profiles follow")
    parser.add_argument(
        "--reuse", action="store_true", help=f"reuse the profiles of the last run ({STATE.name})"
    )
    parser.add_argument("--grace", type=float, default=120, help="s to wait for late alerts")
    parser.add_argument("--raw-messages", type=int, default=3000)
    parser.add_argument(
        "--burst",
        type=int,
        default=0,
        help="after the rate windows, one window where a federation imports a CSV of this many"
        " needs at once (POST /needs/bulk) during a morning peak of profile updates; 0: none",
    )
    parser.add_argument("--burst-updates", type=float, default=15, help="updates/s of the peak")
    parser.add_argument("--burst-seconds", type=float, default=60, help="how long the peak lasts")
    parser.add_argument(
        "--before",
        type=Path,
        action="append",
        default=[],
        help="an earlier result (bench/results/*.json) of the same shape, kept in this one's"
        " entry under `before` so that one file shows the change; repeat for each window",
    )
    args = parser.parse_args()
    rates = [float(r) for r in str(args.rate).split(",") if r.strip() and float(r) > 0]
    if not rates and not args.burst:
        parser.error("--rate: one or more rates above 0, separated by commas (or a --burst)")
    before = {_shape(json.loads(f.read_text())): f for f in args.before}
    bootstrap = load_base_settings().kafka_bootstrap
    shapes: list[tuple[str, dict[str, Any]]] = []
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=64)) as http:
        if args.reuse and STATE.exists():
            state = json.loads(STATE.read_text())
            fleet, indexed = Fleet(**state["fleet"]), state["indexing"]
            print(f"reusing {len(fleet.ids)} profiles indexed by an earlier run", flush=True)
            args.profiles = len(fleet.ids)  # what the index holds, whatever --profiles said
        else:
            fleet = await create_fleet(http, args.referents)
            indexed = await index_profiles(http, fleet, args.profiles, bootstrap)
            indexed["referents"] = len(fleet.bearers)
            STATE.write_text(json.dumps({"fleet": asdict(fleet), "indexing": indexed}))
        windows, first = [], int(time.time())  # needs and updates never repeat across runs
        for rate in rates:
            print(
                f"window: {rate:g} needs/s + {rate:g} updates/s for {args.duration:g} s", flush=True
            )
            windows.append(
                await window(
                    http,
                    fleet,
                    shape={"rate": rate},
                    drive=functools.partial(load, http, fleet, args.duration, rate, first),
                    args=args,
                    bootstrap=bootstrap,
                )
            )
            shapes.append((f"rate{rate:g}".replace(".", "_"), {"rate": rate}))
            first += int(rate * args.duration)
        if args.burst:
            shape = {"rate": None, "burst": args.burst, "burst_updates": args.burst_updates}
            print(
                f"window: a CSV of {args.burst} needs with {args.burst_updates:g} updates/s"
                f" for {args.burst_seconds:g} s",
                flush=True,
            )
            drive = functools.partial(
                burst,
                http,
                fleet,
                needs=args.burst,
                update_rate=args.burst_updates,
                seconds=args.burst_seconds,
                first=first,
            )
            windows.append(
                await window(http, fleet, shape=shape, drive=drive, args=args, bootstrap=bootstrap)
            )
            shapes.append((f"burst{args.burst}", shape))
    raw = await overhead(bootstrap, args.raw_messages)
    RESULTS.mkdir(exist_ok=True)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H%M")
    for (label, shape), (figures, (points, samples, load_end)) in zip(shapes, windows, strict=True):
        result = {"indexing": indexed, **figures, "framework_overhead": raw}
        earlier = before.get(_shape({"parameters": {**vars(args), **shape}}))
        if earlier is not None:
            kept = _key_figures(json.loads(earlier.read_text()))
            result["before"] = {"file": earlier.name, **kept}
        stem = RESULTS / (when if len(windows) == 1 else f"{when}-{label}")
        stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
        plot(stem.with_suffix(".png"), points, samples, load_end=load_end)
        print(json.dumps(result, indent=2))
        print(cpu_table(figures["cpu_ms_per_pair"]))
        if earlier is not None:
            print(f"before ({earlier.name}):")
            print(cpu_table(result["before"].get("cpu_ms_per_pair") or {}))
        print(f"wrote {stem}.json and .png", flush=True)


def _shape(result: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two results comparable: the load's shape and the index's size."""
    p = result.get("parameters", {})
    return (p.get("profiles"), p.get("rate"), p.get("burst") if p.get("rate") is None else None)


def _key_figures(result: dict[str, Any]) -> dict[str, Any]:
    """The figures of an earlier result kept beside a new one."""
    keys = (
        "date",
        "needs_accepted",
        "needs_alerted",
        "need_to_alert_ms",
        "need_to_alert_ms_all_needs",
        "last_alert_s",
        "cpu_ms_per_pair",
        "cpu_percent_of_one_core_during_load",
        "throughput",
    )
    return {k: result[k] for k in keys if k in result}


if __name__ == "__main__":
    asyncio.run(main())
