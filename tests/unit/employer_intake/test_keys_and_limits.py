"""API keys are shown once and kept as a keyed hash; each key has its own token bucket."""

from __future__ import annotations

from services.employer_intake.domain import apikeys
from services.employer_intake.domain.ratelimit import TokenBuckets
from shared.keys import Keyring


def test_a_key_is_well_formed_and_its_hash_depends_on_the_pepper() -> None:
    new = apikeys.generate()
    assert apikeys.well_formed(new.key) and new.key.startswith(f"spie_{new.prefix}_")
    assert apikeys.digest(new.key, pepper=b"a") != apikeys.digest(new.key, pepper=b"b")
    assert new.key.encode() not in apikeys.digest(new.key, pepper=b"a")
    assert not apikeys.well_formed("spie_short")


def test_a_bucket_allows_a_burst_then_asks_to_wait_then_refills() -> None:
    now = [0.0]
    buckets = TokenBuckets(rate=2, burst=3, clock=lambda: now[0])
    assert [buckets.take("k") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("k") == 0.5
    assert buckets.take("other") == 0  # each key its own bucket
    now[0] = 0.5
    assert buckets.take("k") == 0


def test_a_rate_of_zero_means_no_limit() -> None:
    buckets = TokenBuckets(rate=0, burst=1)
    assert all(buckets.take("k") == 0 for _ in range(100))


def test_a_key_is_genuine_under_the_pepper_its_row_names_until_that_generation_retires() -> None:
    new = apikeys.generate()
    kid, pepper = Keyring(b"r" * 32).current("api-key")
    stored = apikeys.digest(new.key, pepper=pepper)
    assert kid == "api-key.1"
    assert apikeys.genuine(new.key, stored=stored, kid=kid, keyring=Keyring(b"r" * 32))
    rotated = Keyring(b"r" * 32, {"api-key": 2})
    assert apikeys.genuine(new.key, stored=stored, kid=kid, keyring=rotated)
    retired = Keyring(b"r" * 32, {"api-key": 3})
    assert not apikeys.genuine(new.key, stored=stored, kid=kid, keyring=retired)


def test_a_key_is_not_genuine_under_another_kid_or_with_another_secret() -> None:
    new, other = apikeys.generate(), apikeys.generate()
    ring = Keyring(b"r" * 32)
    kid, pepper = ring.current("api-key")
    stored = apikeys.digest(new.key, pepper=pepper)
    assert apikeys.genuine(new.key, stored=stored, kid=kid, keyring=ring)  # positive control
    assert not apikeys.genuine(other.key, stored=stored, kid=kid, keyring=ring)
    assert not apikeys.genuine(new.key, stored=stored, kid="bearer-token.1", keyring=ring)
    assert not apikeys.genuine(new.key, stored=stored, kid=kid, keyring=Keyring(b"x" * 32))
