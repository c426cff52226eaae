"""Fonts for the EPUB: the body and headline roles' faces, subset to the characters used.

A full Noto CJK face is 15–25 MB; subset to the few hundred characters of one issue it is a
few hundred KB, small enough to embed so every reader shows the house faces.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from fontTools import subset
from fontTools.ttLib import TTFont

from layout.house import FONTS
from layout.text.fonts import FontFace, resolve

LICENCE_FILE = FONTS / "LICENSE-OFL.txt"
EMBEDDED_ROLES = ("body", "headline")


@dataclass(frozen=True)
class EmbeddedFont:
    role: str
    css_family: str  # the family name styles/epub.css asks for
    weight: int
    file_name: str
    data: bytes  # OpenType (CFF) subset


def _subset(face: FontFace, chars: set[str]) -> bytes:
    # The TTC index matters (SC is not face 0 in Debian's Noto CJK collections); keeping
    # head.modified instead of stamping the build time keeps rebuilds byte-identical.
    font = TTFont(face.path, fontNumber=face.index, recalcTimestamp=False)
    options = subset.Options()
    options.desubroutinize = True  # a larger OTF, but smaller once deflated in the zip
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright and the OFL notice (13, 14)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def embedded_fonts(body_chars: set[str], headline_chars: set[str]) -> tuple[EmbeddedFont, ...]:
    """The body face subset to body_chars and the headline face subset to headline_chars."""
    fonts = []
    for role, chars in zip(EMBEDDED_ROLES, (body_chars, headline_chars)):
        face = resolve(role)
        fonts.append(EmbeddedFont(role, f"layout-{role}", face.weight, f"{role}.otf", _subset(face, chars)))
    return tuple(fonts)
