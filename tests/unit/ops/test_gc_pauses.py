"""Ops see what the garbage collector costs each service: every pass lands in
`spie_gc_pause_seconds`, and what lives as long as the service is out of later passes."""

from __future__ import annotations

import gc

from prometheus_client import REGISTRY

from shared.heap import freeze_startup_heap, watch_gc_pauses


def _passes(generation: int) -> float:
    labels = {"generation": str(generation)}
    return REGISTRY.get_sample_value("spie_gc_pause_seconds_count", labels) or 0.0


def test_each_full_pass_of_the_collector_is_counted_once_however_often_it_is_watched() -> None:
    watch_gc_pauses()
    watch_gc_pauses()
    before = _passes(2)
    gc.collect()
    gc.collect()
    assert _passes(2) == before + 2


def test_objects_alive_at_start_are_left_out_of_later_passes() -> None:
    long_lived = [{"fiche": str(i)} for i in range(10_000)]
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() >= len(long_lived)
        assert not any(o is long_lived for o in gc.get_objects())
    finally:
        gc.unfreeze()
