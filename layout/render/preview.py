"""Page previews: a printed page's PDF rasterised to PNG (pypdfium2), for editors and the EPUB cover."""
from __future__ import annotations

import io

import pypdfium2 as pdfium


def page_png(pdf: bytes, resolution: float) -> bytes:
    """PNG bytes of the first page of pdf (a page's print file) at resolution dpi."""
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=resolution / 72).to_pil()
    finally:
        doc.close()
    buffer = io.BytesIO()
    # No timestamps or text chunks: the same page gives the same bytes (invariant 5).
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
