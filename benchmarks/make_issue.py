"""Generate a benchmark issue: an 8-page 四开 issue of about 40 articles made from the seed text,
with as much copy as the planner fits on the pages.

Paragraphs, headlines and subheads are the sample issue's own (taken from the seed), recombined
with a fixed random seed, so the issue is the same every run. Some articles carry the sample's
placeholder photo.

    .venv/bin/python benchmarks/make_issue.py OUT_DIR [--pages 8] [--articles 40]
"""
from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "xuhui-2021-01-22"
SECTIONS = ["要闻", "综合", "区情", "社区", "经济", "民生", "文化", "副刊", "专题", "服务"]


def _sample_text() -> tuple[list[str], list[str]]:
    """(paragraphs, headline candidates) of the sample issue."""
    import sys

    sys.path.insert(0, str(ROOT))
    from layout.model import Paragraph, Subhead
    from layout.source.issue_folder import load_issue

    issue = load_issue(SAMPLE)
    paragraphs = [b.text for a in issue.articles for b in a.blocks if isinstance(b, Paragraph)]
    heads = [a.headline for a in issue.articles] + [b.text for a in issue.articles for b in a.blocks
                                                     if isinstance(b, Subhead)]
    return paragraphs, heads


# Body characters per page to aim at, most first (四开, 6 × 11 characters, headlines and photos taking
# their share): the generator keeps the most copy that the planner fits on the issue's pages.
CHARS_PER_PAGE = range(2200, 1600, -50)


def _priority(i: int, per_page: int, rng: random.Random) -> int:
    """As editors mark them: one 头条 per page's worth of copy, some 二条, the rest left at the default."""
    if i % per_page == 0:
        return 1
    return 3 if rng.random() < 0.3 else 5


def make_issue(out: Path, pages: int = 8, articles: int = 40, seed: int = 20210122) -> Path:
    """The fullest issue of this many pages and articles that the planner can place."""
    from layout.build import plan_only
    from layout.errors import CopyOverflow

    for per_page in CHARS_PER_PAGE:
        _write_issue(out, pages, articles, seed, per_page)
        try:
            plan_only(out)
            return out
        except CopyOverflow:
            continue
    raise SystemExit(f"no amount of copy from {CHARS_PER_PAGE} characters a page fits {pages} pages")


def _write_issue(out: Path, pages: int, articles: int, seed: int, per_page: int) -> None:
    rng = random.Random(seed)
    # Lengths like a weekly's: mostly short items, some long features, scaled to the pages.
    lengths = [rng.choice([70, 135, 200, 280, 390, 540, 750]) for _ in range(articles)]
    scale = per_page * pages / sum(lengths)
    paragraphs, heads = _sample_text()
    sentences = [s + "。" for p in paragraphs for s in p.split("。") if s]
    if out.exists():
        shutil.rmtree(out)
    (out / "articles").mkdir(parents=True)
    (out / "images").mkdir()
    shutil.copy(SAMPLE / "images" / "placeholder-yanglao.png", out / "images" / "photo.png")
    toml = ['format = "tabloid"', "", "[paper]", 'name = "徐汇报"', 'code = "BENCH"', "", "[issue]",
            "date = 2021-01-22", "number = 3", "total = 1587", ""]
    for n in range(1, pages + 1):
        toml += ["[[pages]]", f"number = {n}", f'section = "{SECTIONS[(n - 1) % len(SECTIONS)]}"', ""]
    (out / "issue.toml").write_text("\n".join(toml), encoding="utf-8")
    for i in range(articles):
        target = lengths[i] * scale
        body, size = [], 0
        while size < target:
            # A paragraph of a few of the seed's sentences, so lengths land near the target.
            p = "".join(rng.choice(sentences) for _ in range(rng.randint(1, 3)))
            body.append(p)
            size += len(p)
        front = {"headline": rng.choice(heads), "priority": _priority(i, articles // pages, rng),
                 "byline": rng.choice(["记者 姚丽敏", "记者 张文菁", "宗河", "文/记者 柴斌 施昱辰"]),
                 "byline_position": rng.choice(["top", "dateline", "end"]), "dateline": "本报讯"}
        if rng.random() < 0.35:
            front["images"] = [{"file": "images/photo.png", "caption": "占位图：生成的示意图。", "credit": "朱亮",
                                "alt": "占位图"}]
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + "\n\n".join(body) + "\n"
        (out / "articles" / f"{i + 1:02d}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--articles", type=int, default=40)
    args = parser.parse_args()
    print(make_issue(args.out, args.pages, args.articles))
