"""The page planner: articles → rectangles on pages, jumps where a page is full.

Newspaper pages are guillotine layouts: the type area can be cut edge to edge into its
modules (docs/layout.md). For the handful of articles on one page the planner
searches every guillotine tree whose leaves, read top-left first, are the articles in
priority order, so importance falls from top to bottom and left to right by construction.

Exact fill (no holes) comes from each article's flexible heights (headline size and slack,
photo crop, a line of air at its foot) and from the page's last article, which may be cut
with a jump (下转) to a later page. A bitmask of reachable heights per (articles, width) keeps
the search to splits that can close exactly; costs (styles/house.toml [planner]) rank the
layouts that do. Headlines never start side by side on one line (tombstones) unless nothing
else closes the page. When a page still leaves a hole, articles of equal priority are tried
in other orders, then short later articles as fillers (补白), as an editor would.

Pure: shapes come from Fits, and a Plan comes out.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from layout.errors import BuildError, CopyOverflow
from layout.house import house
from layout.model import Issue, Module, PagePlan, Pin, Plan
from layout.plan.fit import Fits, headline_cap
from layout.plan.grid import PageFormat


@dataclass(frozen=True)
class Item:
    """Something to place on a page: an article, or the continuation of a jumped one."""

    article_id: str
    part: int = 0
    slot_from: int = 0
    jump_from: int | None = None
    cuttable: bool = False  # may end on this page with 下转 (or, on the last page, be cut if allowed)
    pin: Pin | None = None


@dataclass(frozen=True)
class Leaf:
    """One way an item fills a rectangle of its span and this height."""

    height: int
    head_lines: int
    figure_lines: int
    slots_to: int
    cut: bool
    photo_first: bool
    headline_size: float
    cost: float
    blank: int = 0  # empty lines under the module, inside its cell (only where holes are allowed)


@dataclass(frozen=True)
class Layout:
    cost: float
    modules: tuple[Module, ...]
    hole: int = 0  # empty cells (lines × columns) left on the page


@lru_cache(maxsize=65536)
def _bits(mask: int) -> tuple[int, ...]:
    """The positions of the set bits, lowest first (masks recur across a plan: cached)."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return tuple(out)


