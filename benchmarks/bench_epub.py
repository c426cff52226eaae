"""EPUB writing time and size on the sample issue: with fonts (three faces subset by HarfBuzz), without,
and with the designed cover; the first round subsets, later rounds hit the subset cache.

    .venv/bin/python benchmarks/bench_epub.py

Figures printed, not asserted: the machine is shared, timings vary.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layout.build import COVER_DPI, plan_only  # noqa: E402
from layout.house import FONTS, STYLES  # noqa: E402
from layout.render.epub import write_epub  # noqa: E402
from layout.render.paint import paint  # noqa: E402
from layout.render.pdfx import resolve_profile  # noqa: E402
from layout.render.preview import page_png  # noqa: E402
from layout.render.weasy import render_pdf  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "issues" / "xuhui-2021-01-22"
ROUNDS = 5


def main() -> None:
    planned = plan_only(SAMPLE)
    issue, plan = planned.issue, planned.plan
    first = paint(issue, planned.frames, planned.fmt, resolve_profile(issue, STYLES))[0]
    front = page_png(render_pdf(first, issue.root, (issue.root, STYLES, FONTS)), COVER_DPI)
    for label, cover, fonts in (("no fonts", None, False), ("fonts", None, True), ("fonts + cover", front, True)):
        times, size = [], 0
        for _ in range(ROUNDS):
            start = time.perf_counter()
            size = len(write_epub(issue, plan, cover, embed_fonts=fonts))
            times.append(time.perf_counter() - start)
        print(f"{label:14s} first {times[0]:.3f} s, median of the rest {statistics.median(times[1:]):.3f} s, "
              f"{size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
