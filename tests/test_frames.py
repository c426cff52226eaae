"""The frame stage (docs/design.md, "Frames"): every painted line is where its frame puts it, in the face
it was measured with; frames are deterministic; layout.json's rectangles are the frames' zones; and only
the planner and the frames read the composer's measurements."""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
from functools import cache
from io import BytesIO
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from conftest import ISSUE_TOML, ROOT, SAMPLE, write_issue
from layout.build import plan_only
from layout.frame import Face, LineFrame
from layout.errors import BuildError
from layout.house import FONTS, STYLES, house
from layout.render.paint import paint
from layout.render.pdfx import resolve_profile
from layout.render.weasy import render_pdf
from layout.text.fonts import match
from layout.text.parts import PART_NAMES, parse_parts, parts

POSITION_PT = 0.05  # how far a glyph may be painted from where the composer put it
KICKER = "第3届产业大会 AI+ 2026"  # ends in Latin and digits: their advances differ between Hei Regular and Bold

BRIEF = "---\nheadline: 简讯标题{n}\npriority: {p}\npage: 1\n---\n图书馆延长开放时间，方便读者借阅。\n"
LEAD = f"""\
---
headline: 区委召开常委会研究部署重点工作
kicker: {KICKER}
subtitle: 会议强调要抓好各项任务落实
byline: 记者 某某
page: 1
priority: 1
images:
  - file: images/p.jpg
    caption: 会议现场。
    alt: 会议现场
---
> 编者按：本报今起开设专栏，记录基层治理的新做法。

会议研究部署今年重点工作，听取各部门情况汇报，对下一阶段工作作出安排。{"会议强调要抓好各项任务落实。" * 12}

## 以共享信息数字化助力注册登记便利化

{"第二段正文，继续介绍会议内容。" * 10}

```verse
春风吹绿江南岸，
细雨润物细无声。
```
"""
ONE_PAGE = ISSUE_TOML.split("[[pages]]\nnumber = 2")[0]


@pytest.fixture(scope="module")
def parts_issue(tmp_path_factory) -> Path:
    """One page with every part but the jump: kicker (with Latin and digits), 主题, 副题, byline, 编者按,
    body, subhead, verse, a photo's caption, and three briefs under the 简讯 label."""
    photo = BytesIO()
    Image.new("RGB", (1500, 1000), "grey").save(photo, "JPEG")
    articles = {"01-lead.md": LEAD, **{f"0{n}-brief.md": BRIEF.format(n=n, p=n + 3) for n in (2, 3, 4)}}
    return write_issue(tmp_path_factory.mktemp("frames") / "issue", articles, ONE_PAGE,
                       images={"images/p.jpg": photo.getvalue()})


@cache
def _painted(root: Path) -> tuple:
    """The issue planned and framed in process, and each page's PDF as the painter renders it."""
    planned = plan_only(root)
    profile = resolve_profile(planned.issue, STYLES)
    htmls = paint(planned.issue, planned.frames, planned.fmt, profile)
    return planned, [render_pdf(html, root, (root, STYLES, FONTS)) for html in htmls]


@cache
def _postscript_name(face: Face) -> str:
    found = match(face.family, face.weight)
    return TTFont(found.path, fontNumber=found.index, lazy=True)["name"].getDebugName(6)


def _embedded_faces(pdf: bytes) -> dict[str, str]:
    """PDF font name (as pdfplumber gives it) → the PostScript name inside the embedded font file: the
    face WeasyPrint painted with, whatever it calls the subset."""
    out = {}
    with pikepdf.open(BytesIO(pdf)) as doc:
        for font in doc.pages[0].Resources.Font.values():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            data = next(descriptor[k].read_bytes() for k in ("/FontFile2", "/FontFile3") if k in descriptor)
            out[str(font.BaseFont)[1:]] = TTFont(BytesIO(data))["name"].getDebugName(6)
    return out


def _chars_by_line(lines: tuple[LineFrame, ...], pdf: bytes) -> list[tuple[LineFrame, list[dict]]]:
    """Each framed line with the PDF's characters inside its box (the glyph's centre; half an em of leeway
    across for punctuation set into the margin, less than the gutter to the next column)."""
    faces = _embedded_faces(pdf)
    with pdfplumber.open(BytesIO(pdf)) as doc:
        chars = [{**c, "face": faces[c["fontname"]]} for c in doc.pages[0].chars if c["text"].strip()]
    out = []
    for line in lines:
        inside = [c for c in chars
                  if line.y <= (c["top"] + c["bottom"]) / 2 <= line.y + line.height
                  and line.x - line.size / 2 <= (c["x0"] + c["x1"]) / 2 <= line.x + line.width + line.size / 2]
        out.append((line, inside))
    return out


def _painted_lines(root: Path):
    planned, pdfs = _painted(root)
    for frame, pdf in zip(planned.frames.pages, pdfs):
        yield from _chars_by_line(frame.lines, pdf)


