"""Figures and plot of bench/load.py: percentiles, memory of the services, latency over time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

STACK = Path(__file__).resolve().parents[1] / ".stack"
SERVICES = ("employer_intake", "candidate_profile", "matcher", "notifier")


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"count": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": at(1)}


def percentiles_of_all(values: list[float], missing: int) -> dict[str, float | None]:
    """Percentiles over every need, `missing` of them never alerted in the window (counted as
    slower than any): a percentile that falls among them is None, i.e. "beyond the window"."""
    total = len(values) + missing
    if not total:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float | None:
        i = min(total - 1, int(q * total))
        return round(ordered[i], 1) if i < len(ordered) else None

    return {"count": total, "p50": at(0.50), "p95": at(0.95), "p99": at(0.99)}


def _status(service: str, field: str) -> float:
    try:
        pid = (STACK / "pids" / f"{service}.pid").read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _cpu(stat: str) -> tuple[int, float]:
    """(parent pid, CPU seconds user + system, its ended children's included) from a
    /proc/<pid>/stat line."""
    fields = stat.rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])
    return int(fields[1]), ticks / os.sysconf("SC_CLK_TCK")


# What the product spends: the services, Kafka and PostgreSQL (not the development mail sink,
# not this benchmark's own client).
PRODUCT = (*SERVICES, "actions", "kafka", "postgres")


def cpu_per_pair(before: dict[str, float], after: dict[str, float], pairs: int) -> dict[str, float]:
    """CPU milliseconds each process spent per need + profile update pair between two
    `cpu_seconds()` readings, and `product`, the sum over PRODUCT; empty without pairs. A
    process that restarted in between (its counter went back) is left out rather than
    counted negative."""
    if pairs <= 0:
        return {}
    spent = {p: after[p] - before[p] for p in before if p in after and after[p] >= before[p]}
    table = {p: round(s / pairs * 1000, 1) for p, s in spent.items()}
    table["product"] = round(sum(spent.get(p, 0.0) for p in PRODUCT) / pairs * 1000, 1)
    return table


def cpu_table(table: dict[str, float]) -> str:
    """The per-pair CPU table as the report prints it, biggest first, `product` last."""
    rows = sorted(((p, ms) for p, ms in table.items() if p != "product"), key=lambda r: -r[1])
    lines = [f"  {p:<20} {ms:>7.1f} ms" for p, ms in rows]
    lines.append(f"  {'product':<20} {table.get('product', 0.0):>7.1f} ms")
    return "CPU per need + profile update pair (window start to last alert):\n" + "\n".join(lines)


def cpu_seconds() -> dict[str, float]:
    """CPU time each process of the stack has used since it started (postgres: with its
    backends, which are its children, those still running and those ended), and this
    benchmark's own (it shares the machine: its HTTP requests and its consumer count too)."""
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            stats[int(stat.parent.name)] = _cpu(stat.read_text())
        except (OSError, ValueError, IndexError):
            continue
    used = {}
    for part in (*PRODUCT, "mailsink"):
        try:
            pid = int((STACK / "pids" / f"{part}.pid").read_text().strip())
        except (OSError, ValueError):
            continue
        children = [c for ppid, c in stats.values() if ppid == pid] if part == "postgres" else []
        used[part] = round(stats.get(pid, (0, 0.0))[1] + sum(children), 2)
    own = os.times()
    used["benchmark_client"] = round(own.user + own.system, 2)
    return used


def rss_now() -> dict[str, float]:
    return {s: _status(s, "VmRSS") for s in SERVICES}


def rss_peaks() -> dict[str, float]:
    """VmHWM: the most resident memory each service process has had since it started."""
    return {s: _status(s, "VmHWM") for s in SERVICES}


def plot(
    path: Path,
    points: list[tuple[float, float]],
    samples: list[dict[str, Any]],
    *,
    load_end: float | None = None,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t0 = min([p[0] for p in points] + [s["t"] for s in samples] or [0])
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    top.scatter([p[0] - t0 for p in points], [p[1] for p in points], s=4, label="a need")
    top.set_ylabel("need → alert (ms)")
    top.set_yscale("log")
    top.axhline(500, color="red", linewidth=0.8, label="goal p99 500 ms")
    top.legend()
    for group in samples[0]["lag"] if samples else ():
        bottom.plot([s["t"] - t0 for s in samples], [s["lag"][group] for s in samples], label=group)
    bottom.set_ylabel("consumer lag (messages)")
    bottom.legend(title="consumer group")
    bottom.set_xlabel("seconds since the load started")
    if load_end is not None:
        for ax in (top, bottom):
            ax.axvline(load_end - t0, color="grey", linestyle="--", linewidth=0.8)
        top.text(load_end - t0, 500, " load ends", color="grey", va="bottom")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
