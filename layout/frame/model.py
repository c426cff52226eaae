"""Page frames: everything a page shows, placed in points on the page (docs/design.md, "Frames").

All positions are in pt from the trim's top-left; every rectangle also knows its place in mm
(layout.json) and, where it sits on the grid, in grid cells. A line's `runs` are the composer's,
untouched: each run starts at its x (from the line's left edge) and spaces its characters by its
letter-spacing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from layout.house import MM

MM_DIGITS = 2  # layout.json gives rectangles to a hundredth of a mm


_EDGE = 0.01  # pt: a line starting on a rectangle's edge (positions are rounded to 0.001 pt) is inside


@dataclass(frozen=True)
class Rect:
    x: float  # pt from the trim's left edge
    y: float  # pt from the trim's top edge
    w: float
    h: float

    def contains(self, x: float, y: float) -> bool:
        return self.x - _EDGE <= x < self.x + self.w and self.y - _EDGE <= y < self.y + self.h

    def mm(self) -> dict[str, float]:
        return {"x": round(self.x / MM, MM_DIGITS), "y": round(self.y / MM, MM_DIGITS),
                "width": round(self.w / MM, MM_DIGITS), "height": round(self.h / MM, MM_DIGITS)}


@dataclass(frozen=True)
class Cells:
    """A rectangle of the grid: columns from 0, lines from 0 at the top of the type area."""

    column: int
    line: int
    span: int
    height: int  # lines


@dataclass(frozen=True)
class Face:
    family: str  # as the painter names it in CSS (fontconfig-resolved)
    weight: int  # CSS weight


@dataclass(frozen=True)
class RunFrame:
    text: str
    x: float  # pt from the line's left edge
    letter_spacing: float  # pt after every character
    features: str  # OpenType features as CSS font-feature-settings
    end: float  # pt from the line's left edge where the run's advances (and letter-spacing) end


@dataclass(frozen=True)
class LineFrame:
    """One text line as the composer set it, at its place on the page."""

    part: str  # kicker, headline, subtitle, byline, body, subhead, note, verse, jump, caption, label
    head: bool  # a line of the headline group (set at its own size, between the grid lines)
    x: float  # the line box's left edge, pt on the page
    y: float  # the line box's top, pt on the page
    face: Face  # the face it was measured with
    size: float  # pt
    height: float  # the line box's height, pt
    width: float  # pt the composer set, from the line box's left edge to the end of its last glyph
    runs: tuple[RunFrame, ...]
    article: str  # the article's id
    article_part: int  # 0 = first part, 1 = continuation after a jump
    column: int = -1  # body column lines (body parts and jumps): the page's grid column; else -1
    slot: int = -1  # body lines: index among the article's body lines (jumps and others: -1)
    last: bool = False  # the last line of its paragraph

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class FigureFrame:
    article: str
    article_part: int
    figure: int  # index in the article's figures
    source: Path  # the image file of the issue folder
    alt: str
    cells: Cells  # the grid cells it takes, its caption not included
    box: Rect  # those cells in pt
    rect: Rect  # where the picture is drawn (inside its cells, clear of the caption below)
    caption_lines: int


@dataclass(frozen=True)
class AdFrame:
    source: Path  # the ad's file in the issue folder
    cells: Cells
    rect: Rect  # the whole block, its label included
    image: Rect  # where the picture is drawn
    fill_size: tuple[float, float]  # pt the picture is converted at (its room under the label)
    label: str  # 广告
    label_at: tuple[float, float]  # the label's top-left, pt


@dataclass(frozen=True)
class RuleFrame:
    kind: str  # furniture (under 报头/报眉), module (between modules and ads), note (around a 编者按)
    rect: Rect


@dataclass(frozen=True)
class Zone:
    """The rectangle of one module: an article (or the continuation of one) on its page."""

    article: str
    article_part: int
    cells: Cells
    rect: Rect


@dataclass(frozen=True)
class Furniture:
    """报头 (page 1) or 报眉 (other pages): laid out by the stylesheet in its box."""

    kind: str  # masthead or header
    box: Rect
    fields: tuple[tuple[str, str], ...]  # the texts it shows (furniture.masthead / page_header)


@dataclass(frozen=True)
class PageFrame:
    number: int
    lines: tuple[LineFrame, ...]  # in reading order within each module, modules in plan order
    figures: tuple[FigureFrame, ...]
    ads: tuple[AdFrame, ...]
    rules: tuple[RuleFrame, ...]
    zones: tuple[Zone, ...]  # one per module, in plan order
    furniture: Furniture

    def zone_lines(self, zone: Zone) -> tuple[LineFrame, ...]:
        """The lines set in a module. A brief that goes on in the next column of a 简讯 block is two
        modules of one article and part: each holds the lines that start inside its rectangle."""
        return tuple(line for line in self.lines
                     if line.article == zone.article and line.article_part == zone.article_part
                     and zone.rect.contains(line.x, line.y))


@dataclass(frozen=True)
class ArticleText:
    """What the composer set of an article's body, printed or not (what is cut is the difference)."""

    article: str
    body_lines: int
    body_chars: int


@dataclass(frozen=True)
class IssueFrames:
    pages: tuple[PageFrame, ...]
    articles: tuple[ArticleText, ...]  # in the issue's order

    def article(self, article_id: str) -> ArticleText:
        return next(a for a in self.articles if a.article == article_id)
