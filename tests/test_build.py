"""End to end: the sample issue builds, and what a reader sees matches what the editors wrote
(issue 2)."""
from __future__ import annotations

import re

import pikepdf
import pytest

from conftest import SAMPLE, SEED, run_layout
from layout.model import Paragraph
from layout.source.issue_folder import load_issue
from layout.text.issue_text import normalise_issue
from pdftext import article_texts, load_layout, squash


def test_outputs_exist(sample_build):
    names = sorted(p.name for p in sample_build.iterdir())
    assert {"XHB-20210122.pdf", "XHB-20210122.epub", "layout.json"} <= set(names)
    assert not [n for n in names if n.endswith(".part")]


def _fonts(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for _, font in (page.Resources.get("/Font") or {}).items():
            yield font
            for descendant in font.get("/DescendantFonts", []):
                yield descendant


def test_every_font_embedded(sample_build):
    with pikepdf.open(sample_build / "XHB-20210122.pdf") as pdf:
        fonts = list(_fonts(pdf))
        assert fonts
        for font in fonts:
            if font.Subtype == "/Type0":
                continue  # the descendant carries the descriptor
            descriptor = font.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont


def test_fonts_by_role(sample_build):
    """Song body, Hei headlines, Kai captions (issue 2, item 4)."""
    with pikepdf.open(sample_build / "XHB-20210122.pdf") as pdf:
        names = {str(f.BaseFont).replace("-", "") for f in _fonts(pdf)}
    assert any("NotoSerifCJK" in n for n in names), names
    assert any("NotoSansCJK" in n for n in names), names
    assert any("LXGWWenKai" in n for n in names), names


def test_every_paragraph_in_order(sample_build):
    """Each normalised paragraph of every article is in the PDF, inside its article's modules, in order."""
    issue, _ = normalise_issue(load_issue(SAMPLE))
    texts = article_texts(sample_build / "XHB-20210122.pdf", load_layout(sample_build))
    for article in issue.articles:
        # A jump puts 下转, the continuation's short headline and 上接 inside the text: not the article's.
        seen = re.sub(r"（下转第\d+版）.*?（上接第\d+版）", "", squash(texts[article.id]))
        assert squash(article.headline) in seen
        at = 0
        for block in article.blocks:
            found = seen.find(squash(block.text), at)
            assert found >= 0, f"{article.id} line {block.line}: {block.text[:20]}… missing or out of order"
            at = found + len(squash(block.text))


def test_sample_is_faithful_to_seed():
    """The sample issue's paragraphs are the seed's, page-break splits joined, nothing reworded."""
    seed = SEED.read_text(encoding="utf-8")
    joined = re.sub(r"(?<=[^。！？”：\n])\n\s*\n(?=[^\n])", "", seed)  # the page-break splits
    issue = load_issue(SAMPLE)
    for article in issue.articles:
        for block in article.blocks:
            if isinstance(block, Paragraph):
                assert block.text in joined, block.text[:30]


def test_masthead_on_front_page(sample_build):
    import pdfplumber

    with pdfplumber.open(sample_build / "XHB-20210122.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    text = text.replace(" ", "")
    assert "徐汇报" in text and "2021年1月22日" in text and "农历庚子年腊月初十" in text


def test_version_and_help():
    assert run_layout("--lang", "en", "--version").stdout.strip() == "layout, version 0.1.0"
    assert run_layout("--lang", "zh", "--version").stdout.strip() == "layout 版本 0.1.0"
    for cmd in ("build", "plan", "import", "check", "new", "preview"):
        result = run_layout("--lang", "zh", cmd, "--help")
        assert result.returncode == 0 and "用法" in result.stdout and "Usage" not in result.stdout, cmd
        result = run_layout("--lang", "en", cmd, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, cmd


@pytest.mark.slow  # `layout check ISSUE` runs EPUBCheck, Ace and preflight
def test_missing_glyph_and_cut_text_are_reported(tmp_path):
    """Nothing is lost silently: a character no font of its role has, and text cut because the
    article allows it, are named with their article (issue 3 item 2; invariant 3)."""
    from conftest import ARTICLE, ISSUE_TOML, write_issue

    long_body = "\n\n".join("这是一段很长的测试正文，用来检查删节是否报告。" * 8 for _ in range(60))
    one_page = ISSUE_TOML.split("[[pages]]\nnumber = 2")[0]
    issue = write_issue(tmp_path / "i", {
        "01-a.md": ARTICLE.replace("第二段正文。", "第二段含扩展字𪚥正文。"),
        "02-b.md": ARTICLE.replace("priority: 1", "priority: 2\nallow_cut: true").replace(
            "第一段正文，内容用于测试。\n\n第二段正文。", long_body),
    }, toml=one_page)
    result = run_layout("--lang", "en", "build", issue, "-o", tmp_path / "out", "--no-fonts")
    assert result.returncode == 0, result.stderr
    assert "01-a.md:9" in result.stderr and "𪚥" in result.stderr and "U+2A6A5" in result.stderr
    assert "02-b.md" in result.stderr and "characters are cut" in result.stderr
    check = run_layout("--lang", "en", "check", issue)
    assert check.returncode == 1 and "characters are cut" in check.stdout and "U+2A6A5" in check.stdout
