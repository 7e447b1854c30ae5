"""A commune typed by a référent: its name, its INSEE code, or both as the list offers them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from shared.referential.snapshot import Snapshot
from shared.referential.text import normalise

_CODE = re.compile(r"\b(\d{5}|2[AB]\d{3})\b")


class CommuneUnknown(ValueError):
    """No commune of the referential has this name or code."""


class CommuneAmbiguous(ValueError):
    """Several communes share this name: the code tells them apart."""


def label(referential: Snapshot, code_insee: str) -> str:
    """ "Muret (31395)", what the list offers and what the form shows back."""
    commune = referential.commune(code_insee)
    return f"{commune.nom} ({code_insee})" if commune else code_insee


def resolve(referential: Snapshot, text: str) -> str:
    """The INSEE code of the commune the text names."""
    code = _CODE.search(text)
    if code is not None:
        if not referential.has_commune(code.group(1)):
            raise CommuneUnknown(text)
        return code.group(1)
    found = _by_name(referential).get(normalise(text), ())
    if not found:
        raise CommuneUnknown(text)
    if len(found) > 1:
        raise CommuneAmbiguous(text)
    return found[0]


@lru_cache(maxsize=4)
def _by_name(referential: Snapshot) -> Mapping[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for code, commune in referential.communes.items():
        key = normalise(commune.nom)
        index[key] = (*index.get(key, ()), code)
    return MappingProxyType(index)
