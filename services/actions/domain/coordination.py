"""The coordination view's figures: counts that name no one, small ones masked.

Statistical secrecy, the rule this view keeps:
- a count from 1 to 4 reads "moins de 5" (it could point at a person); 0 reads 0;
- a figure that, shown, would let a masked one be worked out by subtraction is masked too and
  reads "masqué": whenever exactly one figure of a sum (a total and its parts) is masked, its
  total is masked as well (a part, when the total was the one), and so on until no sum has a
  single masked figure. A figure used in several tables (the grand total of the actions by kind
  and by provider) is one figure, masked everywhere at once;
- a rate whose numerator or denominator is under 5, or masked, reads "—".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

SMALL = 5
MASKED = "moins de 5"
SECONDARY = "masqué"  # a figure of 5 or more, hidden so that no small one can be recomputed
NO_RATE = "—"

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sum:
    """`total` is the sum of `parts` (or, for overlapping groups, could be compared to it)."""

    total: Key
    parts: tuple[Key, ...]


@dataclass(frozen=True, slots=True)
class Rate:
    numerator: Key
    denominator: Key


Cell = Key | Rate


def hidden_figures(counts: Mapping[Key, int], sums: Sequence[Sum]) -> dict[Key, str]:
    """Every figure not to show, with what to show instead."""
    hidden = {key: MASKED for key, n in counts.items() if 0 < n < SMALL}
    changed = True
    while changed:
        changed = False
        for s in sums:
            masked = [key for key in (s.total, *s.parts) if key in hidden]
            if len(masked) != 1:
                continue
            extra = s.total if masked[0] != s.total else _smallest_shown_part(s, counts, hidden)
            if extra is not None:
                hidden[extra] = SECONDARY
                changed = True
    return hidden


def _smallest_shown_part(
    s: Sum, counts: Mapping[Key, int], hidden: Mapping[Key, str]
) -> Key | None:
    shown = [p for p in s.parts if p not in hidden and counts.get(p, 0) > 0]
    return min(shown, key=lambda p: counts.get(p, 0)) if shown else None


def shown_count(key: Key, counts: Mapping[Key, int], hidden: Mapping[Key, str]) -> str:
    return hidden.get(key) or str(counts.get(key, 0))


def shown_rate(rate: Rate, counts: Mapping[Key, int], hidden: Mapping[Key, str]) -> str:
    """The rate in whole percent, or "—" when it could reveal a small or masked figure."""
    numerator, denominator = counts.get(rate.numerator, 0), counts.get(rate.denominator, 0)
    if min(numerator, denominator) < SMALL or {rate.numerator, rate.denominator} & hidden.keys():
        return NO_RATE
    return f"{(200 * numerator + denominator) // (2 * denominator)} %"  # rounded half up


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    cells: tuple[str, ...]
    total: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """One table of the page, as shown (and as exported: the CSV has the same strings)."""

    slug: str
    title: str
    caption: str
    row_header: str
    columns: tuple[str, ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class LineSpec:
    label: str
    cells: tuple[Cell, ...]
    total: bool = False


@dataclass(frozen=True, slots=True)
class TableSpec:
    slug: str
    title: str
    caption: str
    row_header: str
    columns: tuple[str, ...]
    lines: tuple[LineSpec, ...]


@dataclass
class Figures:
    """The raw counts of every table, the sums tying them, and the tables' layouts."""

    counts: dict[Key, int]
    sums: list[Sum]
    tables: list[TableSpec]


def render(figures: Figures) -> tuple[Table, ...]:
    hidden = hidden_figures(figures.counts, figures.sums)

    def cell(c: Cell) -> str:
        if isinstance(c, Rate):
            return shown_rate(c, figures.counts, hidden)
        return shown_count(c, figures.counts, hidden)

    return tuple(
        Table(
            slug=t.slug,
            title=t.title,
            caption=t.caption,
            row_header=t.row_header,
            columns=t.columns,
            lines=tuple(
                Line(ln.label, tuple(cell(c) for c in ln.cells), ln.total) for ln in t.lines
            ),
        )
        for t in figures.tables
    )


CSV_COLUMNS = ("Du", "Au", "Tableau", "Ligne", "Indicateur", "Valeur")


def csv_text(start: date, end: date, tables: Sequence[Table]) -> str:
    """One line per figure of the page, as the page shows it; UTF-8 with a BOM and ';', as a
    French spreadsheet opens it without asking."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    period = (start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y"))
    for table in tables:
        for line in table.lines:
            for column, value in zip(table.columns, line.cells, strict=True):
                writer.writerow((*period, table.title, _inert(line.label), column, value))
    return "\ufeff" + out.getvalue()


def _inert(text: str) -> str:
    """A structure's name is free text: a spreadsheet must not run it as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
