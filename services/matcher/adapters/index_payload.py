"""What each collection stores next to its vectors, and which payload fields are indexed.

The need or profile itself travels as one compact JSON string ("doc"): the index hands a
string back to Python far faster than a nested dict, and the same string parses once into a
frozen Need or Profile, kept in a small cache since popular documents come back query after
query. Points written before this (a dict under "doc") are still read.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from services.matcher.domain.model import Need, Profile, need_from_dict, profile_from_dict

PAYLOAD_INDEXES: dict[str, dict[str, str]] = {
    "profiles": {
        "location": "geo",
        "mobility_km": "float",
        "licence": "integer",
        "unavailable": "keyword",
        "consent_expires_at": "float",
        "consent_granted_at": "float",
        "rome_codes": "keyword",
    },
    "needs": {
        "location": "geo",
        "open": "integer",
        "licence_required": "integer",
        "schedules": "keyword",
        "rome_codes": "keyword",
    },
}
CACHED_DOCS = 20_000  # parsed documents kept per kind (a few KB each)


def encode_doc(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def profile_of(payload: dict[str, Any]) -> Profile:
    doc = payload["doc"]
    return _profile(doc) if isinstance(doc, str) else profile_from_dict(doc)


def need_of(payload: dict[str, Any]) -> Need:
    doc = payload["doc"]
    return _need(doc) if isinstance(doc, str) else need_from_dict(doc)


@lru_cache(maxsize=CACHED_DOCS)
def _profile(doc: str) -> Profile:
    return profile_from_dict(json.loads(doc))


@lru_cache(maxsize=CACHED_DOCS)
def _need(doc: str) -> Need:
    return need_from_dict(json.loads(doc))
