"""Planning time, build time and peak memory for the generated 8-page issue (and the sample issue).

    .venv/bin/python benchmarks/bench_build.py [--pages 8] [--articles 40]

Prints figures; asserts nothing (speed is measured here, never in the test suite).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_issue import make_issue  # noqa: E402
from layout.plan.fit import Fits  # noqa: E402
from layout.plan.grid import page_format  # noqa: E402
from layout.source.plan_pins import load_pins  # noqa: E402
from layout.plan.planner import plan_issue  # noqa: E402
from layout.source.issue_folder import load_issue  # noqa: E402
from layout.text.issue_text import normalise_issue  # noqa: E402


def _plan_times(issue_dir: Path) -> tuple[float, float, int]:
    """(compose + fit + plan seconds with a cold cache, plan seconds with shapes cached, pages)."""
    issue, _ = normalise_issue(load_issue(issue_dir))
    pins = load_pins(issue)
    fits = Fits({a.id: a for a in issue.articles}, page_format(issue.format))
    t0 = time.perf_counter()
    plan = plan_issue(issue, fits, pins)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    plan_issue(issue, fits, pins)
    warm = time.perf_counter() - t0
    return cold, warm, len(plan.pages)


def _build(issue_dir: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of `layout build` in a fresh process."""
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "layout.cli", "build", str(issue_dir), "-o", out], check=True,
                       capture_output=True, cwd=ROOT)
        wall = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--articles", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench = make_issue(Path(tmp) / "bench", args.pages, args.articles)
        for name, issue_dir in (("sample issue", ROOT / "issues" / "xuhui-2021-01-22"),
                                (f"generated {args.pages}-page issue", bench)):
            cold, warm, pages = _plan_times(issue_dir)
            wall, peak = _build(issue_dir)
            print(f"{name}: {pages} pages; compose+plan {cold:.3f} s; plan alone {warm:.3f} s; "
                  f"build {wall:.1f} s; peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
