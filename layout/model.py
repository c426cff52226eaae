"""The one document model in the middle of the pipeline.

Readers (layout.source) build an Issue; the composer turns blocks into Lines; the
planner turns articles into a Plan; writers (layout.render) paint a Plan. Plain
dataclasses only: no I/O and no rendering here.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

# --- The issue as the editors wrote it -------------------------------------------------


@dataclass(frozen=True)
class Paper:
    name: str  # 报名, e.g. 徐汇报
    code: str  # short ASCII code for file names, e.g. XHB
    registration: str = ""  # 国内统一连续出版物号 or 准印证号
    publisher: str = ""  # 主管/主办
    website: str = ""
    icc_profile: str = ""  # path of the CMYK output profile; "" = the system default
    a11y_certifier: str = ""  # who audited the EPUB's accessibility claim; "" = nobody (no certifiedBy)


@dataclass(frozen=True)
class IssueInfo:
    date: _dt.date
    number: int  # 第N期
    total: int  # 总第N期


@dataclass(frozen=True)
class PageSpec:
    number: int  # 第N版
    section: str  # 版名
    editor: str = ""  # 责任编辑


@dataclass(frozen=True)
class Figure:
    file: Path  # absolute, inside the issue folder
    caption: str
    credit: str
    alt: str
    size: tuple[int, int]  # width, height in pixels, upright (EXIF orientation applied), read once at load


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # line in the article file, for messages


@dataclass(frozen=True)
class Subhead:
    text: str
    line: int


@dataclass(frozen=True)
class EditorsNote:
    """编者按: set apart from the body, in the caption face."""

    text: str
    line: int


@dataclass(frozen=True)
class Verse:
    """Lines set one by one (a poem, a song): each line composed on its own, never run together.

    An empty line is a stanza break."""

    lines: tuple[str, ...]
    line: int

    @property
    def text(self) -> str:
        """The characters, without the breaks: what is counted and checked like any block's text."""
        return "".join(self.lines)


Block = Union[Paragraph, Subhead, EditorsNote, Verse]

BylinePosition = Literal["top", "dateline", "end"]


@dataclass(frozen=True)
class Article:
    id: str  # file stem, stable across builds
    path: Path
    headline: str  # 主题
    blocks: tuple[Block, ...]
    kicker: str = ""  # 引题
    subtitle: str = ""  # 副题
    short_headline: str = ""  # repeated over a jump's continuation; "" = derived
    byline: str = ""  # as printed, e.g. "记者 姚丽敏" or "文/记者 柴斌 施昱辰"
    byline_position: BylinePosition = "top"  # ■ line / 本报讯（…） / after the body
    dateline: str = ""  # 本报讯, 新华社上海1月20日电
    page: int | None = None  # pinned page from front matter
    priority: int = 5  # 1 = most important
    figures: tuple[Figure, ...] = ()
    allow_cut: bool = False  # editor allows the end of the text to be cut
    lowres_ok: bool = False  # editor prints a photo under the refusal resolution anyway (no better one exists)
    source_jumps: tuple[str, ...] = ()  # jump lines of an imported original, for the record
    photo_caption: str = ""  # an imported photo's caption and credit, for which no image file exists yet
    photo_credit: str = ""
    section: str = ""  # 版名 of the page an unpinned article belongs on ("" = any page)


@dataclass(frozen=True)
class Ad:
    """A reserved block (广告) from issue.toml's [[ads]]: placed before the copy, painted from its file."""

    page: int
    file: Path  # absolute, inside the issue folder: PDF, PNG or JPEG
    columns: int
    lines: int
    column: int | None = None  # 0-based; None = flush right
    line: int | None = None  # 0-based in the page's free area; None = at the foot
    where: str = ""  # issue.toml:line, for messages


