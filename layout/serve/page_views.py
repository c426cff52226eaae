"""What a printed page looks like on a screen: its image (pypdfium2) and one zone per module.

The same approach as the digital edition's page views (issue 15): the trimmed page rendered from
its one-page PDF, zones in percent of the trimmed page from the module rectangles layout.json
reports, so they scale with the image.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium

PERCENT = 100
ZONE_DECIMALS = 3  # of a percent: a thousandth of a 390 mm page is 0.4 mm


@dataclass(frozen=True)
class Zone:
    """One module's rectangle on its page image, in percent of the trimmed page."""

    article_id: str
    part: int  # 0 = the article's first part, 1 = a continuation (上接)
    left: float
    top: float
    width: float
    height: float


def page_zones(page: dict, trim_mm: tuple[float, float]) -> tuple[Zone, ...]:
    """The zones of one page of layout.json (its "modules" with their "mm" rectangles), in its order."""
    trim_w, trim_h = trim_mm

    def pct(mm: float, whole: float) -> float:
        return round(mm / whole * PERCENT, ZONE_DECIMALS)

    return tuple(Zone(m["article"], m["part"], pct(m["mm"]["x"], trim_w), pct(m["mm"]["y"], trim_h),
                      pct(m["mm"]["width"], trim_w), pct(m["mm"]["height"], trim_h)) for m in page["modules"])


def page_png(page_pdf: bytes, width: int) -> tuple[bytes, int, int]:
    """A one-page PDF's trimmed page (bleed and crop marks cut off) as PNG `width` pixels wide,
    with its width and height."""
    doc = pdfium.PdfDocument(page_pdf)
    try:
        page = doc[0]
        view_l, view_b, view_r, view_t = page.get_cropbox()  # what pdfium renders: the MediaBox if none
        trim_l, trim_b, trim_r, trim_t = page.get_trimbox()
        crop = (trim_l - view_l, trim_b - view_b, view_r - trim_r, view_t - trim_t)
        image = page.render(scale=width / (trim_r - trim_l), crop=crop).to_pil().convert("RGB")
    finally:
        doc.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), image.width, image.height
