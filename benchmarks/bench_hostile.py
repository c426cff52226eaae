"""How long the loader takes to refuse hostile front matter (issue 13: no hang).

    .venv/bin/python benchmarks/bench_hostile.py

Prints the time load_issue needs to refuse each case: a 400-byte YAML alias bomb (nine levels of nine
aliases, which a loader that expands or walks aliases takes minutes and gigabytes over), 5,000-deep
nesting, a 5,000-digit number and a 1 MB body of noncharacters. Best of ROUNDS after a warm-up.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layout.errors import InputError  # noqa: E402
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
