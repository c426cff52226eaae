"""The page planner, checked on what it writes (layout.json) and on what a reader sees (the PDF)
(issue 4; grid rules G1–G5, headline rules H1–H3 of cjk-typography.md)."""
from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from conftest import ARTICLE, ISSUE_TOML, ROOT, SAMPLE, run_layout, shared_folder, write_issue
from layout.build import plan_only
from layout.check.quality import issue_quality
from pdftext import MM, article_texts, load_layout, module_chars, squash


def _bench(work: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_issue.py"), str(work / "issue")], check=True,
                   capture_output=True)
    result = run_layout("build", work / "issue", "-o", work / "out", "--no-fonts")
    assert result.returncode == 0, result.stderr
    (work / "build.log").write_text(result.stderr, encoding="utf-8")  # what the editor was told


@pytest.fixture(scope="session")
def bench_build(tmp_path_factory):
    """The generated 8-page, 40-article issue, built once."""
    return shared_folder(tmp_path_factory, "bench", _bench) / "out"


def _rects(layout):
    for page in layout["pages"]:
        for m in page["modules"]:
            yield page["number"], m


def _overlap(a, b) -> bool:
    ga, gb = a["grid"], b["grid"]
    return (ga["column"] < gb["column"] + gb["span"] and gb["column"] < ga["column"] + ga["span"]
            and ga["line"] < gb["line"] + gb["height"] and gb["line"] < ga["line"] + ga["height"])


@pytest.mark.parametrize("which", ["sample", "bench"])
def test_modules_tile_without_overlap_inside_the_type_area(which, sample_build, bench_build):
    layout = load_layout(sample_build if which == "sample" else bench_build)
    grid = layout["grid"]
    for page in layout["pages"]:
        reserved = page["type_area"]["reserved_lines"]
        for a, b in itertools.combinations(page["modules"], 2):
            assert not _overlap(a, b), (page["number"], a["article"], b["article"])
        for m in page["modules"]:
            g = m["grid"]
            assert 0 <= g["column"] and g["column"] + g["span"] <= grid["columns"]
            assert reserved <= g["line"] and g["line"] + g["height"] <= grid["lines"]


@pytest.mark.parametrize("which", ["sample", "bench"])
def test_modules_on_the_grid_G1_G4(which, sample_build, bench_build):
    """Every module's rectangle is whole columns wide and whole body lines high (G1, G3, G4)."""
    layout = load_layout(sample_build if which == "sample" else bench_build)
    g = layout["grid"]
    size, pitch = g["body_size_pt"], g["line_pitch_pt"]
    x0, y0 = (v * MM for v in g["origin_mm"])
    for _, m in _rects(layout):
        r, gm = m["mm"], m["grid"]
        assert abs(r["x"] * MM - (x0 + gm["column"] * (g["chars_per_column"] + 1) * size)) < 0.05
        assert abs(r["y"] * MM - (y0 + gm["line"] * pitch)) < 0.05
        assert abs(r["width"] * MM - (gm["span"] * g["chars_per_column"] + gm["span"] - 1) * size) < 0.05
        assert abs(r["height"] * MM - gm["height"] * pitch) < 0.05


def test_body_lines_sit_on_the_line_grid(sample_build):
    """G2/G4: in every module of a page, body characters sit at the same offset from the page's
    line grid: no module pushes its text off the grid."""
    layout = load_layout(sample_build)
    g = layout["grid"]
    y0, pitch = g["origin_mm"][1] * MM, g["line_pitch_pt"]
    with pdfplumber.open(sample_build / "XHB-20210122.pdf") as pdf:
        for page_info in layout["pages"]:
            page = pdf.pages[page_info["number"] - 1]
            offsets = set()
            for m in page_info["modules"]:
                body_top = m["mm"]["y"] * MM + m["top_lines"] * pitch
                for c in module_chars(page, m):
                    if c["top"] > body_top and c["fontname"].endswith("Noto-Serif-CJK-SC") and c["text"] > "\u4e00":
                        offsets.add(round((c["top"] - y0) % pitch, 1))
            assert len(offsets) == 1, (page_info["number"], offsets)


