"""Parse the communes file: code_insee, nom, codes_postaux ("31000|31100"), population, centroid."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path

from shared.referential.csvfile import Record, read_records
from shared.referential.model import Commune

COLUMNS = ["code_insee", "nom", "codes_postaux", "population", "latitude", "longitude"]
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")  # Corsica keeps letters in its INSEE codes
_POSTAL = re.compile(r"^\d{5}$")


def parse_communes(path: Path) -> tuple[Commune, ...]:
    return tuple(_communes(path))


def _communes(path: Path) -> Iterator[Commune]:
    seen: set[str] = set()
    for r in read_records(path, COLUMNS):
        code = r["code_insee"].strip()
        if not _INSEE.match(code):
            raise r.error(f"code_insee {code!r} is not an INSEE code")
        if code in seen:
            raise r.error(f"duplicate code_insee {code!r}")
        seen.add(code)
        nom = r["nom"].strip()
        if not nom:
            raise r.error("nom is empty")
        yield Commune(
            code_insee=code,
            nom=nom,
            codes_postaux=_postal_codes(r),
            population=_population(r),
            latitude=_coordinate(r, "latitude", 90.0),
            longitude=_coordinate(r, "longitude", 180.0),
        )


def _postal_codes(r: Record) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in r["codes_postaux"].split("|") if c.strip())
    bad = [c for c in codes if not _POSTAL.match(c)]
    if bad:
        raise r.error(f"codes_postaux: {bad[0]!r} is not a postal code")
    return codes


def _population(r: Record) -> int | None:
    value = r["population"].strip()
    if not value:
        return None
    if not value.isdecimal():
        raise r.error(f"population {value!r} is not a whole number")
    return int(value)


def _coordinate(r: Record, column: str, limit: float) -> float:
    try:
        value = float(r[column])
    except ValueError:
        raise r.error(f"{column} {r[column]!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise r.error(f"{column} {value} is out of range")
    return value
