"""The garbage collector in long-running services: its pauses measured, its full passes short.

A full pass of CPython's collector walks every tracked object while holding the GIL. Objects
that live as long as the service (the referential, the matcher's ROME resolver) are frozen out
of those passes once the service has started (`gc.freeze`); what is created afterwards is
collected as before. `spie_gc_pause_seconds` shows what each pass costs.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from prometheus_client import Histogram

GC_PAUSE = Histogram(
    "spie_gc_pause_seconds",
    "Garbage collector pauses (the GIL is held meanwhile)",
    ["generation"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
_began: list[float] = [0.0]


def _on_gc(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _began[0] = time.perf_counter()
    else:
        GC_PAUSE.labels(str(info["generation"])).observe(time.perf_counter() - _began[0])


def watch_gc_pauses() -> None:
    """Record every collection's pause (once per process, however often called)."""
    if _on_gc not in gc.callbacks:
        gc.callbacks.append(_on_gc)


def freeze_startup_heap() -> None:
    """Collect once, then keep every object alive now out of later collections."""
    gc.collect()
    gc.freeze()
