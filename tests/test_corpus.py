"""The corpus of realistic issues (tests/corpus/) and the page-quality figures (layout/check/quality.py).

Every corpus issue loads; a representative subset is planned in process (no PDF) and every page's
figures are asserted as issue 10 asks: fill ≥ 97 % but on a last page, and no side-by-side
headlines, no headline-size inversions, no multi-column module under 4 lines per column, no headline
broken inside a word, the 头条's headline in the top 40 % of page 1. The metrics themselves are
checked on small hand-made plans, each shown able to fail.
"""
from __future__ import annotations

from dataclasses import replace
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from conftest import ISSUE_TOML, ROOT, write_issue
from layout.build import plan_only
from layout.check import quality
from layout.check.quality import Placed, broken_words, issue_quality, page_quality, word_breaks
from layout.errors import BuildError, InputError
from layout import model
from layout.frame import frame_page
from layout.model import Module, PagePlan, Subhead
from layout.plan.fit import Fits
from layout.plan.grid import page_format
from layout.source.issue_folder import load_issue

CORPUS = ROOT / "tests" / "corpus"
ISSUES = sorted(p.name for p in CORPUS.iterdir() if (p / "issue.toml").exists())

# Planned in the tests: front pages, inner pages, the sparse page, the 副刊, the photo page, the dense
# issue that jumps and cuts, pins and ads, the broadsheet, the page of 20 pinned items (jiading: planned
# only once short bylined stories join its 简讯 block).
SUBSET = ("changning-2026-03-05", "jiading-2026-04-10", "putuo-2026-05-15", "songjiang-2026-06-12",
          "baoshan-2026-08-21",
          "qingpu-2026-09-18", "fengxian-2026-10-16", "hongkou-2026-07-03",
          "minhang-2026-11-06", "yangpu-2026-11-20", "jingan-2026-11-27", "xuhui-2026-12-11", "pudong-2026-12-18",
          "jinshan-2026-12-25", "chongming-2026-12-29")
FIGURES = ("fill", "tombstones", "inversions", "short_modules", "word_breaks", "lead_top")
# (issue, figure) the planner still fails (issue 10 is open), strict: an entry that starts passing
# fails the test until it is removed here, so this list is always the planner's true shortfall.
KNOWN_FAILING = {
    **{("jinshan-2026-12-25", figure): "refused (661 characters left): the search deals the items to the "
       "rectangles beside 第2版's pin in priority order, and the five-item 简讯 block finds no rectangle left "
       "that holds it"
       for figure in FIGURES},
    **{(issue, "tombstones"): "headlines side by side (H4) where no shape of the page's stories keeps them apart "
       "and still closes the page (text-only pages, pages around fixed blocks)"
       for issue in ("changning-2026-03-05", "qingpu-2026-09-18", "fengxian-2026-10-16", "jingan-2026-11-27",
                     "chongming-2026-12-29", "jiading-2026-04-10", "yangpu-2026-11-20")},
    ("hongkou-2026-07-03", "tombstones"): "one pair on 第1版 since its 3:1 panorama photo news stands 4 columns wide "
    "(a panorama's module is at least half the page) rather than 1 column × 3 lines",
    **{(issue, "word_breaks"): "a brief's one-column headline with a quoted term wider than the column at every "
       "size (“老年助餐服务圈”): broken between the term's own words (B3), one on 第1版"
       for issue in ("putuo-2026-05-15", "pudong-2026-12-18")},
}


# --- the corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ISSUES)
def test_corpus_issue_loads(name):
    issue = load_issue(CORPUS / name)
    assert issue.articles and issue.pages


def test_corpus_is_as_issue_10_asks():
    """At least 8 issues and 20 pages, a broadsheet among tabloids, photos of every aspect asked for."""
    issues = [load_issue(CORPUS / n) for n in ISSUES]
    pages = sum(len(i.pages) for i in issues)
    assert len(ISSUES) >= 8 and pages >= 20
    assert {i.format for i in issues} == {"tabloid", "broadsheet"}
    aspects = {round(f.size[0] / f.size[1], 2) for i in issues for a in i.articles for f in a.figures}
    assert {0.67, 1.0, 3.0} <= aspects  # portrait 2:3, square, panorama 3:1
    positions = {a.byline_position for i in issues for a in i.articles if a.byline}
    assert positions == {"top", "dateline", "end"}
    assert any(a.allow_cut for i in issues for a in i.articles)


