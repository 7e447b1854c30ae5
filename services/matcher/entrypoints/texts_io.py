"""Files and wiring of the `rank-texts` command: id TAB text input, ranking output, the engine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from services.matcher.adapters.embedder import Embedder, build_embedder
from services.matcher.adapters.embedding_cache import CachedEmbedder
from services.matcher.domain.text import TextEngine
from shared.referential.rome import parse_rome
from shared.referential.rome_files import locate
from shared.referential.snapshot import Snapshot

# First fields that mark a header line rather than a record.
_HEADER_IDS = {"id", "qid", "query_id", "doc_id", "docid", "corpus_id", "corpus_element_id"}
_SHARED_ROME = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "rome"


class TsvError(ValueError):
    """A line that is not `id TAB text`, or an id given twice; names file and line."""


def read_pairs(path: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            ident, tab, text = line.partition("\t")
            if number == 1 and ident.strip().casefold() in _HEADER_IDS:
                continue
            if not tab or not ident.strip() or not text.strip():
                raise TsvError(f"{path}:{number}: expected 'id<TAB>text'")
            if ident in seen:
                raise TsvError(f"{path}:{number}: id {ident!r} appears twice")
            seen.add(ident)
            rows.append((ident, text.strip()))
    return rows


def write_ranking(
    out: TextIO, query_ids: list[str], ranking: list[list[tuple[str, float]]]
) -> None:
    for qid, found in zip(query_ids, ranking, strict=True):
        for rank, (doc, score) in enumerate(found, start=1):
            out.write(f"{qid}\t{doc}\t{rank}\t{score:.6f}\n")


def load_rome(rome_dir: Path | None) -> Snapshot | None:
    """The referential from an export folder; the shared one beside the repository by default."""
    folder = rome_dir or (_SHARED_ROME if _SHARED_ROME.is_dir() else None)
    if folder is None:
        print("no ROME export found: ranking without the ROME expansion", file=sys.stderr)
        return None
    rome = parse_rome(locate(folder))
    return Snapshot.build(
        fiches=rome.fiches,
        appellations=rome.appellations,
        skills=rome.skills,
        fiche_skills=rome.fiche_skills,
        mobilities=rome.mobilities,
        versions={"rome": rome.version},
    )


def build_engine(
    embedder_name: str | None, rome_dir: Path | None, cache: Path | None, *, use_rome: bool = True
) -> TextEngine:
    embedder: Embedder = build_embedder(embedder_name)
    if cache is not None:
        embedder = CachedEmbedder(embedder, cache)
    return TextEngine(embedder, load_rome(rome_dir) if use_rome else None)


__all__ = ["TsvError", "build_engine", "load_rome", "read_pairs", "write_ranking"]
