"""Composer throughput in characters per second (floor: 100,000 chars/s on 2 cores).

    .venv/bin/python benchmarks/bench_composer.py

Measures compose() alone (the planner calls it for every article at every column span)
and normalise() separately, on the seed text and on a generated 100,000-character text,
tabloid body style (9.5 pt, 11-character column). Best of several rounds after one warm-up
round, so the figures are steady-state (advances cached), as in a build.
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layout.text.composer import TextStyle, compose  # noqa: E402
from layout.text.fonts import resolve  # noqa: E402
from layout.text.normalise import normalise  # noqa: E402

SEED = Path("/work/shared/seeds/000_7d77dde7ee23e916.txt")
SIZE = 9.5
MEASURE = 11 * SIZE
ROUNDS = 5


def generated(total: int, rng: random.Random, han: str) -> list[str]:
    """News-like paragraphs: Han with marks every few characters, quotes, brackets,
    numbers and Latin words, 60–400 characters each."""
    latin = ["5G", "2021", "96.8%", "1,200", "ODR", "iPhone", "GDP", "3.5", "e.g.", "5+1+X", "CBD"]
    paras, size = [], 0
    while size < total:
        parts: list[str] = []
        for _ in range(rng.randint(60, 400)):
            r = rng.random()
            if r < 0.07:
                parts.append(rng.choice("，，，，。、；："))
            elif r < 0.085:
                parts.append("“" + "".join(rng.choices(han, k=rng.randint(2, 6))) + "”")
            elif r < 0.09:
                parts.append("（" + "".join(rng.choices(han, k=rng.randint(2, 8))) + "）")
            elif r < 0.1:
                parts.append(rng.choice(latin))
            elif r < 0.102:
                parts.append(rng.choice(["——", "……", "《经济日报》"]))
            else:
                parts.append(rng.choice(han))
        p = "".join(parts).lstrip("，。、；：") + "。"
        paras.append(p)
        size += len(p)
    return paras


def rate(paras: list[str], fn) -> float:
    chars = sum(map(len, paras))
    fn(paras)  # warm-up: HarfBuzz advances get cached
    best = float("inf")
    for _ in range(ROUNDS):
        t = time.perf_counter()
        fn(paras)
        best = min(best, time.perf_counter() - t)
    return chars / best


def main() -> None:
    style = TextStyle(resolve("body"), SIZE)
    seed_raw = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    han = "".join(sorted({c for c in SEED.read_text(encoding="utf-8") if "\u4e00" <= c <= "\u9fff"}))
    gen_raw = generated(100_000, random.Random(20210122), han)

    def compose_all(paras: list[str]) -> None:
        for p in paras:
            compose(p, style, MEASURE)

    def normalise_all(paras: list[str]) -> None:
        for p in paras:
            normalise(p)

    for name, raw in (("seed", seed_raw), ("generated", gen_raw)):
        paras = [normalise(p)[0] for p in raw]
        chars = sum(map(len, paras))
        lines = sum(len(compose(p, style, MEASURE)) for p in paras)
        print(
            f"{name:>9}: {chars:>7,} chars, {len(paras):>4} paragraphs, {lines:>6,} lines | "
            f"compose {rate(paras, compose_all):>9,.0f} chars/s | "
            f"normalise {rate(raw, normalise_all):>9,.0f} chars/s"
        )


if __name__ == "__main__":
    main()
