"""The SPIE's list of trades where prejudice keeps people away (mixité des métiers).

A versioned data file beside this module (`mixite.json`), its public source named in it. The
list orders the trades a person could discover, never who is shown them: every trade goes to
everyone whose skills fit, and nobody's sex is read (Code du travail L1142-1).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_FILE = Path(__file__).with_name("mixite.json")


@dataclass(frozen=True, slots=True)
class MixiteList:
    version: str
    prefixes: tuple[str, ...]

    def covers(self, rome_code: str) -> bool:
        return any(rome_code.startswith(p) for p in self.prefixes)


@cache
def mixite_list(path: Path = _FILE) -> MixiteList:
    data = json.loads(path.read_text(encoding="utf-8"))
    return MixiteList(
        version=str(data["version"]), prefixes=tuple(e["prefix"] for e in data["entries"])
    )
