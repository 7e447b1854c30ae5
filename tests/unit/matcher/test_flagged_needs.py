"""A need flagged under L1132-1 / L1142-1 is matched on its trade text without the flagged
sentence, and the référent's alert says it was flagged; an unflagged need reads as before."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.employer_intake.domain.compliance import compliance_flags
from services.employer_intake.domain.publication import kept_out, published
from services.matcher.mapping import need_from_payload
from services.matcher.pipeline import Pipeline
from services.notifier.domain import messages
from services.notifier.domain.model import Alert, Referent
from shared.contracts import AlertPreferences, NeedPayload, NeedSummary

FLAGGED = "Homme uniquement, moins de 30 ans."
TRADE = "Conduite de chariots élévateurs en entrepôt."
REFERENT = Referent(uuid.uuid4(), "CD31", "Claire Dupuy", "c@cd31.fr", True, AlertPreferences())


def need_as_written(description: str) -> NeedPayload:
    title, skills = "Cariste", ["conduite de chariots"]
    return NeedPayload(
        need_id=uuid.uuid4(), version=1, federation="GEIQ", employer_name="Logis Sud",
        title=title, description=description, skills=skills, commune_insee="31555",
        contract_type="CDD", hours_per_week=35,
        compliance_flags=compliance_flags(title, description, ". ".join(skills)),
    )  # fmt: skip


def alert_body(summary: NeedSummary) -> str:
    alert = Alert(
        alert_id=uuid.uuid4(), match_id=uuid.uuid4(), need_id=uuid.uuid4(),
        candidate_id=uuid.uuid4(), referent_id=REFERENT.referent_id, structure="CD31",
        shared_with=[], explanation="Même métier", need=summary.model_dump(mode="json"),
        distance_km=3.0, created_at=datetime(2026, 12, 6, tzinfo=UTC),
    )  # fmt: skip
    return messages.alert_email(alert, REFERENT, "http://x").body


async def test_a_flagged_need_is_matched_without_its_flagged_sentence(pipeline: Pipeline) -> None:
    written = need_as_written(f"{TRADE} {FLAGGED}")
    assert {(f.ground, f.sentence) for f in written.compliance_flags} == {
        ("sex", FLAGGED), ("age", FLAGGED)
    }  # fmt: skip

    event = published(written)
    need = need_from_payload(event)
    embedded = pipeline.need_text(need).lower()

    assert event.description == TRADE
    assert "homme" not in embedded and "30 ans" not in embedded
    assert "chariot" in embedded  # the trade text is still what the need is matched on
    assert {(f.ground, f.article, f.sentence) for f in event.compliance_flags} == {
        ("sex", "L1142-1", None), ("age", "L1132-1", None)
    }  # fmt: skip
    assert [s.sentence for s in kept_out(written)] == [FLAGGED]


def test_the_alert_of_a_flagged_need_says_so_with_its_grounds_and_articles() -> None:
    need = need_from_payload(published(need_as_written(f"{TRADE} {FLAGGED}")))
    summary = NeedSummary.model_validate(need.summary)
    body = alert_body(summary)
    assert "Offre signalée : sexe, âge (article L1132-1 / L1142-1)" in body
    assert FLAGGED not in body and all(f.sentence is None for f in summary.compliance_flags)


async def test_an_unflagged_need_is_published_whole_and_its_alert_has_no_flag_line(
    pipeline: Pipeline,
) -> None:
    written = need_as_written(f"{TRADE} Débutants acceptés.")
    event = published(written)
    need = need_from_payload(event)
    assert event.description == f"{TRADE} Débutants acceptés."
    assert "débutants acceptés" in pipeline.need_text(need).lower()
    assert kept_out(written) == []
    assert "Offre signalée" not in alert_body(NeedSummary.model_validate(need.summary))


def test_an_event_written_before_still_never_puts_the_sentence_in_the_alert() -> None:
    written = need_as_written(f"{TRADE} {FLAGGED}")  # flags with their sentence, as before
    summary = NeedSummary.model_validate(need_from_payload(written).summary)
    assert [f.sentence for f in summary.compliance_flags] == [None, None]
