"""The ROME referential as knowledge: where a title sits, and what else its fiche calls the job.

A job title is located in ROME through the appellations (an exact match of a gendered form,
else the nearest appellation by meaning and spelling). Its fiche then brings its label and its
sibling appellations: "Ripeur / Ripeuse" is filed beside "Éboueur / Éboueuse", which a text
encoder alone does not know. The other way round, every document of a corpus gets a
probability per fiche (a soft "crosswalk"), from its nearest appellations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from services.matcher.domain.text.french import plain_typography
from services.matcher.domain.text.fusion import zscore
from services.matcher.domain.text.lexical import LexicalIndex
from shared.referential.snapshot import Snapshot

NEAREST = 5  # appellations that vote for a document's fiche
# Softmax temperatures over their z-scored similarities: sharp for the fiche vote, softer for
# "is the document this very appellation".
FICHE_TEMPERATURE = 0.1
APPELLATION_TEMPERATURE = 0.5
DOMAIN_CODE = 3  # length of a domaine professionnel's code, the prefix of its fiches' codes
LEXICAL_SHARE = 0.25  # weight of spelling next to meaning when finding the nearest appellation
_CHUNK = 512


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], *, kind: Literal["query", "passage"]) -> np.ndarray: ...


def encode_unique(
    encoder: Encoder, texts: list[str], *, kind: Literal["query", "passage"]
) -> np.ndarray:
    """Encode each distinct text once (a corpus of labels repeats itself a lot), in plain
    typography (see `plain_typography`): "d’hôtel" and "d'hôtel" get one vector."""
    texts = [plain_typography(t) for t in texts]
    distinct = list(dict.fromkeys(texts))
    vectors = encoder.encode(distinct, kind=kind)
    row = {t: i for i, t in enumerate(distinct)}
    picked: np.ndarray = vectors[[row[t] for t in texts]] if texts else vectors
    return picked


@dataclass(frozen=True, slots=True)
class Located:
    code_rome: str
    code_ogr: str  # the appellation the title was matched to
    exact: bool


class RomeKnowledge:
    """Appellations embedded once (about 12k texts): build it once per referential version."""

    def __init__(
        self,
        snapshot: Snapshot,
        encoder: Encoder,
        *,
        vectors: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """`vectors`: the (appellation, fiche label) vectors `encoded()` gave for this snapshot
        and encoder before, e.g. read from a file, instead of a minute of encoding."""
        self._snapshot = snapshot
        self._apps = sorted(snapshot.appellations.values(), key=lambda a: a.code_ogr)
        self._row = {a.code_ogr: i for i, a in enumerate(self._apps)}
        self._codes = sorted(snapshot.fiches)
        self._fiche_no = {c: i for i, c in enumerate(self._codes)}
        self._app_fiche = np.array([self._fiche_no[a.code_rome] for a in self._apps])
        # A fiche's code starts with its domaine professionnel ("H2301" is in "H23").
        self._domains = sorted({c[:DOMAIN_CODE] for c in self._codes})
        self._domain_no = {d: i for i, d in enumerate(self._domains)}
        self._fiche_domain = np.array([self._domain_no[c[:DOMAIN_CODE]] for c in self._codes])
        self.lexical = LexicalIndex()
        self.lexical.fit([a.libelle for a in self._apps])
        if vectors is None:
            vectors = self.encode_labels(snapshot, encoder)
        self.vectors, self.fiche_vectors = vectors
        if self.vectors.shape != (len(self._apps), encoder.dim) or self.fiche_vectors.shape != (
            len(self._codes),
            encoder.dim,
        ):
            raise ValueError("the vectors given are not those of this snapshot and encoder")

    @staticmethod
    def encode_labels(
        snapshot: Snapshot,
        encoder: Encoder,
        progress: Callable[[int, int], None] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The (appellation, fiche label) vectors, in the order RomeKnowledge keeps them;
        `progress(done, total)` after each chunk of appellations."""
        apps = sorted(snapshot.appellations.values(), key=lambda a: a.code_ogr)
        labels = [a.libelle for a in apps]
        # Appellations are titles, like queries: the "query" side of e5 suits them.
        chunks = []
        for start in range(0, len(labels), _CHUNK):
            chunks.append(encode_unique(encoder, labels[start : start + _CHUNK], kind="query"))
            if progress is not None:
                progress(min(start + _CHUNK, len(labels)), len(labels))
        vectors = np.concatenate(chunks) if chunks else np.zeros((0, encoder.dim), np.float32)
        labels = [snapshot.fiches[c].libelle for c in sorted(snapshot.fiches)]
        return vectors, encoder.encode(labels, kind="query")

    def fiches_of(self, vector: np.ndarray, text: str) -> dict[str, float]:
        """P(text is of each fiche), from its nearest appellations (the crosswalk of one text),
        the fiches below 1 % left out."""
        cw = self.crosswalk(vector[None, :], [text])
        found: dict[str, float] = {}
        for number, p in zip(cw.fiches[0], cw.fiche_probs[0], strict=True):
            code = self._codes[int(number)]
            found[code] = found.get(code, 0.0) + float(p)
        return {c: p for c, p in found.items() if p >= 0.01}

    def fiche_label(self, code_rome: str) -> str:
        return self._snapshot.fiches[code_rome].libelle

    def fiche_vector(self, code_rome: str) -> np.ndarray:
        vector: np.ndarray = self.fiche_vectors[self._fiche_no[code_rome]]
        return vector

    def locate(self, text: str, vector: np.ndarray) -> Located:
        """The appellation of `text`: same form once normalised, else the nearest one."""
        named = self._snapshot.appellations_named(text)
        if named:
            return Located(named[0].code_rome, named[0].code_ogr, exact=True)
        fused = self._affinity(vector[None, :], [text])[0]
        best = self._apps[int(np.argmax(fused))]
        return Located(best.code_rome, best.code_ogr, exact=False)

    def siblings(self, where: Located) -> tuple[list[str], np.ndarray]:
        """The other appellations of the fiche (labels, vectors); the title itself if alone."""
        rows = [
            self._row[a.code_ogr]
            for a in self._snapshot.appellations_of(where.code_rome)
            if a.code_ogr != where.code_ogr
        ] or [self._row[where.code_ogr]]
        return [self._apps[r].libelle for r in rows], self.vectors[rows]

    def _affinity(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        dense = vectors @ self.vectors.T
        lexical = np.stack([self.lexical.scores(t) for t in texts])
        return zscore(dense) + LEXICAL_SHARE * zscore(lexical)

    def crosswalk(self, vectors: np.ndarray, texts: list[str]) -> Crosswalk:
        """For each document, its fiches' probabilities from its nearest appellations."""
        rows = np.zeros((len(texts), NEAREST), dtype=np.int64)
        top = np.zeros((len(texts), NEAREST), dtype=np.float32)
        for i in range(0, len(texts), _CHUNK):
            fused = self._affinity(vectors[i : i + _CHUNK], texts[i : i + _CHUNK])
            rows[i : i + _CHUNK] = np.argsort(-fused, axis=1)[:, :NEAREST]
            top[i : i + _CHUNK] = np.take_along_axis(fused, rows[i : i + _CHUNK], axis=1)
        fiches = self._app_fiche[rows]
        return Crosswalk(
            fiche_no=self._fiche_no,
            app_row=self._row,
            domain_no={c: int(self._fiche_domain[i]) for c, i in self._fiche_no.items()},
            fiches=fiches,
            domains=self._fiche_domain[fiches],
            rows=rows,
            fiche_probs=_softmax(top, FICHE_TEMPERATURE),
            app_probs=_softmax(top, APPELLATION_TEMPERATURE),
        )


def _softmax(top: np.ndarray, temperature: float) -> np.ndarray:
    e = np.exp((top - top[:, :1]) / temperature)
    probs: np.ndarray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return probs


@dataclass(frozen=True, slots=True)
class Crosswalk:
    fiche_no: dict[str, int]
    app_row: dict[str, int]
    domain_no: dict[str, int]  # fiche code → number of its domaine professionnel
    fiches: np.ndarray  # (n_docs, NEAREST) fiche numbers of the nearest appellations
    domains: np.ndarray  # (n_docs, NEAREST) their domaines professionnels
    rows: np.ndarray  # (n_docs, NEAREST) the nearest appellations themselves
    fiche_probs: np.ndarray  # (n_docs, NEAREST) their softmax weights, for the fiche vote
    app_probs: np.ndarray  # the same, softer, for the appellation itself

    def probability(self, code_rome: str) -> np.ndarray:
        """P(document is of this fiche), for every document."""
        return _picked(self.fiches, self.fiche_no.get(code_rome, -1), self.fiche_probs)

    def domain_probability(self, code_rome: str) -> np.ndarray:
        """P(document is of this fiche's domaine professionnel), from the fiche vote."""
        return _picked(self.domains, self.domain_no.get(code_rome, -1), self.fiche_probs)

    def appellation_probability(self, code_ogr: str) -> np.ndarray:
        """P(document names this very appellation), for every document."""
        return _picked(self.rows, self.app_row.get(code_ogr, -1), self.app_probs)


def _picked(keys: np.ndarray, key: int, probs: np.ndarray) -> np.ndarray:
    found: np.ndarray = np.where(keys == key, probs, 0.0).sum(axis=1)
    return found.astype(np.float32)
