"""The ROME appellations' vectors, encoded once per encoder and referential version, kept on disk.

Encoding the ~12k appellations takes a minute or more on two cores; every later start of the
matcher (and of its commands) reads them back in a fraction of a second. The file's name holds
the encoder and the referential version, so a new model or a new ROME never reads stale vectors.

    knowledge = load_knowledge(snapshot, embedder, cache_dir)   # encodes and saves the first time
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from services.matcher.domain.text.rome import Encoder, RomeKnowledge
from shared.referential.snapshot import Snapshot

log = logging.getLogger("spie.matcher")
DEFAULT_DIR = Path(".cache") / "matcher"
_loaded: dict[tuple[str, str, str], RomeKnowledge] = {}
_lock = threading.Lock()


def cache_dir() -> Path:
    """SPIE_MATCHER_CACHE_DIR, else .cache/matcher under the working directory."""
    return Path(os.environ.get("SPIE_MATCHER_CACHE_DIR") or DEFAULT_DIR)


def vectors_file(snapshot: Snapshot, encoder: Encoder, directory: Path) -> Path:
    key = f"{encoder.name}|{snapshot.version_tag}|{len(snapshot.appellations)}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return directory / f"rome-vectors-{digest}.npz"


def load_knowledge(
    snapshot: Snapshot,
    encoder: Encoder,
    directory: Path | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> RomeKnowledge:
    """The RomeKnowledge of this snapshot and encoder: from memory, from disk, or encoded (and
    saved) once. One per process and key: every pipeline of a process shares it."""
    directory = directory or cache_dir()
    key = (encoder.name, snapshot.version_tag, str(len(snapshot.appellations)))
    with _lock:
        if key in _loaded:
            return _loaded[key]
        path = vectors_file(snapshot, encoder, directory)
        vectors = _read(path)
        if vectors is None:
            started = time.perf_counter()
            log.info(
                "encoding %d ROME appellations with %s, once (kept in %s)",
                len(snapshot.appellations),
                encoder.name,
                directory,
            )
            vectors = RomeKnowledge.encode_labels(snapshot, encoder, progress)
            _write(path, vectors)
            log.info("ROME appellations encoded in %.0f s", time.perf_counter() - started)
        try:
            knowledge = RomeKnowledge(snapshot, encoder, vectors=vectors)
        except ValueError:  # a file of another shape under this name: encode again
            knowledge = RomeKnowledge(snapshot, encoder)
            _write(path, (knowledge.vectors, knowledge.fiche_vectors))
        _loaded[key] = knowledge
        return knowledge


def _read(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    if not path.is_file():
        return None
    try:
        with np.load(path) as saved:
            return saved["appellations"], saved["fiches"]
    except (OSError, ValueError, KeyError):
        log.warning("unreadable ROME vectors at %s: encoding them again", path)
        return None


def _write(path: Path, vectors: tuple[np.ndarray, np.ndarray]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial.npz")
        np.savez(partial, appellations=vectors[0], fiches=vectors[1])
        partial.replace(path)  # a process killed while writing leaves no half file
    except OSError as exc:  # a read-only disk: the next start encodes again, nothing worse
        log.warning("could not keep the ROME vectors in %s: %s", path.parent, exc)
