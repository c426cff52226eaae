"""How long the loader takes to refuse hostile front matter (issue 13: no hang), and the planner to
set hostile copy (issue 10: no hang).

    .venv/bin/python benchmarks/bench_hostile.py

Prints the time load_issue needs to refuse each case: a 400-byte YAML alias bomb (nine levels of nine
aliases, which a loader that expands or walks aliases takes minutes and gigabytes over), 5,000-deep
nesting, a 5,000-digit number and a 1 MB body of noncharacters. Best of ROUNDS after a warm-up.

Then the CPU time plan_only needs (twice, each in a fresh temp copy) for the sample issue plus 24
one-line items (round 1 did not finish in 150 s) and for one page of 30 short items, with the
outcome (planned, or refused and why).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layout.build import plan_only  # noqa: E402
from layout.errors import BuildError, InputError  # noqa: E402
from layout.source.issue_folder import load_issue  # noqa: E402

ROUNDS = 5
TOML = ('[paper]\nname = "测试报"\ncode = "TST"\n\n[issue]\ndate = 2021-01-22\nnumber = 1\ntotal = 1\n\n'
        '[[pages]]\nnumber = 1\nsection = "要闻"\n')
BOMB = "".join(f"{a}: &{a} [{', '.join([f'*{p}' if p else 'lol'] * 9)}]\n"
               for p, a in zip(["", *"abcdefgh"], "abcdefghi"))
CASES = {
    f"alias bomb ({len(BOMB)} bytes)": f"---\nheadline: 标题\n{BOMB}---\n正文。\n",
    "nesting 5,000 deep": "---\nheadline: 标题\nphoto: " + "[" * 5000 + "]" * 5000 + "\n---\n正文。\n",
    "5,000-digit priority": "---\nheadline: 标题\npriority: 1" + "0" * 5000 + "\n---\n正文。\n",
    "1 MB body ending in U+FFFF": "---\nheadline: 标题\n---\n" + "正文。" * 100_000 + "\uffff\n",
}


SAMPLE = Path(__file__).resolve().parents[1] / "issues" / "xuhui-2021-01-22"
PLAN_ROUNDS = 2
ONE_LINE = "街道组织志愿者开展垃圾分类宣传。"  # about one line of a column


def _item(headline: str, text: str) -> str:
    return f"---\nheadline: {headline}\npriority: 5\n---\n{text}\n"


def _sample_plus_one_liners(root: Path) -> None:
    shutil.copytree(SAMPLE, root)
    for n in range(24):
        (root / "articles" / f"9{n:02d}-brief.md").write_text(_item(f"简讯标题第{n}条", ONE_LINE), encoding="utf-8")


def _page_of_short_items(root: Path) -> None:
    (root / "articles").mkdir(parents=True)
    (root / "issue.toml").write_text(TOML, encoding="utf-8")
    for n in range(30):
        text = ONE_LINE * (1 + n % 4)
        (root / "articles" / f"{n:02d}.md").write_text(_item(f"社区短讯第{n + 1}条", text), encoding="utf-8")


def plans() -> None:
    cases = {"sample + 24 one-line items": _sample_plus_one_liners, "one page of 30 short items": _page_of_short_items}
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in cases.items():
            times = []
            for n in range(PLAN_ROUNDS):
                root = Path(tmp) / f"{make.__name__}{n}"
                make(root)
                start = time.process_time()
                try:
                    planned = plan_only(root)
                    outcome = f"planned, {len(planned.plan.pages)} pages"
                except BuildError as e:
                    outcome = f"refused: {e}"
                times.append(time.process_time() - start)
            print(f"{name:32} {' / '.join(f'{s:.2f}' for s in times)} s CPU (load, compose, plan): {outcome}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, article in CASES.items():
            root = Path(tmp) / name.split()[0]
            (root / "articles").mkdir(parents=True)
            (root / "issue.toml").write_text(TOML, encoding="utf-8")
            (root / "articles" / "01.md").write_text(article, encoding="utf-8")
            best = float("inf")
            for _ in range(ROUNDS + 1):
                start = time.perf_counter()
                try:
                    load_issue(root)
                except InputError as e:
                    message = e.message
                best = min(best, time.perf_counter() - start)
            print(f"{name:32} refused in {best * 1000:8.2f} ms: {message}")


if __name__ == "__main__":
    main()
    plans()
