"""Page previews: a printed page rasterised to PNG (pypdfium2), for editors and the EPUB cover."""
from __future__ import annotations

import io

import pypdfium2 as pdfium


def page_png(pdf: bytes, index: int, dpi: float) -> bytes:
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[index].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()
    out = io.BytesIO()
    # No timestamps or text chunks: the same page gives the same bytes (invariant 5).
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
