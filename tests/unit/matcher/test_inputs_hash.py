"""The audit row's inputs hash: both documents as matched, the same text whatever reuses it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from services.matcher.domain.model import Need, Profile, need_to_dict, profile_to_dict
from services.matcher.mapping import inputs_hash
from tests.unit.matcher.factories import need, profile


def _as_first_written(n: Need, p: Profile) -> str:
    """The hash as the audit rows before 2026-12-07 were written: both documents in one dict."""
    data = {"need": need_to_dict(n), "profile": profile_to_dict(p)}
    data["need"].pop("summary", None)
    data["profile"].pop("routing", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def test_the_hash_is_the_one_earlier_audit_rows_carry() -> None:
    n = need(summary={"title": "Maçon", "employer_name": "Bâtir Garonne"})
    p = profile()
    assert inputs_hash(n, p) == _as_first_written(n, p)
    assert inputs_hash(n, p) == _as_first_written(n, p)  # the second time, the documents kept


def test_a_document_changed_gives_another_hash_even_right_after_the_first() -> None:
    n, p = need(), profile()
    first = inputs_hash(n, p)
    later = replace(p, version=2, experience="4 ans de coffrage")
    moved = replace(n, version=2, commune_insee="31069")
    assert inputs_hash(n, later) == _as_first_written(n, later) != first
    assert inputs_hash(moved, p) == _as_first_written(moved, p) != first
    # What does not change a score changes nothing: the référent, the employer's summary.
    rerouted = replace(p, routing={**p.routing, "referent_id": "autre"})
    assert inputs_hash(replace(n, summary={"title": "Autre"}), rerouted) == first
