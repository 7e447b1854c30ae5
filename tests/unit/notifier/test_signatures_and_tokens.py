"""Webhook signatures, sign-in tokens (v2, with a key id) and the inbox's session cookie."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.notifier.domain.signature import sign, verify
from shared.keys import Keyring
from shared.login_token import InvalidLoginToken, issue_login_token, verify_login_token
from shared.web import sessions

KEY = b"a-test-key"
RING = Keyring(b"r" * 32)
NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


def test_a_receiver_can_check_the_webhook_signature_of_the_exact_body() -> None:
    body = b'{"alert_id": "1"}'
    header = sign(KEY, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify(KEY, body, header)
    assert not verify(KEY, body + b" ", header)
    assert not verify(b"another-key", body, header)


def test_a_login_token_names_its_referent_and_key_until_it_expires() -> None:
    referent_id = uuid.uuid4()
    token = issue_login_token(RING, referent_id, NOW + timedelta(days=1), now=NOW)
    assert token.startswith("v2.login.1.")
    claim = verify_login_token(RING, token, now=NOW)
    assert claim.referent_id == referent_id
    assert claim.issued_at == NOW
    with pytest.raises(InvalidLoginToken, match="expiré"):
        verify_login_token(RING, token, now=NOW + timedelta(days=2))


def test_two_links_for_the_same_referent_have_distinct_ids() -> None:
    referent_id = uuid.uuid4()
    later = NOW + timedelta(days=1)
    a = verify_login_token(RING, issue_login_token(RING, referent_id, later), now=NOW)
    b = verify_login_token(RING, issue_login_token(RING, referent_id, later), now=NOW)
    assert a.token_id != b.token_id  # so that one used link does not spend the other


def _swap_field(index: int, value: str):  # type: ignore[no-untyped-def]
    def tamper(token: str) -> str:
        parts = token.split(".")
        parts[index] = value
        return ".".join(parts)

    return tamper


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        (_swap_field(4, str(uuid.uuid4())), "jeton invalide"),  # someone else's id
        (_swap_field(6, "9999999999"), "jeton invalide"),  # a later expiry
        (lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"), "jeton invalide"),  # forged MAC
        (_swap_field(1, "session"), "autre usage"),  # another purpose's key id
        (_swap_field(2, "7"), "retirée"),  # a generation never issued
        (lambda t: "v1.not-a-token", "ancien format"),
        (lambda t: "", "mal formé"),
    ],
)
def test_a_forged_or_malformed_login_token_is_refused(tamper, why) -> None:  # type: ignore[no-untyped-def]
    token = issue_login_token(RING, uuid.uuid4(), NOW + timedelta(days=1))
    assert verify_login_token(RING, token, now=NOW)  # positive control: untouched, it works
    with pytest.raises(InvalidLoginToken, match=why):
        verify_login_token(RING, tamper(token), now=NOW)


def test_a_login_token_signed_with_another_root_is_refused() -> None:
    token = issue_login_token(Keyring(b"x" * 32), uuid.uuid4(), NOW + timedelta(days=1))
    with pytest.raises(InvalidLoginToken, match="jeton invalide"):
        verify_login_token(RING, token, now=NOW)


def test_a_login_token_of_a_retired_generation_is_refused() -> None:
    token = issue_login_token(RING, uuid.uuid4(), NOW + timedelta(days=1))
    # One rotation later the previous generation still works; two rotations later it is retired.
    assert verify_login_token(Keyring(b"r" * 32, {"login": 2}), token, now=NOW)
    with pytest.raises(InvalidLoginToken, match="retirée"):
        verify_login_token(Keyring(b"r" * 32, {"login": 3}), token, now=NOW)


def test_a_session_cookie_or_csrf_token_is_not_a_login_token() -> None:
    session_id = uuid.uuid4()
    for other in (sessions.cookie_value(RING, session_id), sessions.csrf_token(RING, session_id)):
        with pytest.raises(InvalidLoginToken, match=r"mal formé|autre usage"):
            verify_login_token(RING, other, now=NOW)


def test_a_session_cookie_names_its_session_and_cannot_be_altered() -> None:
    session_id = uuid.uuid4()
    cookie = sessions.cookie_value(RING, session_id)
    assert cookie.startswith("v2.session.1.")
    assert sessions.session_id_of(RING, cookie) == session_id
    forged = cookie.replace(session_id.hex, uuid.uuid4().hex)
    assert sessions.session_id_of(RING, forged) is None
    assert sessions.session_id_of(Keyring(b"x" * 32), cookie) is None
    assert sessions.session_id_of(RING, None) is None


def test_a_login_token_or_csrf_token_is_not_a_session_cookie() -> None:
    login = issue_login_token(RING, uuid.uuid4(), NOW + timedelta(days=1))
    csrf = sessions.csrf_token(RING, uuid.uuid4())
    assert sessions.session_id_of(RING, login) is None
    assert sessions.session_id_of(RING, csrf) is None


def test_a_session_cookie_of_a_retired_generation_is_refused() -> None:
    session_id = uuid.uuid4()
    cookie = sessions.cookie_value(RING, session_id)
    assert sessions.session_id_of(Keyring(b"r" * 32, {"session": 2}), cookie) == session_id
    assert sessions.session_id_of(Keyring(b"r" * 32, {"session": 3}), cookie) is None


def test_the_csrf_token_belongs_to_one_session() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert sessions.csrf_ok(RING, a, sessions.csrf_token(RING, a))
    assert not sessions.csrf_ok(RING, b, sessions.csrf_token(RING, a))
    assert not sessions.csrf_ok(RING, a, sessions.cookie_value(RING, a))  # a cookie is no token
    assert not sessions.csrf_ok(RING, a, "")
