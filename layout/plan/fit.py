"""Article fit: what an article looks like at a given column span (G4, G5, H1, H2).

`shape()` composes an article for a span: headline group with its top byline, and the body as
a sequence of one-line slots; captions are set at their photo's width (layout.plan.photos). Every part is a whole number of body lines,
so the planner can add heights and the painter can place them on the grid. The body is
only split into columns (balanced, G5) once the planner has decided which slots a module
holds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from layout.errors import BuildError
from layout.model import Article, EditorsNote, Figure, Line, Paragraph, Subhead, Verse
from layout.house import house
from layout.messages import t
from layout.plan.grid import PageFormat
from layout.text.composer import TextStyle, compose, compose_headline, compose_words
from layout.text.article_parts import article_parts, credit_text
from layout.text.parts import part
from layout.text.segment import article_terms, head_breaks

SlotRole = Literal["body", "subhead", "note", "byline", "jump", "verse"]
HeadRole = Literal["kicker", "headline", "subtitle", "byline"]


@dataclass(frozen=True)
class Slot:
    """One body line in a column, in reading order."""

    line: Line
    role: SlotRole


@dataclass(frozen=True)
class HeadLine:
    line: Line
    role: HeadRole
    size: float  # pt
    y: float  # baseline-box top in pt from the module top


@dataclass(frozen=True)
class Shape:
    """An article's headline group at a span and size cap, with its body (the same at every span)."""

    article_id: str
    span: int
    head: tuple[HeadLine, ...]
    head_lines: int
    headline_size: float
    body: tuple[Slot, ...]


def _style(name: str, size: float, indent: float = 0.0, align: str = "justify") -> TextStyle:
    """A part's style (styles/house.toml [parts]): measured in the face it is painted in."""
    return TextStyle(face=part(name).face, size=size, indent=indent, align=align,
                     w1_gap=house()["body"]["w1_gap_em"])


def headline_cap(span: int, priority_rank: int) -> float:
    """The largest 主题 size for a span and a priority rank on the page (1 = 头条)."""
    h = house()["headline"]
    cap = h["max_size_by_span"][min(span, len(h["max_size_by_span"])) - 1]
    return max(h["min_size"], round(cap * (1 - h["priority_step"] * (priority_rank - 1))))


def _head(article: Article, fmt: PageFormat, span: int, cap: float,
          continuation: bool) -> tuple[tuple[HeadLine, ...], int, float]:
    """Headline group lines with their y positions, lines taken, and the 主题 size.

    A continuation after a jump repeats only the short headline."""
    h = house()["headline"]
    measure = fmt.span_width(span) - 2 * fmt.body_size  # one em of air either side
    sizes = [s for s in range(int(cap), h["word_min_size"] - 1, -h["step"])]
    text = short_headline(article) if continuation else article.headline
    size, main = compose_headline(text, part("headline").face, measure, max_lines=h["max_lines"], sizes=sizes,
                                  terms=article_terms(article), words_only_below=h["min_size"])
    parts: list[tuple[HeadRole, float, tuple[Line, ...]]] = []
    if continuation:
        parts.append(("headline", size, main))
    elif article.kicker:
        k = part("kicker").size(fmt.body_size, size)
        parts.append(("kicker", k, compose_words(article.kicker, _style("kicker", k, align="center"), measure,
                                                article_terms(article))))
    if not continuation:
        parts.append(("headline", size, main))
    if article.subtitle and not continuation:
        s = part("subtitle").size(fmt.body_size, size)
        parts.append(("subtitle", s, compose_words(article.subtitle, _style("subtitle", s, align="center"), measure,
                                                  article_terms(article))))
    top_byline = article_parts(article).top_byline
    if top_byline and not continuation:
        b = part("byline").size(fmt.body_size)
        parts.append(("byline", b, compose(f"■ {top_byline}", _style("byline", b, align="center"), measure)))

    # A subtitle or byline keeps air from the headline above it, so their em boxes never touch.
    air = [h["air_before_lines"] * fmt.line_pitch if role in _AIRED and n else 0.0
           for n, (role, _, _) in enumerate(parts)]
    total = sum(sz * h["line_height"] * len(lines) for _, sz, lines in parts) + sum(air)
    n_lines = math.ceil(total / fmt.line_pitch) + h["pad_lines"]
    y = (n_lines * fmt.line_pitch - total) / 2  # centred in the lines it takes
    out: list[HeadLine] = []
    for (role, sz, lines), gap in zip(parts, air):
        y += gap
        for line in lines:
            out.append(HeadLine(line, role, sz, y))
            y += sz * h["line_height"]
    return tuple(out), n_lines, size


_AIRED = ("subtitle", "byline")


def natural_photo_lines(figure: Figure, fmt: PageFormat, span: int) -> float:
    """Lines a photo `span` columns wide would take at its own aspect."""
    w, h = figure.size
    return fmt.span_width(span) * h / w / fmt.line_pitch


def caption_lines(figure: Figure, fmt: PageFormat, span: int) -> tuple[Line, ...]:
    """Caption and credit (记者 X 摄) set at the photo's width."""
    text = "\u3000".join(part for part in (figure.caption, credit_text(figure.credit)) if part)
    return compose(text, _style("caption", part("caption").size(fmt.body_size)), fmt.span_width(span)) if text else ()


