"""What the engine reads of a need or a profile: gender-neutral texts, vectors and trades.

- A need's dense vector is the mean of its title plus the mean of its skills, each an e5 "query"
  encoded once per distinct wording and kept, as a profile's passages are; its description
  counts through the lexical vector and the trade reading, which read the whole text, as a
  profile's experience does. The description was most of a need's tokens (the encoder's cost
  is linear in them: ~1.4 ms of CPU a token, up to 600 characters), and on the dev set's
  held-out half encoding it changed nothing (nDCG@10 0.8978 without vs 0.8980 with; dev half
  0.9134 vs 0.9184). Title and skills were one query until engine 5 (~37 ms of CPU for each
  need whose title and skills came together for the first time: every need, in a département
  where each need is a new combination); titles and skills repeat a lot (a federation's CSV,
  the same job at several sites, skills taken from the ROME's lists), so a need now costs the
  encoding of its new words only.
- A profile is encoded as the mean of its desired jobs plus the mean of its skills, each job and
  each skill an e5 "passage" encoded once per distinct wording and kept (titles and skills
  repeat a lot across 100k profiles, experiences do not): indexing stays cheap, and the
  experience still counts through the lexical vector, which reads everything. On the dev half
  this did as well as encoding the jobs and the skills as two joined passages (0.9185 vs
  0.9179 nDCG@10), which would repeat far less.
- Both get a lexical vector of their whole text and a trade reading (domain/trades.py).
One `KeptEncoder` serves the vectors and the trade reading: a need's title, a part of both, is
encoded once. Every text first goes through `RomeResolver.neutral` (plain typography, feminine
job words in their masculine form, inclusive markers dropped): twins read the same to the last
character.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from services.matcher.adapters.embedder import Embedder, Kind
from services.matcher.domain.kept import Kept
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.ports import Sparse
from services.matcher.domain.rome import RomeResolver
from services.matcher.domain.text.lexical import LexicalIndex
from services.matcher.domain.trades import Reading, TradeReader
from shared.metrics import TEXTS_READ

TEXT_CHARS = 600  # of a description or an experience
_KEPT = 32_768  # distinct short passages whose vectors are kept (~50 MB at 384 floats)
_KEPT_QUERIES = 32_768  # distinct need titles and skills, profiles' jobs as read for trades
SHORT = 160  # characters: a text this long or shorter repeats (a title, a skill) and is kept


class KeptEncoder:
    """The encoder, each short text's vector kept per kind (queries and passages apart): a text
    is encoded once however many documents carry it, and whichever reading asks (a need's title
    is both a part of its dense vector and what its trade reading starts from). Longer texts (a
    title with its description, read for the trade) are encoded each time, never kept: they do
    not repeat, and would push out the ones that do. The same vectors as the encoder's, to the
    last bit (an e5 text's vector does not depend on the other texts of its batch)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self._kept: dict[Kind, Kept[np.ndarray]] = {
            "passage": Kept(_KEPT),
            "query": Kept(_KEPT_QUERIES),
        }

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        short = [t for t in texts if len(t) <= SHORT]
        kept = self.vectors(short, kind) if short else {}
        long = [t for t in dict.fromkeys(texts) if t not in kept]
        if long:
            encoded = self.embedder.encode(long, kind=kind)
            kept = {**kept, **dict(zip(long, encoded, strict=True))}
            TEXTS_READ.labels(kind, "encoded").inc(len(long))
        return np.stack([kept[t] for t in texts])

    def vectors(self, texts: Sequence[str], kind: Kind) -> dict[str, np.ndarray]:
        """The texts' vectors: those kept (per kind), the others encoded in one call and kept."""
        encoded = 0

        def encode(missing: list[str]) -> list[np.ndarray]:
            nonlocal encoded
            encoded = len(missing)
            return list(self.embedder.encode(missing, kind=kind))

        vectors = self._kept[kind].many(texts, encode)
        TEXTS_READ.labels(kind, "encoded").inc(encoded)
        TEXTS_READ.labels(kind, "kept").inc(len(texts) - encoded)
        return vectors


@dataclass(frozen=True, slots=True)
class Vectors:
    dense: list[float]
    sparse: Sparse


