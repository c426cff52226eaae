"""The search for one page: items → modules tiling the page's free rectangles.

Newspaper pages are guillotine layouts: a free rectangle can be cut edge to edge into its
modules (docs/layout.md). For the items offered to a page, in
priority order, the search tries every guillotine tree whose leaves, read top-left first, are the
items in that order, so importance falls from top to bottom and left to right by construction.
A bitmask of reachable heights per (items, width) keeps it to splits that can close exactly;
costs (styles/house.toml [planner]) rank the layouts that do.

Ads and position-pinned articles are fixed blocks: the free area around them is cut into
rectangles (layout.plan.regions), and the items are dealt to them in reading order, each
rectangle taking the next few. Items a page cannot take wait for a later page.

Bounded: every search step counts against the page's budget; when it runs out, no new
sub-rectangle is explored and the best page found so far stands. Deterministic: the steps
happen in the same order every time.
"""
from __future__ import annotations

import math
from bisect import insort
from dataclasses import dataclass, replace
from functools import lru_cache

from layout.house import house
from layout.model import Module
from layout.plan.fit import Fits, headline_cap
from layout.plan.grid import PageFormat
from layout.plan.heads import Band, shifted, side_by_side
from layout.plan.leaves import Context, Item, Leaf, LeafTable, headline_caps

Rect = tuple[int, int, int, int]  # column, line (from the top of the free area), columns, lines


Placement = tuple[int, Leaf, int, int]  # item, leaf, column, line (from the top of the free area)


@dataclass(frozen=True)
class Layout:
    """Items tiling a rectangle, as a tree of cuts (placements are made only for the page kept)."""

    cost: float
    leaf: Placement | None = None  # one item: (item, leaf, 0, 0)
    first: Layout | None = None  # or two layouts: the second `dx` columns right of, or `dy` lines below, the first
    second: Layout | None = None
    dx: int = 0
    dy: int = 0
    hole: int = 0  # empty cells (lines × columns) left in the rectangles
    stones: int = 0  # headlines side by side on one line
    weight: float = 0.0  # importance placed: lowering the layout by a line costs weight × low_position
    unplaced: int = 0  # items of the page left for a later one
    left_heads: tuple[Band, ...] = ()  # 主题 of the modules along the left edge (layout.plan.heads)
    right_heads: tuple[Band, ...] = ()  # and along the right edge
    x: int = 0  # where the tree sits in its parent's (a rectangle of the page: in the free area)
    y: int = 0

    @property
    def placements(self) -> tuple[Placement, ...]:
        out: list[Placement] = []
        stack = [(self, 0, 0)]
        while stack:
            node, x, y = stack.pop()
            x, y = x + node.x, y + node.y
            if node.leaf is not None:
                i, leaf, _, _ = node.leaf
                out.append((i, leaf, x, y))
            elif node.first is not None:
                stack.append((node.second, x + node.dx, y + node.dy))
                stack.append((node.first, x, y))
        return tuple(out)

    def modules(self, page: int, top: int, next_page: int | None) -> tuple[Module, ...]:
        return tuple(replace(m, page=page, column=x + m.column, line=top + y + m.line,
                             jump_to=next_page if leaf.jumps else None)
                     for _, leaf, x, y in self.placements for m in leaf.modules)


def _beside(a: Layout, b: Layout, dx: int, tombstone: float) -> Layout:
    stones = side_by_side(a.right_heads, b.left_heads)
    return Layout(a.cost + b.cost + stones * tombstone, None, a, b, dx, 0, a.hole + b.hole,
                  a.stones + b.stones + stones, a.weight + b.weight, left_heads=a.left_heads, right_heads=b.right_heads)


def _under(a: Layout, b: Layout, dy: int, low: float) -> Layout:
    return Layout(a.cost + b.cost + dy * b.weight * low, None, a, b, 0, dy, a.hole + b.hole, a.stones + b.stones,
                  a.weight + b.weight, left_heads=a.left_heads + shifted(b.left_heads, dy),
                  right_heads=a.right_heads + shifted(b.right_heads, dy))