@dataclass(frozen=True)
class Issue:
    root: Path
    paper: Paper
    info: IssueInfo
    format: str  # preset name in styles/formats.toml
    pages: tuple[PageSpec, ...]
    articles: tuple[Article, ...]
    ads: tuple[Ad, ...] = ()

    def page(self, number: int) -> PageSpec:
        return next(p for p in self.pages if p.number == number)

    def article(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.id == article_id)

    @property
    def stem(self) -> str:
        """File name stem of the issue's outputs: <code>-<yyyymmdd>."""
        return f"{self.paper.code}-{self.info.date:%Y%m%d}"


# --- Composed text --------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Characters painted from x onward, each advancing by its own width plus letter_spacing."""

    text: str
    x: float  # pt from the line's left edge
    letter_spacing: float = 0.0  # pt after every character of the run
    features: str = ""  # OpenType features as CSS font-feature-settings, e.g. '"halt"'


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]
    width: float  # pt actually set, from the left edge to the end of the last glyph
    last: bool = False  # last line of its paragraph

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


# --- The plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    """An editor's pin from plan.toml; None leaves that dimension to the planner."""

    page: int | None = None
    column: int | None = None  # 0-based
    line: int | None = None  # 0-based, in the page's free area (below 报头/报眉)
    span: int | None = None
    where: str = ""  # plan.toml:line, for messages


@dataclass(frozen=True)
class PhotoBox:
    """One photo of a module with its caption under it, in grid units relative to the module's top-left."""

    figure: int  # index in the article's figures
    column: int  # first column, from the module's first
    line: int  # first line, from the module's top
    span: int  # columns wide
    lines: int  # photo height in lines (natural ± crop)
    caption_lines: int  # caption and credit, set at the photo's width, under it


@dataclass(frozen=True)
class Module:
    """One article (or one part of a jumped article) as a rectangle on the page grid.

    It carries what the planner measured it with (headline size and lines, photo rectangles, where
    each body column starts), so later stages place exactly that without composing again."""

    article_id: str
    page: int
    column: int  # first column, 0-based
    line: int  # first body line of the type area, 0-based
    span: int  # columns wide
    height: int  # body lines high
    part: int = 0  # 0 = first part, 1 = continuation after a jump
    slots: tuple[int, int] = (0, 0)  # the article's body slots held here, half-open
    headline_size: float = 0.0  # 主题 size in pt (for a continuation, its short headline)
    head_lines: int = 0  # lines given to the headline group (its natural lines + any slack absorbed)
    photos: tuple[PhotoBox, ...] = ()
    photo_first: bool = False  # photos above the headline (keeps headlines from standing side by side)
    label_lines: int = 0  # a 简讯 label over a stack of briefs, on its first module
    head_top: int = 0  # first line of the headline group, from the module's top
    head_column: int = 0  # the headline group's first column, from the module's first (a photo beside it)
    head_span: int = 0  # its width in columns (0: the module's span)
    body_tops: tuple[int, ...] = ()  # per column: first body line, from the module's top
    jump_to: int | None = None  # 下转第N版
    jump_from: int | None = None  # 上接第N版

    @property
    def head_columns(self) -> int:
        """The columns the headline group is set over (all of the module's, unless a photo stands beside it)."""
        return self.head_span or self.span


@dataclass(frozen=True)
class PlacedAd:
    ad: Ad
    column: int
    line: int  # first line of the type area, 0-based (like Module.line)


@dataclass(frozen=True)
class PagePlan:
    number: int
    modules: tuple[Module, ...] = field(default_factory=tuple)
    ads: tuple[PlacedAd, ...] = ()


@dataclass(frozen=True)
class PlanNote:
    """What an editor should hear about a plan that builds: a page not full enough, headlines side by side."""

    code: str  # the kind of note (docs/check.md): fill, last-page-fill, tombstone
    page: int
    message: str  # in the editor's language, without the code


@dataclass(frozen=True)
class Plan:
    pages: tuple[PagePlan, ...]
    warnings: tuple[PlanNote, ...] = ()

    def modules_of(self, article_id: str) -> tuple[Module, ...]:
        return tuple(m for p in self.pages for m in p.modules if m.article_id == article_id)
