"""Articles as readers see them on a screen: the reading order, each article's parts and its photos.

The EPUB and the digital edition (数字报) both read from here, so the two reader editions say the
same words (print's, from article_parts) in the same order and carry the same images.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from jinja2 import Environment
from PIL import Image, ImageCms, ImageOps

from layout.errors import BuildError
from layout.messages import t
from layout.model import Article, EditorsNote, Issue, Paragraph, Subhead, Verse
from layout.render.page_cache import PageCache, file_fingerprint
from layout.render.print_images import to_8bit
from layout.text.article_parts import article_parts, credit_text

if TYPE_CHECKING:
    from layout.frame import IssueFrames

MAX_IMAGE_PX = 1600  # long side: sharp on e-ink, tablets and phones, small to download
JPEG_QUALITY = 85
IMAGE_CACHE = 64  # photos re-encoded for screens, kept per file: a rebuild re-encodes only new photos
IMAGES_DIR = "images"
NOTE_LABEL = "编者按"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # what encode_image writes is PNG or else JPEG


@dataclass(frozen=True)
class PageLabel:
    """How reader editions name a print page: 第N版, and 第N版　section where it has one."""

    number: int
    section: str

    @property
    def number_label(self) -> str:
        return f"第{self.number}版"

    @property
    def label(self) -> str:
        return f"{self.number_label}　{self.section}" if self.section else self.number_label


@dataclass(frozen=True)
class ImageFile:
    href: str  # relative to the edition's root, under IMAGES_DIR
    media_type: str
    data: bytes


@dataclass(frozen=True)
class FigureView:
    href: str
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class BlockView:
    kind: Literal["paragraph", "subhead", "note", "verse"]
    text: str
    dateline: str = ""  # opens the first paragraph: 本报讯（记者 X）
    label: str = ""  # 编者按： unless the note says it itself
    lines: tuple[str, ...] = ()  # verse: each line as the poet broke it, "" between stanzas


@dataclass(frozen=True)
class ArticleView:
    id: str  # a valid XML id, also the stem of the article's file names
    headline: str
    kicker: str
    subtitle: str
    byline: str  # a ■ line under the headline; "" when the byline sits elsewhere
    figures: tuple[FigureView, ...]
    blocks: tuple[BlockView, ...]
    end_lines: tuple[str, ...]  # the closing line after the body, as print sets it (article_parts)


def reading_order(issue: Issue, frames: IssueFrames) -> list[tuple[int, list[Article]]]:
    """Print pages in order, each with the articles that start on it: most important first (the
    editors' priority, as the print page shows it by size and place), then by where the frames put the
    first zone of their first part."""
    starts: dict[str, tuple[int, int, int]] = {}
    for page in frames.pages:
        for zone in page.zones:
            if zone.article_part == 0:
                starts.setdefault(zone.article, (page.number, zone.cells.line, zone.cells.column))
    unplaced = [a.id for a in issue.articles if a.id not in starts]
    if unplaced:  # reader editions carry every article: frames without one are a planner bug
        raise BuildError(t("articles missing from the plan: {articles}", articles=", ".join(unplaced)))
    by_page: dict[int, list[Article]] = {page.number: [] for page in frames.pages}
    for article in sorted(issue.articles, key=lambda a: (starts[a.id][0], a.priority, starts[a.id], a.id)):
        by_page[starts[article.id][0]].append(article)
    return sorted(by_page.items())


def printed_pages(frames: IssueFrames) -> dict[str, tuple[int, ...]]:
    """Article id → the page each of its parts was printed on, by part (0 = first, 1 = after a jump)."""
    parts: dict[str, dict[int, int]] = {}
    for page in frames.pages:
        for zone in page.zones:
            parts.setdefault(zone.article, {}).setdefault(zone.article_part, page.number)
    return {article: tuple(pages[p] for p in sorted(pages)) for article, pages in parts.items()}


def xml_ids(article_ids: list[str]) -> dict[str, str]:
    """Article id → a valid, unique XML id, readable where the file name is ASCII."""
    out: dict[str, str] = {}
    for n, aid in enumerate(article_ids, 1):
        safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in aid)
        out[aid] = f"a-{safe}" if f"a-{safe}" not in out.values() and safe.strip("-") else f"a-{n}"
    return out


def figure_images(articles: list[Article], ids: dict[str, str], cache: PageCache | None = None
                  ) -> tuple[list[ImageFile], dict[str, tuple[FigureView, ...]]]:
    """The articles' photos, re-encoded for screens (with a page cache: once per photo file, across builds),
    and their views by article id."""
    files: list[ImageFile] = []
    views: dict[str, tuple[FigureView, ...]] = {}
    for article in articles:
        article_views = []
        for n, figure in enumerate(article.figures, 1):
            data, ext, media_type = _screen_image(figure.file, cache)
            href = f"{IMAGES_DIR}/{ids[article.id]}-{n}.{ext}"
            files.append(ImageFile(href, media_type, data))
            article_views.append(FigureView(href, figure.alt, figure.caption, credit_text(figure.credit)))
        views[article.id] = tuple(article_views)
    return files, views


def _screen_image(path: Path, cache: PageCache | None) -> tuple[bytes, str, str]:
    mtime = path.stat().st_mtime_ns
    if cache is None:
        return _encoded(path, mtime)
    data = cache.made(cache.bytes_key("screen image", file_fingerprint(path)), lambda: _encoded(path, mtime)[0])
    return (data, "png", "image/png") if data.startswith(PNG_SIGNATURE) else (data, "jpg", "image/jpeg")


class Documents:
    """Documents rendered from the Jinja2 templates of one folder. With a page cache, a document whose
    template files and context are those of an earlier build is read back, not rendered: an edit renders
    only the documents it changed. A context must hold exactly what its template shows (its repr is the
    key)."""

    def __init__(self, env: Environment, cache: PageCache | None):
        self.env, self.cache = env, cache
        folder = Path(env.loader.searchpath[0])
        self.salt = b"".join(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes()
                             for p in sorted(folder.rglob("*")) if p.is_file()) if cache else b""

    def render(self, template: str, context: dict) -> bytes:
        def make() -> bytes:
            return self.env.get_template(template).render(context).encode("utf-8")

        if self.cache is None:
            return make()
        return self.cache.made(self.cache.bytes_key("document", self.salt, template, repr(context)), make)


def article_view(article: Article, xml_id: str, figures: tuple[FigureView, ...]) -> ArticleView:
    parts = article_parts(article)  # the same words as print: dateline, byline, closing line
    opener = parts.opening
    blocks = []
    for block in article.blocks:
        if isinstance(block, Paragraph):
            blocks.append(BlockView("paragraph", block.text, dateline=opener))
            opener = ""
        elif isinstance(block, Subhead):
            blocks.append(BlockView("subhead", block.text))
        elif isinstance(block, EditorsNote):
            blocks.append(BlockView("note", block.text, label="" if block.text.startswith(NOTE_LABEL) else f"{NOTE_LABEL}："))
        elif isinstance(block, Verse):
            blocks.append(BlockView("verse", block.text, lines=block.lines))

    return ArticleView(xml_id, article.headline, article.kicker, article.subtitle, parts.top_byline, figures,
                       tuple(blocks), (parts.closing,) if parts.closing else ())


@lru_cache(maxsize=IMAGE_CACHE)
def _encoded(path: Path, mtime_ns: int) -> tuple[bytes, str, str]:
    # Keyed on the file's mtime too: a photo replaced between builds in one process is encoded anew.
    return encode_image(path.read_bytes())


def encode_image(data: bytes) -> tuple[bytes, str, str]:
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
