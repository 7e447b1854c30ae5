"""What each collection stores next to its vectors, and which payload fields are indexed."""

from __future__ import annotations

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
