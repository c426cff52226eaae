"""Planner v2 (issue 10), in process: pins that hold, ads, sections, briefs, photos by standing,
headline sizes by rank (H1), short items in 1–2 columns, copy that does not fit said in numbers.
Pages are planned with plan_issue on issues written on the fly; the two tests that read a PDF back
build in process with layout.build.build."""
from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from conftest import SAMPLE, write_issue
from layout.build import build, plan_only
from layout.errors import BuildError, CopyOverflow
from layout.messages import set_language
from layout.model import Pin
from layout.plan.columns import module_columns
from layout.plan.fit import Fits
from layout.plan.grid import page_format
from layout.plan.planner import page_fill, plan_issue
from layout.source.issue_folder import load_issue
from layout.text.issue_text import normalise_issue

PARAGRAPH = "街道近日组织志愿者走进社区，为居民讲解垃圾分类知识，并现场答疑，居民参与热情很高。"


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language(None)


def _article(headline: str, chars: int, priority: int = 5, extra: str = "") -> str:
    body = (PARAGRAPH * (chars // len(PARAGRAPH) + 1))[:chars]
    return f"---\nheadline: {headline}\npriority: {priority}\n{extra}---\n{body}\n"


def _planned(root: Path, pins: dict[str, Pin] | None = None):
    issue, _ = normalise_issue(load_issue(root))
    fits = Fits({a.id: a for a in issue.articles}, page_format(issue.format))
    return issue, fits, plan_issue(issue, fits, pins or {})


def _sample_with(tmp_path: Path, articles: dict[str, str], toml_extra: str = "") -> Path:
    root = tmp_path / "issue"
    shutil.copytree(SAMPLE, root)
    for name, text in articles.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    if toml_extra:
        with open(root / "issue.toml", "a", encoding="utf-8") as f:
            f.write(toml_extra)
    return root


@pytest.mark.parametrize("line", [10, 20, 30, 40])
def test_a_pin_at_any_line_holds(tmp_path, line):
    """A 300-character item pinned to 第2版 at line 10, 20, 30 or 40 lands there; the rest flows around it."""
    root = _sample_with(tmp_path, {"90-pinned.md": _article("社区开展垃圾分类宣传", 300)})
    pins = {"90-pinned": Pin(page=2, column=2, line=line - 1, where="plan.toml:1")}
    issue, fits, plan = _planned(root, pins)
    module = next(m for m in plan.modules_of("90-pinned") if m.part == 0)
    assert (module.page, module.column, module.line - fits.fmt.reserved_lines(2)) == (2, 2, line - 1)
    for page in plan.pages:
        cells = set()
        for m in page.modules:
            mine = {(c, r) for c in range(m.column, m.column + m.span) for r in range(m.line, m.line + m.height)}
            assert not cells & mine, (page.number, m.article_id)
            cells |= mine
    assert {a.id for a in issue.articles} <= {m.article_id for p in plan.pages for m in p.modules}


def test_a_brief_pinned_three_columns_wide_is_set_so(tmp_path):
    """Issue 10 item 6: the editor's span holds, even where the planner would set a brief in one or two columns."""
    root = _sample_with(tmp_path, {"90-brief.md": _article("预付卡退款一键申请上线", 160)})
    pins = {"90-brief": Pin(page=2, column=1, line=29, span=3, where="plan.toml:1")}
    issue, fits, plan = _planned(root, pins)
    (module,) = plan.modules_of("90-brief")
    assert (module.page, module.column, module.span, module.line - fits.fmt.reserved_lines(2)) == (2, 1, 3, 29)


def test_a_pin_that_cannot_hold_says_why_in_numbers(tmp_path):
    root = _sample_with(tmp_path, {"90-pinned.md": _article("社区开展垃圾分类宣传", 900)})
    pins = {"90-pinned": Pin(page=2, column=0, line=60, span=1, where="plan.toml:1")}
    with pytest.raises(BuildError) as e:
        _planned(root, pins)
    message = str(e.value)
    assert message.startswith("第2版 line 61: 《社区开展垃圾分类宣传》 needs ") and "are left below line 61" in message
    needs, left = (int(n) for n in message.split("needs ")[1].replace(" lines,", "").split(" are")[0].split())
    assert needs > left == 77 - 60  # 第2版 has 77 free lines below its 报眉


def test_a_pin_refusal_takes_both_numbers_from_one_span(tmp_path):
    """Issue 10 item 6: a pin at column 1 over an ad in columns 2–3 (one column has 17 lines below the
    pin, two or more have 5): the lines needed and the lines left are those of one span, the one that
    comes closest (a wide one), not the needs of a wide span against the room of a narrow one."""
    image = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 30, 30)).save(image, format="PNG")
    root = _sample_with(tmp_path, {"90-pinned.md": _article("社区开展垃圾分类宣传", 900)},
                        '\n[[ads]]\npage = 2\nfile = "images/ad.png"\ncolumns = 2\nlines = 12\ncolumn = 2\nline = 66\n')
    (root / "images" / "ad.png").write_bytes(image.getvalue())
    pins = {"90-pinned": Pin(page=2, column=0, line=60, where="plan.toml:1")}
    with pytest.raises(BuildError) as e:
        _planned(root, pins)
    message = str(e.value)
    assert message.startswith("第2版 line 61: 《社区开展垃圾分类宣传》 needs "), message
    needs, left = (int(n) for n in message.split("needs ")[1].replace(" lines,", "").split(" are")[0].split())
    assert left == 65 - 60 < needs < 40, message  # a wide span's need (one column needs about 90)