@pytest.mark.parametrize("which", ["sample", "bench"])
def test_every_character_inside_its_module(which, sample_build, bench_build):
    """Every character on a page lies inside one module's rectangle, or in the 报头/报眉 above them."""
    out = sample_build if which == "sample" else bench_build
    layout = load_layout(out)
    pdf_path = out / f"{layout['paper']}-{layout['date'].replace('-', '')}.pdf"
    g = layout["grid"]
    with pdfplumber.open(pdf_path) as pdf:
        for page_info in layout["pages"]:
            page = pdf.pages[page_info["number"] - 1]
            furniture_bottom = g["origin_mm"][1] * MM + page_info["type_area"]["reserved_lines"] * g["line_pitch_pt"]
            inside = set()
            for m in page_info["modules"]:
                inside.update(id(c) for c in module_chars(page, m))
            stray = [c["text"] for c in page.chars if id(c) not in inside and c["top"] > furniture_bottom]
            assert not stray, (page_info["number"], "".join(stray)[:40])


def test_fill_at_least_97_percent(bench_build):
    layout = load_layout(bench_build)
    for page in layout["pages"][:-1]:
        assert page["fill"] >= 0.97, (page["number"], page["fill"])


def test_lead_story_top_of_front_page_with_largest_headline(sample_build):
    layout = load_layout(sample_build)
    lead = min(layout["articles"], key=lambda a: a["priority"])
    front = layout["pages"][0]
    module = next(m for m in front["modules"] if m["article"] == lead["id"])
    reserved = front["type_area"]["reserved_lines"]
    assert module["grid"]["line"] == reserved and module["grid"]["column"] == 0
    assert module["grid"]["span"] == max(m["grid"]["span"] for m in front["modules"])
    # As a reader sees it: the largest characters below the masthead belong to the lead's headline.
    with pdfplumber.open(sample_build / "XHB-20210122.pdf") as pdf:
        page = pdf.pages[0]
        lead_sizes = {round(c["size"], 1) for c in module_chars(page, module)}
        others = {round(c["size"], 1) for m in front["modules"] if m is not module for c in module_chars(page, m)}
    assert max(lead_sizes) > max(others)


@pytest.mark.parametrize("which", ["sample", "bench"])
def test_no_tombstones(which, bench_build):
    """Headlines side by side (H4: two 主题 level across a column edge, layout/plan/heads.py) only where
    nothing else closes the page, and then the editor is told, page by page, exactly the pairs the
    page-quality check counts: the search and the check share one definition (issue 10, item 11)."""
    planned = plan_only(SAMPLE if which == "sample" else bench_build.parent / "issue")
    told = {note.page: note.message for note in planned.plan.warnings if note.code == "tombstone"}
    for q in issue_quality(planned.issue, planned.plan, planned.frames.pages, planned.fmt):
        if q.tombstones:
            assert re.search(rf"第{q.page}版.*{q.tombstones}", told.get(q.page, "")), (q.page, q.notes, told)
        else:
            assert q.page not in told, (q.page, told[q.page])
    if which == "sample":
        assert not told


def test_priority_falls_down_the_page(bench_build):
    """On each page the most important article is the one at the top-left."""
    layout = load_layout(bench_build)
    priority = {a["id"]: a["priority"] for a in layout["articles"]}
    for page in layout["pages"]:
        first = [m for m in page["modules"] if m["part"] == 0]
        if first:
            top_left = min(first, key=lambda m: (m["grid"]["line"], m["grid"]["column"]))
            assert priority[top_left["article"]] == min(priority[m["article"]] for m in first)


LONG = ARTICLE.replace("第一段正文，内容用于测试。\n\n第二段正文。\n",
                       "\n\n".join("这是一段很长的测试正文，用来检查跨版转接是否正确，" * 6 for _ in range(40)) + "\n")


