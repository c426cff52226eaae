"""Planning time, build time and peak memory for the generated 8-page issue (and the sample issue),
against Typst compiling the same text in plain 6-column pages.

    .venv/bin/python benchmarks/bench_build.py [--pages 8] [--articles 40] [--runs 5] [--big-pages 48] [--phases]

Needs the benchmark extra (`pip install -e '.[bench]'`: Typst's Python binding). Prints figures;
asserts nothing (speed is measured here, never in the test suite). Every build and every Typst
compile runs in a fresh process, `layout build` and Typst alternately, so both see the same
machine load; peak RSS is that of the whole process tree (workers included), sampled. Besides the clean
build: a rebuild into the same folder (every page from the page cache) and a rebuild after a one-sentence
edit of one article. --phases prints the seconds of each progress step of those three builds.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_issue import make_issue  # noqa: E402
from layout.model import Issue, Paragraph, Subhead  # noqa: E402
from layout.plan.fit import Fits  # noqa: E402
from layout.plan.grid import MM, PageFormat, page_format  # noqa: E402
from layout.source.plan_pins import load_pins  # noqa: E402
from layout.plan.planner import plan_issue  # noqa: E402
from layout.source.issue_folder import load_issue  # noqa: E402
from layout.text.fonts import resolve  # noqa: E402
from layout.text.issue_text import normalise_issue  # noqa: E402

SAMPLE = ROOT / "issues" / "xuhui-2021-01-22"
_SAMPLE_EVERY = 0.05  # s between two readings of the process tree's memory
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_MIB = 1024 * 1024
_BIG_TIMEOUT = 900  # s for generating and building the big issue: the planner may not finish
_EDIT = "记者从区有关部门获悉，这项工作将在年内全面推开。"  # the sentence added for the edit rebuild
_PROGRESS = "· "  # how the CLI starts a progress line on a stderr that is not a terminal
_HEADLINE_PT = 16.0  # Typst: one plain headline size (no planner there)


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


# --- Running a process: wall time and the peak memory of its tree -------------------------------


def _tree_rss(root: int) -> int:
    """Bytes resident in `root` and all its descendants now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
            children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * _PAGE_BYTES
        except (OSError, IndexError, ValueError):
            pass
        stack += children.get(pid, [])
    return total


@dataclass(frozen=True)
class Run:
    wall: float  # s
    peak_mib: float  # peak RSS of the process tree
    steps: tuple[tuple[float, str], ...] = ()  # (s since start, progress line) as each line came
    cpu: float = 0.0  # user + system s of the process itself (its page workers not counted): steadier on a busy machine