class LeafTable:
    """Every way an item can be set at a span, shared by all the searches of one plan."""

    def __init__(self, fits: Fits):
        self.fits = fits
        self.cost = house()["planner"]
        self.rule = house()["module"]["rule_lines"]
        self._natural: dict[tuple, dict[int, list[Leaf]]] = {}
        self._padded: dict[tuple, dict[int, list[Leaf]]] = {}

    def leaves(self, item: Item, span: int, cap: float, lead: bool, can_jump: bool) -> dict[int, list[Leaf]]:
        key = (item, span, cap, lead, can_jump)
        if key not in self._natural:
            out: dict[int, list[Leaf]] = {}
            for leaf in self._variants(item, span, cap, lead, can_jump):
                best = out.setdefault(leaf.height, [])
                same = [b for b in best if b.photo_first == leaf.photo_first]
                if not same:
                    best.append(leaf)
                elif leaf.cost < same[0].cost:
                    best[best.index(same[0])] = leaf
            for leaves in out.values():
                leaves.sort(key=lambda leaf: leaf.cost)
            self._natural[key] = out
        return self._natural[key]

    def padded(self, key: tuple, span: int, lines: int) -> dict[int, list[Leaf]]:
        """The leaves of `key` (as for leaves()), each also with empty lines under it (where holes are allowed)."""
        natural = self.leaves(*key)
        key = (key, lines)
        if key not in self._padded:
            out = {h: list(leaves) for h, leaves in natural.items()}
            for height, leaves in natural.items():
                for leaf in leaves:  # the cheapest head-first and photo-first ways
                    for blank in range(1, lines - height + 1):
                        out.setdefault(height + blank, []).append(replace(
                            leaf, height=height + blank, blank=blank,
                            cost=leaf.cost + blank * span * self.cost["hole_line"]))
            # Keep, per height, the cheapest way of each kind, as leaves() does.
            for height, leaves in out.items():
                leaves.sort(key=lambda leaf: leaf.cost)
                out[height] = [leaf for n, leaf in enumerate(leaves)
                               if all(other.photo_first != leaf.photo_first for other in leaves[:n])]
            self._padded[key] = out
        return self._padded[key]

    def _variants(self, item: Item, span: int, cap: float, lead: bool, can_jump: bool):
        """Every (headline size, headline slack, photo crop, foot air, cut) way to set the item."""
        c = self.cost
        # Smaller headlines are a fair way to close a page; the 头条 keeps its size (it must stay largest).
        caps = [cap] if lead else sorted({max(house()["headline"]["min_size"], round(cap * f))
                                          for f in c["headline_scales"]}, reverse=True)
        for n, size_cap in enumerate(caps):
            shape = self.fits.shape(item.article_id, span, size_cap, item.part > 0)
            yield from self._shape_variants(item, shape, n * c["smaller_headline"], lead, can_jump)

    def _shape_variants(self, item: Item, shape, base: float, lead: bool, can_jump: bool):
        c, span, columns = self.cost, shape.span, self.fits.fmt.columns
        total = len(shape.body)
        extra = 1 if item.jump_from is not None else 0  # （上接第M版）
        caption = len(shape.caption)
        f0 = shape.figure_lines
        crop = house()["module"]["figure_crop"]
        figure_range = range(math.ceil(f0 * (1 - crop)), math.floor(f0 / (1 - crop)) + 1) if f0 else range(0, 1)
        if shape.figure and span == 1:
            base += c["narrow_photo"]
        full_lines = math.ceil((total - item.slot_from + extra) / span)
        if span > 1 and full_lines < c["min_column_lines"]:
            base += c["short_column"]
        if span < columns and lead and item.part == 0:
            base += c["lead_narrow"] * (columns - span)
        photo_options = (False, True) if shape.figure else (False,)
        for photo_first in photo_options:
            pf = c["photo_first"] if photo_first else 0
            for e in range(c["max_head_extra"] + 1):
                for f in figure_range:
                    for air in range(c["max_foot_air"] + 1):
                        height = shape.head_lines + e + f + caption + full_lines + self.rule + air
                        yield Leaf(height, shape.head_lines + e, f, total, False, photo_first, shape.headline_size,
                                   base + pf + e * c["head_line"] + abs(f - f0) * c["figure_line"] + air * c["foot_air"])
            if item.cuttable:
                jump = 1 if can_jump else 0  # （下转第N版）
                for lines in range(c["min_part_lines"], full_lines):
                    slots_to = item.slot_from + lines * span - extra - jump
                    if item.slot_from < slots_to < total:
                        height = shape.head_lines + f0 + caption + lines + self.rule
                        yield Leaf(height, shape.head_lines, f0, slots_to, True, photo_first, shape.headline_size,
                                   base + pf + c["cut"])


