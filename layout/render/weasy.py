"""The one module that talks to WeasyPrint.

Everything WeasyPrint loads goes through `GuardedFetcher`: only files inside the allowed
folders (the issue folder, styles/, fonts/) are served. No network, no file:// elsewhere,
no ../ escape. A refused or failed fetch fails the build instead of leaving a hole.

WeasyPrint's fonts are made by `_Font`, which embeds the same bytes for less: see there.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.pdf import fonts as weasy_fonts, stream as weasy_stream
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import get_hb_object_data
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from layout.errors import BuildError
from layout.messages import t
from layout.render.pdfx import WEASYPRINT_DROPPED_TABLES


class GuardedFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to files under roots; any other fetch stops the render."""

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)
        self.roots = tuple(r.resolve() for r in roots)
        self.refused: list[str] = []

    def allows(self, url: str) -> bool:
        parsed = urlparse(url)
        if parsed.scheme == "data":  # inline bytes the painter made: nothing is read
            return True
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parsed.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots) and path.is_file()

    def fetch(self, url: str, headers=None):
        if not self.allows(url):
            self.refused.append(url)
            raise ValueError(_refusal(url))
        return super().fetch(url, headers)


class _Font(weasy_fonts.Font):
    """WeasyPrint 70's font of a page, the same bytes embedded at less cost in the two steps it spends most on.

    Its constructor copies the face's whole file into Python bytes (a Noto CJK collection: 16–26 MB, for every
    font of every page: the worker's memory holds the copy and every page of the file it touched), only for the
    subset to replace it: here the file is read only if something asks for it (a font embedded whole).
    It subsets in two HarfBuzz passes, the second keeping every glyph of the first's result (glyph IDs kept,
    nothing lies after the last one used) only to drop hinting: here one pass does both."""

    def __init__(self, pango_font, description, font_size):
        weasy_fonts.get_hb_object_data = _unread  # what the constructor takes for the file (only it calls this)
        try:
            super().__init__(pango_font, description, font_size)
        finally:
            weasy_fonts.get_hb_object_data = get_hb_object_data

    @property
    def file_content(self) -> bytes:
        if self._file is None:
            self._file = get_hb_object_data(self.hb_face)
        return self._file

    @file_content.setter
    def file_content(self, data: bytes | None) -> None:
        self._file = data

    def _harfbuzz_subset(self, to_unicode, hinting):
        """The face cut to the glyphs used, as WeasyPrint cuts it (pdf/fonts.py), in one pass."""
        subset = harfbuzz_subset
        keep = ffi.gc(subset.hb_subset_input_create_or_fail(), subset.hb_subset_input_destroy)
        glyphs = sorted(to_unicode)
        harfbuzz.hb_set_add_sorted_array(subset.hb_subset_input_glyph_set(keep),
                                         ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs))
        flags = (subset.HB_SUBSET_FLAGS_RETAIN_GIDS | subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
                 | subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
                 | (0 if hinting else subset.HB_SUBSET_FLAGS_NO_HINTING)
                 | (subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE if self.missing else 0))
        subset.hb_subset_input_set_flags(keep, flags)
        tags = sorted(harfbuzz.hb_tag_from_string(tag.encode(), -1) for tag in WEASYPRINT_DROPPED_TABLES)
        harfbuzz.hb_set_add_sorted_array(subset.hb_subset_input_set(keep, subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
                                         ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
        face = ffi.gc(subset.hb_subset_or_fail(self.hb_face, keep), harfbuzz.hb_face_destroy)
        data = get_hb_object_data(face) if face else None
        if not data:
            raise BuildError(t("the font {family} could not be subset for the PDF", family=self.family))
        self.file_content = data


def _unread(hb_face) -> None:
    return None


weasy_stream.Font = _Font  # the one place WeasyPrint makes the fonts of a page


def _refusal(url: str) -> str:
    return t("refused to load {url}: only files inside the issue folder, styles/ and fonts/", url=url)


def render_pdf(html: str, base: Path, roots: tuple[Path, ...]) -> bytes:
    """PDF bytes for an HTML document whose resources lie under roots."""
    fetcher = GuardedFetcher(roots)
    try:
        return HTML(string=html, base_url=base.resolve().as_uri() + "/", url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as e:
        raise BuildError(t("a resource could not be loaded safely: {reason}",
                           reason=_refusal(fetcher.refused[0]) if fetcher.refused else e))