def _run(cmd: list[str], timeout: float | None = None) -> Run:
    """Wall time, the peak memory of the process tree and the progress lines (timed as they came) of
    a command run from the repo root.

    The peak is the larger of the sampled tree total and the largest single process (exact, from
    wait4), so a short peak between two samples is not lost entirely."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        for raw in proc.stderr:
            lines.append((time.perf_counter() - t0, raw.decode(errors="replace").rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if timeout is not None and time.perf_counter() - t0 > timeout:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            raise TimeoutError(f"{' '.join(cmd[:4])} … did not finish in {timeout:.0f} s")
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(_SAMPLE_EVERY)
    wall = time.perf_counter() - t0
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:4])} … failed ({proc.returncode}): "
                           f"{chr(10).join(line for _, line in lines)[-600:]}")
    return Run(wall, max(peak, usage.ru_maxrss * 1024) / _MIB, tuple(lines), usage.ru_utime + usage.ru_stime)


def _layout_build(issue_dir: Path, out: Path, timeout: float | None = None) -> Run:
    # --lang en: progress lines in English, whatever the locale
    return _run([sys.executable, "-m", "layout.cli", "--lang", "en", "build", str(issue_dir), "-o", str(out)],
                timeout)


def _print_steps(name: str, run: Run) -> None:
    """Each progress step (the CLI's "· " lines) with the seconds until the next step began; after the last,
    until the process ended (writing the outputs and the page cache, the notes)."""
    steps = [(at, line) for at, line in run.steps if line.startswith(_PROGRESS)]
    print(f"  phases of the {name} ({run.wall:.2f} s):")
    if steps:
        print(f"    {steps[0][0]:6.2f} s  start-up (imports) until the first step")
    for (at, line), end in zip(steps, [at for at, _ in steps[1:]] + [run.wall]):
        print(f"    {end - at:6.2f} s  {line.removeprefix(_PROGRESS)[:100]}")


# --- The same text with Typst ---------------------------------------------------------------------


def _typst_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a Typst string literal: the same escapes as JSON


def typst_source(issue: Issue) -> str:
    """The issue's text (and photos) as plain 6-column Typst pages of the issue's format and faces:
    headline group, byline, paragraphs and subheads of every article, in order."""
    fmt: PageFormat = page_format(issue.format)
    width, height = fmt.trim
    side = (width - fmt.type_width) / 2
    body, head, caption = resolve("body"), resolve("headline"), resolve("caption")
    out = [
        f"#set page(width: {width:.2f}pt, height: {height:.2f}pt, columns: {fmt.columns}, "
        f"margin: (x: {side:.2f}pt, top: {fmt.margin_top_mm * MM:.2f}pt, bottom: {fmt.margin_top_mm * MM:.2f}pt))",
        f"#set columns(gutter: {fmt.gutter_chars * fmt.body_size:.2f}pt)",
        f'#set text(font: "{body.family}", size: {fmt.body_size}pt, lang: "zh", region: "cn")',
        f"#set par(justify: true, first-line-indent: (amount: 2em, all: true), "
        f"leading: {fmt.line_pitch - fmt.body_size:.2f}pt, spacing: {fmt.line_pitch - fmt.body_size:.2f}pt)",
        f'#let hl(size, s) = block(above: 1em, below: 0.6em, text(font: "{head.family}", weight: {head.weight}, '
        f"size: size, s))",
        f'#let note(s) = block(text(font: "{caption.family}", s))',
        "",
    ]
    for article in issue.articles:
        if article.kicker:
            out.append(f"#hl({_HEADLINE_PT * 0.6}pt, {_typst_string(article.kicker)})")
        out.append(f"#hl({_HEADLINE_PT}pt, {_typst_string(article.headline)})")
        if article.subtitle:
            out.append(f"#hl({_HEADLINE_PT * 0.6}pt, {_typst_string(article.subtitle)})")
        if article.byline:
            out.append(f"#note({_typst_string(article.byline)})")
        for figure in article.figures:
            rel = figure.file.relative_to(issue.root)
            out.append(f'#figure(image("{rel.as_posix()}", width: 100%), caption: {_typst_string(figure.caption)})')
        for block in article.blocks:
            if isinstance(block, Subhead):
                out.append(f"#hl({fmt.body_size}pt, {_typst_string(block.text)})")
            elif isinstance(block, Paragraph):
                out.append(f"#{_typst_string(block.text)}")
            else:
                out.append(f"#note({_typst_string(block.text)})")
            out.append("")
    return "\n".join(out) + "\n"


def _write_typst(issue_dir: Path) -> Path:
    """main.typ in the issue folder (Typst reads the photos relative to it)."""
    issue, _ = normalise_issue(load_issue(issue_dir))
    path = issue_dir / "main.typ"
    path.write_text(typst_source(issue), encoding="utf-8")
    return path


def _typst_compile(source: Path, out: Path) -> Run:
    code = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3])")
    return _run([sys.executable, "-c", code, str(source), str(out), str(source.parent)])


def _typst_pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


# --- Figures ----------------------------------------------------------------------------------------


def _compare(issue_dir: Path, runs: int, tmp: Path) -> tuple[list[float], list[float], float, float, int]:
    """Alternating `layout build` (clean output folder) and Typst runs: walls, peaks, Typst pages."""
    source = _write_typst(issue_dir)
    ours, theirs, our_peak, their_peak = [], [], 0.0, 0.0
    for n in range(runs):
        out = tmp / f"build-{n}"
        run = _layout_build(issue_dir, out)
        shutil.rmtree(out)
        ours.append(run.wall)
        our_peak = max(our_peak, run.peak_mib)
        run = _typst_compile(source, tmp / "typst.pdf")
        theirs.append(run.wall)
        their_peak = max(their_peak, run.peak_mib)
    return ours, theirs, our_peak, their_peak, _typst_pages(tmp / "typst.pdf")


def _add_sentence(issue_dir: Path) -> str:
    """Add _EDIT to the end of the first paragraph of one article (the middle one); its file name."""
    article = sorted((issue_dir / "articles").glob("*.md"))[len(list((issue_dir / "articles").glob("*.md"))) // 2]
    head, sep, body = article.read_text(encoding="utf-8").partition("\n---\n")
    first, rest = (body.split("\n\n", 1) + [""])[:2]
    article.write_text(head + sep + first.rstrip("\n") + _EDIT + "\n\n" + rest, encoding="utf-8")
    return article.name


def _differing(a: Path, b: Path) -> list[str]:
    """Files (relative paths) that differ between two output folders, caches left out."""
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*")
                if p.is_file() and not p.relative_to(root).parts[0].startswith(".")}
    fa, fb = files(a), files(b)
    return sorted((fa ^ fb) | {f for f in fa & fb if not filecmp.cmp(a / f, b / f, shallow=False)})


@dataclass(frozen=True)
class Rebuilds:
    clean: Run  # a build into a new folder
    cached: Run  # the same build again into that folder: every page from the page cache
    edit: Run  # after a one-sentence edit of one article, into that folder
    typst: float  # Typst's seconds on the edited text
    differing: list[str]  # files of the edit rebuild that differ from a clean build of the edited issue
    article: str  # the edited article's file


def _rebuilds(issue_dir: Path, tmp: Path) -> Rebuilds:
    edited = tmp / "edited"
    shutil.copytree(issue_dir, edited)
    out = tmp / "incremental"
    clean = _layout_build(edited, out)
    cached = _layout_build(edited, out)
    name = _add_sentence(edited)
    edit = _layout_build(edited, out)
    _layout_build(edited, tmp / "clean")
    typst = _typst_compile(_write_typst(edited), tmp / "typst-edited.pdf")
    return Rebuilds(clean, cached, edit, typst.wall, _differing(out, tmp / "clean"), name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5, help="alternating runs of each for the ratio of medians")
    parser.add_argument("--big-pages", type=int, default=48, help="the issue whose peak RSS is measured too (0: none)")
    parser.add_argument("--phases", action="store_true", help="the seconds of each progress step of the rebuilds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        bench = make_issue(tmp / "bench", args.pages, args.articles)
        for name, issue_dir in (("sample issue", SAMPLE), (f"generated {args.pages}-page issue", bench)):
            cold, warm, pages = _plan_times(issue_dir)
            run = _layout_build(issue_dir, tmp / "once")
            shutil.rmtree(tmp / "once")
            print(f"{name}: {pages} pages; compose+plan {cold:.3f} s; plan alone {warm:.3f} s; "
                  f"build {run.wall:.1f} s; peak RSS {run.peak_mib:.0f} MiB", flush=True)

        ours, theirs, our_peak, their_peak, typst_pages = _compare(bench, args.runs, tmp)
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(f"layout build vs Typst, {args.runs} alternating runs on the generated {args.pages}-page issue "
              f"(Typst: {typst_pages} plain 6-column pages of the same text):\n"
              f"  layout build median {statistics.median(ours):.2f} s (runs {', '.join(f'{w:.2f}' for w in ours)}),"
              f" peak RSS {our_peak:.0f} MiB\n"
              f"  Typst        median {statistics.median(theirs):.2f} s (runs {', '.join(f'{w:.2f}' for w in theirs)}),"
              f" peak RSS {their_peak:.0f} MiB\n"
              f"  ratio of medians {ratio:.1f}×", flush=True)

        r = _rebuilds(bench, tmp)
        same = "identical to a clean build" if not r.differing else f"differs from a clean build in {', '.join(r.differing)}"
        print(f"rebuild into the same folder, nothing changed: {r.cached.wall:.2f} s, {r.cached.cpu:.2f} s CPU "
              f"(the clean build before it {r.clean.wall:.2f} s, {r.clean.cpu:.2f} s CPU without its page workers)\n"
              f"one-article edit (a sentence added to articles/{r.article}), rebuilt into the same folder: "
              f"{r.edit.wall:.2f} s, {r.edit.cpu:.2f} s CPU ({r.edit.wall / r.typst:.1f}× Typst's {r.typst:.2f} s "
              f"on the edited text); {same}",
              flush=True)
        if args.phases:
            for name, run in (("clean build", r.clean), ("rebuild, nothing changed", r.cached),
                              ("one-article edit rebuild", r.edit)):
                _print_steps(name, run)

        big = tmp / "big"
        if not args.big_pages:
            return
        try:
            _run([sys.executable, "-m", "benchmarks.make_issue", str(big), "--pages", str(args.big_pages),
                  "--articles", str(args.articles * args.big_pages // args.pages)], _BIG_TIMEOUT)
            run = _layout_build(big, tmp / "big-out", _BIG_TIMEOUT)
            print(f"peak RSS: {our_peak:.0f} MiB at {args.pages} pages, {run.peak_mib:.0f} MiB at {args.big_pages} "
                  f"pages (build {run.wall:.1f} s)")
        except (TimeoutError, RuntimeError, SystemExit) as e:
            print(f"peak RSS: {our_peak:.0f} MiB at {args.pages} pages; {args.big_pages} pages not measured: {e}")


if __name__ == "__main__":
    main()
