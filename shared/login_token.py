"""Sign-in links for the référents' inbox: any service holding the root secret can issue one
(the profile service, or `python -m services.notifier login-link`) with the `login` purpose key;
nothing secret goes on Kafka.

Format (shared/signed_token.py):
`v2.login.<generation>.<token_id>.<referent_id>.<issued_ms>.<expires_unix>.<MAC>`.
The signature says who and until when; the notifier also refuses a link already used
(`token_id` is recorded at sign-in), one of an inactive référent, and one issued before the
référent signed out everywhere or was deactivated (`issued_ms`). Links of the old `v1` format
(signed with the root secret itself) are refused: ask for a new link.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from shared.keys import Keyring
from shared.signed_token import InvalidToken, sign, verify


class InvalidLoginToken(ValueError):
    """The token is malformed, forged, of another purpose, retired or expired (never echoed)."""


@dataclass(frozen=True)
class LoginClaim:
    token_id: str
    referent_id: UUID
    issued_at: datetime
    expires_at: datetime


def issue_login_token(
    keyring: Keyring, referent_id: UUID, expires_at: datetime, *, now: datetime | None = None
) -> str:
    issued_ms = int((now or datetime.now(UTC)).timestamp() * 1000)
    fields = (secrets.token_hex(16), str(referent_id), str(issued_ms))
    return sign(keyring, "login", (*fields, str(int(expires_at.timestamp()))))


def verify_login_token(keyring: Keyring, token: str, *, now: datetime | None = None) -> LoginClaim:
    """What the token claims, once its signature and its expiry are checked."""
    if token.strip().startswith("v1."):
        raise InvalidLoginToken("lien d'un ancien format, demandez un nouveau lien")
    try:
        token_id, raw_id, issued_ms, expires = verify(keyring, "login", token, fields=4)
    except InvalidToken as exc:
        raise InvalidLoginToken(str(exc)) from exc
    try:
        claim = LoginClaim(
            token_id=token_id,
            referent_id=UUID(raw_id),
            issued_at=datetime.fromtimestamp(int(issued_ms) / 1000, UTC),
            expires_at=datetime.fromtimestamp(int(expires), UTC),
        )
    except (ValueError, OverflowError) as exc:
        raise InvalidLoginToken("jeton mal formé") from exc
    if claim.expires_at <= (now or datetime.now(UTC)):
        raise InvalidLoginToken("jeton expiré")
    return claim
