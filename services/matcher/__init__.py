"""The matcher: compatible, ranked and explained proposals between hiring needs and profiles."""

import os
import sys

# numpy's BLAS (OpenBLAS) on one thread. Reading a new text's trade multiplies its vector by the
# ~12k ROME appellations' (domain/text/rome.py); OpenBLAS splits that over every core, and its
# other threads then spin, waiting for the next call: measured on 2 cores, the dev set's 74
# needs were read at 162 ms of CPU each instead of 82, for the same wait.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy imported later (the service)
if "numpy" in sys.modules:  # numpy imported before (a script's own import): limited now
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