def test_jump_lines_and_characters_kept(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-long.md": LONG})
    out = tmp_path / "out"
    result = run_layout("build", issue, "-o", out, "--no-fonts")
    assert result.returncode == 0, result.stderr
    layout = load_layout(out)
    parts = layout["articles"][0]["parts"]
    assert [p["page"] for p in parts] == [1, 2]
    with pdfplumber.open(out / "TST-20210122.pdf") as pdf:
        first = squash(pdf.pages[0].extract_text())
        second = squash(pdf.pages[1].extract_text())
    assert "（下转第2版）" in first and "（上接第1版）" in second
    # Every character of the body is in the PDF, in order, and counted once.
    text = squash(article_texts(out / "TST-20210122.pdf", layout)["01-long"])
    body = squash(LONG.split("---\n")[2])
    assert body in re.sub(r"（下转第2版）.*?（上接第1版）", "", text)
    assert layout["articles"][0]["chars"] == sum(p["chars"] for p in parts)


def test_text_that_does_not_fit_fails_naming_the_article(tmp_path):
    one_page = ISSUE_TOML.split("[[pages]]\nnumber = 2")[0]
    issue = write_issue(tmp_path / "i", {"01-long.md": LONG}, toml=one_page)
    result = run_layout("build", issue, "-o", tmp_path / "out", "--no-fonts")
    assert result.returncode == 1 and "测试标题" in result.stderr and "Traceback" not in result.stderr


def test_plan_file_pins_are_honoured(sample_copy, tmp_path):
    assert run_layout("plan", sample_copy).returncode == 0
    text = (sample_copy / "plan.toml").read_text(encoding="utf-8")
    # Pin 区委举行中心组学习 to page 2, top-left, across 4 columns.
    entry = re.search(r'\[\[article\]\]\nid = "04-zhongxinzu"\n.*?\n\n', text, re.S).group(0)
    pinned = re.sub(r"pin = false\npage = \d+\ncolumn = \d+\nline = \d+\nspan = \d+",
                    "pin = true\npage = 2\ncolumn = 1\nline = 1\nspan = 4", entry)
    (sample_copy / "plan.toml").write_text(text.replace(entry, pinned), encoding="utf-8")
    result = run_layout("build", sample_copy, "-o", tmp_path / "out", "--no-fonts")
    assert result.returncode == 0, result.stderr
    layout = load_layout(tmp_path / "out")
    page2 = layout["pages"][1]
    m = next(m for m in page2["modules"] if m["article"] == "04-zhongxinzu" and m["part"] == 0)
    assert m["grid"]["column"] == 0 and m["grid"]["line"] == page2["type_area"]["reserved_lines"]
    assert m["grid"]["span"] == 4


def test_conflicting_pins_fail_clearly(sample_copy):
    pins = ('[[article]]\nid = "03-dacheng-yanglao"\npin = true\npage = 2\ncolumn = 1\nline = 1\nspan = 3\n\n'
            '[[article]]\nid = "04-zhongxinzu"\npin = true\npage = 2\ncolumn = 2\nline = 1\nspan = 2\n')
    (sample_copy / "plan.toml").write_text(pins, encoding="utf-8")
    result = run_layout("--lang", "en", "build", sample_copy, "-o", sample_copy / "out", "--no-fonts")
    assert result.returncode == 2
    assert "plan.toml:9:" in result.stderr and "same cells" in result.stderr


def test_pin_wider_than_page_fails_clearly(sample_copy):
    (sample_copy / "plan.toml").write_text('[[article]]\nid = "04-zhongxinzu"\npin = true\nspan = 9\n',
                                           encoding="utf-8")
    result = run_layout("--lang", "en", "build", sample_copy, "-o", sample_copy / "out", "--no-fonts")
    assert result.returncode == 2 and "plan.toml:1:" in result.stderr and "wider than" in result.stderr


def test_two_runs_same_layout_json(sample_build, tmp_path):
    assert run_layout("build", SAMPLE, "-o", tmp_path, "--no-fonts").returncode == 0
    assert json.loads((tmp_path / "layout.json").read_text()) == load_layout(sample_build)
    assert (tmp_path / "layout.json").read_bytes() == (sample_build / "layout.json").read_bytes()


def test_thin_rules_between_modules(sample_build):
    """A thin K-only rule separates every pair of neighbouring modules: under the upper one, and in
    the gutter between side-by-side ones."""
    layout = load_layout(sample_build)
    g = layout["grid"]
    pitch, size = g["line_pitch_pt"], g["body_size_pt"]
    with pdfplumber.open(sample_build / "XHB-20210122.pdf") as pdf:
        for page_info in layout["pages"]:
            rects = pdf.pages[page_info["number"] - 1].rects
            assert all(r["non_stroking_color"] == (0.0, 0.0, 0.0, 1.0) for r in rects)
            horizontal = [r for r in rects if r["height"] < 1.5 and r["width"] > size]
            vertical = [r for r in rects if r["width"] < 1.5 and r["height"] > pitch]
            for a, b in itertools.permutations(page_info["modules"], 2):
                ga, gb = a["grid"], b["grid"]
                ax, bx = a["mm"]["x"] * MM, b["mm"]["x"] * MM
                if ga["line"] + ga["height"] == gb["line"] and ax < bx + b["mm"]["width"] * MM and bx < ax + a["mm"]["width"] * MM:
                    y = (b["mm"]["y"]) * MM - pitch / 2
                    assert any(abs((r["top"] + r["bottom"]) / 2 - y) < 1 and r["x0"] <= ax + 1 for r in horizontal), \
                        (a["article"], b["article"])
                if ga["column"] + ga["span"] == gb["column"] and ga["line"] < gb["line"] + gb["height"] \
                        and gb["line"] < ga["line"] + ga["height"]:
                    x = ax + a["mm"]["width"] * MM + size / 2
                    assert any(abs((r["x0"] + r["x1"]) / 2 - x) < 1 for r in vertical), (a["article"], b["article"])


def test_pinning_the_whole_plan_keeps_every_article_where_it_was(sample_copy, sample_build, tmp_path):
    """An editor who pins every article where `layout plan` put it gets every article back at its
    page, column, line and span (heights may differ: a pin fixes a position, not the headline size)."""
    assert run_layout("plan", sample_copy).returncode == 0
    plan_toml = sample_copy / "plan.toml"
    plan_toml.write_text(plan_toml.read_text(encoding="utf-8").replace("pin = false", "pin = true"), encoding="utf-8")
    assert run_layout("build", sample_copy, "-o", tmp_path, "--no-fonts").returncode == 0

    def firsts(layout):
        return {m["article"]: (page["number"], m["grid"]["column"], m["grid"]["line"], m["grid"]["span"])
                for page in layout["pages"] for m in page["modules"] if m["part"] == 0}
    assert firsts(load_layout(tmp_path)) == firsts(load_layout(sample_build))


def test_column_balance_avoids_stranded_lines_I4_H3():
    """G5 balancing may shorten an earlier column instead of the last to keep a paragraph's last line
    off a column's top (I4) and a subhead off a column's foot (H3)."""
    from layout.model import Line
    from layout.plan.fit import Slot
    from layout.plan.columns import split_columns, stranded

    def slot(last: bool, role: str = "body") -> Slot:
        return Slot(Line((), 0.0, last), role)

    # 5 lines over 2 columns: 3 + 2 would put the paragraph's last line (index 3) atop column 2.
    slots = [slot(False), slot(False), slot(False), slot(True), slot(True)]
    columns = split_columns(slots, 2)
    assert [len(c) for c in columns] == [2, 3]
    assert not stranded(*columns)
    # A subhead that would end column 1 moves down with its text.
    slots = [slot(True), slot(True), slot(False, "subhead"), slot(False), slot(True)]
    columns = split_columns(slots, 2)
    assert not stranded(*columns) and columns[1][0].role == "subhead"
    # With no shorter column to move, the break stays and lint reports it.
    assert stranded(*split_columns([slot(False), slot(True)], 2)) == "I4"


def test_a_narrow_story_drops_its_headline_off_a_neighbours_H4():
    """Two modules that start at one line need their 主题 apart (H4): besides its natural shapes, a story
    that is not the page's main one may set its headline group a few lines under its top (its text
    starting under it), and a narrow one further, clear of a neighbour's headline of the same lines."""
    from layout.house import house
    from layout.plan.fit import Fits, headline_cap
    from layout.plan.grid import page_format
    from layout.plan.heads import level
    from layout.plan.leaves import Context, Item, LeafTable, is_brief
    from layout.source.issue_folder import load_issue
    from layout.text.issue_text import normalise_issue

    c = house()["planner"]
    issue, _ = normalise_issue(load_issue(SAMPLE))
    fmt = page_format(issue.format)
    fits = Fits({a.id: a for a in issue.articles}, fmt)
    table = LeafTable(fits)
    story = next(a for a in issue.articles if not a.figures and not is_brief(a))

    def leaves(span: int, lead: bool):
        ctx = Context(headline_cap(span, 2), lead, False, False, fmt.lines)
        return [leaf for group in table.leaves(Item(story.id), span, ctx).values() for leaf in group]

    def drop(leaf) -> int:
        return leaf.template[0].head_top

    narrow = leaves(2, lead=False)
    assert {drop(leaf) for leaf in narrow} == {0, c["head_drop_lines"], c["narrow_drop_lines"]}
    for leaf in narrow:
        module = leaf.template[0]
        assert min(module.body_tops) == drop(leaf) + module.head_lines  # the text starts under the headline
        plain = next(p for p in narrow if not drop(p) and p.template[0].headline_size == module.headline_size
                     and p.template[0].head_lines == module.head_lines)
        (band,), (own,) = plain.left_heads, leaf.left_heads
        assert own == (band[0] + drop(leaf), band[1] + drop(leaf))
        if drop(leaf):  # a neighbour at the same top whose 主题 is no taller than the drop is not level with it
            assert not level(own, (band[0], band[0] + drop(leaf))), (own, band)
    assert {drop(leaf) for leaf in leaves(4, lead=False)} == {0, c["head_drop_lines"]}
    assert {drop(leaf) for leaf in leaves(2, lead=True)} == {0}  # the page's main story keeps its headline on top


def _brief_blocks(page) -> list[set[str]]:
    """The articles of each 简讯 block on a planned page: the block starts with the module under its
    label; every column of the block starts at that line with a one-column brief, flowing down."""
    modules = [m for m in page.modules if m.span == 1]
    blocks = []
    for label in (m for m in modules if m.label_lines):
        columns = itertools.takewhile(lambda k: any(m.column == k and m.line == label.line for m in modules),
                                      itertools.count(label.column))
        members = set()
        for k in columns:
            y = label.line
            while (m := next((m for m in modules if m.column == k and m.line == y), None)) is not None:
                members.add(m.article_id)
                y = m.line + m.height
        blocks.append(members)
    return blocks


def test_short_bylined_stories_join_the_jianxun_block_rather_than_refuse_the_page():
    """Issue 10 item 8 (docs/planner.md "When copy is left over"): jiading's 第2版 holds its 20 pinned items only
    once short bylined stories stand in the 简讯 block beside the briefs (a refusal before); nothing
    but short low-priority items is set under the label."""
    from layout.plan.leaves import is_brief

    planned = plan_only(ROOT / "tests" / "corpus" / "jiading-2026-04-10")
    stacked = set().union(*(b for page in planned.plan.pages for b in _brief_blocks(page)))
    articles = [planned.issue.article(aid) for aid in stacked]
    assert any(not is_brief(a) for a in articles)  # a reporter's story among the briefs
    assert all(is_brief(a, bylined=True) for a in articles)
    pinned = {a.id for a in planned.issue.articles if a.page == 2}
    assert pinned <= {m.article_id for m in planned.plan.pages[1].modules}


def test_briefs_only_under_the_jianxun_label_and_panoramas_full_width():
    """Issue 10 items 1 and 4 (docs/planner.md "Shapes"), on corpus issues planned in process: no poem,
    副刊 piece or reporter's story is set under 简讯; a 3:1 panorama is as wide as its module, here 4
    columns or more."""
    from layout.plan.leaves import is_brief

    for name, stories in (("yangpu-2026-11-20", {"03-yiyuan", "04-xuexiao", "11-jiaotong"}),
                          ("minhang-2026-11-06", {"23-shi", "16-shequ-yiyuan"})):
        planned = plan_only(ROOT / "tests" / "corpus" / name)
        blocks = [b for page in planned.plan.pages for b in _brief_blocks(page)]
        assert blocks, name  # the 简讯 are still stacked
        stacked = set().union(*blocks)
        assert not stacked & stories, (name, stacked & stories)
        assert all(is_brief(planned.issue.article(aid)) for aid in stacked)
    planned = plan_only(ROOT / "tests" / "corpus" / "pudong-2026-12-18")
    modules = {m.article_id: m for page in planned.plan.pages for m in page.modules if m.part == 0}
    for panorama in ("01-lingang", "08-shidi"):  # 3:1, the 头条 and 第2版's main story
        module = modules[panorama]
        (box,) = module.photos
        assert box.span == module.span >= 4, (panorama, box.span, module.span)


def test_a_story_headline_group_is_not_stacked_down_a_narrow_column():
    """A story (not a brief) takes a span where its headline group (引题, 主题, 副题, byline) stands in at
    most [planner] story_head_lines text lines (docs/planner.md "Shapes"): on yangpu's front page its
    second story once stood in one column under a 13-line group."""
    from collections import Counter

    from layout.house import house
    from layout.plan.leaves import is_brief

    limit = house()["planner"]["story_head_lines"]
    planned = plan_only(ROOT / "tests" / "corpus" / "yangpu-2026-11-20")
    articles = {a.id: a for a in planned.issue.articles}
    for page in planned.frames.pages:
        group = Counter(line.article for line in page.lines
                        if line.head and line.article_part == 0 and line.part != "label")
        for aid, lines in group.items():
            if not is_brief(articles[aid], bylined=True):
                assert lines <= limit, (page.number, aid, lines)
