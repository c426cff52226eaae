"""An article's photos inside its module: how wide and how high, by the story's standing and each
photo's aspect (docs/layout.md: what editors do).

A module holds all of its article's photos, in order, each with its caption under it, in a row
under the headline (or above it): one photo over some of the module's columns with text beside
and below it, two side by side, or one large and one small. A portrait is narrow, a minor
story's photo small, a 图片新闻 (photo news) photo-led. Every photo keeps its aspect within the
crop limit (the painter crops with object-fit: cover).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from layout.house import house
from layout.model import Article, Figure, PhotoBox
from layout.plan.fit import Fits, natural_photo_lines

Standing = Literal["lead", "news", "major", "minor"]
HEIGHTS_PER_WIDTH = 2


@dataclass(frozen=True)
class PhotoRow:
    """One way to set an article's photos in a module: boxes with line 0 at the top of the row."""

    boxes: tuple[PhotoBox, ...]
    cost: float
    full: bool  # the row covers every column with photos of one height (it may stand above the headline)

    def depth(self, column: int) -> int:
        """Lines the row takes in one of the module's columns (0 where no photo covers it)."""
        return max((b.line + b.lines + b.caption_lines for b in self.boxes
                    if b.column <= column < b.column + b.span), default=0)


def body_chars(article: Article) -> int:
    return sum(len(getattr(b, "text", "")) for b in article.blocks)


def standing(article: Article, lead: bool) -> Standing:
    m = house()["module"]
    if lead:
        return "lead"
    if article.figures and body_chars(article) <= m["photo_news_chars"]:
        return "news"
    # A short story is minor whatever its rank: its photo must not outweigh its few lines of text.
    return "major" if article.priority <= 3 and body_chars(article) > m["photo_minor_chars"] else "minor"


def _width_share(kind: Standing) -> float:
    return house()["module"][f"photo_width_{kind}"]


def _width_limits(figure: Figure, kind: Standing, span: int, columns: int, alone: bool) -> tuple[int, int, int, float]:
    """Fewest and most columns a photo may take in a module `span` wide on a page of `columns`
    (fewest > most: not at this span), the fewest its kind and aspect ask for, and what each column
    short of that costs. A portrait is narrow; a panorama as wide as its module when it is the
    module's only photo, and asks for panorama_columns (its module at least half the page's
    columns, a rule); a 图片新闻 is photo-led (asks for half the page's columns); a minor story's
    photo is at most half its module (not a panorama's: it is low, its area stays small). What is asked is a cost, not a rule, so a full page can still close."""
    m, c = house()["module"], house()["planner"]
    w, h = figure.size
    widest = m["portrait_columns"] if h / w > m["portrait_aspect"] else columns
    fewest, most, asked, price = 1, min(span, widest), 1, 0.0
    if w / h >= m["panorama_aspect"]:
        fewest, asked, price = span if alone else 1, m["panorama_columns"], c["narrow_panorama"]
        if span < math.ceil(columns * m["panorama_module"]):
            fewest = most + 1  # a strip a column or two wide is not a panorama: its module spans half the page
    elif kind == "minor":
        most = min(most, max(1, math.floor(span * _width_share(kind))))
    if kind == "news" and not price:
        asked, price = min(widest, math.ceil(columns * m["photo_news_width"])), c["narrow_photo"]
    return fewest, most, asked, price


def _heights(figure: Figure, fits: Fits, columns: int, max_lines: int, crop_range: bool) -> list[tuple[int, float]]:
    """Whole-line heights for a photo `columns` wide within the crop limit, with their cost."""
    natural = natural_photo_lines(figure, fits.fmt, columns)
    crop = house()["module"]["figure_crop"]
    per_line = house()["planner"]["figure_line"]
    low, high = max(1, math.ceil(natural * (1 - crop))), math.floor(natural / (1 - crop))
    if not crop_range:
        low = high = min(max(1, round(natural)), high) if high >= 1 else 1
    return [(lines, abs(lines - natural) * per_line) for lines in range(low, min(high, max_lines) + 1)]


def photo_rows(article: Article, fits: Fits, span: int, kind: Standing, free_lines: int) -> list[PhotoRow]:
    """Every way to set the article's photos in a module `span` columns wide, cheapest first;
    [] when they cannot be set at that span (a later, wider span must take them)."""
    figures = article.figures
    if not figures:
        return [PhotoRow((), 0.0, True)]
    m, c = house()["module"], house()["planner"]
    columns = fits.fmt.columns
    share = m[f"photo_share_{kind}"]
    max_lines = max(1, math.floor(free_lines * share))
    limits = [_width_limits(f, kind, span, columns, len(figures) == 1) for f in figures]
    target = max(len(figures), min(span, round(span * _width_share(kind))))
    rows: list[PhotoRow] = []
    for widths in _widths(figures, span):
        boxes: list[PhotoBox] = []
        if any(not lo <= w <= hi for (lo, hi, _, _), w in zip(limits, widths)):
            continue
        cost = abs(sum(widths) - target) * c["photo_column"] \
            + sum(max(0, asked - w) * price for (_, _, asked, price), w in zip(limits, widths))
        column, ok = 0, True
        single = len(figures) == 1
        options = []
        for n, (figure, width) in enumerate(zip(figures, widths)):
            lines = max_lines
            if kind == "minor":  # a small share of the page, however wide
                lines = min(lines, max(1, math.floor(m["photo_area_minor"] * columns * free_lines / width)))
            heights = _heights(figure, fits, width, lines, crop_range=single)
            if not heights:
                ok = False
                break
            options.append(heights)
        if not ok:
            continue
        for choice in _choices(options):
            boxes, cost_here, column = [], cost, 0
            for n, ((lines, crop_cost), width) in enumerate(zip(choice, widths)):
                caption = len(fits.caption(article.id, n, width))
                boxes.append(PhotoBox(n, column, 0, width, lines, caption))
                cost_here += crop_cost
                column += width
            depths = {b.lines + b.caption_lines for b in boxes}
            rows.append(PhotoRow(tuple(boxes), cost_here, column == span and len(depths) == 1))
    rows.sort(key=lambda row: row.cost)
    # At most two heights per arrangement of widths, so smaller photos are among the cheapest tried.
    seen: dict[tuple[int, ...], int] = {}
    kept = []
    for row in rows:
        widths = tuple(b.span for b in row.boxes)
        seen[widths] = seen.get(widths, 0) + 1
        if seen[widths] <= HEIGHTS_PER_WIDTH:
            kept.append(row)
    return kept


def _widths(figures: tuple[Figure, ...], span: int) -> list[tuple[int, ...]]:
    """Column widths for the photos side by side, left to right, at most `span` in all."""
    n = len(figures)
    if n > span:
        return []
    if n == 1:
        return [(w,) for w in range(span, 0, -1)]
    if n == 2:  # side by side, or one large and one small (the first, the editor's choice, larger)
        return [(a, b) for total in range(span, 1, -1) for a in range(total - 1, 0, -1)
                for b in (total - a,) if a >= b]
    share = span // n  # three or more: equal widths, what is left to the first
    return [(span - share * (n - 1),) + (share,) * (n - 1)]


def _choices(options: list[list[tuple[int, float]]]) -> list[tuple[tuple[int, float], ...]]:
    if len(options) == 1:
        return [(o,) for o in options[0]]
    return [tuple(o[0] for o in options)]  # several photos: each at its natural height
