from functools import cache
from typing import Literal

import numpy as np
import pytest

from services.matcher.adapters.embedder import FakeEmbedder, build_embedder
from services.matcher.domain.text import CorpusNotFitted, TextEngine, Weights
from shared.referential.fixtures import fixture_paths
from shared.referential.lookup import snapshot_from_files
from shared.referential.snapshot import Snapshot

CORPUS = {
    "d-macon": "maçon/maçonne",
    "d-macon-chef": "chef d'équipe maçon",
    "d-plombier": "plombier",
    "d-boulanger": "boulangère",
    "d-eboueur": "agent de collecte des ordures ménagères",
    "d-aide": "aide à domicile",
    "d-cariste": "cariste",
}


@cache
def fixture_snapshot() -> Snapshot:
    paths = fixture_paths()
    return snapshot_from_files(paths.rome_dir, paths.communes_file)


def engine(*, rome: bool) -> TextEngine:
    built = TextEngine(FakeEmbedder(), fixture_snapshot() if rome else None)
    built.fit_corpus(list(CORPUS), list(CORPUS.values()))
    return built


@pytest.mark.parametrize("rome", [False, True])
def test_feminine_and_masculine_titles_rank_the_same_trade_first(rome: bool) -> None:
    ranked = engine(rome=rome).rank(["Maçonne", "Maçon", "Maçon / Maçonne"], top_k=3)
    assert [r[0][0] for r in ranked] == ["d-macon", "d-macon", "d-macon"]


def test_rank_lists_top_k_distinct_documents_best_first() -> None:
    ranking = engine(rome=False).rank(["boulanger", "plombière"], top_k=4)
    for found in ranking:
        scores = [s for _, s in found]
        assert len(found) == 4 and len({d for d, _ in found}) == 4
        assert scores == sorted(scores, reverse=True)
    assert [r[0][0] for r in ranking] == ["d-boulanger", "d-plombier"]
    assert len(engine(rome=False).rank(["cariste"], top_k=50)[0]) == len(CORPUS)


def test_a_title_spelled_nowhere_in_the_corpus_is_found_through_its_rome_fiche() -> None:
    # "Ripeur" shares no word with the corpus and the model alone does not know it;
    # ROME files it beside the refuse collectors.
    real = TextEngine(build_embedder(), fixture_snapshot())
    real.fit_corpus(list(CORPUS), list(CORPUS.values()))
    assert real.rank(["Ripeuse"], top_k=1)[0][0][0] == "d-eboueur"


def test_a_label_printed_with_typographic_apostrophes_scores_as_its_typed_twin() -> None:
    printed, typed = "Concierge d’hôtel", "Concierge d'hôtel"
    fitted = TextEngine(FakeEmbedder(), None)
    fitted.fit_corpus(["printed", "typed", "other"], [printed, typed, "Portier d'hôtel"])
    for query in (typed, printed):
        scores = dict(fitted.rank([query], top_k=3)[0])
        assert scores["printed"] == scores["typed"] > scores["other"]


def test_ranking_before_fitting_a_corpus_is_refused() -> None:
    with pytest.raises(CorpusNotFitted):
        TextEngine(FakeEmbedder(), None).rank(["maçon"], top_k=3)


def test_the_lexical_vector_is_sparse_stable_and_the_same_for_both_genders() -> None:
    fitted = engine(rome=False)
    indices, values = fitted.lexical_vector("Maçonne")
    assert indices == sorted(indices) and len(indices) == len(values) > 0
    assert all(0 <= i < 2**31 for i in indices)
    assert (indices, values) == fitted.lexical_vector("maçon")


def test_similarity_explains_a_pair_by_its_parts() -> None:
    parts = engine(rome=True).similarity("Maçonne", "Maçon / Maçonne")
    assert parts["lexical"] == pytest.approx(1.0, abs=1e-6)
    assert parts["same_rome"] == 1.0 and 0.0 < parts["dense"] <= 1.0 + 1e-6
    other = engine(rome=True).similarity("Maçonne", "Cariste")
    assert other["lexical"] < 0.2 and other["same_rome"] == 0.0