class Texts:
    def __init__(
        self, *, encoder: KeptEncoder, resolver: RomeResolver, trades: TradeReader
    ) -> None:
        self.encoder = encoder
        self.embedder = encoder.embedder
        self.lexicon = rome_lexicon(resolver)
        self.resolver = resolver
        self.trades = trades

    # -- texts ------------------------------------------------------------------------------
    def need_text(self, need: Need) -> str:
        return self.resolver.neutral(
            f"{need.title}. {', '.join(need.skills)}. {need.description[:TEXT_CHARS]}"
        )

    def _need_queries(self, need: Need) -> tuple[list[str], list[str]]:
        """([its title], its skills), each one a gender-neutral query."""
        neutral = self.resolver.neutral
        title = neutral(need.title)
        skills = [s for s in (neutral(t) for t in need.skills) if s]
        return ([title] if title else []), skills

    def profile_text(self, profile: Profile) -> str:
        return self.resolver.neutral(
            f"{', '.join(profile.desired_jobs)}. {', '.join(profile.skills)}. "
            f"{profile.experience[:TEXT_CHARS]}"
        )

    def _profile_passages(self, profile: Profile) -> tuple[list[str], list[str]]:
        """(its desired jobs, its skills), each one a gender-neutral passage."""
        neutral = self.resolver.neutral
        jobs = [j for j in (neutral(t) for t in profile.desired_jobs) if j]
        skills = [s for s in (neutral(t) for t in profile.skills) if s]
        return jobs, skills

    # -- trades -----------------------------------------------------------------------------
    def need_reading(self, need: Need) -> Reading:
        return self.trades.need(need.title, need.description, need.rome_code)

    def profile_reading(self, profile: Profile) -> Reading:
        return self.trades.profile(profile.desired_jobs, profile.desired_rome_codes)

    # -- vectors ----------------------------------------------------------------------------
    async def need_vectors(self, needs: Sequence[Need]) -> list[Vectors]:
        # Encoding is CPU-bound: a worker thread keeps the event loop answering.
        queries = [self._need_queries(n) for n in needs]
        dense = await asyncio.to_thread(self._combined, queries, "query")
        return self._with_sparse(dense, [self.need_text(n) for n in needs])

    async def profile_vectors(self, profiles: Sequence[Profile]) -> list[Vectors]:
        passages = [self._profile_passages(p) for p in profiles]
        dense = await asyncio.to_thread(self._combined, passages, "passage")
        return self._with_sparse(dense, [self.profile_text(p) for p in profiles])

    def _with_sparse(self, dense: np.ndarray, texts: list[str]) -> list[Vectors]:
        sparse = [Sparse(*self.lexicon.sparse_vector(t)) for t in texts]
        return [Vectors(d.tolist(), s) for d, s in zip(dense, sparse, strict=True)]

    def _combined(self, parts: Sequence[tuple[list[str], list[str]]], kind: Kind) -> np.ndarray:
        """For each document, the unit vector of the mean of its first texts (desired jobs, a
        need's title) plus the mean of its second (skills), each text encoded once and kept."""
        texts = [t for first, second in parts for t in (*first, *second)]
        vectors = self.encoder.vectors(texts, kind)
        if not parts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        zero = np.zeros(self.embedder.dim, dtype=np.float32)

        def mean(texts: list[str]) -> np.ndarray:
            return np.mean([vectors[t] for t in texts], axis=0) if texts else zero

        summed = np.stack([mean(first) + mean(second) for first, second in parts])
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        unit: np.ndarray = (summed / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return unit


_lexicons: dict[str, LexicalIndex] = {}


def rome_lexicon(resolver: RomeResolver) -> LexicalIndex:
    """Word and n-gram weights (idf) learnt from the ROME's skill and knowledge labels (~30k,
    the vocabulary of work), one per referential: a word every trade uses ("entretien",
    "client") weighs less than one that names a trade or a tool, and a word none uses
    ("ATSEM", a brand of machine) weighs most. Fixed by the referential, not by the profiles
    indexed so far: a pair's score never drifts with the index. On the dev set's dev half,
    these weights did better than the ROME's job titles (nDCG@10 0.917 vs 0.911 with the
    rest of the engine) and near weights learnt from the profiles themselves."""
    snapshot = resolver.snapshot
    key = f"{snapshot.version_tag}|{len(snapshot.appellations)}"
    if key not in _lexicons:
        labels = sorted({s.libelle for code in snapshot.fiches for s in snapshot.skills(code)})
        if not labels:  # a referential without skills (a test's): the titles, then
            labels = [a.libelle for a in snapshot.appellations.values()]
        lexicon = LexicalIndex()
        lexicon.fit([resolver.neutral(t) for t in labels])
        _lexicons[key] = lexicon
    return _lexicons[key]
