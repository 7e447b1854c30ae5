"""Tokens signed with a purpose key name that key; hashes kept for ever stay verifiable."""

from __future__ import annotations

import pytest

from shared.keys import Keyring
from shared.signed_token import InvalidToken, sign, verify

RING = Keyring(b"r" * 32)


def test_a_signed_token_gives_back_its_fields_under_its_purpose() -> None:
    token = sign(RING, "session", ("abc", "123"))
    assert token.startswith("v2.session.1.abc.123.")
    assert verify(RING, "session", token, fields=2) == ["abc", "123"]


def test_a_token_of_one_purpose_is_refused_as_another_even_with_the_purpose_relabelled() -> None:
    token = sign(RING, "session", ("abc",))
    with pytest.raises(InvalidToken, match="autre usage"):
        verify(RING, "csrf", token, fields=1)
    relabelled = token.replace("v2.session.", "v2.csrf.", 1)
    with pytest.raises(InvalidToken, match="jeton invalide"):
        verify(RING, "csrf", relabelled, fields=1)
    assert verify(RING, "csrf", sign(RING, "csrf", ("abc",)), fields=1)  # positive control


def test_a_field_holding_the_separator_is_refused_when_signing() -> None:
    with pytest.raises(ValueError, match="dot"):
        sign(RING, "session", ("a.b",))


def test_kept_keys_reach_back_to_the_first_generation_while_accepted_keys_do_not() -> None:
    ring = Keyring(b"r" * 32, {"consent-ledger": 3})
    assert list(ring.kept("consent-ledger")) == [
        "consent-ledger.1",
        "consent-ledger.2",
        "consent-ledger.3",
    ]
    assert list(ring.accepted("consent-ledger")) == ["consent-ledger.2", "consent-ledger.3"]
    assert ring.kept("consent-ledger")["consent-ledger.1"] == RING.current("consent-ledger")[1]