def test_the_free_area_beside_a_mid_page_ad_and_a_pin_offers_tall_top_rectangles():
    """jinshan-2026-12-25's 第2版: an ad at line 20 on the left, a pin at line 36 in columns 3–4, an ad at the
    foot on the right. Besides the strip above the left ad, the ways of cutting the page include a tall
    rectangle at the top, beside the pin, where a long lead can stand; a few ways only, every one tiling
    the free area exactly."""
    from layout.plan.regions import MAX_DECOMPOSITIONS, free_rectangles
    blocks = [(3, 57, 3, 20), (0, 19, 2, 15), (2, 35, 2, 15)]
    ways = free_rectangles((0, 0, 6, 77), blocks)
    assert 1 < len(ways) <= MAX_DECOMPOSITIONS
    tops = {r for way in ways for r in way if r[1] == 0}
    assert (0, 0, 6, 19) in tops and max(r[3] for r in tops) >= 55, tops
    for way in ways:
        cells = [(c, r) for x, y, w, h in way + blocks for c in range(x, x + w) for r in range(y, y + h)]
        assert len(cells) == len(set(cells)) == 6 * 77, way


def test_less_copy_never_fails_where_more_builds():
    """Issue 10 item 8: feasibility is monotone. songjiang-2026-06-12 fills both its pages; with any one of
    its articles taken out (and its pin), the rest is still planned, every article on a page."""
    from dataclasses import replace
    from conftest import ROOT
    from layout.source.plan_pins import load_pins
    loaded = load_issue(ROOT / "tests" / "corpus" / "songjiang-2026-06-12")
    pins = load_pins(loaded)
    issue, _ = normalise_issue(loaded)
    fits = Fits({a.id: a for a in issue.articles}, page_format(issue.format))
    plan_issue(issue, fits, pins)  # the whole issue builds
    for gone in issue.articles:
        less = replace(issue, articles=tuple(a for a in issue.articles if a is not gone))
        plan = plan_issue(less, fits, {aid: pin for aid, pin in pins.items() if aid != gone.id})
        assert {a.id for a in less.articles} <= {m.article_id for p in plan.pages for m in p.modules}, gone.id


def test_an_ad_lands_where_ads_puts_it(tmp_path):
    """[[ads]] of 3 columns × 20 lines: placed first, at its column and line, listed in layout.json, painted
    with its 广告 label."""
    image = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 30, 30)).save(image, format="PNG")
    root = _sample_with(tmp_path, {}, '\n[[ads]]\npage = 2\nfile = "images/ad.png"\ncolumns = 3\nlines = 20\n'
                                      'column = 4\nline = 30\n')
    (root / "images" / "ad.png").write_bytes(image.getvalue())
    issue, fits, plan = _planned(root)
    page = plan.pages[1]
    (placed,) = page.ads
    assert (placed.column, placed.line, placed.ad.columns, placed.ad.lines) == (3, 29, 3, 20)
    for m in page.modules:
        top = fits.fmt.reserved_lines(2)
        overlap = (m.column < 6 and 3 < m.column + m.span and m.line - top < 49 and 29 < m.line - top + m.height)
        assert not overlap, m.article_id
    out = tmp_path / "out"
    build(root, out)
    import json
    layout = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    (ad,) = layout["pages"][1]["ads"]
    assert ad["grid"] == {"column": 3, "line": 29, "span": 3, "height": 20}
    with pdfplumber.open(out / "XHB_20210122_02.pdf") as pdf:
        p = pdf.pages[0]
        mm = 72 / 25.4
        images = [im for im in p.images if abs(im["x0"] - ad["mm"]["x"] * mm) < 2]
        assert images, "the ad's image is painted at its rectangle"
        assert "广告" in p.extract_text()


