"""Webhook signatures, sign-in tokens and the inbox's session cookie."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.notifier.domain.signature import sign, verify
from services.notifier.entrypoints import sessions
from shared.login_token import InvalidLoginToken, issue_login_token, verify_login_token

KEY = b"a-test-key"
NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


def test_a_receiver_can_check_the_webhook_signature_of_the_exact_body() -> None:
    body = b'{"alert_id": "1"}'
    header = sign(KEY, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify(KEY, body, header)
    assert not verify(KEY, body + b" ", header)
    assert not verify(b"another-key", body, header)


def test_a_login_token_signs_in_its_referent_until_it_expires() -> None:
    referent_id = uuid.uuid4()
    token = issue_login_token(KEY, referent_id, NOW + timedelta(days=1))
    assert verify_login_token(KEY, token, now=NOW) == referent_id
    with pytest.raises(InvalidLoginToken, match="expiré"):
        verify_login_token(KEY, token, now=NOW + timedelta(days=2))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace(t.split(".")[1], str(uuid.uuid4())),  # someone else's id
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # a forged MAC
        lambda t: "v1.not-a-token",
        lambda t: "",
    ],
)
def test_a_forged_or_malformed_login_token_is_refused(tamper) -> None:  # type: ignore[no-untyped-def]
    token = issue_login_token(KEY, uuid.uuid4(), NOW + timedelta(days=1))
    with pytest.raises(InvalidLoginToken):
        verify_login_token(KEY, tamper(token), now=NOW)


def test_a_session_cookie_cannot_be_altered_and_expires() -> None:
    referent_id = uuid.uuid4()
    cookie = sessions.open_session(KEY, referent_id, hours=12, now=NOW)
    assert sessions.read_session(KEY, cookie, now=NOW) == referent_id
    assert sessions.read_session(KEY, cookie, now=NOW + timedelta(hours=13)) is None
    forged = cookie.replace(str(referent_id), str(uuid.uuid4()))
    assert sessions.read_session(KEY, forged, now=NOW) is None


def test_the_csrf_token_belongs_to_one_session() -> None:
    a = sessions.open_session(KEY, uuid.uuid4(), hours=1)
    b = sessions.open_session(KEY, uuid.uuid4(), hours=1)
    assert sessions.csrf_ok(KEY, a, sessions.csrf_token(KEY, a))
    assert not sessions.csrf_ok(KEY, b, sessions.csrf_token(KEY, a))
    assert not sessions.csrf_ok(KEY, a, "")
