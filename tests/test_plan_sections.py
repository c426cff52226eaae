"""Sections over several pages, poems and short wide modules (issue 10, the held-out 黄浦报), in
process: issues written on the fly and planned with plan_issue (no PDF). What is asserted is what an
editor reads on the page: which page an article is on, whether it jumps, how many columns it takes,
where its columns break."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_issue
from layout.house import house
from layout.messages import set_language
from layout.plan.columns import module_columns, stanza_columns
from layout.plan.fit import Fits, Slot, headline_cap
from layout.plan.leaves import Context, Item, Leaf, LeafTable
from layout.plan.grid import page_format
from layout.plan.planner import plan_issue
from layout.model import Line, Run
from layout.source.issue_folder import load_issue
from layout.text.issue_text import normalise_issue

PARAGRAPH = "区里今年新建的社区服务站点陆续开放，居民在家门口就能办理医保、社保和养老等事项。"
PAGES = """\
format = "tabloid"

[paper]
name = "测试报"
code = "TST"

[issue]
date = 2027-01-08
number = 1
total = 100
""" + "".join(f'\n[[pages]]\nnumber = {n}\nsection = "{s}"\n' for n, s in enumerate(("要闻", "要闻", "社区"), 1))


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language(None)


def _article(headline: str, chars: int, priority: int, front: str = "", body: str = "") -> str:
    text = body or (PARAGRAPH * (chars // len(PARAGRAPH) + 1))[:chars]
    return f"---\nheadline: {headline}\npriority: {priority}\n{front}---\n{text}\n"


def _planned(root: Path):
    issue, _ = normalise_issue(load_issue(root))
    fits = Fits({a.id: a for a in issue.articles}, page_format(issue.format))
    return issue, fits, plan_issue(issue, fits, {})


def _where(plan) -> dict[str, list[tuple[int, int]]]:
    """article → [(page, part)] of its modules."""
    out: dict[str, list[tuple[int, int]]] = {}
    for page in plan.pages:
        for m in page.modules:
            out.setdefault(m.article_id, []).append((page.number, m.part))
    return out


# --- 1. a section over two pages ---------------------------------------------------------------

SECTION_ISSUE = {
    # 第1版: its own copy, pinned, fills most of the page.
    "01-lead.md": _article("新年第一个工作日全区重大项目集中开工", 1300, 1, "page: 1\n"),
    "02-second.md": _article("区域医联体床位图上线", 420, 2, "page: 1\n"),
    # 要闻 (第1版 and 第2版), not pinned: more than 第2版 holds.
    "03-renda.md": _article("代表建议办理件件有回音", 1200, 1, "section: 要闻\n"),
    "04-yingshang.md": _article("营商环境再升级推出二十条新举措", 1100, 2, "section: 要闻\n"),
    "05-jiaotong.md": _article("隧道夜间封闭检修", 700, 3, "section: 要闻\n"),
    "06-anquan.md": _article("春节前开展消防安全大排查", 800, 3, "section: 要闻\n"),
    "10-jingji.md": _article("去年新引进总部型企业二十七家", 600, 3, "section: 要闻\n"),
    "11-wenhua.md": _article("非遗新春市集开市", 500, 3, "section: 要闻\n"),
    # 社区 (第3版)
    "07-lilong.md": _article("搬回老地方住进新房子", 900, 1, "section: 社区\n"),
    "08-shitang.md": _article("第三家长者食堂开张", 420, 2, "section: 社区\n"),
    "09-tingche.md": _article("错峰停车缓解停车难", 380, 3, "section: 社区\n"),
}


def test_a_section_over_two_pages_fills_its_pages_without_jumping_between_them(tmp_path):
    """`section: 要闻` names 第1版 and 第2版: an unpinned 要闻 article is set whole on one of them (the
    first that holds it), never opened on 第1版 as a narrow module continued with 下转第2版 (the
    first section page only took whole articles of its section, in priority order, while its pinned
    copy left room)."""
    root = write_issue(tmp_path / "issue", SECTION_ISSUE, PAGES)
    issue, _, plan = _planned(root)
    where = _where(plan)
    section = ("03-renda", "04-yingshang", "05-jiaotong", "06-anquan", "10-jingji", "11-wenhua")
    for aid in section:
        assert where[aid][0] in ((1, 0), (2, 0)), (aid, where[aid])  # it opens on a 要闻 page
    front = next(p for p in plan.pages if p.number == 1)
    assert not [m.article_id for m in front.modules if m.jump_to == 2]  # 第1版 jumps none of its copy to 第2版
    assert [m.article_id for m in front.modules if m.article_id in section]  # and takes what 第2版 cannot
    for aid in ("07-lilong", "08-shitang", "09-tingche"):
        assert where[aid][0] == (3, 0), (aid, where[aid])
    assert not [w for w in plan.warnings if w.code == "section"]


def test_copy_beyond_its_section_pages_is_said(tmp_path):
    """社区 has one page and more copy than it holds: what does not fit is set on a later page (a
    page of another section) and the build says so, naming the article and its section's pages."""
    toml = PAGES + '\n[[pages]]\nnumber = 4\nsection = "副刊"\n'
    articles = dict(SECTION_ISSUE)
    articles.update({f"1{n}-more.md": _article(f"社区新闻之{n}号稿件", 700, 3, "section: 社区\n") for n in range(4)})
    root = write_issue(tmp_path / "issue", articles, toml)
    _, _, plan = _planned(root)
    where = _where(plan)
    notes = [w for w in plan.warnings if w.code == "section"]
    late = sorted({aid for aid, places in where.items() if aid.endswith("-more") and (4, 0) in places})
    assert late, where  # some 社区 copy went to 第4版 …
    assert len(notes) == len(late)  # … each said once
    assert all("第3版" in w.message and w.page == 4 for w in notes)


