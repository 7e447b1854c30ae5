"""How a référent finds and reads the people they accompany: first names compared without case
or accents, and the state of a person's consent for matching as the workspace announces it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from services.candidate_profile.domain.model import Consent

# Within this delay the référent is warned, so the person can renew before the profile is erased.
EXPIRY_WARNING = timedelta(days=30)
LIGATURES = {"œ": "oe", "æ": "ae"}


def fold(text: str) -> str:
    """Lower case, without accents: "Inès", "INES" and "ines" read the same."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for ligature, letters in LIGATURES.items():
        plain = plain.replace(ligature, letters)
    return plain


def _translate_table() -> tuple[str, str]:
    """The accented Latin letters that fold to one plain letter, for SQL's translate()."""
    accented, plain = [], []
    for code in range(0xC0, 0x250):
        letter = chr(code)
        folded = fold(letter)
        if len(folded) == 1 and folded.isascii() and folded.isalpha() and folded != letter:
            accented.append(letter)
            plain.append(folded)
    return "".join(accented), "".join(plain)


ACCENTED, PLAIN = _translate_table()

StatusKind = Literal["active", "expiring", "expired", "not_for_matching", "none"]


@dataclass(frozen=True)
class ConsentStatus:
    kind: StatusKind
    expires_at: datetime | None = None

    @property
    def matching(self) -> bool:
        return self.kind in ("active", "expiring")


def consent_status(consent: Consent | None, now: datetime) -> ConsentStatus:
    if consent is None:
        return ConsentStatus("none")
    if consent.expires_at <= now:
        return ConsentStatus("expired", consent.expires_at)
    if not consent.active_for("matching", now):
        return ConsentStatus("not_for_matching", consent.expires_at)
    if consent.expires_at - now <= EXPIRY_WARNING:
        return ConsentStatus("expiring", consent.expires_at)
    return ConsentStatus("active", consent.expires_at)
