"""The matcher's numpy runs its BLAS on one thread, whichever was imported first."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def blas_threads(imports: str) -> list[int]:
    code = (
        f"{imports}\n"
        "from threadpoolctl import threadpool_info\n"
        "print(*[i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return [int(n) for n in out.stdout.split()]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: BLAS has one thread anyway")
def test_blas_spins_no_second_core_in_the_matcher() -> None:
    assert blas_threads("import services.matcher, numpy") == [1]  # the service: matcher first
    assert blas_threads("import numpy, services.matcher") == [1]  # a script: numpy first
    # Control: numpy alone takes every core (whose threads spin between two calls).
    assert blas_threads("import numpy")[0] > 1