class PageSolver:
    """Guillotine search for one page's items in one free area (columns × lines)."""

    def __init__(self, table: LeafTable, items: tuple[Item, ...], page: int, next_page: int | None,
                 lead_span: int, allow_tombstones: bool = False, allow_blank: bool = False):
        self.table, self.fits, self.items, self.page, self.next_page = table, table.fits, items, page, next_page
        self.allow_tombstones = allow_tombstones
        # Empty cells beside modules: for a page that runs out of copy, or one whose pins force them.
        self.allow_blank = allow_blank
        self.fmt: PageFormat = table.fits.fmt
        self.cost = house()["planner"]
        self.top = self.fmt.reserved_lines(page)
        self.lines = self.fmt.lines - self.top
        self.lead_span = lead_span
        self._feasible: dict[tuple[int, int, int], int] = {}
        self._solved: dict[tuple, tuple[Layout, ...]] = {}
        self._leaves: dict[tuple[int, int], dict[int, list[Leaf]]] = {}

    @cached_property
    def lead_size(self) -> float:
        lead = self.items[0]
        return self.fits.shape(lead.article_id, self.lead_span, self.cap(0, self.lead_span), lead.part > 0).headline_size

    def cap(self, i: int, span: int) -> float:
        """Headline size cap: by span and rank, and below the 头条's on the page."""
        cap = headline_cap(span, 1) if i == 0 else min(headline_cap(span, i + 1), self.lead_size - 2)
        if self.items[i].part > 0:
            cap = max(house()["headline"]["min_size"], round(cap * self.cost["continuation_scale"]))
        return cap

    # --- leaves ---------------------------------------------------------------------

    def leaves(self, i: int, span: int) -> dict[int, list[Leaf]]:
        """Heights item i can take at span, each with its cheapest ways (head-first, photo-first)."""
        key = (i, span)
        if key not in self._leaves:
            item = self.items[i]
            allowed = (span == self.lead_span) if i == 0 else span <= self.lead_span
            if item.pin and item.pin.span is not None:
                allowed = allowed and span == item.pin.span
            out: dict[int, list[Leaf]] = {}
            if allowed:
                table_key = (item, span, self.cap(i, span), i == 0, self.next_page is not None)
                out = (self.table.padded(table_key, span, self.lines) if self.allow_blank
                       else self.table.leaves(*table_key))
            self._leaves[key] = out
        return self._leaves[key]

    # --- search ---------------------------------------------------------------------

    def feasible(self, i: int, j: int, w: int) -> int:
        """Bitmask of the heights articles i..j-1 can tile exactly at width w."""
        key = (i, j, w)
        if key not in self._feasible:
            limit = (1 << (self.lines + 1)) - 1
            if j == i + 1:
                mask = sum(1 << h for h in self.leaves(i, w) if h <= self.lines)
            else:
                mask = 0
                for k in range(i + 1, j):
                    top, bottom = self.feasible(i, k, w), self.feasible(k, j, w)
                    for h1 in _bits(top):
                        mask |= bottom << h1
                    for w1 in range(1, w):
                        mask |= self.feasible(i, k, w1) & self.feasible(k, j, w - w1)
            self._feasible[key] = mask & limit
        return self._feasible[key]

    def solve(self, i: int, j: int, x: int, y: int, w: int, h: int) -> tuple[Layout, ...]:
        """The cheapest layouts of items i..j-1 tiling the rectangle (x, y, w, h) exactly."""
        key = (i, j, x, y, w, h)
        if key in self._solved:
            return self._solved[key]
        found: list[Layout] = []
        if not (self.feasible(i, j, w) >> h) & 1:
            pass
        elif j == i + 1:
            found = [self._place(i, leaf, x, y, w) for leaf in self.leaves(i, w).get(h, [])
                     if self._pin_ok(i, x, y, w)]
        else:
            for k in range(i + 1, j):
                rest = self.feasible(k, j, w)
                for h1 in _bits(self.feasible(i, k, w)):
                    if h1 < h and (rest >> (h - h1)) & 1:
                        below = self.solve(k, j, x, y + h1, w, h - h1)
                        for a in self.solve(i, k, x, y, w, h1) if below else ():
                            for b in below:
                                found.append(Layout(a.cost + b.cost, a.modules + b.modules, a.hole + b.hole))
                for w1 in range(1, w):
                    if (self.feasible(i, k, w1) >> h) & 1 and (self.feasible(k, j, w - w1) >> h) & 1:
                        right = self.solve(k, j, x + w1, y, w - w1, h)
                        for a in self.solve(i, k, x, y, w1, h) if right else ():
                            for b in right:
                                stones = self._tombstones(a.modules, b.modules, x + w1)
                                if stones and not self.allow_tombstones:
                                    continue
                                found.append(Layout(a.cost + b.cost + stones * self.cost["tombstone"],
                                                    a.modules + b.modules, a.hole + b.hole))
        found.sort(key=lambda layout: layout.cost)
        result = tuple(found[: self.cost["candidates"]])
        self._solved[key] = result
        return result

    def _pin_ok(self, i: int, x: int, y: int, w: int) -> bool:
        pin = self.items[i].pin
        return pin is None or ((pin.column is None or pin.column == x) and (pin.line is None or pin.line == y)
                               and (pin.span is None or pin.span == w))

    def _place(self, i: int, leaf: Leaf, x: int, y: int, w: int) -> Layout:
        item = self.items[i]
        module = Module(
            article_id=item.article_id, page=self.page, column=x, line=self.top + y, span=w,
            height=leaf.height - leaf.blank,
            part=item.part, slots=(item.slot_from, leaf.slots_to), headline_size=leaf.headline_size,
            head_lines=leaf.head_lines, figure_lines=leaf.figure_lines, photo_first=leaf.photo_first,
            jump_to=self.next_page if leaf.cut else None, jump_from=item.jump_from)
        importance = len(self.items) - i
        return Layout(leaf.cost + importance * y * self.cost["low_position"], (module,), leaf.blank * w)

    @staticmethod
    def _tombstones(left: tuple[Module, ...], right: tuple[Module, ...], edge: int) -> int:
        """Headline-first modules meeting across the cut at the same starting line."""
        starts = {m.line for m in left if m.column + m.span == edge and not m.photo_first}
        return sum(1 for m in right if m.column == edge and not m.photo_first and m.line in starts)

    def best(self) -> Layout | None:
        """The cheapest full page, else the fullest page that can close (the rest left empty at its foot)."""
        n, columns = len(self.items), self.fmt.columns
        for h in sorted(_bits(self.feasible(0, n, columns)), reverse=True):
            found = self.solve(0, n, 0, 0, columns, h)
            if found:
                foot = (self.lines - h) * columns
                return replace(found[0], cost=found[0].cost + foot * self.cost["hole_line"], hole=found[0].hole + foot)
        return None


