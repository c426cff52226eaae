"""The compose cache: what Fits composed of each article (body slots, headline shapes, captions), kept in
the page cache folder, so a rebuild after a one-article edit composes that article only.

An article's entry is keyed by a digest of the article as normalised (its text, headline group, figures'
captions, byline, …), the house settings, the page format, the font files of the roles it is set in
(path, size, mtime) and the code (this program's sources and the versions of the libraries that shape
and segment text). Entries are JSON lines and numbers, never code, checksummed like every entry of the
page cache (layout.render.page_cache): a damaged one is composed again. Floats survive JSON exactly, so
the lines read back are equal to those composed afresh, and no output can change (invariant 5).
"""
from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

from layout.house import house
from layout.model import Article, Line, Run
from layout.plan.fit import Composed, Fits, HeadLine, Shape, Slot
from layout.plan.grid import PageFormat
from layout.render.page_cache import COMPOSED_SUFFIX, PageCache, code_version, file_fingerprint
from layout.text.fonts import resolve

ROLES = ("body", "headline", "caption")  # the faces fit.py composes in
LIBRARIES = ("uharfbuzz", "jieba")  # shaping and word segmentation: their versions are part of every key


class StoredFits(Fits):
    """Fits that starts from what the cache holds of each article and, when the cache is committed, stages
    each article it composed more of."""

    def __init__(self, articles: dict[str, Article], fmt: PageFormat, cache: PageCache):
        super().__init__(articles, fmt)
        salt = compose_salt(fmt)
        self.cache = cache
        self.keys = {aid: hashlib.sha256(f"{salt}\0{article!r}".encode()).hexdigest()
                     for aid, article in articles.items()}
        self.loaded: dict[str, int] = {}  # article id → entries read back
        for aid, key in self.keys.items():
            entry = cache.read(key + COMPOSED_SUFFIX)
            composed = _decode(aid, entry[0]) if entry else None
            if composed is not None:
                self.add_composed(aid, composed)
                self.loaded[aid] = composed.count
        cache.before_commit(self.stage)

    def stage(self) -> None:
        """Stage the entry of every article composed further than its entry held."""
        for aid, key in self.keys.items():
            composed = self.composed(aid)
            if composed.count != self.loaded.get(aid, 0):
                self.cache.stage_entry(key + COMPOSED_SUFFIX, _encode(composed))


def compose_salt(fmt: PageFormat) -> str:
    """What every composed line depends on besides its article: code, libraries, house, format, fonts."""
    faces = sorted({resolve(role) for role in ROLES}, key=lambda f: (f.path, f.index))
    parts = [code_version(), *(f"{name} {version(name)}" for name in LIBRARIES), repr(house()), repr(fmt),
             *(f"{file_fingerprint(Path(f.path))}#{f.index}" for f in faces)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --- JSON: lists of plain values, in the order of the dataclasses' fields ---------------------------


def _line(line: Line) -> list:
    return [[[r.text, r.x, r.letter_spacing, r.features] for r in line.runs], line.width, line.last]


def _unline(data: list) -> Line:
    runs, width, last = data
    return Line(tuple(Run(text, x, spacing, features) for text, x, spacing, features in runs), width, last)


def _encode(c: Composed) -> list:
    body = None if c.body is None else [[_line(s.line), s.role] for s in c.body]
    shapes = [[span, cap, continuation, s.head_lines, s.headline_size,
               [[_line(h.line), h.role, h.size, h.y] for h in s.head]]
              for (span, cap, continuation), s in c.shapes.items()]
    captions = [[figure, span, [_line(line) for line in lines]] for (figure, span), lines in c.captions.items()]
    return [body, shapes, captions]


def _decode(article_id: str, data: list) -> Composed | None:
    """The entry as Composed, or None if it is not one (an entry of another format: composed again)."""
    try:
        body_data, shapes_data, captions_data = data
        body = None if body_data is None else tuple(Slot(_unline(line), role) for line, role in body_data)
        if shapes_data and body is None:
            return None  # every shape holds the body
        shapes = {(span, cap, continuation): Shape(article_id, span,
                                                   tuple(HeadLine(_unline(line), role, size, y)
                                                         for line, role, size, y in head),
                                                   head_lines, headline_size, body)
                  for span, cap, continuation, head_lines, headline_size, head in shapes_data}
        captions = {(figure, span): tuple(_unline(line) for line in lines) for figure, span, lines in captions_data}
    except (TypeError, ValueError):
        return None
    return Composed(body, shapes, captions)
