"""Page quality: the figures a chief editor judges a planned page by (issue 10).

For every page of a plan: fill (area covered by modules and ads / the type area below 报头 or
报眉), side-by-side headlines (tombstones: the 主题 of two neighbouring modules at the same
height), headline-size inversions by priority (a less important article with a larger 主题 than a
more important one on the page, or any 主题 larger than the 头条's on page 1), multi-column modules
with fewer than four body lines per column, headlines broken inside a word (主题, 引题, 副题 and
小标题), the 头条's headline position on page 1 (top of its 主题 as a share of the type area's
height), and the photos' share of the page.

Pure functions of the plan's page frames (layout.frame): what a reader sees, where the painter
puts it. What is read of them is confined to `placed()` (one module: its zone and the lines in it)
and `covered_cells()` (one page's modules and ads).
"""
from __future__ import annotations

from dataclasses import dataclass

from layout.frame import PageFrame, Zone
from layout.model import Issue, Module, PagePlan, Plan, Subhead
from layout.plan.fit import short_headline
from layout.plan.grid import PageFormat
from layout.plan.heads import level
from layout.text.segment import article_terms, broken_words, head_breaks

MIN_FILL = 0.97  # a page other than the last is full at this share (issue 10, item 11)
MIN_COLUMN_LINES = 4  # body lines per column below which a multi-column module looks broken
LEAD_TOP_SHARE = 0.40  # the 头条's 主题 starts in this top share of the type area
SIZE_EPSILON = 0.25  # pt: sizes closer than this are the same size
HEAD_ROLES = ("kicker", "headline", "subtitle")


# --- what the metrics read of the frames (adapt here) --------------------------------------


@dataclass(frozen=True)
class Placed:
    """One module as a reader sees it, in grid units of the type area."""

    article_id: str
    part: int
    column: int
    line: int
    span: int
    height: int
    headline_size: float  # 主题 in pt
    headline_top: float  # lines from the type area's top to the 主题's first line
    headline_bottom: float  # … to the foot of its last line
    head_lines: tuple[tuple[str, tuple[str, ...]], ...]  # (role, line texts) of kicker, 主题, 副题
    text_columns: int
    column_lines: int  # body lines in the tallest text column
    photo_cells: int  # columns × lines of photo
    subheads: tuple[tuple[str, ...], ...]  # the line texts of each subhead (小标题) the module holds
    head_west: bool = True  # the 主题 meets the module's left edge (no photo beside it there)
    head_east: bool = True  # and its right edge


def placed(module: Module, frame: PageFrame, zone: Zone, fmt: PageFormat) -> Placed:
    """Read one module the way the painter draws it: its zone and the lines framed in it."""
    lines = frame.zone_lines(zone)
    main = [line for line in lines if line.head and line.part == "headline"]
    top_y = fmt.origin[1]
    top = (min((line.y for line in main), default=zone.rect.y) - top_y) / fmt.line_pitch
    bottom = (max((line.y + line.height for line in main), default=zone.rect.y) - top_y) / fmt.line_pitch
    roles = tuple((role, texts) for role in HEAD_ROLES
                  if (texts := tuple(line.text for line in lines if line.head and line.part == role)))
    columns: dict[int, int] = {}
    for line in lines:
        if line.column >= 0:
            columns[line.column] = columns.get(line.column, 0) + 1
    subheads: list[list[str]] = []
    previous = -2
    for line in (line for line in lines if line.part == "subhead"):
        if line.slot != previous + 1:
            subheads.append([])
        subheads[-1].append(line.text)
        previous = line.slot
    photo_cells = sum(f.cells.span * f.cells.height for f in frame.figures
                      if (f.article, f.article_part) == (zone.article, zone.article_part))
    return Placed(zone.article, zone.article_part, zone.cells.column, zone.cells.line, zone.cells.span,
                  zone.cells.height, module.headline_size, top, bottom, roles, len(columns),
                  max(columns.values(), default=0), photo_cells, tuple(tuple(s) for s in subheads),
                  module.head_column == 0, module.head_column + module.head_columns == module.span)


def covered_cells(page: PagePlan) -> int:
    """Columns × lines the page's modules and ads cover."""
    return sum(m.span * m.height for m in page.modules) + sum(a.ad.columns * a.ad.lines
                                                              for a in getattr(page, "ads", ()))


# --- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageQuality:
    page: int
    last: bool  # the issue's last page: it may be less than full
    fill: float  # covered / type area below 报头 or 报眉
    tombstones: int
    inversions: int
    short_modules: int
    word_breaks: int
    lead_top: float | None  # page 1: the 头条's 主题 top as a share of the type area's height
    photo_share: float
    notes: tuple[str, ...]  # what each non-zero figure is made of, for the editor

    def failures(self) -> tuple[str, ...]:
        """The figures off the house's standard (empty: the page passes)."""
        out = []
        if not self.last and self.fill < MIN_FILL:
            out.append(f"fill {self.fill:.1%} < {MIN_FILL:.0%}")
        for name in ("tombstones", "inversions", "short_modules", "word_breaks"):
            if getattr(self, name):
                out.append(f"{name} {getattr(self, name)}")
        if self.lead_top is not None and self.lead_top > LEAD_TOP_SHARE:
            out.append(f"lead headline at {self.lead_top:.0%} of the page > {LEAD_TOP_SHARE:.0%}")
        return tuple(out)


