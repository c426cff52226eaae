"""Verse (issue 14): a paragraph whose lines end in a hard break, or a ```verse block, is set line by line
in print and in the EPUB; the 编者按 is set apart by rules in print (house style [note])."""
from __future__ import annotations

import zipfile
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree

import pdfplumber
import pytest

from conftest import ISSUE_TOML, shared_folder, write_issue
from layout.build import build, plan_only
from layout.errors import InputError
from layout.house import MM, house
from layout.model import EditorsNote, Paragraph, Verse
from layout.source.markdown_body import parse_body
from pdftext import load_layout, module_chars

POEM = ("春风吹过黄浦江，", "两岸灯火映波光。", "老街深处闻茶香，", "梧桐树下话家常。",
        "孩童追逐笑声朗，", "老人含饴乐安康。", "一年好景从头数，", "万家团圆迎吉祥。")
ONE_PAGE = ISSUE_TOML.split("[[pages]]\nnumber = 2")[0]
POEM_ARTICLE = f"""\
---
headline: 春天的诗
byline: 作者 某某
page: 1
priority: 1
---
> 编者按：本版刊发读者来稿诗歌一首，以飨读者。

诗前一段引言，介绍这首诗的创作背景。

```verse
{chr(10).join(POEM)}
```

诗后一段说明文字。
"""
XHTML = {"h": "http://www.w3.org/1999/xhtml"}


def test_hard_breaks_and_verse_fences_make_verse():
    body = ("前言一段。\n\n床前明月光，\\\n疑是地上霜。  \n举头望明月，\\\n低头思故乡。\n\n"
            "```verse\n第一行\n第二行\n\n第三行\n```\n\n> 编者按：按语一行，\\\n不是诗。\n")
    blocks = parse_body(body, Path("a.md"), 5)
    assert blocks == (Paragraph("前言一段。", 5), Verse(("床前明月光，", "疑是地上霜。", "举头望明月，", "低头思故乡。"), 7),
                      Verse(("第一行", "第二行", "", "第三行"), 13), EditorsNote("编者按：按语一行，不是诗。", 19))
    assert blocks[1].text == "床前明月光，疑是地上霜。举头望明月，低头思故乡。"  # counted and checked like prose


def test_other_fenced_blocks_are_still_refused():
    with pytest.raises(InputError, match="```verse") as e:  # the message points at the verse block
        parse_body("正文。\n\n```python\nprint()\n```\n", Path("a.md"), 5)
    assert e.value.line == 7


def test_normalising_keeps_the_lines(tmp_path):
    """The text stage normalises each line on its own: joining them would run the poem on as prose."""
    root = write_issue(tmp_path / "issue", {"01-poem.md": POEM_ARTICLE.replace("闻茶香，", "闻茶香,")}, ONE_PAGE)
    planned = plan_only(root)
    verse = next(b for b in planned.issue.articles[0].blocks if isinstance(b, Verse))
    assert verse.lines == POEM
    lines = [line.text for page in planned.frames.pages for line in page.lines if line.part == "verse"]
    assert lines == list(POEM)  # each line composed on its own


def _poem_build(base: Path) -> None:
    build(write_issue(base / "issue", {"01-poem.md": POEM_ARTICLE}, ONE_PAGE), base / "out")


@pytest.fixture(scope="module")
def poem_build(tmp_path_factory) -> Path:
    return shared_folder(tmp_path_factory, "poem", _poem_build) / "out"


def _printed_lines(out: Path) -> list[str]:
    """The body lines of the poem's modules as printed, column by column, line by line (pdfplumber)."""
    layout = load_layout(out)
    grid = layout["grid"]
    pitch, column_pitch = grid["line_pitch_pt"], (grid["chars_per_column"] + 1) * grid["body_size_pt"]
    rows: dict[tuple, list] = defaultdict(list)
    with pdfplumber.open(out / "TST-20210122.pdf") as pdf:
        for page_info in layout["pages"]:
            page = pdf.pages[page_info["number"] - 1]
            for m in page_info["modules"]:
                top = m["mm"]["y"] * MM + m["top_lines"] * pitch
                for c in module_chars(page, m):
                    middle = (c["top"] + c["bottom"]) / 2
                    if middle > top:
                        column = int(((c["x0"] + c["x1"]) / 2 - m["mm"]["x"] * MM) // column_pitch)
                        rows[(page_info["number"], column, int((middle - top) // pitch))].append(c)
    return ["".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])).strip() for _, chars in sorted(rows.items())]


def test_a_poem_of_eight_lines_prints_as_eight_lines(poem_build):
    lines = _printed_lines(poem_build)
    assert [line for line in lines if line in POEM] == list(POEM)
    assert not [line for line in lines if any(p in line and p != line for p in POEM)]  # none run together


def test_verse_lines_are_indented_by_the_house_style(poem_build):
    indent = house()["verse"]["indent_em"]
    layout = load_layout(poem_build)
    size = layout["grid"]["body_size_pt"]
    with pdfplumber.open(poem_build / "TST-20210122.pdf") as pdf:
        chars = pdf.pages[0].chars
    module = layout["pages"][0]["modules"][0]
    column_pitch = (layout["grid"]["chars_per_column"] + 1) * size

    def starts(line: str) -> dict:
        """The printed first character of a poem line: followed on its line by the line's second."""
        return next(c for c in chars if c["text"] == line[0] and any(
            d["text"] == line[1] and abs(d["top"] - c["top"]) < 1 and 0 < d["x0"] - c["x0"] < 1.5 * size
            for d in chars))

    firsts = [starts(line) for line in POEM]
    for c in firsts:
        offset = (c["x0"] - module["mm"]["x"] * MM) % column_pitch
        assert offset == pytest.approx(indent * size, abs=0.6)


def test_a_poem_of_eight_lines_is_eight_lines_in_the_epub(poem_build):
    with zipfile.ZipFile(poem_build / "TST-20210122.epub") as book:
        page = ElementTree.fromstring(book.read("EPUB/page-01.xhtml"))
    (verse,) = page.iterfind(".//h:p[@class='verse']", XHTML)
    assert len(verse.findall("h:br", XHTML)) == len(POEM) - 1
    assert [verse.text] + [br.tail for br in verse.findall("h:br", XHTML)] == list(POEM)


def test_editors_note_has_rules_above_and_below_in_print(poem_build):
    """house.toml [note] frame = "rules": a thin rule over the note's first line and under its last."""
    assert house()["note"]["frame"] == "rules"
    layout = load_layout(poem_build)
    pitch = layout["grid"]["line_pitch_pt"]
    with pdfplumber.open(poem_build / "TST-20210122.pdf") as pdf:
        page = pdf.pages[0]
        chars = page.chars
        note = [c for c, d in zip(chars, chars[1:]) if c["text"] + d["text"] == "编者"]
        rects = [r for r in page.rects if r["height"] < 1.5 and r["width"] > 20]
    top = min(c["top"] for c in note)
    above = [r for r in rects if 0 < top - r["top"] < pitch / 2 and r["x0"] <= note[0]["x0"] <= r["x1"]]
    assert above, "no rule over the 编者按"
    below = [r for r in rects if r["top"] > top and r["x0"] == above[0]["x0"] and r["width"] == above[0]["width"]]
    assert below and below[0]["top"] - top < 4 * pitch  # the note's three lines end in one column


def test_the_poem_epub_is_valid(poem_build):
    from layout.check.epub_validate import validate_epub

    assert validate_epub(poem_build / "TST-20210122.epub") == []
