# PLACEHOLDER: replaced by branch text
"""Text similarity: dense (embedder) and lexical (hashed character n-grams), stand-in."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from typing import Any

import numpy as np

_BUCKETS = 1 << 20
_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return bare


class TextEngine:
    def __init__(self, embedder: Any, rome_snapshot: Any | None = None) -> None:
        self.embedder = embedder
        self.rome = rome_snapshot

    def lexical_vector(self, text: str) -> tuple[list[int], list[float]]:
        grams: Counter[int] = Counter()
        for word in _WORD.findall(_fold(text)):
            padded = f" {word} "
            for n in (3, 4, 5):
                for i in range(max(len(padded) - n + 1, 1)):
                    digest = hashlib.blake2b(padded[i : i + n].encode(), digest_size=4).digest()
                    grams[int.from_bytes(digest, "little") % _BUCKETS] += 1
        if not grams:
            return [], []
        weights = {k: 1.0 + math.log(v) for k, v in grams.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        indices = sorted(weights)
        return indices, [weights[i] / norm for i in indices]

    def similarity(self, a: str, b: str) -> dict[str, float]:
        va, vb = self.embedder.encode([a, b], kind="passage")
        ia, wa = self.lexical_vector(a)
        sb = dict(zip(*self.lexical_vector(b), strict=True))
        lexical = sum(w * sb.get(i, 0.0) for i, w in zip(ia, wa, strict=True))
        return {"dense": float(np.dot(va, vb)), "lexical": lexical}
