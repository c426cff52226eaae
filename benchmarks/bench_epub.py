"""EPUB writing time and size on the sample issue: with fonts (four faces subset by HarfBuzz), without,
and with the designed cover; the first round subsets, later rounds hit the subset cache. With --builds: the
CPU seconds of the EPUB and digital-edition steps of `layout build` of the generated 8-page issue, on a
clean build, on a rebuild with nothing changed and on a rebuild after a one-sentence edit of one article,
each in a fresh process (as the CLI runs), into the same folder.

    .venv/bin/python benchmarks/bench_epub.py [--builds] [--pages 8] [--articles 40]

Figures printed, not asserted: the machine is shared, timings vary. The build steps are timed in CPU
seconds of the building process (time.process_time), from the step's progress line to the next one (the
digital edition: to the end of the build, writing the outputs and the page cache included), so other
processes on the machine do not count.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layout.build import COVER_DPI, plan_only  # noqa: E402
from layout.house import FONTS, STYLES  # noqa: E402
from layout.messages import t  # noqa: E402
from layout.render.epub import FrontPage, write_epub  # noqa: E402
from layout.render.paint import paint  # noqa: E402
from layout.render.pdfx import resolve_profile  # noqa: E402
from layout.render.preview import page_png  # noqa: E402
from layout.render.weasy import render_pdf  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "issues" / "xuhui-2021-01-22"
ROUNDS = 5
STEPS = ("EPUB", "digital edition")  # the progress lines that start the steps timed, as their messages begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--builds", action="store_true", help="time the EPUB and web steps of three builds")
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--one-build", nargs=2, metavar=("ISSUE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_build:
        print(json.dumps(_step_cpu(Path(args.one_build[0]), Path(args.one_build[1]))))
    elif args.builds:
        _builds(args.pages, args.articles)
    else:
        _writer()


def _writer() -> None:
    planned = plan_only(SAMPLE)
    issue, frames = planned.issue, planned.frames
    first = paint(issue, frames, planned.fmt, resolve_profile(issue, STYLES))[0]
    page = render_pdf(first, issue.root, (issue.root, STYLES, FONTS))
    png = page_png(page, COVER_DPI)
    front = FrontPage(page, lambda: png)
    for label, cover, fonts in (("no fonts", None, False), ("fonts", None, True), ("fonts + cover", front, True)):
        times, size = [], 0
        for _ in range(ROUNDS):
            start = time.perf_counter()
            size = len(write_epub(issue, frames, cover, embed_fonts=fonts))
            times.append(time.perf_counter() - start)
        print(f"{label:14s} first {times[0]:.3f} s, median of the rest {statistics.median(times[1:]):.3f} s, "
              f"{size / 1024:.0f} KB")


def _step_cpu(issue_dir: Path, out: Path) -> dict[str, float]:
    """CPU seconds of this process from each step's progress line to the next (the last: to the end)."""
    from layout.build import build
    from layout.messages import set_language

    set_language("en")
    marks: list[tuple[str, float]] = []
    build(issue_dir, out, lambda line: marks.append((line, time.process_time())))
    marks.append(("", time.process_time()))
    starts = {name: t(name) for name in STEPS}
    cpu = {}
    for (line, at), (_, end) in zip(marks, marks[1:]):
        for name, start in starts.items():
            if line.startswith(start.split("{")[0]):
                cpu[name] = end - at
    return cpu


def _builds(pages: int, articles: int) -> None:
    from benchmarks.bench_build import _add_sentence
    from benchmarks.make_issue import make_issue

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        issue = make_issue(tmp / "issue", pages, articles)
        out = tmp / "out"

        def one(into: Path) -> dict[str, float]:
            done = subprocess.run([sys.executable, __file__, "--one-build", str(issue), str(into)],
                                  capture_output=True, text=True, check=True)
            return json.loads(done.stdout.splitlines()[-1])

        runs = {"clean build": one(out), "rebuild, nothing changed": one(out)}
        name = _add_sentence(issue)
        runs[f"one-article edit ({name})"] = one(out)
        shutil.rmtree(out)
        runs["clean build of the edited issue"] = one(out)
        print(f"CPU seconds of the build's own process, generated {pages}-page issue:")
        for label, cpu in runs.items():
            print(f"  {label:40s} " + ", ".join(f"{step} {cpu.get(step, 0.0):.2f} s" for step in STEPS))


if __name__ == "__main__":
    main()
