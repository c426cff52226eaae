"""The EPUB 3.3 edition of an issue: articles in print reading order, page (版) by page.

One XHTML document per print page opens with a page-break marker, so the page-list lets a
reader go to 第3版; a jumped article is one piece under its first page. The content documents
are Jinja2 templates (styles/templates/epub/); the package, the NCX, the container and the zip
are EbookLib's, through a writer that adds what it lacks: xml:lang on <package>, and fixed zip
times and attributes so the same issue gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Callable, Iterable
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from ebooklib import epub
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from layout.model import Article, Issue
from layout.house import STYLES
from layout.render.article_view import (ArticleView, Documents, FigureView, PageLabel, article_view, figure_images,
                                        reading_order, xml_ids)
from layout.render.epub_cover import cover_jpeg, cover_text
from layout.render.epub_fonts import LICENCE_FILE, css_family, embedded_fonts
from layout.render.page_cache import PageCache
from layout.text.fonts import FontFace
from layout.text.parts import part

if TYPE_CHECKING:
    from layout.frame import IssueFrames

LANG = "zh-CN"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
TEMPLATES = STYLES / "templates" / "epub"
CSS_FILE = STYLES / "epub.css"
XHTML_TYPE = "application/xhtml+xml"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What a reading system that does not use the embedded faces sets each font role in.
GENERIC_FAMILIES = {"body": "serif", "headline": "sans-serif", "caption": "serif"}
APPLE_OPTIONS = "META-INF/com.apple.ibooks.display-options.xml"
ZIP_LEVEL = 9
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class _Element:
    """Elements of the content documents: by tag, by class, or both."""

    tag: str = ""
    cls: str = ""

    @property
    def selector(self) -> str:
        return self.tag + (f".{self.cls}" if self.cls else "")

    def matches(self, tag: str, classes: set[str]) -> bool:
        return (not self.tag or self.tag == tag) and (not self.cls or self.cls in classes)


# The elements the templates set each part of an article in (layout/text/parts.py). Each is set in the face
# (family and weight) the parts table gives its part, and each face's subset covers exactly their text. The
# body part is the document's own: what no other part sets inherits it (the dateline opening the first
# paragraph too, as print sets it); the 版 heading (h1) is set like the 主题. The EPUB has no jump lines and no
# 简讯 label.
PART_ELEMENTS: dict[str, tuple[_Element, ...]] = {
    "body": (_Element("body"),),
    "kicker": (_Element(cls="kicker"),),
    "headline": (_Element("h1"), _Element("h2")),
    "subtitle": (_Element(cls="subtitle"),),
    "byline": (_Element(cls="byline"), _Element(cls="byline-end")),
    "subhead": (_Element("h3"),),
    "note": (_Element(cls="editors-note"),),
    "verse": (_Element("p", "verse"),),
    "caption": (_Element("figcaption"),),
}


@dataclass(frozen=True)
class _PageView(PageLabel):
    editor: str
    href: str
    marker: str  # id of the page-break marker
    articles: tuple[ArticleView, ...]


@dataclass(frozen=True)
class FrontPage:
    """The printed front page the cover is set over: what its image is made of (the page's print file: the
    cover's key in the page cache) and the image itself, a PNG made only when the cover is."""

    source: bytes
    png: Callable[[], bytes]


@dataclass(frozen=True)
class _Cover:
    id: str
    href: str
    page_href: str
    alt: str
    data: bytes = field(repr=False)  # not shown by cover.xhtml.j2: out of the document's key


def write_epub(issue: Issue, frames: IssueFrames, front_page: FrontPage | None, embed_fonts: bool = True,
               cache: PageCache | None = None) -> bytes:
    """The issue's EPUB, byte-identical for the same inputs. The issue's text is already normalised; the
    reading order comes from the frames.

    With the printed front page, the EPUB gets a designed cover set over its top. With a page cache, the
    cover, the photos, the content documents and the font subsets an earlier build made of the same inputs
    are taken from it: an edit renders the documents it changed."""
    order = reading_order(issue, frames)
    ids = xml_ids([a.id for _, articles in order for a in articles])
    photos, figures = figure_images([a for _, articles in order for a in articles], ids, cache)
    images = [epub.EpubImage(uid=f"img-{PurePosixPath(f.href).stem}", file_name=f.href, media_type=f.media_type,
                             content=f.data) for f in photos]
    pages = _page_views(issue, order, ids, figures)
    cover = None
    if front_page:
        text = cover_text(issue, tuple(a.headline for p in pages if p.number == 1 for a in p.articles))
        if cache:
            jpeg = cache.made(cache.bytes_key("epub cover", repr(text), front_page.source),
                              lambda: cover_jpeg(text, front_page.png()))
        else:
            jpeg = cover_jpeg(text, front_page.png())
        cover = _Cover("cover-image", "images/cover.jpg", "cover.xhtml", text.alt, jpeg)
    # Each document's context holds what its template shows and no more: it is the document's key.
    common = {"lang": LANG, "stylesheets": (["css/fonts.css"] if embed_fonts else []) + ["css/epub.css"]}
    render = Documents(_ENV, cache).render

    documents = ([_document("cover", cover.page_href, render("cover.xhtml.j2", {**common, "cover": cover}))]
                 if cover else [])
    documents.append(_document("nav", "nav.xhtml", render("nav.xhtml.j2", {**common, "pages": pages, "cover": cover}),
                               "nav"))
    documents += [_document(p.href.removesuffix(".xhtml"), p.href, render("page.xhtml.j2", {**common, "page": p}))
                  for p in pages]
    book = _book(issue, pages, bool(images) or cover is not None)
    if cover:
        book.add_item(epub.EpubCover(uid=cover.id, file_name=cover.href))
        book.items[-1].content = cover.data
        book.add_metadata(None, "meta", "", {"name": "cover", "content": cover.id})
    for item in documents:
        book.add_item(item)
    book.add_item(epub.EpubNcx())
    if embed_fonts:
        fonts = embedded_fonts(_face_texts(_characters(d.content for d in documents)), cache)
        book.add_item(epub.EpubItem("css-fonts", "css/fonts.css", "text/css",
                                    render("fonts.css.j2", {"fonts": fonts})))
    book.add_item(epub.EpubItem("css-epub", "css/epub.css", "text/css",
                                render("parts.css.j2", {"rules": face_rules()}) + CSS_FILE.read_bytes()))
    if embed_fonts:
        for f in fonts:
            book.add_item(epub.EpubItem(f"font-{f.role}-{f.weight}", f"fonts/{f.file_name}", f.media_type, f.data))
        book.add_item(epub.EpubItem("font-licence", "fonts/LICENSE-OFL.txt", "text/plain", LICENCE_FILE.read_bytes()))
    for image in images:
        book.add_item(image)
    book.add_item(epub.EpubItem("apple-options", APPLE_OPTIONS, "application/xml",
                                (TEMPLATES / "com.apple.ibooks.display-options.xml").read_bytes(), manifest=False))
    book.spine = documents
    book.toc = [(epub.Section(p.label, f"{p.href}#{p.marker}"),
                 [epub.Link(f"{p.href}#{a.id}", a.headline, f"nav-{a.id}") for a in p.articles]) for p in pages]
    out = io.BytesIO()
    _Writer(out, book, issue.info.date).write()
    return out.getvalue()


def _document(uid: str, href: str, data: bytes, properties: str = "") -> epub.EpubItem:
    """An XHTML content document as our template wrote it: EbookLib's EpubHtml would re-parse it as
    HTML and rebuild its head, losing the page-break markers' epub:type and the stylesheet links."""
    item = epub.EpubItem(uid, href, XHTML_TYPE, data)
    item.properties = [properties] if properties else []
    return item


def _book(issue: Issue, pages: list[_PageView], has_images: bool) -> epub.EpubBook:
    """The package metadata: identification, the print source of the pagination, accessibility."""
    paper, info = issue.paper, issue.info
    date = f"{info.date.year}年{info.date.month}月{info.date.day}日"
    book = epub.EpubBook()
    # uuid5 of the paper and date: the same issue keeps its identifier across rebuilds.
    book.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:layout:{paper.code}:{info.date.isoformat()}')}")
    book.set_title(f"{paper.name} {date} 第{info.number}期")
    book.set_language(LANG)  # EbookLib writes no dc:language unless asked
    book.add_author(paper.name, uid="creator")
    book.add_metadata("DC", "publisher", paper.publisher or paper.name)
    book.add_metadata("DC", "date", info.date.isoformat())
    book.add_metadata("DC", "source", f"{paper.name} {date} 第{info.number}期（总第{info.total}期）印刷版",
                      {"id": "print-edition"})
    book.add_metadata(None, "meta", "pagination", {"refines": "#print-edition", "property": "source-of"})
    book.add_metadata(None, "meta", paper.name, {"property": "belongs-to-collection", "id": "series"})
    book.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
    book.add_metadata(None, "meta", str(info.total), {"refines": "#series", "property": "group-position"})
    for name, value in _accessibility(issue, len(pages), has_images):
        book.add_metadata(None, "meta", value, {"property": name})
    return book


class _Zip(zipfile.ZipFile):
    """An OCF zip whose entries all carry one fixed time and Unix attributes, whoever writes them."""

    def __init__(self, file, day: dt.date):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)  # DOS times start in 1980

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        info = zipfile.ZipInfo(name if isinstance(name, str) else name.filename, self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress_type is None else compress_type
        info.create_system = 3  # Unix, whatever the building machine
        info.external_attr = 0o100644 << 16
        super().writestr(info, data, compresslevel=ZIP_LEVEL)


class _Writer(epub.EpubWriter):
    """EbookLib's writer, with xml:lang on <package>, the issue date as dcterms:modified (not the
    clock) and a zip of fixed times (mimetype first and stored, as EbookLib writes it)."""

    def __init__(self, out: io.BytesIO, book: epub.EpubBook, day: dt.date):
        super().__init__(out, book, {"mtime": dt.datetime.combine(day, dt.time(0)), "epub3_landmark": False,
                                     "epub3_pages": False, "play_order": {"enabled": True, "start_from": 1}})
        self.day = day

    def _write_opf_file(self, root) -> None:
        root.set(_XML_LANG, LANG)
        root.set("dir", "ltr")
        super()._write_opf_file(root)

    def write(self) -> None:
        self.out = _Zip(self.file_name, self.day)
        with self.out:
            self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
            self._write_container()
            self._write_opf()
            self._write_items()


def _page_views(issue: Issue, order: list[tuple[int, list[Article]]], ids: dict[str, str],
                figures: dict[str, tuple[FigureView, ...]]) -> list[_PageView]:
    """One view per print page, with the articles that start on it."""
    specs = {p.number: p for p in issue.pages}
    pages = []
    for number, articles in order:
        spec = specs.get(number)
        views = tuple(article_view(a, ids[a.id], figures[a.id]) for a in articles)
        pages.append(_PageView(number, spec.section if spec else "", spec.editor if spec else "",
                               f"page-{number:02d}.xhtml", f"page-{number}", views))
    return pages


def _accessibility(issue: Issue, page_count: int, has_images: bool) -> list[tuple[str, str]]:
    """(property, value) of the accessibility metadata: only what is true of this file. certifiedBy names
    who audited the conformance claim: only a certifier issue.toml names ([paper] a11y_certifier)."""
    paper, info = issue.paper, issue.info
    date = f"{info.date.year}年{info.date.month}月{info.date.day}日"
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
             ("dcterms:conformsTo", CONFORMS_TO)]
    a11y += [("a11y:certifiedBy", paper.a11y_certifier)] if paper.a11y_certifier else []
    return a11y


