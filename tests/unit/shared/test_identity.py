"""Identity assertions: the genuine one is read back; a forged, tampered, expired, retired-key or
wrong-role one is refused with the reason."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.identity import InvalidAssertion, WrongRole, issue, verify
from shared.keys import Keyring

RING = Keyring(b"k" * 32)
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def referent_of(structure: str, ring: Keyring = RING, **kw: object) -> str:
    return issue(ring, role="referent", subject="r-1", scope=structure, now=NOW, **kw)  # type: ignore[arg-type]


def claims(token: str) -> dict[str, object]:
    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def with_claims(token: str, **changes: object) -> str:
    body = {**claims(token), **changes}
    raw = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    version, _, mac = token.split(".")
    return f"{version}.{raw}.{mac}"


def test_a_genuine_assertion_gives_back_its_role_subject_and_scope() -> None:
    who = verify(RING, referent_of("CD31"), roles={"referent"}, now=NOW)
    assert (who.role, who.subject, who.scope) == ("referent", "r-1", "CD31")
    assert who.expires == NOW + timedelta(minutes=15)


def test_free_text_subjects_and_scopes_with_dots_survive_the_round_trip() -> None:
    token = issue(RING, role="auditor", subject="Jeanne M. Dupont", scope="*", now=NOW)
    assert verify(RING, token, roles={"auditor"}, now=NOW).subject == "Jeanne M. Dupont"


def test_an_assertion_signed_with_another_key_is_refused_as_forged() -> None:
    forged = referent_of("CD31", ring=Keyring(b"x" * 32))
    assert verify(RING, referent_of("CD31"), roles={"referent"}, now=NOW).scope == "CD31"
    with pytest.raises(InvalidAssertion, match="falsifiée"):
        verify(RING, forged, roles={"referent"}, now=NOW)


def test_changing_the_scope_breaks_the_signature() -> None:
    genuine = referent_of("CD31")
    assert verify(RING, genuine, roles={"referent"}, now=NOW).scope == "CD31"
    with pytest.raises(InvalidAssertion, match="falsifiée"):
        verify(RING, with_claims(genuine, scope="FT31"), roles={"referent"}, now=NOW)


def test_raising_ones_role_breaks_the_signature_too() -> None:
    with pytest.raises(InvalidAssertion, match="falsifiée"):
        verify(RING, with_claims(referent_of("CD31"), role="auditor"), roles={"auditor"}, now=NOW)


def test_a_genuine_assertion_of_another_role_is_forbidden_not_unknown() -> None:
    token = issue(RING, role="federation", subject="k-1", scope="BTP31", now=NOW)
    assert verify(RING, token, roles={"federation"}, now=NOW).scope == "BTP31"
    with pytest.raises(WrongRole):
        verify(RING, token, roles={"auditor", "referent"}, now=NOW)


def test_an_expired_assertion_is_refused() -> None:
    token = referent_of("CD31")
    assert verify(RING, token, roles={"referent"}, now=NOW + timedelta(minutes=14)).scope
    with pytest.raises(InvalidAssertion, match="expirée"):
        verify(RING, token, roles={"referent"}, now=NOW + timedelta(minutes=15))


def test_an_assertion_of_a_retired_key_generation_is_refused() -> None:
    token = referent_of("CD31")  # identity.1
    during_rotation = Keyring(b"k" * 32, {"identity": 2})
    assert verify(during_rotation, token, roles={"referent"}, now=NOW).scope == "CD31"
    with pytest.raises(InvalidAssertion, match="clé retirée"):
        verify(Keyring(b"k" * 32, {"identity": 3}), token, roles={"referent"}, now=NOW)


def test_a_claimed_kid_of_another_purpose_is_refused() -> None:
    with pytest.raises(InvalidAssertion):
        verify(RING, with_claims(referent_of("CD31"), kid="session.1"), roles={"referent"}, now=NOW)


@pytest.mark.parametrize("garbage", [None, "", "v1", "v1.a.b", "v2.e30.x", "v1.!!!.x", "a.b.c.d"])
def test_missing_or_malformed_assertions_are_refused(garbage: str | None) -> None:
    with pytest.raises(InvalidAssertion):
        verify(RING, garbage, roles={"referent"}, now=NOW)


def test_no_assertion_outlives_the_ceiling_of_its_role() -> None:
    assert issue(RING, role="auditor", subject="a", scope="*", lifetime=timedelta(hours=12))
    with pytest.raises(ValueError, match="at most"):
        issue(RING, role="referent", subject="r", scope="CD31", lifetime=timedelta(hours=2))
    # Nor does the verifier accept one minted (with the key) for longer than its role allows.
    long_lived = referent_of("CD31", lifetime=timedelta(minutes=59))
    assert verify(RING, long_lived, roles={"referent"}, now=NOW).scope == "CD31"
    with pytest.raises(InvalidAssertion, match="durée"):
        verify(RING, long_lived, roles={"referent"}, now=NOW - timedelta(hours=1))