# --- the issue ----------------------------------------------------------------------

_OFFER = 1.1  # a page is offered articles for about this share of its area


def _estimate(fits: Fits, item: Item) -> int:
    """Rough area (line × column cells) an item needs, to choose how many go on a page."""
    span = min(3, fits.fmt.columns)
    shape = fits.shape(item.article_id, span, headline_cap(span, 2), item.part > 0)
    return (shape.top_lines + house()["module"]["rule_lines"]) * span + len(shape.body) - item.slot_from


def _solve_page(table: LeafTable, items: tuple[Item, ...], page: int, next_page: int | None,
                allow_tombstones: bool) -> Layout | None:
    """The cheapest layout over the 头条's possible spans, widest first."""
    columns = table.fits.fmt.columns
    narrow = house()["planner"]["lead_narrow"]
    best: Layout | None = None
    allow_blank = next_page is None or any(item.pin and item.pin.column is not None for item in items)
    for lead_span in range(columns, (columns + 1) // 2 - 1, -1):
        # A narrower 头条 costs at least lead_narrow a column: past that bound nothing can win.
        if best and best.cost <= narrow * (columns - lead_span):
            break
        solver = PageSolver(table, items, page, next_page, lead_span, allow_tombstones, allow_blank)
        layout = solver.best()
        if layout and (best is None or layout.cost < best.cost):
            best = layout
    return best


def plan_issue(issue: Issue, fits: Fits, pins: dict[str, Pin] | None = None) -> Plan:
    """Every article on the issue's pages, page by page: pinned articles on their pages, the rest in
    priority order, continuations of jumped articles on the next page. Copy left over after the last
    page is an error (CopyOverflow) naming the articles; nothing is dropped."""
    pins = pins or {}
    fmt = fits.fmt
    table = LeafTable(fits)
    by_priority = [a.id for a in sorted(issue.articles, key=lambda a: (a.priority, a.id))]

    def page_of(aid: str) -> int | None:
        pin = pins.get(aid)
        return pin.page if pin and pin.page is not None else issue.article(aid).page

    pool = [Item(aid, pin=pins.get(aid)) for aid in by_priority if page_of(aid) is None]
    carry: list[Item] = []
    pages: list[PagePlan] = []
    numbers = [p.number for p in issue.pages]
    for index, number in enumerate(numbers):
        next_page = numbers[index + 1] if index + 1 < len(numbers) else None
        pinned = [Item(aid, pin=pins.get(aid)) for aid in by_priority if page_of(aid) == number]
        # The page's own lead first, continuations after it, then the rest in priority order.
        own = pinned + pool
        queue = own[:1] + carry + own[1:]
        capacity = fmt.columns * (fmt.lines - fmt.reserved_lines(number))
        # Offer the page a little more than it can hold, so it can choose what closes best.
        chosen, used = [], 0
        for item in queue:
            if used >= capacity * _OFFER:
                break
            chosen.append(item)
            used += _estimate(fits, item)
        if not chosen:  # the issue ran out of copy: the page stays empty (the build reports it)
            pages.append(PagePlan(number, ()))
            continue
        rest = [item for item in pool if item not in chosen]
        fillers = sorted(rest, key=lambda item: _estimate(fits, item))[:house()["planner"]["fillers"]]
        layout = _choose(table, chosen, fillers, number, next_page, issue)
        placed = {(m.article_id, m.part) for m in layout.modules}
        modules = tuple(sorted(layout.modules, key=lambda m: (m.line, m.column)))
        pages.append(PagePlan(number, modules))
        carry = ([it for it in carry if (it.article_id, it.part) not in placed]
                 + [Item(m.article_id, m.part + 1, m.slots[1], number) for m in modules if m.jump_to is not None])
        unplaced_pinned = [it for it in pinned if (it.article_id, 0) not in placed]
        if unplaced_pinned:
            raise BuildError(f"第{number}版 cannot hold the articles pinned to it: "
                             + "、".join(issue.article(it.article_id).headline for it in unplaced_pinned))
        pool = [it for it in pool if (it.article_id, 0) not in placed]
    leftover = [it.article_id for it in carry] + [it.article_id for it in pool]
    if leftover:
        names = "、".join(f"《{issue.article(aid).headline}》" for aid in leftover)
        raise CopyOverflow(f"text does not fit on the issue's {len(numbers)} 版: {names} left over; "
                         "add a page in issue.toml, shorten the text or set allow_cut")
    return Plan(tuple(pages))


def _length(article) -> int:
    return sum(len(b.text) for b in article.blocks)


_TIE_BREAKS = (lambda a: -len(a.figures), lambda a: -_length(a), _length)  # photos, long, short first


def _orders(items: list[Item], issue: Issue, shuffles: int) -> list[list[Item]]:
    """The priority order, then re-orderings among articles of equal priority: photo stories first,
    long ones first, short ones first, then a few seeded random orders. Other trees for the search when the
    first leaves a hole. The page's lead and any continuation keep their places."""
    fixed = {i for i, item in enumerate(items) if i == 0 or item.part > 0}
    movable = [item for i, item in enumerate(items) if i not in fixed]
    rng = random.Random(len(items))  # fixed seed: the same issue gives the same plan
    # The fixed tie-breaks, then random orders of the movable items (the stable sort keeps them among equals).
    ties = list(_TIE_BREAKS) + [lambda a: 0] * shuffles
    orders = [items]
    for n, tie in enumerate(ties):
        shuffled = movable if n < len(_TIE_BREAKS) else rng.sample(movable, len(movable))

        def key(item: Item, tie=tie):
            article = issue.article(item.article_id)
            return article.priority, tie(article)
        resorted = iter(sorted(shuffled, key=key))
        order = [item if i in fixed else next(resorted) for i, item in enumerate(items)]
        if order not in orders:
            orders.append(order)
    return orders


def _choose(table: LeafTable, chosen: list[Item], fillers: list[Item], number: int, next_page: int | None,
            issue: Issue) -> Layout:
    """The best page from the chosen items. Only if it leaves a hole: re-ordered among equals, then
    with a short item from later in the issue as a filler (补白), as an editor would."""
    best: Layout | None = None
    shuffles = house()["planner"]["shuffles"]
    attempts = _orders(chosen, issue, shuffles) + [chosen + [filler] for filler in fillers]
    for items in attempts:
        layout = _choose_count(table, items, number, next_page, issue)
        if layout and (best is None or layout.cost < best.cost):
            best = layout
        if best and best.hole == 0:
            break
    if best is None:
        raise BuildError(f"第{number}版: 《{issue.article(chosen[0].article_id).headline}》 does not fit on a page")
    return best


def _choose_count(table: LeafTable, chosen: list[Item], number: int, next_page: int | None,
                  issue: Issue) -> Layout | None:
    """The best page from the chosen items or one fewer (the last may jump); fewer still if neither
    closes. Headlines side by side (tombstones) only when no count of items avoids them."""
    for allow_tombstones in (False, True):
        options: list[Layout] = []
        count = len(chosen)
        while count >= 1 and (not options or count >= len(chosen) - 1):
            items = list(chosen[:count])
            tail = items[-1]
            if next_page is not None or issue.article(tail.article_id).allow_cut:
                items[-1] = replace(tail, cuttable=True)
            layout = _solve_page(table, tuple(items), number, next_page, allow_tombstones)
            if layout:
                deferred = (len(chosen) - count) * house()["planner"]["deferred"]
                options.append(replace(layout, cost=layout.cost + deferred))
            count -= 1
        if options:
            return min(options, key=lambda layout: layout.cost)
    return None
