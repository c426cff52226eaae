"""The EPUB 3.3 edition of an issue: articles in print reading order, page (版) by page.

One XHTML document per print page opens with a page-break marker, so the page-list lets a
reader go to 第3版; a jumped article is one piece under its first page. The container is
written here with Jinja2 (styles/templates/epub/) and zipfile rather than EbookLib: its
writer cannot put xml:lang on <package>, write accessibility metadata or fix zip times, and
patching its output would be more code than writing the few files directly.
"""
from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable
from xml.etree import ElementTree

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from layout.model import Article, Issue, Plan
from layout.house import STYLES
from layout.render.article_view import (ArticleView, FigureView, article_view, encode_image, figure_images,
                                        reading_order, xml_ids)
from layout.render.epub_fonts import LICENCE_FILE, EmbeddedFont, embedded_fonts

LANG = "zh-CN"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
TEMPLATES = STYLES / "templates" / "epub"
CSS_FILE = STYLES / "epub.css"
XHTML_TYPE = "application/xhtml+xml"
_XHTML = "{http://www.w3.org/1999/xhtml}"
# Set in the headline face by styles/epub.css; the headline subset covers exactly their text.
_HEADLINE_TAGS = {"h1", "h2", "h3"}
_HEADLINE_CLASSES = {"kicker", "subtitle", "dateline"}
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class _Item:
    """One manifest entry: a file under EPUB/ in the container."""

    id: str
    href: str
    media_type: str
    data: bytes
    properties: str = ""


@dataclass(frozen=True)
class _PageView:
    number: int
    section: str
    editor: str
    href: str
    marker: str  # id of the page-break marker
    play_order: int
    articles: tuple[ArticleView, ...]

    @property
    def number_label(self) -> str:
        return f"第{self.number}版"

    @property
    def label(self) -> str:
        return f"{self.number_label}　{self.section}" if self.section else self.number_label


@dataclass(frozen=True)
class _Cover:
    id: str
    href: str
    page_href: str
    alt: str


@dataclass(frozen=True)
class _Meta:
    identifier: str
    title: str
    paper: str
    publisher: str
    date: str
    modified: str
    source: str
    total: int
    accessibility: tuple[tuple[str, str], ...]


def write_epub(issue: Issue, plan: Plan, cover_png: bytes | None, embed_fonts: bool = True) -> bytes:
    """The issue's EPUB, byte-identical for the same inputs. The issue's text is already normalised."""
    order = reading_order(issue, plan)
    ids = xml_ids([a.id for _, articles in order for a in articles])
    photos, figures = figure_images([a for _, articles in order for a in articles], ids)
    images = [_Item(f"img-{PurePosixPath(f.href).stem}", f.href, f.media_type, f.data) for f in photos]
    pages = _page_views(issue, order, ids, figures)
    cover = None
    if cover_png:
        cover = _Cover("cover-image", "images/cover.jpg", "cover.xhtml", _cover_alt(issue, pages))
        images.insert(0, _Item(cover.id, cover.href, "image/jpeg", encode_image(cover_png, jpeg=True)[0],
                               "cover-image"))
    context = {"lang": LANG, "meta": _meta(issue, len(pages), bool(images)), "pages": pages, "cover": cover,
               "stylesheets": (["css/fonts.css"] if embed_fonts else []) + ["css/epub.css"]}

    documents = [_Item("cover", cover.page_href, XHTML_TYPE, _render("cover.xhtml.j2", context))] if cover else []
    documents.append(_Item("nav", "nav.xhtml", XHTML_TYPE, _render("nav.xhtml.j2", context), "nav"))
    documents += [_Item(p.href.removesuffix(".xhtml"), p.href, XHTML_TYPE,
                        _render("page.xhtml.j2", {**context, "page": p})) for p in pages]
    styles = [_Item("css-epub", "css/epub.css", "text/css", CSS_FILE.read_bytes())]
    if embed_fonts:
        fonts = embedded_fonts(*_characters(d.data for d in documents))
        styles.insert(0, _Item("css-fonts", "css/fonts.css", "text/css", _render("fonts.css.j2", {"fonts": fonts})))
        styles += _font_items(fonts)
    ncx = _Item("ncx", "toc.ncx", "application/x-dtbncx+xml", _render("toc.ncx.j2", context))

    manifest = [*documents, ncx, *styles, *images]
    files = [("META-INF/container.xml", (TEMPLATES / "container.xml").read_bytes()),
             ("META-INF/com.apple.ibooks.display-options.xml",
              (TEMPLATES / "com.apple.ibooks.display-options.xml").read_bytes()),
             ("EPUB/package.opf", _render("package.opf.j2", {**context, "manifest": manifest, "spine": documents}))]
    files += [(f"EPUB/{item.href}", item.data) for item in manifest]
    return _zip(files, (issue.info.date.year, issue.info.date.month, issue.info.date.day))


