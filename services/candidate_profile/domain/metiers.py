"""Trades suggested while a référent types: appellations of the ROME whose words start so.

The reading is the one every form uses (shared/referential/suggest.py); the diagnostic's
<datalist> takes only the label and the code.
"""

from __future__ import annotations

from typing import NamedTuple

from shared.referential.snapshot import Snapshot
from shared.referential.suggest import trades


class Suggestion(NamedTuple):
    libelle: str
    code_rome: str


def suggest(referential: Snapshot, text: str, limit: int = 12) -> list[Suggestion]:
    return [Suggestion(t.libelle, t.code_rome) for t in trades(referential, text, limit)]
