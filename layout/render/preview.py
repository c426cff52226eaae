"""Page views: printed pages rasterised (pypdfium2) and the article zones on them.

One place for what a page looks like on a screen: the editor's live preview, the digital edition
(数字报) and the EPUB cover all show these images, and the preview and the digital edition put the
same zones over them. Zones come from the module rectangles of layout_report (what layout.json is
written from), so when the frame stage supplies the geometry, both follow.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

PERCENT = 100
ZONE_DECIMALS = 3  # of a percent: a thousandth of a 390 mm page is 0.4 mm, far inside any tolerance
WEBP_METHOD = 2  # libwebp's effort: 4 takes 1.5 times as long for 3 % less, 6 2.5 times as long again for 2 %


@dataclass(frozen=True)
class Zone:
    """One module's rectangle on its page image, in percent of the trimmed page: it scales with the image."""

    article_id: str
    part: int  # 0 = the article's first part, 1 = a continuation (上接)
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class ImageSpec:
    """The images wanted of a page: its trim at each width in pixels, lossy WebP at webp_quality or PNG."""

    widths: tuple[int, ...]
    webp_quality: int | None = None


@dataclass(frozen=True)
class PageImage:
    width: int  # pixels
    height: int
    data: bytes
    media_type: str
    extension: str


def page_zones(page: dict, trim_mm: tuple[float, float]) -> tuple[Zone, ...]:
    """The zones of one page of layout_report (its "modules" with their "mm" rectangles), in its order."""
    trim_w, trim_h = trim_mm

    def pct(mm: float, whole: float) -> float:
        return round(mm / whole * PERCENT, ZONE_DECIMALS)

    return tuple(Zone(m["article"], m["part"], pct(m["mm"]["x"], trim_w), pct(m["mm"]["y"], trim_h),
                      pct(m["mm"]["width"], trim_w), pct(m["mm"]["height"], trim_h)) for m in page["modules"])


def page_images(page_pdf: bytes, spec: ImageSpec) -> tuple[PageImage, ...]:
    """A one-page PDF's trimmed page (bleed and crop marks cut off) as spec asks."""
    import pypdfium2 as pdfium  # loaded on use: a build whose images are all cached never needs it

    doc = pdfium.PdfDocument(page_pdf)
    try:
        page = doc[0]
        view_l, view_b, view_r, view_t = page.get_cropbox()  # what pdfium renders: the MediaBox if none
        trim_l, trim_b, trim_r, trim_t = page.get_trimbox()
        crop = (trim_l - view_l, trim_b - view_b, view_r - trim_r, view_t - trim_t)
        out = []
        for width in spec.widths:
            image = page.render(scale=width / (trim_r - trim_l), crop=crop).to_pil().convert("RGB")
            out.append(_encode(image, spec.webp_quality))
        return tuple(out)
    finally:
        doc.close()


def _encode(image: Image.Image, webp_quality: int | None) -> PageImage:
    buffer = io.BytesIO()
    # No metadata, timestamps or text chunks: the same page gives the same bytes (invariant 5).
    if webp_quality is None:
        image.save(buffer, format="PNG")
        return PageImage(image.width, image.height, buffer.getvalue(), "image/png", "png")
    image.save(buffer, format="WEBP", quality=webp_quality, method=WEBP_METHOD)
    return PageImage(image.width, image.height, buffer.getvalue(), "image/webp", "webp")


def page_png(pdf: bytes, resolution: float, optimize: bool = True) -> bytes:
    """PNG bytes of the first page of pdf (a page's print file) at resolution dpi, as printed (media box).
    optimize=False: the same pixels seven times faster, in a larger file (for an image read back at once)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=resolution / 72).to_pil()
    finally:
        doc.close()
    buffer = io.BytesIO()
    # No timestamps or text chunks: the same page gives the same bytes (invariant 5).
    image.convert("RGB").save(buffer, format="PNG", optimize=optimize, compress_level=9 if optimize else 1)
    return buffer.getvalue()
