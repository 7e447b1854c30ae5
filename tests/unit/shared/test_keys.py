"""Per-purpose keys: derived by HKDF, one purpose rotates alone, retired generations refused."""

from __future__ import annotations

import pytest

from shared.keys import Keyring, UnknownKeyId, hkdf_sha256


def test_hkdf_matches_the_rfc_5869_test_vector() -> None:
    # RFC 5869, appendix A.1 (test case 1).
    okm = hkdf_sha256(
        bytes.fromhex("0b" * 22),
        salt=bytes.fromhex("000102030405060708090a0b0c"),
        info=bytes.fromhex("f0f1f2f3f4f5f6f7f8f9"),
        length=42,
    )
    assert okm.hex() == (
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )


def test_each_purpose_has_its_own_key_and_none_is_the_root() -> None:
    ring = Keyring(b"r" * 32)
    keys = {ring.current(p)[1] for p in ("login", "session", "csrf", "api-key", "identity")}
    assert len(keys) == 5
    assert b"r" * 32 not in keys


def test_rotating_one_purpose_leaves_the_others_unchanged() -> None:
    before = Keyring(b"r" * 32)
    after = Keyring(b"r" * 32, {"session": 2})
    assert after.current("session") != before.current("session")
    assert after.current("session")[0] == "session.2"
    assert after.current("login") == before.current("login")
    # The previous generation is still accepted during the rotation, the one before it is not.
    assert after.by_id("session", "session.1") == before.current("session")[1]
    with pytest.raises(UnknownKeyId):
        Keyring(b"r" * 32, {"session": 3}).by_id("session", "session.1")


def test_a_key_id_of_another_purpose_is_refused() -> None:
    ring = Keyring(b"r" * 32)
    assert ring.by_id("login", "login.1")  # positive control
    with pytest.raises(UnknownKeyId):
        ring.by_id("login", "session.1")


def test_an_unknown_purpose_in_the_settings_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown key purpose"):
        Keyring(b"r" * 32, {"sesion": 2})
