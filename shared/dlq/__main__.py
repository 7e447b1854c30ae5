"""`python -m shared.dlq list TOPIC` and `python -m shared.dlq replay TOPIC [--offset N]`.

TOPIC is the consumed topic (spie.needs.v1) or its dead-letter topic (spie.needs.v1.dlq).
Payloads are not printed unless asked: a dead letter may carry personal data.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shared.dlq.store import read_dead_letters, replay_dead_letters
from shared.settings import load_base_settings

cli = typer.Typer(add_completion=False, help="Dead-letter topics: list and replay.")
console = Console()


def _dlq(topic: str) -> str:
    return topic if topic.endswith(".dlq") else f"{topic}.dlq"


@cli.command("list")
def list_command(
    topic: str,
    limit: Annotated[int, typer.Option(help="Newest N dead letters.")] = 50,
    show_payload: Annotated[bool, typer.Option(help="Print the original bytes too.")] = False,
) -> None:
    settings = load_base_settings()
    letters = asyncio.run(
        read_dead_letters(settings.kafka_bootstrap, _dlq(topic), security=settings.kafka_security())
    )
    table = Table(title=f"{_dlq(topic)}: {len(letters)} dead letter(s)")
    for col in ("dlq offset", "failed at", "service", "from", "reason", "bytes"):
        table.add_column(col)
    for d in letters[-limit:]:
        table.add_row(
            str(d.dlq_offset),
            d.failed_at,
            d.service,
            f"{d.original_topic}[{d.original_partition}]@{d.original_offset}",
            d.reason[:120],
            str(len(d.value or b"")),
        )
        if show_payload:
            table.add_row("", "", "", "", (d.value or b"").decode(errors="replace")[:500], "")
    console.print(table)


@cli.command("replay")
def replay_command(
    topic: str,
    offset: Annotated[int | None, typer.Option(help="Only this dead-letter offset.")] = None,
) -> None:
    """Send dead letters back to their original topic (after a fix), each at most once."""
    settings = load_base_settings()
    count = asyncio.run(
        replay_dead_letters(
            settings.kafka_bootstrap,
            _dlq(topic),
            only_offset=offset,
            security=settings.kafka_security(),
        )
    )
    console.print(f"replayed {count} dead letter(s) from {_dlq(topic)}")


if __name__ == "__main__":
    cli()
