"""An ad's file as an image the press conversion reads: PNG and JPEG as they are, a PDF's first
page rendered (pypdfium2) at a resolution enough for print."""
from __future__ import annotations

import io
from pathlib import Path

AD_DPI = 300  # a rendered PDF ad: press resolution


def ad_image(path: Path) -> Path | io.BytesIO:
    """What PIL should open for the ad at path."""
    if path.suffix.lower() != ".pdf":
        return path
    import pypdfium2  # only issues with PDF ads pay for it

    pdf = pypdfium2.PdfDocument(path)
    try:
        bitmap = pdf[0].render(scale=AD_DPI / 72)
        buf = io.BytesIO()
        bitmap.to_pil().save(buf, format="PNG")
    finally:
        pdf.close()
    buf.seek(0)
    return buf