def _page_views(issue: Issue, order: list[tuple[int, list[Article]]], ids: dict[str, str],
                figures: dict[str, tuple[FigureView, ...]]) -> list[_PageView]:
    """One view per print page; NCX play order runs through page markers and articles alike
    (toc.ncx.j2 numbers a page's articles after its marker)."""
    specs = {p.number: p for p in issue.pages}
    pages, play_order = [], 1
    for number, articles in order:
        spec = specs.get(number)
        views = tuple(article_view(a, ids[a.id], figures[a.id]) for a in articles)
        pages.append(_PageView(number, spec.section if spec else "", spec.editor if spec else "",
                               f"page-{number:02d}.xhtml", f"page-{number}", play_order, views))
        play_order += len(articles) + 1
    return pages


def _meta(issue: Issue, page_count: int, has_images: bool) -> _Meta:
    paper, info = issue.paper, issue.info
    date = f"{info.date.year}年{info.date.month}月{info.date.day}日"
    title = f"{paper.name} {date} 第{info.number}期"
    summary = (f"《{paper.name}》{date}第{info.number}期的电子版，内容与印刷版相同，按版面顺序编排。"
               f"目录按版列出各篇标题，可按印刷版版次（共{page_count}版）跳转；"
               "标题、小标题构成清晰的层级结构"
               + ("，所有图片均附有文字说明。" if has_images else "。"))
    # printPageNumbers is the term EPUB Accessibility 1.1 names; pageBreakMarkers and pageNavigation
    # are the schema.org terms that replace it, for newer reading systems.
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "printPageNumbers",
                "pageBreakMarkers", "pageNavigation"] + (["alternativeText"] if has_images else [])
    a11y = [("schema:accessMode", "textual")] + ([("schema:accessMode", "visual")] if has_images else [])
    a11y += [("schema:accessModeSufficient", "textual")]
    a11y += [("schema:accessModeSufficient", "textual,visual")] if has_images else []
    a11y += [("schema:accessibilityFeature", f) for f in features]
    a11y += [("schema:accessibilityHazard", "none"), ("schema:accessibilitySummary", summary),
             ("dcterms:conformsTo", CONFORMS_TO), ("a11y:certifiedBy", paper.publisher or paper.name)]
    # uuid5 of the paper and date: the same issue keeps its identifier across rebuilds.
    identifier = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:layout:{paper.code}:{info.date.isoformat()}")
    return _Meta(
        identifier=f"urn:uuid:{identifier}", title=title, paper=paper.name,
        publisher=paper.publisher or paper.name, date=info.date.isoformat(),
        modified=f"{info.date.isoformat()}T00:00:00Z",  # the issue date, not the build time: reproducible
        source=f"{paper.name} {date} 第{info.number}期（总第{info.total}期）印刷版",
        total=info.total, accessibility=tuple(a11y))


def _cover_alt(issue: Issue, pages: list[_PageView]) -> str:
    info = issue.info
    alt = f"《{issue.paper.name}》{info.date.year}年{info.date.month}月{info.date.day}日第1版版面"
    front = next((p for p in pages if p.number == 1), None)
    if front and front.articles:
        alt += f"，头条：{front.articles[0].headline}"
    return alt


def _characters(documents: Iterable[bytes]) -> tuple[set[str], set[str]]:
    """(every character shown, the characters set in the headline face) of the XHTML documents."""
    shown: set[str] = set()
    headline: set[str] = set()
    for data in documents:
        body = ElementTree.fromstring(data).find(f"{_XHTML}body")
        shown.update("".join(body.itertext()))
        for element in body.iter():
            local = element.tag.removeprefix(_XHTML)
            if local in _HEADLINE_TAGS or _HEADLINE_CLASSES & set(element.get("class", "").split()):
                headline.update("".join(element.itertext()))
    controls = set("\n\r\t")
    return shown - controls, headline - controls


def _font_items(fonts: tuple[EmbeddedFont, ...]) -> list[_Item]:
    items = [_Item(f"font-{f.role}", f"fonts/{f.file_name}", "font/otf", f.data) for f in fonts]
    items.append(_Item("font-licence", "fonts/LICENSE-OFL.txt", "text/plain", LICENCE_FILE.read_bytes()))
    return items


def _render(template: str, context: dict) -> bytes:
    return _ENV.get_template(template).render(context).encode("utf-8")


def _zip(files: list[tuple[str, bytes]], day: tuple[int, int, int]) -> bytes:
    """OCF zip: mimetype first and stored; fixed times and attributes so rebuilds are byte-identical."""
    stamp = (max(day[0], 1980), day[1], day[2], 0, 0, 0)  # DOS times start in 1980
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in [("mimetype", b"application/epub+zip"), *files]:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the building machine
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9)
    return out.getvalue()
