"""The coordination view's tables, counted from what the repository read for a period.

Every figure gets a key; the sums that tie figures together (a total and its parts, within a
table and across tables) go with them, so that `coordination.render` masks what must be.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.actions.domain.coordination import Cell, Figures, Key, LineSpec, Rate, Sum, TableSpec
from shared.contracts.actions import (
    ACTION_KIND_LABELS,
    ACTION_NOT_RELEVANT_REASONS,
    PUBLIC_LABELS,
    ActionKind,
    Public,
)


@dataclass(frozen=True, slots=True)
class OfferRow:
    """Actions of one kind by one provider with a session in the period."""

    kind: str
    provider: str
    actions: int
    sessions: int
    capacity: int
    taken: int


@dataclass(frozen=True, slots=True)
class PublicRow:
    """Registrations to sessions of actions designed for `public` (None: every action)."""

    public: str | None
    placed: int
    present: int
    absent: int
    waiting: int


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    discovery: bool
    decision: str  # "inscrit" or "pas_pertinent"
    reason: str | None
    count: int


@dataclass(frozen=True, slots=True)
class TradeRow:
    """Persons proposed this trade to discover in the period, and what came after."""

    rome_code: str
    proposed: int
    registered: int
    matched: int
    hired: int


@dataclass(frozen=True, slots=True)
class Raw:
    offer: Sequence[OfferRow]
    publics: Sequence[PublicRow]
    proposals: dict[bool, int]  # discovery or not -> proposals made in the period
    follow_ups: Sequence[FollowUpRow]
    trades: Sequence[TradeRow]


OFFER = (
    ("actions", "Actions"),
    ("sessions", "Sessions"),
    ("capacity", "Places offertes"),
    ("taken", "Places prises"),
)
ATTENDANCE = (("placed", "Inscriptions"), ("present", "Présents"), ("absent", "Absents"))
SIDES = (("souhait", "Souhait"), ("decouverte", "Découverte"))
REASON_LABELS = {
    "deja_fait": "Déjà fait",
    "pas_interesse": "Pas intéressée ou pas intéressé",
    "trop_loin": "Trop loin",
    "horaires_incompatibles": "Horaires incompatibles",
    "pas_disponible": "Pas disponible",
    "autre": "Autre raison",
}
TRADE_STEPS = (
    ("proposed", "Personnes à qui il a été proposé en découverte"),
    ("registered", "Puis inscrites à une action de ce métier"),
    ("matched", "Puis mises en relation sur une offre de ce métier"),
    ("hired", "Puis embauchées"),
)


def figures_of(raw: Raw, trade_label: Callable[[str], str]) -> Figures:
    figures = Figures(counts={}, sums=[], tables=[])
    _offer(figures, raw.offer)
    _publics(figures, raw.publics)
    _proposals(figures, raw.proposals, raw.follow_ups)
    _trades(figures, raw.trades, trade_label)
    return figures


def _offer(f: Figures, rows: Sequence[OfferRow]) -> None:
    """Actions by kind and by provider: two breakdowns of one grand total, masked as one."""
    kinds = [(str(k), ACTION_KIND_LABELS[k]) for k in ActionKind]
    providers = [(p, p) for p in sorted({r.provider for r in rows}, key=str.casefold)]
    for name, _ in OFFER:
        f.counts[("offre", "total", name)] = sum(getattr(r, name) for r in rows)
    _offer_table(f, rows, "par-type", "Actions par type", "Type d'action", kinds)
    _offer_table(f, rows, "par-structure", "Actions par structure", "Structure", providers)


def _offer_table(
    f: Figures,
    rows: Sequence[OfferRow],
    slug: str,
    title: str,
    header: str,
    values: list[tuple[str, str]],
) -> None:
    lines = []
    for value, label in values:
        mine = [r for r in rows if (r.kind if slug == "par-type" else r.provider) == value]
        for name, _ in OFFER:
            f.counts[("offre", slug, value, name)] = sum(getattr(r, name) for r in mine)
        lines.append(_offer_line(label, ("offre", slug, value)))
    for name, _ in OFFER:
        parts = tuple(("offre", slug, v, name) for v, _ in values)
        f.sums.append(Sum(("offre", "total", name), parts))
    lines.append(_offer_line("Ensemble", ("offre", "total"), total=True))
    columns = (*(label for _, label in OFFER), "Taux de remplissage")
    caption = f"{title} ayant au moins une session dans la période : places et remplissage"
    f.tables.append(TableSpec(slug, title, caption, header, columns, tuple(lines)))


def _offer_line(label: str, row: Key, *, total: bool = False) -> LineSpec:
    counts = tuple((*row, name) for name, _ in OFFER)
    return LineSpec(label, (*counts, Rate((*row, "taken"), (*row, "capacity"))), total)


def _publics(f: Figures, rows: Sequence[PublicRow]) -> None:
    """By the publics an action is designed for. An action may have several publics, so the
    rows overlap; their total is still treated as a sum (the stricter choice)."""
    publics = [(str(p), PUBLIC_LABELS[p]) for p in Public] + [("toutes", "Toutes actions")]
    by_public = {r.public or "toutes": r for r in rows}
    lines = []
    for value, label in publics:
        row: Key = ("publics", value)
        found = by_public.get(value)
        for name, _ in ATTENDANCE:
            f.counts[(*row, name)] = getattr(found, name, 0)
        f.counts[(*row, "recorded")] = f.counts[(*row, "present")] + f.counts[(*row, "absent")]
        f.counts[(*row, "waiting")] = getattr(found, "waiting", 0)
        cells: list[Cell] = [(*row, n) for n, _ in ATTENDANCE]
        cells += [Rate((*row, "present"), (*row, "recorded")), (*row, "waiting")]
        lines.append(LineSpec(label, tuple(cells), total=value == "toutes"))
    for name in (*(n for n, _ in ATTENDANCE), "waiting"):
        parts = tuple(("publics", v, name) for v, _ in publics[:-1])
        f.sums.append(Sum(("publics", "toutes", name), parts))
    # Every place taken is a registration: the two grand totals are one figure.
    f.sums.append(Sum(("publics", "toutes", "placed"), (("offre", "total", "taken"),)))
    f.sums.append(Sum(("offre", "total", "taken"), (("publics", "toutes", "placed"),)))
    columns = (*(label for _, label in ATTENDANCE), "Taux de présence", "Liste d'attente")
    caption = (
        "Inscriptions aux sessions de la période, présences relevées et listes d'attente, "
        "selon les publics auxquels les actions sont destinées"
    )
    f.tables.append(
        TableSpec(
            "par-public",
            "Inscriptions et présence par public",
            caption,
            "Public",
            columns,
            tuple(lines),
        )
    )


def _proposals(f: Figures, proposals: dict[bool, int], follow_ups: Sequence[FollowUpRow]) -> None:
    """Proposals of actions (wish or discovery) and the référents' follow-up, with reasons."""
    for side, _ in SIDES:
        _side_counts(f, side, proposals, follow_ups)
    for name in ("made", "inscrit", "pas_pertinent"):
        _summed(f, ("propositions", "total", name), [("propositions", s, name) for s, _ in SIDES])
    for reason in ACTION_NOT_RELEVANT_REASONS:
        _summed(f, ("raisons", reason, "total"), [("raisons", reason, s) for s, _ in SIDES])
    for side in ("souhait", "decouverte", "total"):
        parts = tuple(("raisons", reason, side) for reason in ACTION_NOT_RELEVANT_REASONS)
        f.sums.append(Sum(("propositions", side, "pas_pertinent"), parts))
    f.tables.append(_proposal_table())
    f.tables.append(_reason_table())


