"""What each collection stores next to its vectors, and which payload fields are indexed.

The need or profile itself travels as one compact JSON string ("doc"): the index hands a
string back to Python far faster than a nested dict. Points written before this (a dict under
"doc") are still read. Profiles' parsed documents are not cached: a cache of 20k of each kind
saved no CPU at 100k profiles (40-44 ms a need with or without) and its ~60k long-lived objects
made every full pass of the garbage collector, which holds the GIL, longer. Needs' are, by the
pipeline (a few thousand open needs, found again by every profile update).
"""

from __future__ import annotations

import json
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


def encode_doc(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def profile_of(payload: dict[str, Any]) -> Profile:
    doc = payload["doc"]
    return profile_from_dict(json.loads(doc) if isinstance(doc, str) else doc)


def need_of(payload: dict[str, Any]) -> Need:
    doc = payload["doc"]
    return need_from_dict(json.loads(doc) if isinstance(doc, str) else doc)
