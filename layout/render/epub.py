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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal
from xml.etree import ElementTree

from ebooklib import epub
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from PIL import Image, ImageCms, ImageOps

from layout.errors import BuildError
from layout.model import Article, EditorsNote, Issue, Paragraph, Plan, Subhead, Verse
from layout.house import STYLES
from layout.render.epub_cover import cover_jpeg, cover_text
from layout.render.epub_fonts import LICENCE_FILE, embedded_fonts
from layout.render.print_images import to_8bit
from layout.text.article_parts import article_parts, credit_text

LANG = "zh-CN"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
TEMPLATES = STYLES / "templates" / "epub"
CSS_FILE = STYLES / "epub.css"
MAX_IMAGE_PX = 1600  # long side: sharp on e-ink and tablets, small in the zip
IMAGE_CACHE = 64  # photos re-encoded for readers, kept by content: a rebuild re-encodes only new photos
JPEG_QUALITY = 85
XHTML_TYPE = "application/xhtml+xml"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The faces styles/epub.css sets these in (by tag or class); each subset covers exactly their text.
# The body face covers everything shown, so any text falls back to it.
_ROLE_TAGS = {"headline": {"h1", "h2", "h3"}, "caption": {"figcaption"}}
_ROLE_CLASSES = {"headline": {"kicker", "subtitle", "dateline"},
                 "caption": {"byline", "byline-end", "editors-note"}}
APPLE_OPTIONS = "META-INF/com.apple.ibooks.display-options.xml"
ZIP_LEVEL = 9
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class _FigureView:
    href: str
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class _BlockView:
    kind: Literal["paragraph", "subhead", "note", "verse"]
    text: str
    dateline: str = ""  # opens the first paragraph: 本报讯（记者 X）
    label: str = ""  # 编者按： unless the note says it itself
    lines: tuple[str, ...] = ()  # verse: one <br/> after each line, an empty line between stanzas


@dataclass(frozen=True)
class _ArticleView:
    id: str
    headline: str
    kicker: str
    subtitle: str
    byline: str  # a ■ line under the headline; "" when the byline sits elsewhere
    figures: tuple[_FigureView, ...]
    blocks: tuple[_BlockView, ...]
    end_lines: tuple[str, ...]  # the closing line after the body, as print sets it (article_parts)
    play_order: int


@dataclass(frozen=True)
class _PageView:
    number: int
    section: str
    editor: str
    href: str
    marker: str  # id of the page-break marker
    play_order: int
    articles: tuple[_ArticleView, ...]

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
    data: bytes


def write_epub(issue: Issue, plan: Plan, front_page_png: bytes | None, embed_fonts: bool = True) -> bytes:
    """The issue's EPUB, byte-identical for the same inputs. The issue's text is already normalised.

    With the printed front page (PNG), the EPUB gets a designed cover set over its top."""
    order = _reading_order(issue, plan)
    ids = _xml_ids([a.id for _, articles in order for a in articles])
    images, figures = _figures([a for _, articles in order for a in articles], ids)
    pages = _page_views(issue, order, ids, figures)
    cover = None
    if front_page_png:
        text = cover_text(issue, tuple(a.headline for p in pages if p.number == 1 for a in p.articles))
        cover = _Cover("cover-image", "images/cover.jpg", "cover.xhtml", text.alt, cover_jpeg(text, front_page_png))
    context = {"lang": LANG, "pages": pages, "cover": cover,
               "stylesheets": (["css/fonts.css"] if embed_fonts else []) + ["css/epub.css"]}

    documents = [_document("cover", cover.page_href, _render("cover.xhtml.j2", context))] if cover else []
    documents.append(_document("nav", "nav.xhtml", _render("nav.xhtml.j2", context), "nav"))
    documents += [_document(p.href.removesuffix(".xhtml"), p.href, _render("page.xhtml.j2", {**context, "page": p}))
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
        fonts = embedded_fonts(_characters(d.content for d in documents))
        book.add_item(epub.EpubItem("css-fonts", "css/fonts.css", "text/css",
                                    _render("fonts.css.j2", {"fonts": fonts})))
    book.add_item(epub.EpubItem("css-epub", "css/epub.css", "text/css", CSS_FILE.read_bytes()))
    if embed_fonts:
        for f in fonts:
            book.add_item(epub.EpubItem(f"font-{f.role}", f"fonts/{f.file_name}", f.media_type, f.data))
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


def _figures(articles: list[Article], ids: dict[str, str]) -> tuple[list[epub.EpubImage],
                                                                    dict[str, tuple[_FigureView, ...]]]:
    """The articles' images, re-encoded for e-readers, and their views by article id."""
    items: list[epub.EpubImage] = []
    views: dict[str, tuple[_FigureView, ...]] = {}
    for article in articles:
        article_views = []
        for n, figure in enumerate(article.figures, 1):
            data, ext, media_type = _encoded(figure.file)
            href = f"images/{ids[article.id]}-{n}.{ext}"
            items.append(epub.EpubImage(uid=f"img-{ids[article.id]}-{n}", file_name=href, media_type=media_type,
                                        content=data))
            article_views.append(_FigureView(href, figure.alt, figure.caption, credit_text(figure.credit)))
        views[article.id] = tuple(article_views)
    return items, views


def _page_views(issue: Issue, order: list[tuple[int, list[Article]]], ids: dict[str, str],
                figures: dict[str, tuple[_FigureView, ...]]) -> list[_PageView]:
    """One view per print page; NCX play order runs through page markers and articles alike."""
    specs = {p.number: p for p in issue.pages}
    pages, play_order = [], 1
    for number, articles in order:
        spec = specs.get(number)
        views = tuple(_article_view(a, ids[a.id], figures[a.id], play_order + k) for k, a in enumerate(articles, 1))
        pages.append(_PageView(number, spec.section if spec else "", spec.editor if spec else "",
                               f"page-{number:02d}.xhtml", f"page-{number}", play_order, views))
        play_order += len(articles) + 1
    return pages


def _reading_order(issue: Issue, plan: Plan) -> list[tuple[int, list[Article]]]:
    """Print pages in order, each with the articles that start on it: most important first (the
    editors' priority, as the print page shows it by size and place), then by position."""
    starts = {m.article_id: (page.number, m.line, m.column)
              for page in plan.pages for m in page.modules if m.part == 0}
    unplaced = [a.id for a in issue.articles if a.id not in starts]
    if unplaced:  # the EPUB carries every article: a plan without one is a planner bug
        raise BuildError(f"articles missing from the plan: {', '.join(unplaced)}")
    by_page: dict[int, list[Article]] = {page.number: [] for page in plan.pages}
    for article in sorted(issue.articles, key=lambda a: (starts[a.id][0], a.priority, starts[a.id], a.id)):
        by_page[starts[article.id][0]].append(article)
    return sorted(by_page.items())


def _xml_ids(article_ids: list[str]) -> dict[str, str]:
    """Article id → a valid, unique XML id, readable where the file name is ASCII."""
    out: dict[str, str] = {}
    for n, aid in enumerate(article_ids, 1):
        safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in aid)
        out[aid] = f"a-{safe}" if f"a-{safe}" not in out.values() and safe.strip("-") else f"a-{n}"
    return out