def test_an_ad_defaults_to_the_foot_of_the_page_flush_right(tmp_path):
    image = io.BytesIO()
    Image.new("RGB", (600, 400), (30, 30, 200)).save(image, format="PNG")
    root = _sample_with(tmp_path, {}, '\n[[ads]]\npage = 2\nfile = "images/ad.png"\ncolumns = 3\nlines = 20\n')
    (root / "images" / "ad.png").write_bytes(image.getvalue())
    issue, fits, plan = _planned(root)
    (placed,) = plan.pages[1].ads
    free = fits.fmt.lines - fits.fmt.reserved_lines(2)
    assert (placed.column, placed.line) == (fits.fmt.columns - 3, free - 20)


def test_an_ad_that_runs_off_the_page_is_an_input_error(tmp_path):
    from layout.errors import InputError
    root = _sample_with(tmp_path, {}, '\n[[ads]]\npage = 2\nfile = "images/placeholder-yanglao.png"\n'
                                      'columns = 3\nlines = 20\ncolumn = 5\n')
    with pytest.raises(InputError) as e:
        load_issue(root)
    assert "issue.toml" in str(e.value) and "runs off" in str(e.value)


def test_sample_plus_24_one_line_items_is_planned_in_full(tmp_path):
    """The sample issue with 24 one-line items (a round-1 hang): every item on a page, briefs stacked."""
    items = {f"9{n:02d}-brief.md": _article(f"简讯标题第{n}条", 30) for n in range(24)}
    root = _sample_with(tmp_path, items)
    for page in range(3, 5):
        with open(root / "issue.toml", "a", encoding="utf-8") as f:
            f.write(f'\n[[pages]]\nnumber = {page}\nsection = "综合"\n')
    issue, fits, plan = _planned(root)
    placed = {m.article_id for p in plan.pages for m in p.modules}
    assert {a.id for a in issue.articles} <= placed
    labels = [m for p in plan.pages for m in p.modules if m.label_lines]
    assert labels, "briefs are stacked under a 简讯 label"
    for m in (m for p in plan.pages for m in p.modules if m.article_id.endswith("brief")):
        assert m.span <= 2, m


def test_headline_sizes_follow_priority_H1(tmp_path):
    """On every page a less important article never has a larger headline; page 1's lead has the largest."""
    items = {f"9{n}-item.md": _article(f"社区新闻第{n}条消息发布", 200 + 150 * n, priority=2 + n % 4) for n in range(8)}
    root = _sample_with(tmp_path, items, "".join(f'\n[[pages]]\nnumber = {n}\nsection = "综合"\n' for n in (3, 4)))
    issue, fits, plan = _planned(root)
    for page in plan.pages:
        heads = [(issue.article(m.article_id).priority, m.headline_size, m.article_id) for m in page.modules
                 if m.part == 0]
        for pa, sa, a in heads:
            for pb, sb, b in heads:
                if pa < pb:
                    assert sb <= sa, (page.number, a, sa, b, sb)
    front = [m for m in plan.pages[0].modules if m.part == 0]
    lead = min(front, key=lambda m: issue.article(m.article_id).priority)
    assert all(m.headline_size < lead.headline_size for m in front if m is not lead)
    free = fits.fmt.lines - fits.fmt.reserved_lines(1)
    assert lead.line - fits.fmt.reserved_lines(1) + lead.head_top <= 0.4 * free


def test_no_wide_module_with_under_4_lines_a_column(tmp_path):
    """Short items take 1–2 columns: never a module of 3+ columns with fewer than 4 body lines a column."""
    items = {f"9{n}-short.md": _article(f"短讯{n}", 60 + 40 * n, priority=4) for n in range(6)}
    root = _sample_with(tmp_path, items)
    issue, fits, plan = _planned(root)
    for page in plan.pages:
        for m in page.modules:
            if m.span >= 3:
                assert max(len(c) for c in module_columns(m, fits)) >= 4, (page.number, m.article_id)


def test_section_sends_an_article_to_its_page(tmp_path):
    root = _sample_with(tmp_path, {"90-zonghe.md": _article("综合版稿件", 300, priority=1, extra="section: 综合\n")})
    issue, fits, plan = _planned(root)
    assert {m.page for m in plan.modules_of("90-zonghe")} == {issue.pages[1].number}
    assert issue.pages[1].section == "综合"


def test_a_section_no_page_has_is_an_input_error(tmp_path):
    from layout.errors import InputError
    root = _sample_with(tmp_path, {"90-x.md": _article("稿件", 300, extra="section: 体育\n")})
    with pytest.raises(InputError) as e:
        load_issue(root)
    assert "90-x.md:4" in str(e.value)


