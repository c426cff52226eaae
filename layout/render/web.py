"""The digital edition (数字报): a static site of 版 views and article pages, and the archive of editions.

Every 版 is its printed page image with one link zone per module over the module's rectangle,
leading to the article's own page: its whole text (a jumped article in one piece), photos, and
the print 版 it appeared on. Pure: the issue, its frames (the reading order, where each article was
printed), the layout report (layout.json's data: the rectangles) and the page images (made with the print
pages, see WebSettings.images) in, {path inside web/: bytes} out. Templates and stylesheet: styles/web/.
Nothing is loaded from outside the folder and nothing needs JavaScript; the same inputs give the same bytes.
With a page cache, each page and photo is made once for the same inputs: an edit renders the pages it changed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from layout.house import STYLES
from layout.model import Issue
from layout.render.article_view import (ArticleView, Documents, PageLabel, article_view, figure_images, printed_pages,
                                        reading_order, xml_ids)
from layout.render.furniture import masthead
from layout.render.page_cache import PageCache
from layout.render.preview import ImageSpec, PageImage, page_zones

if TYPE_CHECKING:
    from layout.frame import IssueFrames

LANG = "zh-CN"
TEMPLATES = STYLES / "web"
WEB_DIR = "web"  # in the build's output folder
CSS_FILE = "style.css"
EDITION_FILE = "edition.json"  # what `layout web-index` reads of each built edition
FRONT_PAGE = "index.html"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class WebSettings:
    """House settings of the digital edition (styles/house.toml [web])."""

    page_widths: tuple[int, ...]  # page image widths in px, smallest first
    webp_quality: int

    @classmethod
    def from_house(cls, raw: dict) -> WebSettings:
        return cls(tuple(sorted(raw["page_widths"])), raw["webp_quality"])

    @property
    def images(self) -> ImageSpec:
        """The images of each 版 the edition shows."""
        return ImageSpec(self.page_widths, self.webp_quality)


@dataclass(frozen=True)
class _PageLink(PageLabel):
    href: str


@dataclass(frozen=True)
class _Image:
    href: str
    width: int
    height: int


@dataclass(frozen=True)
class _ZoneView:
    href: str
    label: str  # the article's headline, and 上接 for a continuation: the zone's accessible name
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class _ListItem:
    href: str
    headline: str
    kicker: str
    note: str  # 上接第N版 / 下转第N版: where the rest of the article was printed


@dataclass(frozen=True)
class _PageView:
    link: _PageLink
    images: tuple[_Image, ...]  # smallest first
    alt: str
    zones: tuple[_ZoneView, ...]
    items: tuple[_ListItem, ...]
    prev: _PageLink | None
    next: _PageLink | None


@dataclass(frozen=True)
class _Neighbour:
    href: str
    headline: str


@dataclass(frozen=True)
class _ArticlePage:
    article: ArticleView
    href: str
    printed_on: tuple[_PageLink, ...]  # every 版 the article was printed on, in order
    prev: _Neighbour | None
    next: _Neighbour | None

    @property
    def page(self) -> _PageLink:
        return self.printed_on[0]


def write_site(issue: Issue, frames: IssueFrames, report: dict,
               page_images: Sequence[tuple[PageImage, ...]], cache: PageCache | None = None) -> dict[str, bytes]:
    """The digital edition: {path relative to web/: bytes}. The reading order and where each article was
    printed come from the frames; report is layout_report's (the zones' rectangles); page_images are each
    print page's images at WebSettings.images, in page order. With a page cache, photos and pages an
    earlier build made of the same are read back from it."""
    order = reading_order(issue, frames)
    ordered = [a for _, articles in order for a in articles]
    ids = xml_ids([a.id for a in ordered])
    photos, figures = figure_images(ordered, ids, cache)
    printed = printed_pages(frames)
    links = [_PageLink(p.number, issue.page(p.number).section, _page_href(p.number)) for p in frames.pages]
    hrefs = {a.id: f"{ids[a.id]}.html" for a in ordered}
    headlines = {a.id: a.headline for a in ordered}
    site: dict[str, bytes] = {f.href: f.data for f in photos}

    pages = []
    trim_mm = tuple(report["grid"]["trim_mm"])
    for n, (frame, spec, shown, (_, starting)) in enumerate(zip(frames.pages, report["pages"], page_images, order)):
        images = []
        for image in shown:
            href = f"images/page-{frame.number:02d}-{image.width}.{image.extension}"
            site[href] = image.data
            images.append(_Image(href, image.width, image.height))
        items = [_ListItem(hrefs[a.id], a.headline, a.kicker, _jump_note(printed[a.id], 0)) for a in starting]
        continued = dict.fromkeys((z.article, z.article_part) for z in frame.zones if z.article_part > 0)
        items += [_ListItem(hrefs[article], headlines[article], "", _jump_note(printed[article], part))
                  for article, part in continued]  # continuations (上接) after the page's own articles
        zones = tuple(_ZoneView(hrefs[z.article_id], _zone_label(headlines[z.article_id], printed[z.article_id], z.part),
                                z.left, z.top, z.width, z.height)
                      for z in page_zones(spec, trim_mm))
        pages.append(_PageView(links[n], tuple(images), _page_alt(links[n], len(zones)), zones, tuple(items),
                               *_around(links, n)))

    by_number = {link.number: link for link in links}
    neighbours = [_Neighbour(hrefs[a.id], a.headline) for a in ordered]
    articles = [_ArticlePage(article_view(a, ids[a.id], figures[a.id]), hrefs[a.id],
                             tuple(dict.fromkeys(by_number[p] for p in printed[a.id])), *_around(neighbours, n))
                for n, a in enumerate(ordered)]

    documents = Documents(_ENV, cache)
    context = {"lang": LANG, "css": CSS_FILE, "front": FRONT_PAGE, "paper": masthead(issue),
               "title": _edition_title(issue), "pages": links}
    for view in pages:
        site[view.link.href] = documents.render("page.html.j2",
                                                {**context, "view": view, "current": (view.link.number,)})
    for view in articles:
        site[view.href] = documents.render("article.html.j2", {**context, "view": view, "current": ()})
    site[CSS_FILE] = (TEMPLATES / CSS_FILE).read_bytes()
    site[EDITION_FILE] = _edition_json(issue, ordered[0].headline if ordered else "")
    return dict(sorted(site.items()))


def write_archive(editions: Iterable[tuple[dict, str]]) -> bytes:
    """The archive index: (edition.json of a built edition, link to its front page) pairs, newest
    first, under a heading for each month."""
    items = sorted(editions, key=lambda e: (e[0]["date"], e[0]["code"], e[1]), reverse=True)
    months: dict[str, list[tuple[dict, str]]] = {}
    for edition, href in items:
        year, month, _ = edition["date"].split("-")
        months.setdefault(f"{int(year)}年{int(month)}月", []).append((edition, href))
    papers = list(dict.fromkeys(e["paper"] for e, _ in items))
    # The stylesheet is inlined: the archive page stands beside the editions, not inside one.
    return Documents(_ENV, None).render("archive.html.j2", {
        "lang": LANG, "papers": papers, "count": len(items), "months": months,
        "css": (TEMPLATES / CSS_FILE).read_text("utf-8")})


def _around(items: list, n: int) -> tuple:
    """The items before and after the nth: previous and next, None at either end."""
    return items[n - 1] if n else None, items[n + 1] if n + 1 < len(items) else None


def _page_href(number: int) -> str:
    return FRONT_PAGE if number == 1 else f"page-{number:02d}.html"


def _jump_note(pages: tuple[int, ...], part: int) -> str:
    """上接第N版 on a continuation, 下转第N版 on a part the article goes on from: pages is where each part was printed."""
    if part:
        return f"上接第{pages[part - 1]}版"
    return f"下转第{pages[part + 1]}版" if part + 1 < len(pages) else ""


def _zone_label(headline: str, pages: tuple[int, ...], part: int) -> str:
    return f"{headline}（上接第{pages[part - 1]}版）" if part else headline


def _page_alt(link: _PageLink, articles: int) -> str:
    return f"{link.label}　版面图：{articles}个稿件区域，点击进入稿件；本版稿件另见列表"


def _edition_title(issue: Issue) -> str:
    d = issue.info.date
    return f"{issue.paper.name}　{d.year}年{d.month}月{d.day}日　第{issue.info.number}期"


def _edition_json(issue: Issue, lead: str) -> bytes:
    info = issue.info
    data = {"paper": issue.paper.name, "code": issue.paper.code, "date": info.date.isoformat(),
            "number": info.number, "total": info.total, "pages": len(issue.pages), "lead": lead,
            "title": _edition_title(issue), "front": FRONT_PAGE}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