def _length(article) -> int:
    return sum(len(block.text) for block in article.blocks)


def test_corpus_copy_is_as_an_editor_writes_it():
    """简讯 of 60–200 characters, 图片新闻 captions of 60–150 that carry the story, features of 1,500–2,500
    with subheads, an 编者按, a 副刊 with verse; copy close to what the pages hold."""
    issues = [load_issue(CORPUS / n) for n in ISSUES]
    articles = [a for i in issues for a in i.articles]
    briefs = [a for a in articles if a.priority == 5 and not a.figures]
    assert len(briefs) >= 30 and all(60 <= _length(a) <= 200 for a in briefs), \
        [(a.id, _length(a)) for a in briefs if not 60 <= _length(a) <= 200]
    photo_news = [a for a in articles if a.figures and _length(a) < 100]
    assert len(photo_news) >= 5 and all(60 <= len(a.figures[0].caption) <= 150 for a in photo_news)
    features = [a for a in articles if 1500 <= _length(a) <= 2500 and any(isinstance(b, Subhead) for b in a.blocks)]
    assert len(features) >= 3
    raw = "".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*/articles/*.md"))
    assert "> 编者按：" in raw and "section: " in raw
    verse = [a for i in issues for a in i.articles if i.page(a.page or 1).section == "副刊"
             and sum(len(b.text) <= 20 for b in a.blocks) >= 10]
    assert verse, "a 副刊 page with a poem"


def test_corpus_photos_print_at_200_ppi_over_6_columns():
    """Photos large enough for 200 ppi at up to six tabloid columns (about 238 mm)."""
    fmt = page_format("tabloid")
    width_in = fmt.span_width(fmt.columns) / 72
    for path in CORPUS.glob("*/images/*.jpg"):
        with Image.open(path) as im:
            assert im.width / width_in >= 200 or im.height > im.width, path  # portraits print narrower


def test_corpus_is_small():
    size = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert size < 8 * 2 ** 20


@cache
def _planned(name: str):
    try:
        planned = plan_only(CORPUS / name)
    except (BuildError, InputError) as e:  # the reason is the failure message
        return str(e)
    return {q.page: q for q in issue_quality(planned.issue, planned.plan, planned.frames.pages, planned.fmt)}


def _cases():
    for name in SUBSET:
        for figure in FIGURES:
            reason = KNOWN_FAILING.get((name, figure))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(name, figure, marks=marks, id=f"{name}-{figure}")


@pytest.mark.parametrize("name,figure", list(_cases()))
def test_corpus_page_quality(name, figure):
    pages = _planned(name)
    assert not isinstance(pages, str), f"{name} is not planned: {pages}"
    bad = []
    for q in pages.values():
        if figure == "fill":
            if not q.last and q.fill < quality.MIN_FILL:
                bad.append(f"第{q.page}版 fill {q.fill:.1%}")
        elif figure == "lead_top":
            if q.lead_top is not None and q.lead_top > quality.LEAD_TOP_SHARE:
                bad.append(f"第{q.page}版 lead headline at {q.lead_top:.0%}")
        elif getattr(q, figure):
            bad.append(f"第{q.page}版 {figure} {getattr(q, figure)}: " + "; ".join(q.notes))
    assert not bad, "\n".join(bad)


# --- the metrics on hand-made plans -----------------------------------------------------------

PHOTO_LINES = 10


def _article(headline: str, priority: int, body: str, image: str = "") -> str:
    images = (f"images:\n  - file: {image}\n    caption: 图片说明。\n    alt: 示意图\n") if image else ""
    return f"---\nheadline: {headline}\npriority: {priority}\n{images}---\n{body}\n"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Three articles and a photo, planned by hand below."""
    photo = BytesIO()
    Image.new("RGB", (300, 200), "grey").save(photo, "JPEG")
    root = write_issue(tmp_path_factory.mktemp("q") / "issue", {
        "a.md": _article("区委召开常委会", 1, "会议研究部署今年重点工作。" * 30),
        "b.md": _article("社区服务站开放", 3, "服务站提供理发、维修和助餐服务。" * 12, "images/p.jpg"),
        "c.md": _article("简讯", 5, "图书馆延长开放时间。"),
        "d.md": _article("营商服务新举措", 4, "第一段正文。\n\n## 以共享信息数字化助力注册登记便利化\n\n第二段正文。"),
    }, toml=ISSUE_TOML, images={"images/p.jpg": photo.getvalue()})
    return plan_only(root)


def _fits(planned) -> Fits:
    """The measurements a hand-made plan is framed with (the planner's own, for these articles)."""
    return Fits({a.id: a for a in planned.issue.articles}, planned.fmt)


def _module(planned, aid: str, column: int, line: int, span: int, height: int, size: float = 0.0,
            page: int = 1, photo_first: bool = False, slots: tuple[int, int] | None = None) -> Module:
    """A module as the planner would place it: headline group, photo (if any) over its width, body under."""
    fits = _fits(planned)
    shape = fits.shape(aid, span, size or 20.0)
    common = dict(slots=slots or (0, len(fits.body(aid))), headline_size=shape.headline_size,
                  head_lines=shape.head_lines, photo_first=photo_first)
    photos, photo = (), 0
    if fits.articles[aid].figures:
        captions = len(fits.caption(aid, 0, span))
        photos = (model.PhotoBox(0, 0, 0 if photo_first else shape.head_lines, span, PHOTO_LINES, captions),)
        photo = PHOTO_LINES + captions
    return Module(aid, page, column, line, span, height, photos=photos, head_top=photo if photo_first else 0,
                  body_tops=(shape.head_lines + photo,) * span, **common)


def _quality(planned, modules, page: int = 1, last: bool = False):
    plan = PagePlan(page, tuple(modules))
    return page_quality(planned.issue, plan, frame_page(planned.issue, plan, _fits(planned)), planned.fmt, last)


def _placed(planned, module: Module) -> Placed:
    frame = frame_page(planned.issue, PagePlan(module.page, (module,)), _fits(planned))
    return quality.placed(module, frame, frame.zones[0], planned.fmt)


def test_fill_counts_covered_cells(small):
    fmt = small.fmt
    free_lines = fmt.lines - fmt.reserved_lines(1)
    half = _quality(small, [_module(small, "a", 0, fmt.reserved_lines(1), 3, free_lines)])
    assert half.fill == pytest.approx(0.5)
    assert any("fill" in f for f in half.failures())
    assert not any("fill" in f for f in _quality(small, [_module(small, "a", 0, 14, 3, free_lines)],
                                                 last=True).failures())  # a last page may be short
    full = _quality(small, [_module(small, "a", 0, 14, 6, free_lines)])
    assert full.fill == pytest.approx(1.0) and not any("fill" in f for f in full.failures())


def test_tombstones_side_by_side_headlines(small):
    side = _quality(small, [_module(small, "a", 0, 14, 3, 40), _module(small, "b", 3, 14, 3, 40)])
    assert side.tombstones == 1 and "side by side" in side.notes[0]
    stacked = _quality(small, [_module(small, "a", 0, 14, 6, 30), _module(small, "b", 0, 44, 6, 30)])
    assert stacked.tombstones == 0
    # A photo above b's headline moves it down, clear of a's.
    clear = _quality(small, [_module(small, "a", 0, 14, 3, 40), _module(small, "b", 3, 14, 3, 40, photo_first=True)])
    assert clear.tombstones == 0


def test_a_photo_beside_the_headline_keeps_it_from_its_neighbour(small):
    """H4: b's photo stands at its left edge, its headline in the columns right of it: a's headline,
    level with b's, meets the photo; with the photo at b's right edge the two headlines meet."""
    a = _module(small, "a", 0, 14, 3, 40)
    b = _module(small, "b", 3, 14, 3, 40)
    box = b.photos[0]
    west = replace(b, head_column=1, head_span=2, photos=(replace(box, column=0, line=0, span=1),),
                   body_tops=(box.lines + box.caption_lines, b.head_lines, b.head_lines))
    east = replace(west, head_column=0, photos=(replace(box, column=2, line=0, span=1),),
                   body_tops=(b.head_lines, b.head_lines, box.lines + box.caption_lines))
    assert _quality(small, [a, west]).tombstones == 0
    assert _quality(small, [a, east]).tombstones == 1


def test_briefs_stand_in_one_block_under_one_label():
    """The 简讯 of a page flow down the columns of one block under one label: a brief that reaches a
    column's foot goes on at the top of the next, without a headline of its own, and the headlines of
    neighbouring columns of the block are not level (H4)."""
    planned = plan_only(CORPUS / "putuo-2026-05-15")
    page = planned.plan.pages[1]
    labels = [m for m in page.modules if m.label_lines]
    assert len(labels) == 1
    block = [m for m in page.modules if m.span == 1 and m.line >= labels[0].line
             and labels[0].column <= m.column and m.article_id in {a.id for a in planned.issue.articles
                                                                   if not a.figures}]
    going_on = [m for m in block if not m.head_lines]
    assert going_on and all(any(o.article_id == m.article_id and o.head_lines for o in page.modules)
                            for m in going_on)
    q = page_quality(planned.issue, page, planned.frames.pages[1], planned.fmt, last=False)
    assert q.tombstones == 0 and q.short_modules == 0


def test_headline_size_inversions_by_priority(small):
    ok = _quality(small, [_module(small, "a", 0, 14, 6, 30, size=30), _module(small, "b", 0, 44, 6, 30, size=20)])
    assert ok.inversions == 0
    bad = _quality(small, [_module(small, "a", 0, 14, 6, 30, size=17), _module(small, "b", 0, 44, 6, 30, size=30)])
    assert bad.inversions == 1 and "priority 3" in bad.notes[0]


def test_short_multicolumn_modules(small):
    brief = _quality(small, [_module(small, "c", 0, 14, 3, 8)])
    assert brief.short_modules == 1
    assert _quality(small, [_module(small, "c", 0, 14, 1, 8)]).short_modules == 0


def test_lead_headline_position_on_page_1(small):
    high = _quality(small, [_module(small, "a", 0, 14, 6, 30)])
    assert high.lead_top < quality.LEAD_TOP_SHARE and not high.failures()[1:]
    low = _quality(small, [_module(small, "b", 0, 14, 6, 30), _module(small, "a", 0, 50, 6, 30)])
    assert low.lead_top > quality.LEAD_TOP_SHARE
    assert any("lead headline" in f for f in low.failures())
    assert _quality(small, [_module(small, "a", 0, 3, 6, 30, page=2)], page=2).lead_top is None


def test_photo_share(small):
    q = _quality(small, [_module(small, "b", 0, 14, 2, 40)])
    assert q.photo_share == pytest.approx(PHOTO_LINES * 2 / (6 * 66))
    assert _quality(small, [_module(small, "a", 0, 14, 2, 40)]).photo_share == 0


@pytest.mark.parametrize("source,lines,expected", [
    ("人工智能产业集群", ("人工智", "能产业集群"), ["人工智/能"]),
    ("人工智能产业集群", ("人工智能", "产业集群"), []),
    ("校园足球联赛开踢", ("校园足球", "联赛开踢"), []),  # between the words of a compound
    ("2025年计划", ("2025", "年计划"), ["2025/年"]),  # a number and its unit
    ("新建3200个车位", ("新建3200", "个车位"), ["3200/个"]),
    ("引进ODR平台", ("引进OD", "R平台"), ["OD/R"]),  # a Latin word
    ("营商服务“新5条”", ("营商服务“新", "5条”"), ["“新/5条”"]),  # the article's own quoted term
    ("大城养老 徐汇范式", ("大城养老", "徐汇范式"), []),  # the editor's space
])
def test_headline_word_breaks(source, lines, expected):
    assert broken_words(source, lines, ("新5条",)) == expected


def test_word_breaks_read_the_module_headline(small):
    placed = _placed(small, _module(small, "a", 0, 14, 6, 30))
    assert word_breaks(placed, small.issue) == []
    broken = Placed(**{**placed.__dict__, "head_lines": (("headline", ("区委召", "开常委会")),)})
    assert word_breaks(broken, small.issue) == ["召/开"]


def test_word_breaks_in_subheads(small):
    """A module's 小标题 are checked as framed; one broken at 注/册 would count."""
    placed = _placed(small, _module(small, "d", 0, 14, 6, 20))
    [(text, lines)] = quality.subheads(placed, small.issue)
    assert text == "以共享信息数字化助力注册登记便利化" and "".join(lines) == text and len(lines) > 1
    assert word_breaks(placed, small.issue) == broken_words(text, lines)
    assert broken_words(text, ("以共享信息数字化助力注", "册登记便利化")) == ["注/册"]
    outside = _placed(small, _module(small, "d", 0, 14, 6, 20, slots=(0, 1)))  # the subhead is in another module
    assert quality.subheads(outside, small.issue) == []


def test_issue_quality_covers_every_page(small):
    pages = issue_quality(small.issue, small.plan, small.frames.pages, small.fmt)
    assert [q.page for q in pages] == [p.number for p in small.plan.pages]
    assert pages[-1].last and not pages[0].last