def _side_counts(
    f: Figures, side: str, proposals: dict[bool, int], follow_ups: Sequence[FollowUpRow]
) -> None:
    discovery = side == "decouverte"
    mine = [r for r in follow_ups if r.discovery == discovery]
    f.counts[("propositions", side, "made")] = proposals.get(discovery, 0)
    for decision in ("inscrit", "pas_pertinent"):
        count = sum(r.count for r in mine if r.decision == decision)
        f.counts[("propositions", side, decision)] = count
    for reason in ACTION_NOT_RELEVANT_REASONS:
        count = sum(r.count for r in mine if r.decision == "pas_pertinent" and r.reason == reason)
        f.counts[("raisons", reason, side)] = count


def _summed(f: Figures, total: Key, parts: list[Key]) -> None:
    f.counts[total] = sum(f.counts[p] for p in parts)
    f.sums.append(Sum(total, tuple(parts)))


def _proposal_table() -> TableSpec:
    lines = [
        LineSpec(label, _proposal_cells(("propositions", side)), side == "total")
        for side, label in (*SIDES, ("total", "Ensemble"))
    ]
    return TableSpec(
        "propositions",
        "Propositions d'actions et suites données",
        "Propositions d'actions faites dans la période, selon qu'elles portent sur un métier "
        "souhaité ou à découvrir, et suites données par les référents",
        "Proposition",
        ("Propositions", "Suite : inscrit", "Suite : pas pertinent", "Part inscrite"),
        tuple(lines),
    )


def _reason_table() -> TableSpec:
    sides = ("souhait", "decouverte", "total")
    lines = [
        LineSpec(label, tuple(("raisons", reason, s) for s in sides))
        for reason, label in REASON_LABELS.items()
    ]
    every = tuple(("propositions", s, "pas_pertinent") for s in sides)
    lines.append(LineSpec("Pas pertinent, toutes raisons", every, total=True))
    return TableSpec(
        "raisons",
        "Propositions jugées pas pertinentes, par raison",
        "Raisons données par les référents pour les propositions jugées pas pertinentes",
        "Raison",
        ("Souhait", "Découverte", "Ensemble"),
        tuple(lines),
    )


def _proposal_cells(row: Key) -> tuple[Key | Rate, ...]:
    counts = tuple((*row, name) for name in ("made", "inscrit", "pas_pertinent"))
    return (*counts, Rate((*row, "inscrit"), (*row, "made")))


def _trades(f: Figures, rows: Sequence[TradeRow], trade_label: Callable[[str], str]) -> None:
    """No total line: a person may discover several trades, so no figure is a sum of others."""
    lines = []
    for r in sorted(rows, key=lambda r: (-r.proposed, r.rome_code)):
        keys = tuple(("metiers", r.rome_code, name) for name, _ in TRADE_STEPS)
        for key, (name, _) in zip(keys, TRADE_STEPS, strict=True):
            f.counts[key] = getattr(r, name)
        lines.append(LineSpec(trade_label(r.rome_code), keys))
    f.tables.append(
        TableSpec(
            "metiers",
            "Métiers découverts, puis inscriptions, mises en relation et embauches",
            "Pour chaque métier proposé en découverte dans la période : les personnes à qui il "
            "a été proposé, et parmi elles celles qui ont ensuite été inscrites à une action de "
            "ce métier, mises en relation sur une offre de ce métier, puis embauchées",
            "Métier (ROME)",
            tuple(label for _, label in TRADE_STEPS),
            tuple(lines),
        )
    )
