"""Planning time: the generated 8-page issue, the same generator at 48 pages, one page of 30 short
items, and every corpus issue (tests/corpus/).

    .venv/bin/python benchmarks/bench_plan.py [--runs 2] [--only NAME ...] [--profile NAME]

For each issue, in process, CPU seconds (time.process_time: the machine is shared, wall time is noisy)
of two things: `compose+plan`, the planner on fresh Fits (every article composed as the search asks
for it), and `plan`, the planner again on the same Fits (the lines composed: the search alone). The
floors of issue 10 are for `plan`: 8 pages ≤ 1 s, a page of 30 short items ≤ 2 s, 48 pages ≤ 6 s.
The best of --runs runs is printed. --profile NAME prints the cProfile of that issue's `plan`.
Prints figures and exits 0 (speed is measured here, never asserted in the tests).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_issue import _sample_text, make_issue  # noqa: E402
from layout.errors import BuildError  # noqa: E402
from layout.plan.fit import Fits  # noqa: E402
from layout.plan.grid import page_format  # noqa: E402
from layout.plan.planner import plan_issue  # noqa: E402
from layout.source.issue_folder import load_issue  # noqa: E402
from layout.source.plan_pins import load_pins  # noqa: E402
from layout.text.issue_text import normalise_issue  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
SHORT_ITEMS = 30  # issue 10's page of short items
SHORT_CHARS = (30, 75)  # characters of one short item: a 简讯's length
BIG_PAGES, BIG_ARTICLES = 48, 240  # the generator's 8 pages of 40 articles, six times over


def short_items_issue(out: Path, items: int = SHORT_ITEMS, seed: int = 30) -> Path:
    """One 四开 page of `items` short items made of the sample's sentences (fixed seed: the same every run)."""
    rng = random.Random(seed)
    paragraphs, heads = _sample_text()
    sentences = [s + "。" for p in paragraphs for s in p.split("。") if 8 <= len(s) <= 60]
    (out / "articles").mkdir(parents=True)
    (out / "issue.toml").write_text("\n".join([
        'format = "tabloid"', "", "[paper]", 'name = "徐汇报"', 'code = "BENCH"', "", "[issue]",
        "date = 2021-01-22", "number = 3", "total = 1587", "", "[[pages]]", "number = 1", 'section = "简讯"', ""]),
        encoding="utf-8")
    for i in range(items):
        target, body = rng.randint(*SHORT_CHARS), ""
        while len(body) < target:
            body += rng.choice(sentences)
        body = body[:target - 1].rstrip("，。、；：") + "。"  # a brief ends where its length says
        front = {"headline": rng.choice(heads)[:14], "priority": 1 if i == 0 else rng.choice([4, 5])}
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n"
        (out / "articles" / f"{i + 1:02d}.md").write_text(text, encoding="utf-8")
    return out


def _loaded(issue_dir: Path):
    issue = load_issue(issue_dir)
    pins = load_pins(issue)
    issue, _ = normalise_issue(issue)
    return issue, pins, page_format(issue.format)


def measure(issue_dir: Path, runs: int) -> tuple[float, float, int]:
    """(best compose+plan CPU s, best plan CPU s, pages) over `runs` runs."""
    issue, pins, fmt = _loaded(issue_dir)
    cold, warm, pages = [], [], 0
    for _ in range(runs):
        fits = Fits({a.id: a for a in issue.articles}, fmt)
        t0 = time.process_time()
        pages = len(plan_issue(issue, fits, pins).pages)
        t1 = time.process_time()
        plan_issue(issue, fits, pins)
        cold.append(t1 - t0)
        warm.append(time.process_time() - t1)
    return min(cold), min(warm), pages


def profile(issue_dir: Path) -> None:
    issue, pins, fmt = _loaded(issue_dir)
    fits = Fits({a.id: a for a in issue.articles}, fmt)
    plan_issue(issue, fits, pins)
    profiler = cProfile.Profile()
    profiler.runcall(plan_issue, issue, fits, pins)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None, help="issue names to run (default: all)")
    parser.add_argument("--profile", default=None, help="the name of one issue to profile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        makers = {"generated-8": lambda: make_issue(tmp_path / "generated-8"),
                  "short-items-30": lambda: short_items_issue(tmp_path / "short-items-30"),
                  f"generated-{BIG_PAGES}": lambda: make_issue(tmp_path / f"generated-{BIG_PAGES}", BIG_PAGES,
                                                               BIG_ARTICLES)}
        makers.update({p.name: (lambda p=p: p) for p in sorted(CORPUS.iterdir()) if (p / "issue.toml").exists()})
        names = [n for n in makers if args.only is None or n in args.only]
        if args.profile:
            profile(makers[args.profile]())
            return 0
        print(f"{'issue':<26}{'pages':>6}{'compose+plan s':>16}{'plan s':>9}   (CPU, best of {args.runs})")
        total = 0.0
        for name in names:
            try:
                cold, warm, pages = measure(makers[name](), args.runs)
            except BuildError as e:
                print(f"{name:<26} refused: {str(e)[:80]}", flush=True)
                continue
            except SystemExit as e:  # the generator found no issue the planner fits: the others still run
                print(f"{name:<26} not generated: {e}", flush=True)
                continue
            total += warm
            print(f"{name:<26}{pages:>6}{cold:>16.2f}{warm:>9.2f}", flush=True)
        print(f"{'all':<26}{'':>6}{'':>16}{total:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
