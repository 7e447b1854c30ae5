"""Score calibration and fusion: each signal is z-scored per query before it is weighted.

Raw cosines of different encoders (and TF-IDF cosines) live on different scales and spreads;
reciprocal-rank fusion throws the margins away. A z-score per query keeps the margins and puts
every signal on one scale, so a fixed weight means the same thing for every query.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Weights:
    """Weight of each z-scored signal in the final score (0 switches a signal off)."""

    # Chosen on half "A" of MELO's queries (bench/melo.py), checked on half "B"; the figures
    # below are from before texts were encoded in plain typography (french.plain_typography),
    # which moved MRR 0.8740 -> 0.8759 (A 0.8736 -> 0.8762, B 0.8744 -> 0.8756) with these
    # weights unchanged: 1,314 corpus labels printed with "’" now meet queries typed with "'".
    # Query ~ document, encoder cosine, the document embedded as a passage ("passage: " for e5)
    # or as a title like the query (dense_title, e5's "query: " on both sides, as its authors
    # advise for symmetric tasks). Title-title won on half A (0.8703 vs 0.8699; B 0.8711 vs
    # 0.8663), a little passage cosine beside it more (one coordinate pass over every weight
    # on half A: A 0.8715, B 0.8713); it costs a second encoding of the corpus in fit_corpus,
    # skipped when dense_title is 0.
    dense: float = 0.2
    dense_title: float = 1.0
    lexical: float = 0.25  # query ~ document, TF-IDF over gender-neutral keys and n-grams
    # Not a signal: the share of whole words (the rest: character n-grams) in that lexical
    # cosine. 0.3 vs 0.5 on half A 0.8728 vs 0.8725 (0.2-0.4 all within 0.0004), B 0.8736
    # vs 0.8728: n-grams also reward derived forms ("electricite" ~ "electricien").
    lexical_word_share: float = 0.3
    sibling_max: float = 0.675  # best other appellation of the query's ROME fiche ~ document
    sibling_mean: float = 0.15  # the fiche's appellations on average ~ document
    sibling_lexical_max: float = 0.05
    sibling_lexical_mean: float = 0.1
    fiche: float = 0.3  # the fiche's label ("Maçonnerie") ~ document
    fiche_lexical: float = 0.05
    # Not z-scored: probabilities that the document is of the query's fiche / appellation.
    crosswalk: float = 1.0
    crosswalk_appellation: float = 0.0
    # The same appellation vote with the documents embedded as titles (as for dense_title),
    # so that title meets title: half A 0.8725 vs 0.8715, B 0.8728 vs 0.8713. The fiche vote
    # stays on passages, where it did better on half A (0.8715 vs 0.8725 with both on titles).
    crosswalk_appellation_title: float = 4.5
    # P(document is in the domaine professionnel of the query's fiche, "H23" for "H2301"), from
    # the same title vote: a near miss in the right trade family beats a far one. A new signal
    # after per-query normalisations, linear maps learned on ROME and document priors all failed
    # (bench/melo.py): 0.2 vs 0 on half A 0.8736 vs 0.8728 (0.15-0.3 within 0.0006), B 0.8744
    # vs 0.8736. The mobilités of the fiche in its place did not help (A 0.8721 at 0.2).
    crosswalk_domain_title: float = 0.2
    # Also measured against these weights (MRR half A / B, main 0.8736 / 0.8744); none adopted.
    # ROME labels embedded as e5 passages to meet passage documents (passage-passage siblings,
    # fiche label and fiche vote, instead of query-passage): 0.8711 / 0.8739. A contrastive map
    # learned on ROME fiches (generalises to held-out fiches: sibling MRR 0.654 -> 0.70-0.71 over
    # 3 seeds) as an extra title cosine: A's weight 0.1 gives 0.8737 / 0.8748, and A's choice
    # changes with the seed. A vote for fiches sharing the query fiche's skills (Jaccard):
    # 0.8736 / 0.8745 at best. Less ROME weight when the query matched no appellation exactly:
    # +0.0003 / +0.0001, one rank on two queries (noise).
    # More or fewer nearest appellations voting (rome.NEAREST 3-12 instead of 5): A never above.
    # Round 6 (A never above 0.8736 unless B fell): a soft fiche distribution for the query too
    # (the crosswalk is one-hot on queries at its 0.1 temperature; 0.5-1.0 leave A at 0.8736);
    # titles embedded with their fiche's label appended, "Coffreur bancheur (Maçonnerie)", as
    # a cosine beside dense_title or instead (0.8722 / 0.8643 on A); the located fiche's ROME
    # skill labels ~ titles (best A 0.8737, B 0.8740); a hubness correction (CSLS, ROME
    # appellations as reference) of the title cosine (A 0.8708 at 0.25): generic titles are
    # often the relevant ones.
    # Subtracted from documents whose label starts with a plural ("Imprimeurs") when the
    # query does not: a family of jobs, not the job asked for. Large: a near filter.
    plural_label: float = 10.0
    # Documents given as labels of one entity (fit_corpus groups): the entity's mean score,
    # small enough to order mostly equal scores (the same label in two entities) and little else.
    group: float = 0.01

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def zscore(scores: np.ndarray) -> np.ndarray:
    """Per row: (x - mean) / std; a constant row becomes zeros."""
    mean = scores.mean(axis=-1, keepdims=True)
    std = scores.std(axis=-1, keepdims=True)
    z: np.ndarray = ((scores - mean) / np.where(std > 0, std, 1.0)).astype(np.float32)
    return z


def fuse(signals: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Weighted sum of the z-scored signals; probabilities (crosswalk*) are added as they are."""
    w = weights.as_dict()
    total: np.ndarray | None = None
    for name, scores in signals.items():
        if not w.get(name):
            continue
        part = w[name] * (scores if name.startswith("crosswalk") else zscore(scores))
        total = part if total is None else total + part
    if total is None:
        raise ValueError("no signal with a non-zero weight")
    return total


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first (ties: lower index first)."""
    k = min(k, scores.shape[0])
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.lexsort((part, -scores[part]))]
