"""Trades read from the whole text: a need's and a profile's ROME fiches, with a probability.

A need's title is located among the ROME appellations by meaning and spelling (the crosswalk of
`text/rome.py`, the reading MELO measures), once alone and once with its description: an
ambiguous title ("Conseiller", "Opérateur") is settled by what the description says, and a
title the description contradicts loses confidence instead of winning. A profile is read job by
job (its desired jobs), a fiche taking the best probability any job gives it. Codes given by a
federation or a référent are authoritative: probability 1.

    reader = TradeReader(knowledge, encoder, neutral=resolver.neutral)
    need = reader.need("Conseiller (H/F)", "Accueil des clients en agence, ouverture de comptes")
    need.code            # "C1201" when confident, else None (no code rather than a wrong one)
    evidence(need, reader.profile(["guichetière"]))   # 0..1: both read as the same trade

CPU-bound (an encoding per new text): callers run it in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from services.matcher.domain.kept import Kept
from services.matcher.domain.text.rome import Encoder, RomeKnowledge

CONFIDENT = 0.5  # a fiche this probable is the text's trade (named, searched, explained)
CONTEXT = 600  # characters of a description read with the title
_CACHED = 65_536  # distinct texts whose reading is kept (titles repeat a lot)

Fiches = tuple[tuple[str, float], ...]  # (code ROME, probability), most probable first


@dataclass(frozen=True, slots=True)
class Reading:
    fiches: Fiches = ()

    @property
    def code(self) -> str | None:
        """The trade, when the reading is confident; None rather than a doubtful code."""
        return self.fiches[0][0] if self.fiches and self.fiches[0][1] >= CONFIDENT else None

    @property
    def codes(self) -> tuple[str, ...]:
        """Every confident trade (a profile may want two)."""
        return tuple(c for c, p in self.fiches if p >= CONFIDENT)

    def as_dict(self) -> dict[str, float]:
        return dict(self.fiches)


def reading_of(probabilities: dict[str, float]) -> Reading:
    """Fiches best first, ties by code, probabilities to 4 decimals: one reading per text,
    whatever the order it was built in (twins must read the same)."""
    ranked = sorted(((c, round(p, 4)) for c, p in probabilities.items()), key=_order)
    return Reading(tuple((c, p) for c, p in ranked if p > 0))


def _order(item: tuple[str, float]) -> tuple[float, str]:
    return (-item[1], item[0])


def given(codes: Iterable[str]) -> Reading:
    return reading_of(dict.fromkeys(codes, 1.0))


def evidence(need: Reading, profile: Reading) -> float:
    """How sure we are that both texts are of one trade: Σ P(need is f) × P(profile is f)."""
    theirs = profile.as_dict()
    return round(sum(p * theirs.get(c, 0.0) for c, p in need.fiches), 4)


def merged(readings: Iterable[Reading]) -> Reading:
    """Several jobs (or given codes and jobs): each fiche with its best probability."""
    best: dict[str, float] = {}
    for r in readings:
        for c, p in r.fiches:
            best[c] = max(best.get(c, 0.0), p)
    return reading_of(best)


class TradeReader:
    def __init__(
        self, knowledge: RomeKnowledge, encoder: Encoder, *, neutral: Callable[[str], str]
    ) -> None:
        self.knowledge = knowledge
        self._encoder = encoder
        self._neutral = neutral
        self._kept = Kept[Reading](_CACHED)

    def need(self, title: str, description: str = "", code: str | None = None) -> Reading:
        if code:
            return given([code])
        context = description[:CONTEXT].strip()
        if not context:
            return self.text(title)
        alone, both = self.texts([title, f"{title}. {context}"])  # one encoding call
        mixed = {c: 0.5 * p for c, p in alone.fiches}
        for c, p in both.fiches:
            mixed[c] = mixed.get(c, 0.0) + 0.5 * p
        return reading_of(mixed)

    def profile(self, jobs: Sequence[str], codes: Sequence[str] = ()) -> Reading:
        return merged([given(codes), *self.texts(jobs)])  # one encoding call for the jobs

    def text(self, text: str) -> Reading:
        return self.texts([text])[0]

    def texts(self, texts: Sequence[str]) -> list[Reading]:
        keys = [self._neutral(t) for t in texts]
        read = self._kept.many(keys, self._read)
        return [read[k] for k in keys]

    def _read(self, keys: list[str]) -> list[Reading]:
        vectors: np.ndarray = self._encoder.encode(keys, kind="query")
        return [
            reading_of(self.knowledge.fiches_of(v, k)) for k, v in zip(keys, vectors, strict=True)
        ]