def test_a_family_label_in_the_plural_does_not_outrank_the_job_title() -> None:
    labels = {
        "d-family": "Imprimeurs",
        "d-job": "imprimeur offset",
        "d-commis": "commis de cuisine",
        "d-other": "plombier",
    }
    plain = TextEngine(FakeEmbedder(), None)
    plain.fit_corpus(list(labels), list(labels.values()))
    assert plain.rank(["Imprimeur"], top_k=1)[0][0][0] == "d-job"
    # The family still comes first for a query that itself names a family.
    assert plain.rank(["Imprimeurs"], top_k=1)[0][0][0] == "d-family"
    # "commis" looks plural on both sides: agreement, no penalty.
    assert plain.rank(["Commis de cuisine"], top_k=1)[0][0][0] == "d-commis"


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[str] = []

    def encode(self, texts: list[str], *, kind: Literal["query", "passage"]) -> np.ndarray:
        self.kinds.append(kind)
        return super().encode(texts, kind=kind)


def test_documents_are_embedded_as_titles_too_unless_that_signal_is_switched_off() -> None:
    both, once = CountingEmbedder(), CountingEmbedder()
    TextEngine(both, None).fit_corpus(list(CORPUS), list(CORPUS.values()))
    TextEngine(once, None, weights=Weights(dense_title=0.0, dense=1.0)).fit_corpus(
        list(CORPUS), list(CORPUS.values())
    )
    assert sorted(both.kinds) == ["passage", "query"] and once.kinds == ["passage"]
    ranked = TextEngine(once, None, weights=Weights(dense_title=0.0, dense=1.0))
    ranked.fit_corpus(list(CORPUS), list(CORPUS.values()))
    assert ranked.rank(["maçonne"], top_k=1)[0][0][0] == "d-macon"


def test_the_appellation_vote_compares_titles_with_titles_and_names_the_right_document() -> None:
    titles_only = Weights(dense_title=0.0, dense=1.0)
    counted = CountingEmbedder()
    voting = TextEngine(counted, fixture_snapshot(), weights=titles_only)
    counted.kinds.clear()  # the appellations themselves were embedded when ROME was loaded
    voting.fit_corpus(list(CORPUS), list(CORPUS.values()))
    # No dense title signal, but the appellation vote still needs the documents as titles.
    assert sorted(counted.kinds) == ["passage", "query"]
    vote = voting.scores("Maçonne")["crosswalk_appellation_title"]
    assert list(CORPUS)[int(np.argmax(vote))] == "d-macon"


def test_switching_the_title_appellation_vote_off_drops_it_and_its_encoding() -> None:
    off = Weights(
        dense_title=0.0, dense=1.0, crosswalk_appellation_title=0.0, crosswalk_domain_title=0.0
    )
    counted = CountingEmbedder()
    silent = TextEngine(counted, fixture_snapshot(), weights=off)
    counted.kinds.clear()
    silent.fit_corpus(list(CORPUS), list(CORPUS.values()))
    assert counted.kinds == ["passage"]
    assert "crosswalk_appellation_title" not in silent.scores("Maçonne")
    assert "crosswalk_domain_title" not in silent.scores("Maçonne")


def test_a_job_of_the_same_rome_domaine_gets_the_domain_vote_and_others_do_not() -> None:
    # Maçon (F1703) and coffreur (F1701) are both in domaine F17; plombier (F1603) and
    # cariste (N1101) are not. The appellation vote alone sees no coffreur in "Maçonne".
    labels = {"d-coffreur": "coffreur boiseur", "d-plombier": "plombier", "d-cariste": "cariste"}
    voting = TextEngine(FakeEmbedder(), fixture_snapshot())
    voting.fit_corpus(list(labels), list(labels.values()))
    signals = voting.scores("Maçonne")
    domain = dict(zip(labels, signals["crosswalk_domain_title"].tolist(), strict=True))
    assert domain["d-coffreur"] > 0.5 > domain["d-plombier"]
    assert domain["d-cariste"] == 0.0
    assert signals["crosswalk_appellation_title"][0] < 0.5


def test_a_derived_word_counts_through_its_character_ngrams_in_the_lexical_signal() -> None:
    labels = {"d-derived": "technicien en électricité", "d-other": "boulanger"}
    found = {}
    for share in (1.0, Weights().lexical_word_share):
        fitted = TextEngine(FakeEmbedder(), None, weights=Weights(lexical_word_share=share))
        fitted.fit_corpus(list(labels), list(labels.values()))
        found[share] = fitted.scores("Électricien")["lexical"]
    # Whole words alone see nothing in common; the default share lets "electric..." count.
    assert found[1.0][0] == 0.0 and found[Weights().lexical_word_share][0] > 0.0
