"""Stored keyed hashes name their key: an erased id stays findable after any rotation, a bearer
token of a retired pepper generation no longer matches."""

from __future__ import annotations

import uuid

from services.candidate_profile.domain.hashing import (
    subject_hash,
    subject_hashes,
    token_hash,
    token_hashes,
)
from shared.keys import Keyring

ROOT = b"r" * 32


def test_a_subject_hash_names_its_key_and_hides_the_id() -> None:
    candidate_id = uuid.uuid4()
    stored = subject_hash(candidate_id, Keyring(ROOT))
    assert stored.kid == "consent-ledger.1"
    assert str(candidate_id) not in stored.value and candidate_id.hex not in stored.value


def test_an_erased_id_stays_verifiable_after_rotations_of_its_key() -> None:
    candidate_id = uuid.uuid4()
    stored = subject_hash(candidate_id, Keyring(ROOT))
    rotated = Keyring(ROOT, {"consent-ledger": 3})
    assert subject_hash(candidate_id, rotated).kid == "consent-ledger.3"
    assert stored in subject_hashes(candidate_id, rotated)
    assert stored not in subject_hashes(uuid.uuid4(), rotated)  # positive control: another id


def test_a_bearer_token_matches_during_a_rotation_and_not_after_the_next() -> None:
    stored = token_hash("spie_abc", Keyring(ROOT))
    assert stored.kid == "bearer-token.1"
    assert stored in token_hashes("spie_abc", Keyring(ROOT, {"bearer-token": 2}))
    assert stored not in token_hashes("spie_abc", Keyring(ROOT, {"bearer-token": 3}))
    assert stored not in token_hashes("spie_abd", Keyring(ROOT))  # another token
