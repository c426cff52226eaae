"""Framing a plan: every line, figure, ad, rule and zone of every page, placed in points.

The one place that knows geometry. It reads the lines the planner measured (the planner's shapes
and body slots, through layout.plan) and the plan's grid positions, and places them: nothing after
it composes again.
"""
from __future__ import annotations

from layout.house import MM, house
from layout.model import Issue, Line, Module, PagePlan, Pin, PlacedAd, Plan, Run
from layout.plan.columns import module_columns
from layout.plan.compose_cache import StoredFits
from layout.plan.plan_memo import memo_plan
from layout.plan.fit import Fits, Slot
from layout.plan.grid import PageFormat
from layout.plan.planner import plan_issue
from layout.render.furniture import masthead, page_header
from layout.render.page_cache import PageCache
from layout.text.fonts import Metrics
from layout.text.parts import part
from layout.frame.model import (AdFrame, ArticleText, Cells, Face, FigureFrame, Furniture, IssueFrames, LineFrame,
                                PageFrame, Rect, RuleFrame, RunFrame, Zone)

FIGURE_GAP = 2.0  # pt left clear under a photo, so its edge never touches the caption's first line
FURNITURE_RULE = 1.0  # pt: the rule under 报头/报眉, heavier than the rules between modules


def _face(name: str) -> Face:
    face = part(name).face
    return Face(face.family, face.weight)


def _runs(line: Line, metrics: Metrics) -> tuple[RunFrame, ...]:
    """The line's runs, each with the end of its advances as painted: every character's advance in the
    run's features plus the letter-spacing after it (CSS), so the painter can let the next run follow."""
    return tuple(RunFrame(r.text, r.x, r.letter_spacing, r.features,
                          r.x + metrics.width(r.text, r.features) + len(r.text) * r.letter_spacing)
                 for r in line.runs)


class _Page:
    """The frame of one page as it is filled, module by module."""

    def __init__(self, fmt: PageFormat):
        self.fmt = fmt
        self.lines: list[LineFrame] = []
        self.figures: list[FigureFrame] = []
        self.note_rules: list[RuleFrame] = []

    def line(self, line: Line, name: str, x: float, y: float, module: Module, *, head: bool = False,
             size: float = 0.0, height: float = 0.0, column: int = -1, slot: int = -1) -> None:
        """A line of part `name`: at the part's size on the line pitch unless it has its own (head lines)."""
        size = size or part(name).size(self.fmt.body_size)
        self.lines.append(LineFrame(name, head, x, y, _face(name), size, height or self.fmt.line_pitch, line.width,
                                    _runs(line, Metrics(part(name).face, size)), module.article_id,
                                    module.part, column, slot, line.last))

    def module(self, module: Module, issue: Issue, fits: Fits) -> None:
        fmt = self.fmt
        shape = fits.shape(module.article_id, module.head_columns, module.headline_size, module.part > 0)
        x0, y0, pitch = fmt.column_x(module.column), fmt.line_y(module.line), fmt.line_pitch
        if module.label_lines:
            text, label = house()["briefs"]["label"], part("label")
            width = Metrics(label.face, label.size(fmt.body_size)).width(text)
            self.line(Line((Run(text, 0.0),), width), "label", x0, y0, module, height=module.label_lines * pitch)
        # Slack given to the headline group is shared above and below it; a photo may stand beside it.
        head_y = y0 + (module.head_top + (module.head_lines - shape.head_lines) / 2) * pitch
        head_x = fmt.column_x(module.column + module.head_column) + fmt.body_size
        line_height = house()["headline"]["line_height"]
        for hl in shape.head if module.head_lines else ():  # a brief going on in the next column has none
            self.line(hl.line, hl.role, head_x, head_y + hl.y, module, head=True, size=hl.size,
                      height=hl.size * line_height)
        figures_of = issue.article(module.article_id).figures
        for box in module.photos:
            figure = figures_of[box.figure]
            x, y = fmt.column_x(module.column + box.column), y0 + box.line * pitch
            cells = Cells(module.column + box.column, module.line + box.line, box.span, box.lines)
            w = fmt.span_width(box.span)
            self.figures.append(FigureFrame(module.article_id, module.part, box.figure, figure.file, figure.alt,
                                            cells, Rect(x, y, w, box.lines * pitch),
                                            Rect(x, y, w, box.lines * pitch - FIGURE_GAP), box.caption_lines))
            y += box.lines * pitch
            for line in fits.caption(module.article_id, box.figure, box.span):
                self.line(line, "caption", x, y, module)
                y += pitch
        slot = module.slots[0]
        for k, column in enumerate(module_columns(module, fits)):
            cx, y = fmt.column_x(module.column + k), y0 + module.body_tops[k] * pitch
            for i, s in enumerate(column):
                self.line(s.line, s.role, cx, y + i * pitch, module, column=module.column + k,
                          slot=-1 if s.role == "jump" else slot)
                slot += s.role != "jump"
            self.note_rules.extend(_note_rules(column, cx, y, fmt))