def body_slots(article: Article, fmt: PageFormat, span_chars: int) -> tuple[Slot, ...]:
    """The body in one-line slots for a column of span_chars characters."""
    b = house()["body"]
    measure = span_chars * fmt.body_size
    slots: list[Slot] = []
    parts = article_parts(article)

    def add(lines: tuple[Line, ...], role: SlotRole) -> None:
        slots.extend(Slot(line, role) for line in lines)

    first_paragraph = True
    for block in article.blocks:
        if isinstance(block, Paragraph):
            text = parts.opening + block.text if first_paragraph else block.text
            first_paragraph = False
            add(compose(text, _style("body", part("body").size(fmt.body_size), b["indent_em"]), measure), "body")
        elif isinstance(block, Subhead):
            add(compose_words(block.text, _style("subhead", part("subhead").size(fmt.body_size), align="left"), measure,
                              article_terms(article)), "subhead")
        elif isinstance(block, EditorsNote):
            add(compose(block.text, _style("note", part("note").size(fmt.body_size), b["indent_em"]), measure), "note")
        elif isinstance(block, Verse):
            add(verse_lines(block, fmt, measure), "verse")
    if parts.closing:
        add(compose(parts.closing, _style("byline", part("byline").size(fmt.body_size), align="right"), measure),
            "byline")
    return tuple(slots)


def verse_lines(verse: Verse, fmt: PageFormat, measure: float) -> tuple[Line, ...]:
    """Each line of a poem composed on its own (a long one wraps), centred or indented as the house sets
    verse ([verse] in house.toml); an empty line is a blank line between stanzas."""
    v = house()["verse"]
    centred = v["align"] == "center"
    style = _style("verse", part("verse").size(fmt.body_size), 0.0 if centred else v["indent_em"],
                   "center" if centred else "left")
    out: list[Line] = []
    for text in verse.lines:
        out.extend(compose(text, style, measure) if text else (Line((), 0.0, last=True),))
    return tuple(out)


def short_headline(article: Article) -> str:
    """The headline repeated over a continuation: the editor's short form, else the first clause."""
    if article.short_headline:
        return article.short_headline
    for mark in "，、：；　 ":
        head = article.headline.split(mark)[0]
        if 4 <= len(head) < len(article.headline):
            return head
    return article.headline


def shape(article: Article, fmt: PageFormat, span: int, cap: float, continuation: bool,
          body: tuple[Slot, ...]) -> Shape:
    head, head_lines, size = _head(article, fmt, span, cap, continuation)
    return Shape(article.id, span, head, head_lines, size, body)


def shape_breaks(article: Article, shape: Shape, continuation: bool) -> list[str]:
    """The words its headline group breaks (B1–B3, layout.text.segment.head_breaks): a span and size
    where the planner would rather not set it."""
    return head_breaks(article, [(h.role, h.line.text) for h in shape.head],
                       short_headline(article) if continuation else None)


def jump_slot(fmt: PageFormat, text: str, align: str) -> Slot:
    """（下转第N版） closing a first part (right) or （上接第M版） opening a continuation (left)."""
    lines = compose(text, _style("jump", part("jump").size(fmt.body_size), align=align),
                    fmt.chars_per_column * fmt.body_size)
    if len(lines) != 1:
        raise BuildError(t("the {format} format's columns are too narrow for the jump line {jump}", format=fmt.name,
                           jump=text))
    return Slot(lines[0], "jump")


@dataclass(frozen=True)
class Composed:
    """What Fits composed of one article: its body (None if not asked for yet), its shapes by (span, size cap,
    continuation) and its captions by (figure, span)."""

    body: tuple[Slot, ...] | None
    shapes: dict[tuple[int, float, bool], Shape]
    captions: dict[tuple[int, int], tuple[Line, ...]]

    @property
    def count(self) -> int:
        return (self.body is not None) + len(self.shapes) + len(self.captions)


class Fits:
    """Shapes of an issue's articles, composed once per (article, span, size cap, part)."""

    def __init__(self, articles: dict[str, Article], fmt: PageFormat):
        self.articles = articles
        self.fmt = fmt
        self._bodies: dict[str, tuple[Slot, ...]] = {}
        self._shapes: dict[tuple, Shape] = {}
        self._captions: dict[tuple, tuple[Line, ...]] = {}

    def body(self, article_id: str) -> tuple[Slot, ...]:
        # The body does not depend on the span (every column is one column wide): compose it once.
        if article_id not in self._bodies:
            self._bodies[article_id] = body_slots(self.articles[article_id], self.fmt, self.fmt.chars_per_column)
        return self._bodies[article_id]

    def shape(self, article_id: str, span: int, cap: float, continuation: bool = False) -> Shape:
        key = (article_id, span, cap, continuation)
        if key not in self._shapes:
            self._shapes[key] = shape(self.articles[article_id], self.fmt, span, cap, continuation,
                                      self.body(article_id))
        return self._shapes[key]

    def caption(self, article_id: str, figure: int, span: int) -> tuple[Line, ...]:
        key = (article_id, figure, span)
        if key not in self._captions:
            self._captions[key] = caption_lines(self.articles[article_id].figures[figure], self.fmt, span)
        return self._captions[key]

    def composed(self, article_id: str) -> Composed:
        """Everything composed of one article so far."""
        return Composed(self._bodies.get(article_id),
                        {k[1:]: v for k, v in self._shapes.items() if k[0] == article_id},
                        {k[1:]: v for k, v in self._captions.items() if k[0] == article_id})

    def add_composed(self, article_id: str, composed: Composed) -> None:
        """Take what an earlier composition of this same article gave (layout.plan.compose_cache)."""
        if composed.body is not None:
            self._bodies[article_id] = composed.body
        self._shapes.update({(article_id, *k): v for k, v in composed.shapes.items()})
        self._captions.update({(article_id, *k): v for k, v in composed.captions.items()})
