"""A need's results, as a fragment the need's page includes (`data-fragment`): compatible
profiles, proposals, the référents' outcomes with a small chart, and what each constraint costs.
Counts only, small ones masked (domain/reach.py); another federation's need is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from .. import reach
from ..domain.errors import NeedNotFound
from ..domain.reach import Line, Results, Week, results_of
from .auth import container_of
from .web import FederationUserDep, render, templates

router = APIRouter(include_in_schema=False)

PARIS = ZoneInfo("Europe/Paris")
BAR_MAX = 240  # px of the longest bar
ROW = 28  # px per bar


@dataclass(frozen=True, slots=True)
class Bar:
    line: Line
    y: int
    width: int


def bars(results: Results) -> list[Bar]:
    return bars_of(list(results.chart))


def bars_of(lines: list[Line]) -> list[Bar]:
    """The chart's bars: a masked count draws no bar (its length would tell it)."""
    top = max((line.count for line in lines if not line.masked), default=0)
    return [
        Bar(line, i * ROW, 0 if line.masked or not top else max(2, BAR_MAX * line.count // top))
        for i, line in enumerate(lines)
    ]


@router.get("/federation/besoins/{need_id}/resultats", response_class=HTMLResponse)
async def need_results(request: Request, need_id: UUID, user: FederationUserDep) -> HTMLResponse:
    intake = container_of(request).intake
    try:
        counts = await reach.reach_for(intake, federation=user.federation, need_id=need_id)
    except NeedNotFound:
        raise HTTPException(404) from None
    results = None if counts is None else results_of(counts)
    context = {
        "results": results,
        "bars": [] if results is None else bars(results),
        "computed_at": None if counts is None else counts.computed_at.astimezone(PARIS),
        "row": ROW,
    }
    return templates.TemplateResponse(request, "reach_fragment.html", context)


def week_bars(weeks: list[Week]) -> list[Bar]:
    """Proposals per week, oldest first; a masked week draws no bar."""
    return bars_of([w.proposals for w in reversed(weeks)])


@router.get("/federation/resultats", response_class=HTMLResponse)
async def federation_results(request: Request, user: FederationUserDep) -> HTMLResponse:
    intake = container_of(request).intake
    weeks = await reach.weeks_for(intake, federation=user.federation)
    chart = week_bars(weeks)
    labels = [w.start.strftime("%d/%m") for w in reversed(weeks)]
    return render(
        request,
        "reach_weeks.html",
        user,
        weeks=weeks,
        chart=list(zip(labels, chart, strict=True)),
        row=ROW,
    )
