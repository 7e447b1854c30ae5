"""Bulk import of needs, shared by POST /needs/bulk and the `import-needs` command.

Every line is checked on its own (in a worker thread); the valid ones are stored with their
events in transactions of CHUNK lines, and a line whose external_ref was already imported
with the same content counts as already present (so a re-run of a file stores nothing twice).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from uuid import UUID

from pydantic import BaseModel, Field, ValidationError

from .adapters.pg_pool import transaction
from .domain.bulk import Row
from .domain.errors import FieldError, IdempotencyConflict, IntakeError, InvalidFields
from .domain.model import NeedInput
from .domain.preparation import Prepared
from .domain.validation import pydantic_errors
from .handlers import Intake, store_new

CHUNK = 500
Progress = Callable[[int, int], None]


class LineError(BaseModel):
    line: int = Field(ge=1, examples=[12])
    field: str = Field(examples=["hours_per_week"])
    reason: str = Field(examples=["Input should be less than or equal to 48"])


class LineStored(BaseModel):
    line: int = Field(ge=1)
    need_id: UUID
    created: bool = Field(description="False: the line was already imported (same external_ref).")


class BulkReport(BaseModel):
    received: int = Field(ge=0, description="Rows read from the file.")
    stored: int = Field(ge=0, description="New needs stored, each with its NeedPosted event.")
    already_present: int = Field(ge=0)
    rejected: int = Field(ge=0, description="Lines refused; see errors.")
    errors: list[LineError] = Field(default_factory=list)
    needs: list[LineStored] = Field(default_factory=list)


def _check(intake: Intake, rows: list[Row]) -> list[tuple[Row, NeedInput, Prepared] | Row]:
    checked: list[tuple[Row, NeedInput, Prepared] | Row] = []
    for row in rows:
        if row.errors:
            checked.append(row)
            continue
        try:
            need = NeedInput.model_validate(row.data)
            checked.append((row, need, intake.prepare(need)))
        except ValidationError as exc:
            row.errors = pydantic_errors(exc)
            checked.append(row)
        except InvalidFields as exc:
            row.errors = exc.errors
            checked.append(row)
    return checked


async def import_rows(
    intake: Intake,
    *,
    federation: str,
    rows: list[Row],
    correlation_id: UUID | None = None,
    progress: Progress | None = None,
) -> BulkReport:
    checked = await asyncio.to_thread(_check, intake, rows)
    report = BulkReport(received=len(rows), stored=0, already_present=0, rejected=0)
    for start in range(0, len(checked), CHUNK):
        chunk = checked[start : start + CHUNK]
        async with transaction(intake.pool) as conn:
            for item in chunk:
                if isinstance(item, Row):
                    _reject(report, item)
                    continue
                row, need, prepared = item
                try:
                    # Raised before any write of this line: the transaction stays usable.
                    record, created = await store_new(
                        conn,
                        intake,
                        federation=federation,
                        need=need,
                        prepared=prepared,
                        idempotency_key=None,
                        correlation_id=correlation_id,
                    )
                except IdempotencyConflict as exc:
                    row.errors = [FieldError("external_ref", str(exc))]
                    _reject(report, row)
                    continue
                report.needs.append(
                    LineStored(line=row.line, need_id=record.payload.need_id, created=created)
                )
                if created:
                    report.stored += 1
                else:
                    report.already_present += 1
        if progress is not None:
            progress(min(start + CHUNK, len(checked)), len(checked))
    return report


def _reject(report: BulkReport, row: Row) -> None:
    report.rejected += 1
    report.errors += [LineError(line=row.line, field=e.field, reason=e.reason) for e in row.errors]


__all__ = ["BulkReport", "IntakeError", "LineError", "LineStored", "import_rows"]