def _characters(documents: Iterable[bytes]) -> dict[str, set[str]]:
    """Characters by the part that sets them in the XHTML documents (PART_ELEMENTS, inherited as CSS
    inherits them); the body part's take in everything shown besides, so any text falls back to its face."""
    chars: dict[str, set[str]] = {name: set() for name in PART_ELEMENTS}

    def walk(element: Element, inherited: str) -> None:
        local, classes = element.tag.removeprefix(_XHTML), set(element.get("class", "").split())
        own = next((name for name, elements in PART_ELEMENTS.items() if any(e.matches(local, classes)
                                                                           for e in elements)), inherited)
        chars[own].update(element.text or "")
        for child in element:
            walk(child, own)
            chars[own].update(child.tail or "")

    for data in documents:
        body = ElementTree.fromstring(data).find(f"{_XHTML}body")
        walk(body, "body")
        chars["body"].update("".join(body.itertext()))
    controls = set("\n\r\t")
    return {name: found - controls for name, found in chars.items()}


def _face_texts(chars: dict[str, set[str]]) -> dict[tuple[str, FontFace], set[str]]:
    """The characters each face of the parts table sets, its parts' together, faces in PART_ELEMENTS order."""
    texts: dict[tuple[str, FontFace], set[str]] = {}
    for name, found in chars.items():
        texts.setdefault((part(name).role, part(name).face), set()).update(found)
    return texts


def face_rules() -> list[tuple[str, str, str, int]]:
    """(selector, family, generic family, weight) of each part the documents set, as the parts table gives it."""
    return [(", ".join(e.selector for e in elements), css_family(p.role), GENERIC_FAMILIES[p.role], p.weight)
            for name, elements in PART_ELEMENTS.items() for p in (part(name),)]
