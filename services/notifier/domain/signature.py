"""The webhook signature: HMAC-SHA256 of the exact body bytes with the structure's own webhook
secret, sent as X-Spie-Signature; X-Spie-Key-Id names the secret (it changes at rotation)."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Spie-Signature"
KEY_ID_HEADER = "X-Spie-Key-Id"


def sign(key: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(key: bytes, body: bytes, header: str) -> bool:
    """What a receiving structure runs: constant-time comparison of the header."""
    return hmac.compare_digest(sign(key, body), header)
