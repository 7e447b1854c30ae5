"""Signed identity assertions: who a caller is, issued by the service that knows it, checked by
another service that does not (the services never call each other, nor read each other's tables).

- `referent` (scope: the structure), issued by candidate_profile to an authenticated référent;
- `federation` (scope: the federation), issued by employer_intake to an API-key holder;
- `auditor` (scope `*`), issued by `python -m services.matcher issue-auditor-assertion`;
- `ops` (scope `*`), issued by `python -m shared.ops_access issue`: /metrics and /openapi.json.

Wire form: `v1.<claims>.<mac>`, both base64url without padding; claims are the JSON of
kid, role, sub, scope and exp (unix seconds); the MAC is HMAC-SHA256, keyed with the `identity`
purpose key named by kid (shared/keys.py), over `spie-identity|v1|<claims>`. Fields are free
text (a structure, a name), hence JSON rather than dotted fields (the kid itself has a dot).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, cast, get_args

from shared.keys import Keyring, UnknownKeyId

Role = Literal["referent", "federation", "auditor", "ops"]
ROLES: tuple[str, ...] = get_args(Role)
_VERSION = "v1"
_CONTEXT = b"spie-identity|v1|"
# The longest an assertion of each role may live, checked by the verifier too: a user's is asked
# for right before the call; an auditor's covers a working day; a metrics scraper's is renewed by
# a job (it opens nothing personal).
MAX_LIFETIME: dict[str, timedelta] = {
    "referent": timedelta(hours=1),
    "federation": timedelta(hours=1),
    "auditor": timedelta(hours=12),
    "ops": timedelta(days=31),
}
USER_LIFETIME = timedelta(minutes=15)


class InvalidAssertion(ValueError):
    """Missing, malformed, forged, expired or signed with a retired key: 401."""


class WrongRole(PermissionError):
    """A genuine assertion of a role this route does not serve: 403."""


@dataclass(frozen=True)
class Identity:
    role: Role
    subject: str
    scope: str
    expires: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, claims: str) -> str:
    return _b64(hmac.new(key, _CONTEXT + claims.encode(), hashlib.sha256).digest())


def issue(
    keyring: Keyring,
    *,
    role: Role,
    subject: str,
    scope: str,
    lifetime: timedelta = USER_LIFETIME,
    now: datetime | None = None,
) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if not subject or not scope:
        raise ValueError("an assertion names a subject and a scope")
    if not timedelta(0) < lifetime <= MAX_LIFETIME[role]:
        raise ValueError(f"a {role} assertion lives at most {MAX_LIFETIME[role]}")
    kid, key = keyring.current("identity")
    expires = int(((now or datetime.now(UTC)) + lifetime).timestamp())
    body = {"kid": kid, "role": role, "sub": subject, "scope": scope, "exp": expires}
    claims = _b64(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    return f"{_VERSION}.{claims}.{_mac(key, claims)}"


def verify(
    keyring: Keyring, token: str | None, *, roles: set[str], now: datetime | None = None
) -> Identity:
    """The identity the token asserts, if genuine, current and of one of `roles`."""
    body = _genuine_claims(keyring, token)
    identity = _identity(body)
    moment = now or datetime.now(UTC)
    if identity.expires <= moment:
        raise InvalidAssertion("assertion d'identité expirée")
    if identity.expires - moment > MAX_LIFETIME[identity.role]:
        raise InvalidAssertion("assertion d'identité de durée anormale")
    if identity.role not in roles:
        raise WrongRole(f"le rôle {identity.role} n'a pas accès à cette ressource")
    return identity


def _genuine_claims(keyring: Keyring, token: str | None) -> dict[str, object]:
    parts = (token or "").split(".")
    if len(parts) != 3 or parts[0] != _VERSION:
        raise InvalidAssertion("assertion d'identité absente ou mal formée")
    _, claims, mac = parts
    try:
        body = json.loads(_unb64(claims))
        key = keyring.by_id("identity", str(body["kid"]))
    except (ValueError, binascii.Error, KeyError, TypeError, UnknownKeyId) as exc:
        raise InvalidAssertion("assertion d'identité illisible ou clé retirée") from exc
    if not hmac.compare_digest(mac, _mac(key, claims)):
        raise InvalidAssertion("assertion d'identité falsifiée")
    if not isinstance(body, dict):
        raise InvalidAssertion("assertion d'identité mal formée")
    return body


def _identity(body: dict[str, object]) -> Identity:
    role, subject, scope, expires = (body.get(k) for k in ("role", "sub", "scope", "exp"))
    if role not in ROLES or not isinstance(subject, str) or not isinstance(scope, str):
        raise InvalidAssertion("assertion d'identité mal formée")
    if not isinstance(expires, int):
        raise InvalidAssertion("assertion d'identité mal formée")
    return Identity(cast(Role, role), subject, scope, datetime.fromtimestamp(expires, UTC))
