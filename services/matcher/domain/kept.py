"""What was computed per text, kept for the next call: the most recently used, up to a bound.

    kept = Kept[np.ndarray](limit=32_768)
    vectors = kept.many(texts, encode_all)   # encode_all(missing) once, for the texts not kept

One call computes every missing text at once (an encoder is far faster on a batch), outside the
lock: two threads may compute the same text, never wait on each other's encoding.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._kept: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def many(
        self, keys: Sequence[str], compute: Callable[[list[str]], Sequence[V]]
    ) -> dict[str, V]:
        """Each key's value: kept, or computed by `compute(missing keys)` and kept."""
        found = self.some(keys)
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing:
            computed = dict(zip(missing, compute(missing), strict=True))
            self.keep(computed)
            found.update(computed)
        return found

    def some(self, keys: Iterable[str]) -> dict[str, V]:
        """The values kept of these keys (the others left out), each now the most recent."""
        with self._lock:
            found = {k: self._kept[k] for k in keys if k in self._kept}
            for k in found:
                self._kept.move_to_end(k)
        return found

    def keep(self, values: Mapping[str, V]) -> None:
        with self._lock:
            self._kept.update(values)
            while len(self._kept) > self._limit:
                self._kept.popitem(last=False)

    def forget(self, keys: Iterable[str]) -> None:
        with self._lock:
            for k in keys:
                self._kept.pop(k, None)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def one(self, key: str, compute: Callable[[], V]) -> V:
        """The key's value: kept, or computed by `compute()` and kept."""
        return self.many([key], lambda _: [compute()])[key]