def test_every_line_is_painted_in_the_face_it_was_measured_with(parts_issue):
    """Invariant 1: the face of every glyph in the PDF is its line's measured face, for every part."""
    seen = set()
    # a dense corpus issue has the jump lines (下转/上接)
    for root in (parts_issue, ROOT / "tests" / "corpus" / "xuhui-2026-12-11"):
        for line, chars in _painted_lines(root):
            assert len(chars) == len(line.text.replace(" ", "").replace("\u3000", "")), (line.part, line.text)
            assert {c["face"] for c in chars} == {_postscript_name(line.face)}, (line.part, line.text, line.face)
            seen.add(line.part)
    assert seen == set(PART_NAMES)


def test_kicker_with_latin_and_digits_ends_where_the_composer_put_it(parts_issue):
    """The 引题 is measured in the face it is painted in: its last glyph ends at the composed width."""
    (kicker, chars), = [(line, chars) for line, chars in _painted_lines(parts_issue) if line.part == "kicker"]
    assert kicker.text.replace(" ", "") == KICKER.replace(" ", "")
    assert abs(min(c["x0"] for c in chars) - (kicker.x + kicker.runs[0].x)) <= POSITION_PT
    assert abs(max(c["x1"] for c in chars) - (kicker.x + kicker.width)) <= POSITION_PT


def test_painted_glyphs_start_where_the_frames_put_each_run(parts_issue):
    """Each run's first glyph sits at the run's x on the line's frame, and on the line's box."""
    for line, chars in _painted_lines(parts_issue):
        for run in line.runs:
            if not run.text.strip():
                continue
            first = run.text.strip()[0]
            start = line.x + run.x
            assert any(c["text"] == first and abs(c["x0"] - start) <= POSITION_PT for c in chars), \
                (line.part, line.text, run.text)


FRAMES_DIGEST = """\
import hashlib, sys
from pathlib import Path
from layout.build import plan_only
print(hashlib.sha256(repr(plan_only(Path(sys.argv[1])).frames).encode()).hexdigest())
"""


def test_frames_are_deterministic(parts_issue):
    """The same issue gives the same frames in one process and in others, whatever the hash seed."""
    assert plan_only(parts_issue).frames == plan_only(parts_issue).frames
    digests = {subprocess.run([sys.executable, "-c", FRAMES_DIGEST, str(parts_issue)], cwd=ROOT, check=True,
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert digests == {hashlib.sha256(repr(plan_only(parts_issue).frames).encode()).hexdigest() + "\n"}


def test_zones_are_layout_json_rectangles(sample_build):
    """layout.json's module and photo rectangles are the frames' zones and figures, in mm."""
    report = json.loads((sample_build / "layout.json").read_text(encoding="utf-8"))
    frames = plan_only(SAMPLE).frames
    for page, frame in zip(report["pages"], frames.pages, strict=True):
        assert [(m["article"], m["part"], m["mm"]) for m in page["modules"]] == \
            [(z.article, z.article_part, z.rect.mm()) for z in frame.zones]
        assert [p["mm"] for m in page["modules"] for p in m["photos"]] == [f.box.mm() for f in frame.figures]


def _imports(path: Path) -> set[str]:
    """The modules a file imports and the names it imports from them."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_only_the_planner_and_the_frames_read_the_composer():
    """Fits and the composer are private to layout/plan/ and layout/frame/ (the text stage holds the composer)."""
    private = ("layout.plan.fit.Fits", "layout.text.composer", "layout.plan.columns.module_columns",
               "layout.plan.columns.module_slots")
    allowed = [ROOT / "layout" / "plan", ROOT / "layout" / "frame", ROOT / "layout" / "text"]
    offenders = {str(path.relative_to(ROOT)): sorted(n for n in _imports(path) if n.startswith(private))
                 for path in (ROOT / "layout").rglob("*.py") if not any(path.is_relative_to(a) for a in allowed)}
    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.mark.parametrize("change,complaint", [
    ({"kicker": None}, "kicker"),  # every part is given
    ({"kicker": {"role": "headline", "weight": 450, "headline_share": 0.5}}, "weight"),
    ({"body": {"role": "body", "weight": 400}}, "size_em"),  # a part needs a size …
    ({"headline": {"role": "headline", "weight": 700, "size_pt": 20}}, "[headline]"),  # … but the 主题 has none
    ({"caption": {"role": "caption", "weight": 400, "size_pt": 8.5, "font": "Kai"}}, "font"),
    ({"jump": {"role": "body", "weight": 400, "size_em": -1}}, "positive"),
])
def test_parts_table_is_validated(change, complaint):
    """styles/house.toml [parts]: a wrong entry stops the build naming the part and what is wrong."""
    table = {**house()["parts"], **change}
    table = {name: value for name, value in table.items() if value is not None}
    with pytest.raises(BuildError, match=re.escape(complaint)) as e:
        parse_parts(table)
    assert "[parts]" in str(e.value)
    assert parse_parts(house()["parts"]) == parts()  # the house's own table is valid
