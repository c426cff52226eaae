"""The free area of a page around its fixed blocks (ads, articles pinned to a position), cut into
rectangles the page search can fill.

Cuts run edge to edge (guillotine) along the blocks' edges; where the cut may go first, across
or down, both are tried, so the planner can choose the decomposition that gives the best page.
Rectangles come in reading order: top first, then left first.

Bounded: each part of the page keeps at most MAX_WAYS ways (memoised on the part and its blocks),
the ways of a part take turns between its cuts, and the page keeps MAX_DECOMPOSITIONS, one for
each row of rectangles along its top first: a strip cut off above a mid-page ad cannot crowd out
the ways that cut down beside the blocks and leave the main story a tall rectangle at the top.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import product

Rect = tuple[int, int, int, int]  # column, line, columns, lines

MAX_DECOMPOSITIONS = 6  # ways of cutting a page tried: each costs a page search, and a few suffice
MAX_WAYS = 24  # ways kept for each part of the page while cutting, to choose those few from


def free_rectangles(area: Rect, blocks: list[Rect]) -> list[list[Rect]]:
    """Ways to cut the area minus the blocks into rectangles, each in reading order; [] when the
    blocks cannot be separated by edge-to-edge cuts."""
    return [list(way) for way in _diverse(list(_cut(area, _inside(area, blocks))), MAX_DECOMPOSITIONS)]


def _inside(area: Rect, blocks) -> tuple[Rect, ...]:
    return tuple(sorted(b for b in blocks if _overlaps(b, area)))


@lru_cache(maxsize=4096)
def _cut(area: Rect, blocks: tuple[Rect, ...]) -> tuple[tuple[Rect, ...], ...]:
    x, y, w, h = area
    if w <= 0 or h <= 0:
        return ((),)
    if not blocks:
        return ((area,),)
    if len(blocks) == 1 and blocks[0] == area:
        return ((),)
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
    per_cut: list[list[tuple[Rect, ...]]] = []
    for across, edge in ordered:
        first, second = ((x, y, w, edge - y), (x, edge, w, y + h - edge)) if across else \
            ((x, y, edge - x, h), (edge, y, x + w - edge, h))
        tops, bottoms = _cut(first, _inside(first, blocks)), _cut(second, _inside(second, blocks))
        # The pairs of the two parts' ways, the best of each first (by the sum of their ranks).
        pairs = sorted(product(range(len(tops)), range(len(bottoms))), key=lambda p: (p[0] + p[1], p))
        per_cut.append([tuple(sorted(tops[a] + bottoms[b], key=lambda r: (r[1], r[0])))
                        for a, b in pairs[:MAX_WAYS]])
    # Turns: the best way of each cut, then the second of each, ... (cuts in another order can give
    # the same rectangles: kept once).
    results: list[tuple[Rect, ...]] = []
    for turn in range(max(map(len, per_cut), default=0)):
        for ways in per_cut:
            if turn < len(ways) and ways[turn] not in results and len(results) < MAX_WAYS:
                results.append(ways[turn])
    return _diverse(results, MAX_WAYS)


def _diverse(ways: list[tuple[Rect, ...]], limit: int) -> tuple[tuple[Rect, ...], ...]:
    """Up to `limit` ways, one for each row of rectangles along the area's top first (the page's main
    story opens one of them: the fewest rectangles for each), then the others in order."""
    rows: dict[tuple[Rect, ...], tuple[Rect, ...]] = {}
    for way in ways:
        row = tuple(r for r in way if r[1] == way[0][1])
        if row not in rows or len(way) < len(rows[row]):
            rows[row] = way
    firsts = list(rows.values())
    return tuple((firsts + [way for way in ways if way not in firsts])[:limit])


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
