"""Fonts for the EPUB: the faces the parts table sets the parts in (body Song, Hei at two weights, Kai), each
subset to the characters set in it.

A full Noto CJK face is 15–25 MB; subset to the few hundred characters of one issue it is a
few hundred KB, small enough to embed so every reader shows the house faces. HarfBuzz's own
subsetter does this in well under a second for all three faces (fontTools took about 4 s per
CJK face); subsets are cached by face and character set (in memory, and on disk in the page cache when
the build has one), so a rebuild with the same text, or an edit that leaves a face's characters alone,
subsets nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from layout.errors import BuildError
from layout.house import FONTS
from layout.messages import t
from layout.render.page_cache import PageCache, file_fingerprint
from layout.text.fonts import FontFace

LICENCE_FILE = FONTS / "LICENSE-OFL.txt"
# Name records kept: family, style and full names, and the copyright and OFL notice (0, 13, 14).
KEPT_NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)
CFF_MAGIC = b"OTTO"
SUBSET_CACHE = 32  # (face, character set) pairs kept in memory: three faces of a few live issues


@dataclass(frozen=True)
class EmbeddedFont:
    role: str  # the font role of fonts/roles.toml whose family the face is
    weight: int  # the CSS weight the parts table sets it at
    data: bytes  # OpenType subset: CFF outlines (.otf) or TrueType (.ttf), as the face has them

    @property
    def css_family(self) -> str:
        """The family name the EPUB's stylesheet asks for: one per role, its weights its faces."""
        return css_family(self.role)

    @property
    def is_cff(self) -> bool:
        return self.data[:4] == CFF_MAGIC

    @property
    def file_name(self) -> str:
        return f"{self.role}-{self.weight}.{'otf' if self.is_cff else 'ttf'}"

    @property
    def media_type(self) -> str:
        return "font/otf" if self.is_cff else "font/ttf"

    @property
    def css_format(self) -> str:
        return "opentype" if self.is_cff else "truetype"


@lru_cache(maxsize=4)
def _face(path: str, index: int) -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(path), index)  # the TTC index matters: SC is not face 0


@lru_cache(maxsize=SUBSET_CACHE)
def _subset(face: FontFace, chars: frozenset[str]) -> bytes:
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(sorted(ord(c) for c in chars))
    names = subset_input.sets(hb.SubsetInputSets.NAME_ID)
    names.clear()
    names.update(KEPT_NAME_IDS)
    # Plain charstrings: a larger OTF, but smaller once deflated in the zip. HarfBuzz keeps
    # head.modified as the face has it, so rebuilds are byte-identical.
    subset_input.flags = hb.SubsetFlags.DESUBROUTINIZE
    result = hb.subset(_face(face.path, face.index), subset_input)
    if result is None:
        raise BuildError(t("HarfBuzz could not subset the font {file} (face {index}) for the EPUB", file=face.path,
                           index=face.index))
    return result.blob.data


def css_family(role: str) -> str:
    return f"layout-{role}"


def embedded_fonts(texts: dict[tuple[str, FontFace], set[str]], cache: PageCache | None = None
                   ) -> tuple[EmbeddedFont, ...]:
    """Each (role, face) of texts, in its order, as the face subset to the characters given for it; a face
    nothing is set in is not shipped."""
    fonts = []
    for (role, face), found in texts.items():
        if not found:
            continue
        chars = frozenset(found)
        if cache:
            key = cache.bytes_key("font subset", f"uharfbuzz {hb.__version__}",
                                  f"{file_fingerprint(Path(face.path))}#{face.index}", "".join(sorted(chars)))
            data = cache.made(key, lambda: _subset(face, chars))
        else:
            data = _subset(face, chars)
        fonts.append(EmbeddedFont(role, face.weight, data))
    return tuple(fonts)