def _article_view(article: Article, xml_id: str, figures: tuple[_FigureView, ...], play_order: int) -> _ArticleView:
    parts = article_parts(article)  # the same words as print: dateline, byline, closing line
    opener = parts.opening
    blocks = []
    for block in article.blocks:
        if isinstance(block, Paragraph):
            blocks.append(_BlockView("paragraph", block.text, dateline=opener))
            opener = ""
        elif isinstance(block, Subhead):
            blocks.append(_BlockView("subhead", block.text))
        elif isinstance(block, EditorsNote):
            blocks.append(_BlockView("note", block.text, label="" if block.text.startswith("编者按") else "编者按："))
        elif isinstance(block, Verse):
            blocks.append(_BlockView("verse", block.text, lines=block.lines))

    return _ArticleView(xml_id, article.headline, article.kicker, article.subtitle, parts.top_byline, figures,
                        tuple(blocks), (parts.closing,) if parts.closing else (), play_order)


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


def _encoded(path: Path) -> tuple[bytes, str, str]:
    return _encode_file(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=IMAGE_CACHE)
def _encode_file(path: Path, mtime_ns: int) -> tuple[bytes, str, str]:
    # Keyed on the file's mtime too: a photo replaced between builds in one process is encoded anew.
    return _encode_image(path.read_bytes())


def _encode_image(data: bytes) -> tuple[bytes, str, str]:
    """(bytes, extension, media type): at most MAX_IMAGE_PX, RGB or grey. Photos (JPEG, TIFF) as JPEG,
    PNG as PNG; CMYK goes to sRGB through its embedded profile, an RGB or grey profile stays embedded."""
    with Image.open(io.BytesIO(data)) as source:
        as_jpeg = source.format in ("JPEG", "TIFF")
        icc = source.info.get("icc_profile")
        image = to_8bit(ImageOps.exif_transpose(source))
    if image.mode == "CMYK" and icc:
        image = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                          ImageCms.createProfile("sRGB"), outputMode="RGB")
        icc = None
    if image.mode not in ("L", "RGB", "RGBA"):  # palette, CMYK, 1-bit: resample in a full mode
        transparent = image.mode.endswith("A") or "transparency" in image.info
        image = image.convert("RGBA" if transparent else "RGB")
        icc = None
    if as_jpeg and image.mode == "RGBA":  # JPEG has no alpha: flatten onto white paper
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    image.thumbnail((MAX_IMAGE_PX, MAX_IMAGE_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    kept = {"icc_profile": icc} if icc else {}
    if as_jpeg:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **kept)
        return out.getvalue(), "jpg", "image/jpeg"
    image.save(out, "PNG", optimize=True, **kept)
    return out.getvalue(), "png", "image/png"


def _characters(documents: Iterable[bytes]) -> dict[str, set[str]]:
    """Characters by the face that sets them in the XHTML documents: body (everything shown), headline, caption."""
    chars: dict[str, set[str]] = {"body": set(), "headline": set(), "caption": set()}
    for data in documents:
        body = ElementTree.fromstring(data).find(f"{_XHTML}body")
        chars["body"].update("".join(body.itertext()))
        for element in body.iter():
            local = element.tag.removeprefix(_XHTML)
            classes = set(element.get("class", "").split())
            for role in ("headline", "caption"):
                if local in _ROLE_TAGS[role] or _ROLE_CLASSES[role] & classes:
                    chars[role].update("".join(element.itertext()))
    controls = set("\n\r\t")
    return {role: found - controls for role, found in chars.items()}


def _render(template: str, context: dict) -> bytes:
    return _ENV.get_template(template).render(context).encode("utf-8")