# --- 2. verse --------------------------------------------------------------------------------

STANZAS = (("河水绕了十八个弯", "才走到外白渡桥下", "它带来了上游的芦苇", "也带来了城市旧事"),
           ("桥上的人来来往往", "没有人停下来", "问一问河水", "它从哪里来"),
           ("海关大楼的钟", "一百年了", "每个整点", "都要说一遍"),
           ("江上的船听见了", "拉一声长笛", "算是回答", "灯一盏盏亮了"))
POEM = "```verse\n" + "\n\n".join("\n".join(s) for s in STANZAS) + "\n```\n"
LITERARY = PAGES.split("[[pages]]")[0] + '[[pages]]\nnumber = 1\nsection = "浦江潮"\n\n[[pages]]\nnumber = 2\nsection = "浦江潮"\n'


def _poem_page(tmp_path: Path):
    articles = {
        "01-essay.md": _article("外婆的煤球炉", 1500, 1, "page: 2\nbyline: 沈梦溪\nbyline_position: top\n"),
        "02-poem.md": _article("苏州河（外一首）", 0, 2, "page: 2\nbyline: 陆一鸣\nbyline_position: top\n", POEM),
        "03-sketch.md": _article("一碗小馄饨", 600, 3, "page: 2\nbyline: 顾筱\nbyline_position: top\n"),
        "04-review.md": _article("在老地图里读懂一座城", 700, 3, "page: 2\nbyline: 林晓岚\nbyline_position: top\n"),
        "05-front.md": _article("本期导读", 1800, 1, "page: 1\n"),
    }
    root = write_issue(tmp_path / "issue", articles, LITERARY)
    issue, fits, plan = _planned(root)
    page = next(p for p in plan.pages if p.number == 2)
    return fits, {m.article_id: m for m in page.modules}


def test_a_poem_takes_one_or_two_columns_under_a_smaller_headline(tmp_path):
    """V1: a poem of four stanzas on a 副刊 page is one or two columns wide (not a 6-column band of
    four lines), and its headline is smaller than the page's main essay's."""
    _, modules = _poem_page(tmp_path)
    poem, essay = modules["02-poem"], modules["01-essay"]
    assert poem.span <= house()["verse"]["max_span"]
    assert poem.headline_size < essay.headline_size


def test_a_poem_breaks_columns_only_between_stanzas(tmp_path):
    """V1: each column of the poem starts with the first line of a stanza; no stanza is split."""
    fits, modules = _poem_page(tmp_path)
    columns = module_columns(modules["02-poem"], fits)
    firsts = {s[0] for s in STANZAS}
    for column in columns:
        text = [slot.line.text for slot in column if slot.line.text]
        assert text[0] in firsts, text
        stanzas = [s for s in STANZAS if s[0] in text]
        assert all(all(line in text for line in s) for s in stanzas), text  # whole stanzas only


def _slots(*stanzas: int) -> list[Slot]:
    """Verse slots: stanzas of the given lengths, a blank line between them."""
    out: list[Slot] = []
    for n, length in enumerate(stanzas):
        if n:
            out.append(Slot(Line((), 0.0, last=True), "verse"))
        out += [Slot(Line((Run(f"第{n}节{k}行", 0.0),), 10.0, last=True), "verse") for k in range(length)]
    return out


def test_stanza_columns_break_after_a_blank_line_and_keep_the_foot_lowest_first():
    """Stanzas of 4, 4 and 6 lines over two columns: 4 + blank + 4 + blank | 6 would be 10 and 6
    lines; 4 + blank | 4 + blank + 6 is 5 and 11: the first (lower foot) wins. Balanced prose would
    have split the second stanza."""
    slots = _slots(4, 4, 6)
    columns = stanza_columns(slots, 2)
    assert [len(c) for c in columns] == [10, 6]
    assert columns[1][0].line.text == "第2节0行"
    assert stanza_columns(_slots(9), 2) is None  # one stanza: no break to make


# --- 4. short copy is not a band -------------------------------------------------------------

def test_a_short_story_across_three_or_more_columns_costs_a_band(tmp_path):
    """A 230-character story over 6 columns stands 4 lines a column (it passes the 4-line floor of the
    `short` figure) but reads as a band across the page: each of its shapes of 3+ columns under
    band_lines a column costs band_column a column beyond two, so it takes one or two columns
    wherever the page can close that way (the 黄浦 第3版's 6-column story of 205 characters)."""
    root = write_issue(tmp_path / "issue", {"01-short.md": _article("街道短新闻一条", 230, 3, "page: 1\nbyline: 记者 甲\n"
                                                                   "byline_position: top\n")}, PAGES)
    issue, fits, _ = _planned(root)
    table, c = LeafTable(fits), house()["planner"]
    item = Item("01-short")

    def cheapest(span: int) -> Leaf:
        ctx = Context(headline_cap(span, 2), False, False, False, 77)
        return min((group[0] for group in table.leaves(item, span, ctx).values()), key=lambda leaf: leaf.cost)

    narrow = min(cheapest(1).cost, cheapest(2).cost)
    bands = []
    for span in (3, 4, 5, 6):
        leaf = cheapest(span)
        (module,) = leaf.modules
        if max(map(len, module_columns(module, fits))) < c["band_lines"]:
            bands.append(span)
            assert leaf.cost >= narrow + (span - c["brief_max_span"]) * c["band_column"], span
    assert bands == [4, 5, 6]  # 21 lines: 7 a column at 3 columns (with its closing byline, 8), fewer wider
