"""Page quality of the planner on the corpus of realistic issues (tests/corpus/).

    .venv/bin/python benchmarks/quality.py [ISSUE_DIR ...] [--limit 60] [--notes]

Plans every issue in process (no PDF) and prints, for every page, the figures of
layout/check/quality.py: fill, side-by-side headlines, headline-size inversions by priority,
multi-column modules under 4 lines per column, headlines broken inside a word, the 头条's
headline position on page 1, the photos' share, and the issue's planning time; then totals.
An issue that does not load, is refused or runs past --limit seconds is listed with why.
Prints figures and exits 0 (speed and quality are read here, never asserted).
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layout.build import plan_only  # noqa: E402
from layout.check.quality import MIN_FILL, LEAD_TOP_SHARE, PageQuality, issue_quality  # noqa: E402
from layout.errors import BuildError, InputError  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
DEFAULT_LIMIT_S = 60
COLUMNS = ("issue", "版", "fill", "tomb", "invert", "short", "wbreak", "lead", "photo", "plan s", "ok")


class _OutOfTime(Exception):
    pass


def _alarm(signum, frame):
    raise _OutOfTime


def plan_with_limit(issue_dir: Path, limit: float):
    """(Planned, seconds) or (reason, seconds); the plan is cut off after `limit` seconds."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        return plan_only(issue_dir), time.perf_counter() - start
    except _OutOfTime:
        return f"not planned within {limit:g} s", time.perf_counter() - start
    except InputError as e:
        where = f"{Path(e.path).relative_to(issue_dir) if e.path else ''}{f':{e.line}' if e.line else ''}"
        return f"does not load: {where}: {e.message}", time.perf_counter() - start
    except BuildError as e:
        return f"refused: {e}", time.perf_counter() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _row(name: str, q: PageQuality, seconds: float) -> tuple[str, ...]:
    lead = f"{q.lead_top:.0%}" if q.lead_top is not None else "-"
    fill = f"{q.fill:.1%}" + ("*" if q.last else "")
    return (name, str(q.page), fill, str(q.tombstones), str(q.inversions), str(q.short_modules),
            str(q.word_breaks), lead, f"{q.photo_share:.0%}", f"{seconds:.2f}", "yes" if not q.failures() else "no")


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[k]) for r in rows + [COLUMNS]) for k in range(len(COLUMNS))]
    for r in [COLUMNS] + rows:
        print("  ".join(cell.ljust(w) if k == 0 else cell.rjust(w) for k, (cell, w) in enumerate(zip(r, widths))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("issues", nargs="*", type=Path, help="issue folders (default: every corpus issue)")
    parser.add_argument("--limit", type=float, default=DEFAULT_LIMIT_S, help="seconds allowed per issue")
    parser.add_argument("--notes", action="store_true", help="say what each non-zero figure is made of")
    args = parser.parse_args()
    issues = args.issues or sorted(p for p in CORPUS.iterdir() if (p / "issue.toml").exists())

    rows, notes, unplanned, pages, passing, total_s = [], [], [], 0, 0, 0.0
    totals = dict(tombstones=0, inversions=0, short_modules=0, word_breaks=0)
    for issue_dir in issues:
        result, seconds = plan_with_limit(issue_dir, args.limit)
        total_s += seconds
        if isinstance(result, str):
            unplanned.append(f"{issue_dir.name}: {result} ({seconds:.1f} s)")
            continue
        for q in issue_quality(result.issue, result.plan, result.frames.pages, result.fmt):
            rows.append(_row(issue_dir.name, q, seconds))
            pages += 1
            passing += not q.failures()
            for key in totals:
                totals[key] += getattr(q, key)
            notes += [f"{issue_dir.name} 第{q.page}版: {n}" for n in q.notes]
            if not q.last and q.fill < MIN_FILL:
                notes.append(f"{issue_dir.name} 第{q.page}版: fill {q.fill:.1%}")
    if rows:
        _print_table(rows)
    print(f"\n* the issue's last page (fill may be under {MIN_FILL:.0%}); lead = top of the 头条's 主题 as a share "
          f"of the type area (≤ {LEAD_TOP_SHARE:.0%}); photo = photo area / type area; plan s = the whole issue")
    print(f"issues: {len(issues)}, planned: {len(issues) - len(unplanned)}; pages planned: {pages}, "
          f"passing every figure: {passing}; planning time {total_s:.1f} s in all")
    print("totals: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    for line in unplanned:
        print(f"not planned: {line}")
    if args.notes:
        for line in notes:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
