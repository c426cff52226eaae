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
from typing import Iterable, Literal
from xml.etree import ElementTree

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from PIL import Image, ImageOps

from layout.errors import BuildError
from layout.model import Article, EditorsNote, Issue, Paragraph, Plan, Subhead
from layout.house import STYLES
from layout.render.epub_fonts import LICENCE_FILE, EmbeddedFont, embedded_fonts
from layout.text.article_parts import article_parts, credit_text

LANG = "zh-CN"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
TEMPLATES = STYLES / "templates" / "epub"
CSS_FILE = STYLES / "epub.css"
MAX_IMAGE_PX = 1600  # long side: sharp on e-ink and tablets, small in the zip
JPEG_QUALITY = 85
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
class _FigureView:
    href: str
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class _BlockView:
    kind: Literal["paragraph", "subhead", "note"]
    text: str
    dateline: str = ""  # opens the first paragraph: 本报讯（记者 X）
    label: str = ""  # 编者按： unless the note says it itself


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
    order = _reading_order(issue, plan)
    ids = _xml_ids([a.id for _, articles in order for a in articles])
    images, figures = _figures([a for _, articles in order for a in articles], ids)
    pages = _page_views(issue, order, ids, figures)
    cover = None
    if cover_png:
        cover = _Cover("cover-image", "images/cover.jpg", "cover.xhtml", _cover_alt(issue, pages))
        images.insert(0, _Item(cover.id, cover.href, "image/jpeg", _encode_image(cover_png, jpeg=True)[0],
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


def _figures(articles: list[Article], ids: dict[str, str]) -> tuple[list[_Item], dict[str, tuple[_FigureView, ...]]]:
    """The articles' images, re-encoded for e-readers, and their views by article id."""
    items: list[_Item] = []
    views: dict[str, tuple[_FigureView, ...]] = {}
    for article in articles:
        article_views = []
        for n, figure in enumerate(article.figures, 1):
            data, ext, media_type = _encode_image(figure.file.read_bytes(), jpeg=None)
            href = f"images/{ids[article.id]}-{n}.{ext}"
            items.append(_Item(f"img-{ids[article.id]}-{n}", href, media_type, data))
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

    return _ArticleView(xml_id, article.headline, article.kicker, article.subtitle, parts.top_byline, figures,
                        tuple(blocks), (parts.closing,) if parts.closing else (), play_order)


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


def _encode_image(data: bytes, jpeg: bool | None) -> tuple[bytes, str, str]:
    """(bytes, extension, media type): at most MAX_IMAGE_PX, RGB or grey; JPEG stays JPEG unless jpeg says."""
    with Image.open(io.BytesIO(data)) as source:
        as_jpeg = source.format == "JPEG" if jpeg is None else jpeg
        image = ImageOps.exif_transpose(source)
    if image.mode not in ("L", "RGB", "RGBA"):  # palette, CMYK, 1-bit: resample in a full mode
        transparent = image.mode.endswith("A") or "transparency" in image.info
        image = image.convert("RGBA" if transparent else "RGB")
    if as_jpeg and image.mode == "RGBA":  # JPEG has no alpha: flatten onto white paper
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    image.thumbnail((MAX_IMAGE_PX, MAX_IMAGE_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if as_jpeg:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return out.getvalue(), "jpg", "image/jpeg"
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), "png", "image/png"


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