def _then(a: Layout, b: Layout) -> Layout:
    """The layouts of two rectangles of one page (each placed where its rectangle lies)."""
    return Layout(a.cost + b.cost, None, a, b, 0, 0, a.hole + b.hole, a.stones + b.stones, a.weight + b.weight,
                  a.unplaced + b.unplaced)


class Budget:
    """Search steps left for a page."""

    def __init__(self, steps: int):
        self.left = steps

    def spend(self, steps: int = 1) -> bool:
        self.left -= steps
        return self.left >= 0


@lru_cache(maxsize=65536)
def _bits(mask: int) -> tuple[int, ...]:
    """The positions of the set bits, lowest first (masks recur across a plan: cached)."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return tuple(out)


@lru_cache(maxsize=65536)
def _mirror(mask: int, h: int) -> int:
    """The heights h1 < h whose remainder h - h1 is in the mask (bit h - b set for each bit 0 < b ≤ h)."""
    out = 0
    for b in _bits(mask):
        if b > h:
            break
        if b:
            out |= 1 << (h - b)
    return out


class PageSearch:
    """Guillotine search for one page's items over its free rectangles."""

    def __init__(self, table: LeafTable, items: tuple[Item, ...], page: int, next_page: int | None, front: bool,
                 lead_span: int, budget: Budget, tombstone: float | None = None, allow_blank: bool = False,
                 last: bool = False, leave: tuple[float, ...] = ()):
        self.table, self.fits, self.items, self.page, self.next_page = table, table.fits, items, page, next_page
        self.front, self.lead_span, self.budget = front, lead_span, budget
        self.tombstone = tombstone  # the cost of a pair of headlines side by side; None: not allowed
        self.allow_blank = allow_blank  # empty cells beside modules: a last page, or one around fixed blocks
        self.fmt: PageFormat = table.fits.fmt
        self.cost = table.cost
        self.top = self.fmt.reserved_lines(page)
        self.lines = self.fmt.lines - self.top
        self._feasible: dict[tuple[int, int, int], int] = {}
        self._solved: dict[tuple, tuple[Layout, ...]] = {}
        self._splits: dict[tuple[int, int, int], list] = {}
        self._leaves: dict[tuple[int, int], dict[int, list[Leaf]]] = {}
        self.jumpers = _jumpers(self.fits, items)
        self.last = last
        # What leaving items i.. for later costs (`leave`: each item's cost, from the planner).
        self.left_cost = [0.0] * (len(items) + 1)
        for i in range(len(items) - 1, -1, -1):
            self.left_cost[i] = self.left_cost[i + 1] + leave[i]
        lead = items[0]
        self.lead_size = self.fits.shape(lead.article_id, lead_span, headline_cap(lead_span, 1),
                                         lead.part > 0).headline_size

    # --- leaves ---------------------------------------------------------------------

    def leaves(self, i: int, span: int) -> dict[int, list[Leaf]]:
        key = (i, span)
        if key not in self._leaves:
            item = self.items[i]
            allowed = (span == self.lead_span) if i == 0 else span <= self.lead_span
            if item.pin and item.pin.span is not None:
                allowed = allowed and span == item.pin.span
            out: dict[int, list[Leaf]] = {}
            if allowed:
                cap = headline_caps(self.items, self.fits, span, i, self.lead_size)
                ctx = Context(cap, i == 0, self.front and i == 0, self.next_page is not None and i in self.jumpers,
                              self.lines, self.last)
                blank = min(self.lines, self.cost["max_blank"]) if self.allow_blank else None
                if self.tombstone is None:  # a 简讯 block whose columns have headlines level: only where allowed
                    out = self.table.apart(item, span, ctx, blank)
                else:
                    out = self.table.leaves(item, span, ctx) if blank is None else self.table.padded(item, span, ctx,
                                                                                                  blank)
            self._leaves[key] = out
        return self._leaves[key]

    # --- search ---------------------------------------------------------------------

    def feasible(self, i: int, j: int, w: int) -> int:
        """Bitmask of the heights items i..j-1 can tile exactly at width w."""
        key = (i, j, w)
        if key not in self._feasible:
            limit = (1 << (self.lines + 1)) - 1
            if j == i + 1:
                mask = sum(1 << h for h in self.leaves(i, w) if h <= self.lines)
            else:
                mask = 0
                memo = self._feasible
                for k in range(i + 1, j):
                    top, bottom = self.feasible(i, k, w), self.feasible(k, j, w)
                    self.budget.spend(1)
                    for h1 in _bits(top):
                        mask |= bottom << h1
                    for w1 in range(1, w):
                        f1, f2 = (i, k, w1), (k, j, w - w1)
                        mask |= (memo[f1] if f1 in memo else self.feasible(*f1)) \
                            & (memo[f2] if f2 in memo else self.feasible(*f2))
            self._feasible[key] = mask & limit
        return self._feasible[key]

    def splits(self, i: int, j: int, w: int) -> list[tuple[int, int, int, tuple[tuple[int, int], ...]]]:
        """The cuts of items i..j-1 at width w, per first item k of the second part: the heights the
        parts close at one above the other (top, bottom), and per width w1 of the left part the heights
        both close at side by side (only those that close at some height). Made of feasible(i, j, w)'s
        memo (every mask read here it computed first), once per (i, j, w)."""
        key = (i, j, w)
        if key not in self._splits:
            memo = self._feasible
            self._splits[key] = [(k, memo[(i, k, w)], memo[(k, j, w)],
                                  tuple((w1, both) for w1 in range(1, w)
                                        if (both := memo[(i, k, w1)] & memo[(k, j, w - w1)])))
                                 for k in range(i + 1, j)]
        return self._splits[key]

    def solve(self, i: int, j: int, w: int, h: int) -> tuple[Layout, ...]:
        """The cheapest layouts of items i..j-1 tiling a w × h rectangle exactly, placed from its
        top-left (where the rectangle lies only shifts them: the memo is by size)."""
        key = (i, j, w, h)
        if key in self._solved:
            return self._solved[key]
        found: list[Layout] = []
        low, tombstone = self.cost["low_position"], self.tombstone or 0.0
        if not (self.feasible(i, j, w) >> h) & 1 or not self.budget.spend():
            pass
        elif j == i + 1:
            found = [self._place(i, leaf) for leaf in self.leaves(i, w).get(h, [])]
        else:
            # The `keep` cheapest options, as (cost, tie, first, second, dx, dy), in order: Layouts are made
            # only for those. `count` is the options considered (ties are broken by it, as the steps they
            # spend): an option is kept only if it is cheaper than the dearest kept, so once one is not, the
            # dearer ones after it (layouts are found cheapest first) are only counted.
            keep = self.cost["candidates"]
            kept: list[tuple] = []
            worst, count = math.inf, 0
            solved = self._solved
            forbid = self.tombstone is None
            for k, top, bottom, beside in self.splits(i, j, w):
                # Heights h1 < h the top items close at whose remainder h - h1 the others close at too.
                for h1 in _bits(top & _mirror(bottom, h)):
                    key2 = (k, j, w, h - h1)  # memo hits read inline: the recursion is the hot path
                    below = solved[key2] if key2 in solved else self.solve(k, j, w, h - h1)
                    if not below:
                        continue
                    key1 = (i, k, w, h1)
                    above = solved[key1] if key1 in solved else self.solve(i, k, w, h1)
                    # Every layout of the same items weighs the same: the cost of lowering them is one figure.
                    lowered = h1 * below[0].weight * low
                    for n, a in enumerate(above):
                        for m, b in enumerate(below):
                            cost = a.cost + b.cost + lowered
                            if cost >= worst:
                                if m == 0:  # nor can any later (dearer) first layout be kept
                                    count += (len(above) - n) * len(below)
                                    break
                                count += len(below) - m
                                break
                            insort(kept, (cost, count, a, b, 0, h1))
                            count += 1
                            if len(kept) > keep:
                                kept.pop()
                            if len(kept) == keep:
                                worst = kept[-1][0]
                        else:
                            continue
                        if m == 0:
                            break
                for w1, both in beside:
                    if (both >> h) & 1:
                        key2 = (k, j, w - w1, h)
                        right = solved[key2] if key2 in solved else self.solve(k, j, w - w1, h)
                        if not right:
                            continue
                        key1 = (i, k, w1, h)
                        for a in solved[key1] if key1 in solved else self.solve(i, k, w1, h):
                            edge = a.right_heads
                            for b in right:
                                stones = side_by_side(edge, b.left_heads) if edge and b.left_heads else 0
                                if stones and forbid:
                                    continue  # not an option: not counted
                                cost = a.cost + b.cost + stones * tombstone
                                if cost < worst:
                                    insort(kept, (cost, count, a, b, w1, 0))
                                    if len(kept) > keep:
                                        kept.pop()
                                    if len(kept) == keep:
                                        worst = kept[-1][0]
                                count += 1
            self.budget.spend(count)
            # (cost, tie) is unique: the layouts themselves are never compared.
            found = [_under(a, b, dy, low) if dy else _beside(a, b, dx, tombstone) for _, _, a, b, dx, dy in kept]
        # Cheapest first as they come: a leaf's layouts in the order of its leaves (layout.plan.leaves sorts
        # them by cost), a cut's in the order they were kept.
        result = tuple(found[: self.cost["candidates"]])
        self._solved[key] = result
        return result

    def _place(self, i: int, leaf: Leaf) -> Layout:
        importance = len(self.items) - i
        return Layout(leaf.cost, (i, leaf, 0, 0), hole=leaf.blank * leaf.span, stones=leaf.stones,
                      weight=importance, left_heads=leaf.left_heads, right_heads=leaf.right_heads)

    def fill(self, i: int, j: int, rect: Rect) -> Layout | None:
        """Items i..j-1 in the rectangle: exactly, else as full as they close (the rest left empty)."""
        x, y, w, h = rect
        # The whole width first; narrower (the rest of the rectangle left empty) only if that cannot close.
        for width in range(w, 0, -1):
            for height in sorted((b for b in _bits(self.feasible(i, j, width)) if b <= h), reverse=True):
                found = self.solve(i, j, width, height)
                if found:
                    empty = w * h - width * height
                    best = found[0]
                    return replace(best, x=x, y=y, cost=best.cost + y * best.weight * self.cost["low_position"]
                                   + empty * self.cost["hole_line"], hole=best.hole + empty)
        return None

    def best(self, regions: list[Rect], required: int) -> Layout | None:
        """The cheapest page: the items dealt in order to the rectangles (reading order), each taking
        the next few; the first `required` items (pinned to the page) must all be placed."""
        n = len(self.items)
        memo: dict[tuple[int, int], Layout | None] = {}
        highest = min(rect[1] for rect in regions)

        def deal(r: int, i: int) -> Layout | None:
            if (r, i) in memo:
                return memo[(r, i)]
            if r == len(regions):
                if i < required:
                    result = None
                else:
                    # Copy left over after the last page does not fit the issue: only if nothing else can.
                    result = Layout(self.left_cost[i], unplaced=n - i)
            else:
                x, y, w, h = regions[r]
                result = None
                empty = w * h
                # The page's main story opens a rectangle at the top of the free area (the first it fits).
                if i >= 1 or any(rect[1] == highest for rect in regions[r + 1:]):
                    rest = deal(r + 1, i)
                    if rest is not None:
                        result = _then(Layout(empty * self.cost["hole_line"], hole=empty), rest)
                # Most items first; past the first count that closes, only `fewer` smaller counts.
                tries = 0
                for j in range(n, i, -1):
                    if (i == 0 and regions[r][1] > highest) or tries > self.cost["fewer"]:
                        break
                    here = self.fill(i, j, regions[r])
                    if here is None:
                        continue
                    rest = deal(r + 1, j)
                    if rest is None:
                        continue
                    tries += 1
                    total = _then(here, rest)
                    if result is None or total.cost < result.cost:
                        result = total
            memo[(r, i)] = result
            return result

        return deal(0, 0)


def _jumpers(fits: Fits, items: tuple[Item, ...]) -> frozenset[int]:
    """Items that may end with 下转: the page's longest (editors jump long stories) and its last one."""
    c = house()["planner"]
    long = [i for i, it in enumerate(items) if it.part == 0 and not it.members
            and len(fits.body(it.article_id)) >= c["jump_min_lines"]]
    long.sort(key=lambda i: -len(fits.body(items[i].article_id)))
    last = [len(items) - 1] if items and items[-1].part == 0 and not items[-1].members else []
    return frozenset(long[:c["jump_candidates"]] + last)
