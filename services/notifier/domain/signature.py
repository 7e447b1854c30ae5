"""The webhook signature: HMAC-SHA256 of the exact body bytes, sent as X-Spie-Signature."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Spie-Signature"


def sign(key: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(key: bytes, body: bytes, header: str) -> bool:
    """What a receiving structure runs: constant-time comparison of the header."""
    return hmac.compare_digest(sign(key, body), header)
