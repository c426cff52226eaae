"""Page previews: printed pages rasterised to PNG (pypdfium2), for editors and the EPUB cover."""
from __future__ import annotations

import io

import pypdfium2 as pdfium


def page_pngs(pdf: bytes, requests: list[tuple[int, float]]) -> list[bytes]:
    """PNG bytes for each (0-based page index, resolution in dpi) asked for, from one parse of the PDF."""
    doc = pdfium.PdfDocument(pdf)
    out: list[bytes] = []
    try:
        for index, resolution in requests:
            image = doc[index].render(scale=resolution / 72).to_pil()
            buffer = io.BytesIO()
            # No timestamps or text chunks: the same page gives the same bytes (invariant 5).
            image.convert("RGB").save(buffer, format="PNG", optimize=True)
            out.append(buffer.getvalue())
    finally:
        doc.close()
    return out
