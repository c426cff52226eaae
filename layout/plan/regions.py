"""The free area of a page around its fixed blocks (ads, articles pinned to a position), cut into
rectangles the page search can fill.

Cuts run edge to edge (guillotine) along the blocks' edges; where the cut may go first, across
or down, both are tried, so the planner can choose the decomposition that gives the best page.
Rectangles come in reading order: top first, then left first.
"""
from __future__ import annotations

Rect = tuple[int, int, int, int]  # column, line, columns, lines

MAX_DECOMPOSITIONS = 6  # ways of cutting one page tried (two blocks give at most a handful)


def free_rectangles(area: Rect, blocks: list[Rect]) -> list[list[Rect]]:
    """Ways to cut the area minus the blocks into rectangles, each in reading order; [] when the
    blocks cannot be separated by edge-to-edge cuts."""
    ways = _cut(area, [b for b in blocks if _overlaps(b, area)])
    out: list[list[Rect]] = []
    for way in ways:
        ordered = sorted(way, key=lambda r: (r[1], r[0]))
        if ordered not in out:
            out.append(ordered)
    return out[:MAX_DECOMPOSITIONS]


def _cut(area: Rect, blocks: list[Rect]) -> list[list[Rect]]:
    x, y, w, h = area
    if w <= 0 or h <= 0:
        return [[]]
    if not blocks:
        return [[area]]
    if len(blocks) == 1 and blocks[0] == area:
        return [[]]
    cuts: list[tuple[bool, int]] = []
    # Across (a cut at a block's top or bottom), or down (at a block's left or right edge).
    for across in (True, False):
        edges = sorted({b[1] for b in blocks} | {b[1] + b[3] for b in blocks}) if across else \
            sorted({b[0] for b in blocks} | {b[0] + b[2] for b in blocks})
        lo, hi = (y, y + h) if across else (x, x + w)
        cuts += [(across, edge) for edge in edges if lo < edge < hi and not any(
            (b[1] if across else b[0]) < edge < (b[1] + b[3] if across else b[0] + b[2]) for b in blocks)]
    # The first cut of each direction, then the others: a later edge gives other rectangles (the foot
    # of the page cut off first, then down beside a pin), tried after the usual ways.
    firsts = [next((c for c in cuts if c[0] == d), None) for d in (True, False)]
    ordered = [c for c in firsts if c] + [c for c in cuts if c not in firsts]
    results: list[list[Rect]] = []
    for across, edge in ordered:
        first, second = ((x, y, w, edge - y), (x, edge, w, y + h - edge)) if across else \
            ((x, y, edge - x, h), (edge, y, x + w - edge, h))
        for a in _cut(first, [b for b in blocks if _overlaps(b, first)]):
            for b in _cut(second, [b for b in blocks if _overlaps(b, second)]):
                way = sorted(a + b, key=lambda r: (r[1], r[0]))
                if way not in results:  # cuts in another order can give the same rectangles
                    results.append(way)
                if len(results) >= MAX_DECOMPOSITIONS:
                    return results
    return results


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