def issue_quality(issue: Issue, plan: Plan, frames: tuple[PageFrame, ...], fmt: PageFormat) -> tuple[PageQuality, ...]:
    last = max(p.number for p in plan.pages)
    return tuple(page_quality(issue, page, frame, fmt, page.number == last) for page, frame in zip(plan.pages, frames))


def page_quality(issue: Issue, page: PagePlan, frame: PageFrame, fmt: PageFormat, last: bool) -> PageQuality:
    free = fmt.columns * (fmt.lines - fmt.reserved_lines(page.number))
    modules = [placed(m, frame, zone, fmt) for m, zone in zip(page.modules, frame.zones)]
    priority = {a.id: a.priority for a in issue.articles}
    headline = {a.id: a.headline for a in issue.articles}
    notes: list[str] = []

    stones = tombstones(modules)
    notes += [f"side by side: 《{headline[a.article_id]}》 | 《{headline[b.article_id]}》" for a, b in stones]
    inverted = inversions(modules, priority, lead_page=page.number == 1)
    notes += [f"《{headline[b.article_id]}》 (priority {priority[b.article_id]}, {b.headline_size:g} pt) > "
              f"《{headline[a.article_id]}》 (priority {priority[a.article_id]}, {a.headline_size:g} pt)"
              for a, b in inverted]
    short = [m for m in modules if m.text_columns > 1 and m.column_lines < MIN_COLUMN_LINES]
    notes += [f"《{headline[m.article_id]}》: {m.text_columns} columns of {m.column_lines} lines" for m in short]
    breaks = [(m, b) for m in modules for b in word_breaks(m, issue)]
    notes += [f"《{headline[m.article_id]}》: {b}" for m, b in breaks]
    lead = None
    if page.number == 1 and (firsts := [m for m in modules if m.part == 0]):
        top = min(firsts, key=lambda m: (priority[m.article_id], m.line, m.column))
        lead = top.headline_top / fmt.lines
    return PageQuality(
        page=page.number, last=last, fill=covered_cells(page) / free, tombstones=len(stones),
        inversions=len(inverted), short_modules=len(short), word_breaks=len(breaks), lead_top=lead,
        photo_share=sum(m.photo_cells for m in modules) / free, notes=tuple(notes))


def tombstones(modules: list[Placed]) -> list[tuple[Placed, Placed]]:
    """Neighbours across a column edge whose 主题 lines stand at the same height (layout.plan.heads)."""
    out = []
    for a in modules:
        for b in modules:
            if a.column + a.span != b.column or not a.head_lines or not b.head_lines \
                    or not (a.head_east and b.head_west):
                continue
            if level((a.headline_top, a.headline_bottom), (b.headline_top, b.headline_bottom)):
                out.append((a, b))
    return out


def inversions(modules: list[Placed], priority: dict[str, int], lead_page: bool) -> list[tuple[Placed, Placed]]:
    """(more important, less important) pairs whose 主题 sizes go the wrong way; on page 1 also any
    主题 larger than the 头条's (the most important, then the highest placed)."""
    firsts = [m for m in modules if m.part == 0]
    pairs = {(a, b) for a in firsts for b in firsts
             if priority[a.article_id] < priority[b.article_id] and b.headline_size > a.headline_size + SIZE_EPSILON}
    if lead_page and firsts:
        lead = min(firsts, key=lambda m: (priority[m.article_id], m.line, m.column))
        pairs |= {(lead, b) for b in firsts if b.headline_size > lead.headline_size + SIZE_EPSILON}
    return sorted(pairs, key=lambda p: (p[0].line, p[0].column, p[1].line, p[1].column))


# --- headline breaks -----------------------------------------------------------------------


def word_breaks(module: Placed, issue: Issue) -> list[str]:
    """Breaks inside a word in the module's kicker, 主题, 副题 and the subheads (小标题) it holds."""
    article = issue.article(module.article_id)
    terms = article_terms(article)  # the composer's own terms: one segmentation for both (B1–B3)
    heads = head_breaks(article, [(role, text) for role, texts in module.head_lines for text in texts],
                        short_headline(article) if module.part else None)
    return heads + [b for source, lines in subheads(module, issue) for b in broken_words(source, lines, terms)]


def subheads(module: Placed, issue: Issue) -> list[tuple[str, tuple[str, ...]]]:
    """(text, composed lines) of each subhead the module holds whole: its text is the article's subhead
    whose characters the lines hold (the composer drops only spaces at a break)."""
    texts = {_unspaced(b.text): b.text for b in issue.article(module.article_id).blocks if isinstance(b, Subhead)}
    return [(texts[key], lines) for lines in module.subheads if (key := _unspaced("".join(lines))) in texts]


def _unspaced(text: str) -> str:
    return "".join(text.split())
