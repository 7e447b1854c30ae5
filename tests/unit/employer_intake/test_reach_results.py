"""A need's results as its federation reads them: small counts masked, and never worked out."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.employer_intake.domain.reach import MASKED, extra, results_of, shown, weeks_of
from services.employer_intake.entrypoints.pages_reach import bars
from shared.contracts import NeedReachPayload, WhatIf


def _reach(**changes: object) -> NeedReachPayload:
    base: dict[str, object] = {
        "need_id": uuid.uuid4(),
        "federation": "BTP31",
        "computed_at": datetime(2026, 12, 6, 22, 0, tzinfo=UTC),
        "compatible": 12,
        "what_if": [],
        "proposals": 9,
        "outcomes": {},
    }
    return NeedReachPayload.model_validate(base | changes)


def test_a_count_under_five_reads_moins_de_5_and_five_reads_itself() -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [MASKED, MASKED, MASKED, "5", "12"]


def test_what_a_relaxation_adds_is_masked_when_either_side_or_the_difference_is_small() -> None:
    assert extra(12, 24) == "12"
    assert extra(3, 20) == MASKED  # 20 - 17 would tell the 3
    assert extra(0, 4) == MASKED
    assert extra(12, 14) == MASKED  # two more: small itself
    assert extra(12, 12) == MASKED  # none more


def test_the_results_name_each_relaxation_and_decision_in_french() -> None:
    results = results_of(
        _reach(
            what_if=[
                WhatIf(relaxation="sans_permis", compatible=24),
                WhatIf(relaxation="sans_horaire:night", compatible=13),
                WhatIf(relaxation="un_mois_plus_tard", compatible=30),
            ],
            outcomes={
                "proposed_to_employer": 6,
                "hired": 2,
                "not_relevant": 7,
                "not_relevant:trop_loin": 5,
                "not_relevant:autre": 2,
            },
        )
    )

    assert [(w.label, w.shown) for w in results.what_if] == [
        ("Sans permis exigé", "12"),
        ("Sans le travail de nuit", MASKED),
        ("Avec un démarrage un mois plus tard", "18"),
    ]
    assert [(f.label, f.shown) for f in results.funnel] == [
        ("Proposé au recruteur", "6"),
        ("Personne contactée par son référent", MASKED),
        ("Entretien", MASKED),
        ("Embauché", MASKED),
        ("Pas pertinent", "7"),
    ]
    assert [(r.label, r.shown) for r in results.reasons] == [
        ("trop loin", "5"),
        ("autre raison", MASKED),
    ]
    assert (results.compatible.shown, results.proposals.shown) == ("12", "9")


def test_a_masked_count_draws_no_bar_so_its_length_tells_nothing() -> None:
    drawn = bars(results_of(_reach(compatible=20, proposals=3, outcomes={"hired": 10})))
    width = {b.line.label: b.width for b in drawn}
    assert width["Profils compatibles aujourd'hui"] == 240  # the longest
    assert width["Embauché"] == 120
    assert width["Propositions envoyées aux référents"] == 0  # 3: masked


def test_weeks_total_their_needs_counts_latest_first_and_mask_the_small_ones() -> None:
    w1, w2 = date(2026, 11, 23), date(2026, 11, 30)
    rows = [
        (w1, {"proposals": 4, "outcomes": {"hired": 2, "interview": 3}}),
        (w1, {"proposals": 3, "outcomes": {"hired": 1, "interview": 3}}),
        (w2, {"proposals": 2, "outcomes": {"not_relevant": 1, "not_relevant:autre": 1}}),
        (w2, None),  # posted, not counted yet
    ]
    latest, earlier = weeks_of(rows)

    assert (latest.start, earlier.start) == (w2, w1)
    assert [x.shown for x in (earlier.proposals, earlier.interviews, earlier.hired)] == [
        "7",
        "6",
        MASKED,
    ]
    assert (earlier.needs.shown, latest.needs.shown, latest.proposals.shown) == (
        MASKED,
        MASKED,
        MASKED,
    )
    assert latest.not_relevant.count == 1  # the reason is not counted a second time
