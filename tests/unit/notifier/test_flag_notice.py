"""The line of a flagged need in the référent's alert, in French."""

from __future__ import annotations

from services.notifier.domain.labels import flag_notice


def test_one_ground_reads_with_its_article() -> None:
    need = {"compliance_flags": [{"ground": "sex", "article": "L1142-1", "sentence": None}]}
    assert flag_notice(need) == "Offre signalée : sexe (article L1142-1)"


def test_several_grounds_are_listed_once_each_with_their_articles_in_order() -> None:
    flags = [{"ground": g, "article": a} for g, a in
             (("age", "L1132-1"), ("sex", "L1142-1"), ("age", "L1132-1"))]  # fmt: skip
    notice = flag_notice({"compliance_flags": flags})
    assert notice == "Offre signalée : âge, sexe (article L1132-1 / L1142-1)"


def test_an_unflagged_need_or_one_from_before_the_field_has_no_line() -> None:
    assert flag_notice({"compliance_flags": []}) is None
    assert flag_notice({"title": "Maçon"}) is None