def test_copy_that_does_not_fit_names_the_article_and_the_amount(tmp_path):
    toml = (SAMPLE / "issue.toml").read_text(encoding="utf-8").split("[[pages]]")
    root = write_issue(tmp_path / "i", {"01-long.md": _article("很长的稿件", 9000, priority=1),
                                        "02-short.md": _article("短稿", 200, priority=2)},
                       toml="[[pages]]".join(toml[:2]))
    with pytest.raises(CopyOverflow) as e:
        _planned(root)
    message = str(e.value)
    assert "《很长的稿件》" in message and "《短稿》" not in message
    assert "characters" in message and "lines of one column" in message and "allow_cut" in message


def test_allow_cut_is_honoured_for_any_article(tmp_path):
    toml = (SAMPLE / "issue.toml").read_text(encoding="utf-8").split("[[pages]]")
    root = write_issue(tmp_path / "i", {"01-long.md": _article("很长的稿件", 9000, priority=3, extra="allow_cut: true\n"),
                                        "02-lead.md": _article("头条稿件", 600, priority=1)},
                       toml="[[pages]]".join(toml[:2]))
    issue, fits, plan = _planned(root)
    (module,) = plan.modules_of("01-long")
    assert module.slots[1] < len(fits.body("01-long"))
    assert plan.modules_of("02-lead")


def _photo(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, format="PNG")


def test_an_article_with_two_photos_prints_both(tmp_path):
    """Issue 14 item 1: a module holds all its article's photos, each with its caption; the PDF shows both."""
    front = textwrap.dedent("""\
        images:
          - file: images/a.png
            caption: 第一张照片的图片说明。
            credit: 记者 甲
            alt: 第一张
          - file: images/b.png
            caption: 第二张照片的图片说明。
            credit: 记者 乙
            alt: 第二张
        """)
    root = _sample_with(tmp_path, {"90-photos.md": _article("两张照片的稿件", 700, priority=3, extra=front)})
    _photo(root / "images" / "a.png", (900, 600), (120, 140, 160))
    _photo(root / "images" / "b.png", (600, 800), (160, 120, 100))
    out = tmp_path / "out"
    result = build(root, out)
    (module,) = [m for m in result.plan.modules_of("90-photos") if m.part == 0]
    assert [b.figure for b in module.photos] == [0, 1]
    mm = 72 / 25.4
    import json
    layout = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    info = next(m for p in layout["pages"] for m in p["modules"] if m["article"] == "90-photos" and m["part"] == 0)
    with pdfplumber.open(out / f"XHB_20210122_{module.page:02d}.pdf") as pdf:
        page = pdf.pages[0]
        for photo in info["photos"]:
            r = photo["mm"]
            cx, cy = (r["x"] + r["width"] / 2) * mm, (r["y"] + r["height"] / 2) * mm  # object-fit: cover overflows
            hits = [im for im in page.images if im["x0"] <= cx <= im["x1"] and im["top"] <= cy <= im["bottom"]]
            assert hits, photo
        text = page.extract_text().replace("\n", "")
        assert "第一张照片的图片说明" in text and "第二张照片的图片说明" in text


def test_a_portrait_is_narrow_and_a_minor_story_photo_small(tmp_path):
    front = ("images:\n  - file: images/p.png\n    caption: 竖幅照片。\n    alt: 竖幅\n")
    root = _sample_with(tmp_path, {"90-portrait.md": _article("竖幅照片稿件", 600, priority=5, extra=front)})
    _photo(root / "images" / "p.png", (600, 900), (90, 90, 90))
    issue, fits, plan = _planned(root)
    (module,) = [m for m in plan.modules_of("90-portrait") if m.part == 0]
    (box,) = module.photos
    assert box.span <= 2  # a portrait: at most two columns, whatever the module's span
    free = fits.fmt.lines - fits.fmt.reserved_lines(module.page)
    assert box.lines <= 0.25 * free  # a priority-5 story's photo stays small


def test_fill_warning_for_a_sparse_last_page(tmp_path):
    """An editor hears of a last page under half full (and of no other page here: page 1 is full)."""
    root = write_issue(tmp_path / "i", {"01-lead.md": _article("头条稿件", 2600, priority=1, extra="page: 1\n"),
                                        "02-small.md": _article("第二版小稿", 150, extra="page: 2\n")})
    issue, fits, plan = _planned(root)
    assert page_fill(plan.pages[-1], fits.fmt) < 0.5
    assert [(w.code, w.page, w.message) for w in plan.warnings if w.code == "last-page-fill"] == [
        ("last-page-fill", 2, f"第2版, the last page, is only {int(page_fill(plan.pages[-1], fits.fmt) * 100)}% full: "
                              "an editor would drop it")]
