"""The coordination view (`/actions/coordination`, its CSV, `/actions/api/coordination`).

Only the référents granted the coordination role (`grant-coordination`) see it: to anyone
else the pages do not exist (404, like any page one may not see) and the API refuses (403).
It shows counts only, small ones masked (domain/coordination.py), never a person.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from services.actions.adapters.referents_repo import Referent
from services.actions.domain.coordination import Table, csv_text
from services.actions.domain.period import Period, PeriodError, period_of
from services.actions.entrypoints.deps import ApiReferentDep, ServicesDep
from services.actions.entrypoints.web import WebReferent, WebReferentDep, render
from services.actions.handlers import coordination

router = APIRouter()
Day = Annotated[str | None, Query(description="AAAA-MM-JJ; empty: the last 12 months.")]


async def page_coordinator(who: WebReferentDep, services: ServicesDep) -> WebReferent:
    if not await coordination.may_coordinate(services, who.referent.referent_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return who


async def api_coordinator(referent: ApiReferentDep, services: ServicesDep) -> Referent:
    if not await coordination.may_coordinate(services, referent.referent_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Réservé à la coordination du Département.")
    return referent


PageCoordinator = Annotated[WebReferent, Depends(page_coordinator)]
ApiCoordinator = Annotated[Referent, Depends(api_coordinator)]


@router.get("/actions/coordination", response_class=HTMLResponse)
async def page(
    request: Request, who: PageCoordinator, services: ServicesDep, du: Day = None, au: Day = None
) -> HTMLResponse:
    try:
        period = period_of(du, au, today=coordination.today(services))
    except PeriodError as exc:
        form = {"du": du or "", "au": au or ""}
        return render(
            request,
            "coordination.html",
            who,
            status=422,
            errors={exc.field: exc.message},
            form=form,
        )
    tables = await coordination.view(services, period)
    form = {"du": period.start.isoformat(), "au": period.end.isoformat()}
    return render(request, "coordination.html", who, period=period, tables=tables, form=form)


@router.get("/actions/coordination.csv")
async def export(
    _: PageCoordinator, services: ServicesDep, du: Day = None, au: Day = None
) -> Response:
    period = _period_or_422(services, du, au)
    tables = await coordination.view(services, period)
    name = f"coordination-actions-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        csv_text(period.start, period.end, tables),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class LineOut(BaseModel):
    libelle: str
    valeurs: list[str] = Field(description="As the page shows them: 'moins de 5', 'masqué', '—'.")
    total: bool


class TableOut(BaseModel):
    id: str
    titre: str
    colonnes: list[str]
    lignes: list[LineOut]


class CoordinationOut(BaseModel):
    du: str = Field(examples=["2026-01-01"])
    au: str = Field(examples=["2026-12-31"])
    tableaux: list[TableOut]


@router.get("/actions/api/coordination", response_model=CoordinationOut)
async def api(
    _: ApiCoordinator, services: ServicesDep, du: Day = None, au: Day = None
) -> CoordinationOut:
    """The coordination view's figures, small ones masked as on the page."""
    period = _period_or_422(services, du, au)
    tables = await coordination.view(services, period)
    return CoordinationOut(
        du=period.start.isoformat(), au=period.end.isoformat(), tableaux=[_out(t) for t in tables]
    )


def _out(table: Table) -> TableOut:
    lines = [
        LineOut(libelle=ln.label, valeurs=list(ln.cells), total=ln.total) for ln in table.lines
    ]
    return TableOut(id=table.slug, titre=table.title, colonnes=list(table.columns), lignes=lines)


def _period_or_422(services: ServicesDep, du: str | None, au: str | None) -> Period:
    try:
        return period_of(du, au, today=coordination.today(services))
    except PeriodError as exc:
        detail = [{"loc": ["query", exc.field], "msg": exc.message, "type": "value_error"}]
        raise HTTPException(422, detail) from exc
