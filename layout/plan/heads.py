"""Where a module's 主题 (main headline) stands, and when two stand side by side (docs/rules.md H4).

Two modules that touch across a column edge with their 主题 lines at the same height read as one
headline running on (a tombstone). The page search avoids them and the page-quality check counts
them with this one definition: the 主题's band, from the top of its first line to the foot of its
last, as the painter draws it (render/paint.py: the headline group's slack shared above and below
it), and two bands are level when they overlap in height.
"""
from __future__ import annotations

from layout.house import house
from layout.model import Module
from layout.plan.fit import Shape

Band = tuple[float, float]  # top and foot of the 主题's lines, in body lines (from a module's top, or a page's)


def main_band(shape: Shape, pitch: float) -> Band | None:
    """The 主题's lines inside the headline group, in lines from the group's top (None: no 主题)."""
    line_height = house()["headline"]["line_height"]
    main = [hl for hl in shape.head if hl.role == "headline"]
    if not main:
        return None
    return (min(hl.y for hl in main) / pitch, max(hl.y + hl.size * line_height for hl in main) / pitch)


def head_band(module: Module, shape: Shape, pitch: float) -> Band | None:
    """The module's 主题 in lines from the module's top: its headline group at head_top, the group's
    slack (head_lines beyond the shape's own) shared above and below it."""
    band = main_band(shape, pitch)
    if band is None or not module.head_lines:
        return None
    top = module.head_top + (module.head_lines - shape.head_lines) / 2
    return (top + band[0], top + band[1])


def edge_bands(module: Module, shape: Shape, pitch: float) -> tuple[tuple[Band, ...], tuple[Band, ...]]:
    """The module's 主题 along its left edge and along its right edge: none along an edge where a
    photo stands beside the headline (the photo, not the headline, meets the neighbour there)."""
    band = head_band(module, shape, pitch)
    if band is None:
        return (), ()
    west = (band,) if module.head_column == 0 else ()
    east = (band,) if module.head_column + module.head_columns == module.span else ()
    return west, east


def level(a: Band, b: Band) -> bool:
    """Two 主题 at the same height (touching is not: one ends where the other starts)."""
    return min(a[1], b[1]) > max(a[0], b[0])


def side_by_side(west: tuple[Band, ...], east: tuple[Band, ...]) -> int:
    """Pairs of level 主题 across a column edge: `west` of the modules touching it from the left,
    `east` of those touching it from the right (bands on one vertical scale)."""
    if not west or not east:
        return 0
    pairs = 0
    for top, foot in west:  # level() written out: the page search asks this for every pair of layouts it joins
        for other_top, other_foot in east:
            if (foot if foot < other_foot else other_foot) > (top if top > other_top else other_top):
                pairs += 1
    return pairs


def shifted(bands: tuple[Band, ...], lines: float) -> tuple[Band, ...]:
    return tuple((top + lines, foot + lines) for top, foot in bands)