def _note_rules(column: list[Slot], x: float, y: float, fmt: PageFormat) -> list[RuleFrame]:
    """The 编者按 set apart by a rule above and below its lines in each column, as the house style asks
    ([note] frame = "rules"; "" sets it apart by its face only)."""
    if house()["note"]["frame"] != "rules":
        return []
    width, w = house()["module"]["rule_width_mm"] * MM, fmt.span_width(1)
    out = []
    for i, slot in enumerate(column):
        before = column[i - 1].role if i else ""
        after = column[i + 1].role if i + 1 < len(column) else ""
        # On the edges of the note's line boxes: as far from its glyphs as the grid allows.
        if slot.role == "note" and before != "note":
            out.append(RuleFrame("note", Rect(x, y + i * fmt.line_pitch - width / 2, w, width)))
        if slot.role == "note" and after != "note":
            out.append(RuleFrame("note", Rect(x, y + (i + 1) * fmt.line_pitch - width / 2, w, width)))
    return out


def _cells_rect(cells: Cells, fmt: PageFormat) -> Rect:
    return Rect(fmt.column_x(cells.column), fmt.line_y(cells.line), fmt.span_width(cells.span),
                cells.height * fmt.line_pitch)


def _ad(placed: PlacedAd, fmt: PageFormat) -> AdFrame:
    """An ad at its rectangle, under a small 广告 label (the label takes the block's first lines)."""
    cells = Cells(placed.column, placed.line, placed.ad.columns, placed.ad.lines)
    block = _cells_rect(cells, fmt)
    label = house()["ads"]["label_lines"] * fmt.line_pitch
    # Half a line clear above the rule under the block.
    image = Rect(block.x, block.y + label, block.w, block.h - label - fmt.line_pitch / 2)
    return AdFrame(placed.ad.file, cells, block, image, (block.w, block.h - label), house()["ads"]["label"],
                   (block.x, block.y))


def _module_rules(page: PagePlan, fmt: PageFormat) -> list[RuleFrame]:
    """Thin rules between modules and ads: under each that has one below, beside each that has one right."""
    width = house()["module"]["rule_width_mm"] * MM
    gutter = fmt.gutter_chars * fmt.body_size
    rects = [(m.column, m.line, m.span, m.height) for m in page.modules]
    rects += [(a.column, a.line, a.ad.columns, a.ad.lines) for a in page.ads]
    rules = []
    for column, line, span, height in rects:
        bottom = line + height
        if bottom < fmt.lines:  # in the blank line at the module's foot
            y = fmt.line_y(bottom) - fmt.line_pitch / 2
            rules.append(RuleFrame("module", Rect(fmt.column_x(column), y - width / 2, fmt.span_width(span), width)))
        if column + span < fmt.columns:  # in the middle of the gutter
            x = fmt.column_x(column) + fmt.span_width(span) + gutter / 2
            rules.append(RuleFrame("module", Rect(x - width / 2, fmt.line_y(line), width,
                                                  (height - 1) * fmt.line_pitch)))
    return rules


def _furniture(issue: Issue, number: int, fmt: PageFormat) -> tuple[Furniture, RuleFrame]:
    """报头 or 报眉 over the reserved lines, and the rule under it (half a line above the first module)."""
    reserved = fmt.reserved_lines(number)
    box = Rect(fmt.origin[0], fmt.origin[1], fmt.type_width, reserved * fmt.line_pitch - fmt.line_pitch / 2)
    rule = RuleFrame("furniture", Rect(box.x, fmt.line_y(reserved) - fmt.line_pitch / 2, box.w, FURNITURE_RULE))
    if number == 1:
        return Furniture("masthead", box, tuple(masthead(issue).items())), rule
    return Furniture("header", box, tuple(page_header(issue, issue.page(number)).items())), rule


def frame_page(issue: Issue, page: PagePlan, fits: Fits) -> PageFrame:
    fmt = fits.fmt
    built = _Page(fmt)
    for module in page.modules:
        built.module(module, issue, fits)
    furniture, furniture_rule = _furniture(issue, page.number, fmt)
    zones = tuple(Zone(m.article_id, m.part, cells, _cells_rect(cells, fmt))
                  for m in page.modules for cells in (Cells(m.column, m.line, m.span, m.height),))
    return PageFrame(page.number, tuple(built.lines), tuple(built.figures), tuple(_ad(a, fmt) for a in page.ads),
                     (furniture_rule, *_module_rules(page, fmt), *built.note_rules), zones, furniture)


def frame_issue(issue: Issue, plan: Plan, fits: Fits) -> IssueFrames:
    """The frames of every page of the plan, in order, and what the composer set of each article."""
    articles = tuple(ArticleText(a.id, len(body), sum(len(s.line.text) for s in body))
                     for a in issue.articles for body in (fits.body(a.id),))
    return IssueFrames(tuple(frame_page(issue, page, fits) for page in plan.pages), articles)


def plan_and_frame(issue: Issue, fmt: PageFormat, pins: dict[str, Pin],
                   cache: PageCache | None = None) -> tuple[Plan, IssueFrames]:
    """The issue planned in `fmt` and framed with the lines the planner measured (the measurements stay
    between the two stages); with a page cache, articles composed by an earlier build are read from it,
    and so is the plan of an earlier build of the same inputs (layout.plan.plan_memo)."""
    articles = {a.id: a for a in issue.articles}
    if cache:  # the articles' lines and, when nothing the planner reads changed, the plan itself
        fits = StoredFits(articles, fmt, cache)
        plan = memo_plan(issue, fits, pins, cache)
    else:
        fits = Fits(articles, fmt)
        plan = plan_issue(issue, fits, pins)
    return plan, frame_issue(issue, plan, fits)
