"""The page planner: articles → rectangles on pages, jumps where a page is full.

Page by page, as a layout editor works: the page's ads first, then the articles pinned to a
position (they hold, or the build fails saying why in numbers), then the page's own copy (pinned
to the page, or of its section) and the rest of the issue in priority order, short items stacked
under a 简讯 label. layout.plan.page_search finds the best page from what is offered; any article
may end with 下转 and continue on the next page (once), chosen by cost. Headline sizes then follow
rank on the page (a less important story never gets a larger headline). What is left after the
last page is an error naming the articles and the amount (characters, lines) that did not fit.

Pure: shapes come from Fits, and a Plan comes out, within a fixed budget of search steps a page.
"""
from __future__ import annotations

import gc
import hashlib
import math
import random
from dataclasses import dataclass, replace
from typing import MutableMapping

from layout.errors import BuildError, CopyOverflow
from layout.house import house
from layout.messages import t
from layout.model import Ad, Issue, Module, PagePlan, PlacedAd, Pin, Plan, PlanNote
from layout.plan.fit import Fits, headline_cap, shape_breaks
from layout.plan.grid import PageFormat
from layout.plan.headline_rank import rank_headlines
from layout.plan.leaves import Context, Item, Leaf, LeafTable, is_brief, is_poem, poem_span
from layout.plan.page_search import Budget, Layout, PageSearch, Rect
from layout.plan.regions import free_rectangles

_OFFER = 1.1  # a page is offered articles for about this share of its free area
# A page holds copy set alone in its cheapest shapes for about this share of its free area (the rest:
# headline slack, wider photos and spans). Hand-tuned on the held-out 黄浦报: near it a section's first
# page flips between crammed and its next page overflowing.
_LATER = 0.65
_MISSING = object()  # a page not in the memo (None is a search that closed nothing)
_FILLERS = "fillers"  # in the memo: the page's search tried its fillers (its entry is under the key with them)


@dataclass(frozen=True)
class Settled:
    """A page's flowing copy as the search set it: what the page reads of the search's best layout."""

    cost: float
    modules: tuple[Module, ...]  # placed on the page (page number, column, line, 下转)
    stones: int  # pairs of headlines side by side


# A page's settled copy by page_key: shared by the passes of one plan_issue, and kept between builds
# (layout.plan.plan_memo) so that an edit searches again only the pages whose inputs changed.
PageMemo = MutableMapping[str, Settled | str | None]


def page_fill(page: PagePlan, fmt: PageFormat) -> float:
    """Covered share of the page's free area (modules and ads)."""
    area = fmt.columns * (fmt.lines - fmt.reserved_lines(page.number))
    covered = sum(m.span * m.height for m in page.modules) + sum(a.ad.columns * a.ad.lines for a in page.ads)
    return covered / area


def _estimate(fits: Fits, item: Item, bylined: bool) -> int:
    """Rough area (line × column cells) an item needs, to choose how many go on a page; a brief (with
    `bylined`, a short bylined story too: is_brief) at one column, as in a 简讯 block."""
    rule = house()["module"]["rule_lines"]
    total = 0
    for n, aid in enumerate(item.ids):
        article = fits.articles[aid]
        span = 1 if is_brief(article, bylined) else min(3, fits.fmt.columns)
        shape = fits.shape(aid, span, headline_cap(span, 2), item.part > 0)
        photos = 0
        if item.part == 0:
            photos = sum(math.ceil(f.size[1] / f.size[0] * fits.fmt.span_width(2) / fits.fmt.line_pitch) * 2
                         for f in article.figures)
        total += (shape.head_lines + rule) * span + photos + len(fits.body(aid)) - (item.slot_from if not n else 0)
    return total


def _ad_rect(ad: Ad, fmt: PageFormat, free_lines: int) -> Rect:
    column = fmt.columns - ad.columns if ad.column is None else ad.column
    line = free_lines - ad.lines if ad.line is None else ad.line
    return column, line, ad.columns, ad.lines


class _Planner:
    def __init__(self, issue: Issue, fits: Fits, pins: dict[str, Pin], cost: dict, forced_tombstones: bool = False,
                 table: LeafTable | None = None, bylined_briefs: bool = False, memo: PageMemo | None = None,
                 digests: dict[str, str] | None = None):
        self.issue, self.fits, self.pins, self.fmt = issue, fits, pins, fits.fmt
        self.cost = cost
        self.memo = {} if memo is None else memo
        self.digests = {} if digests is None else digests  # article id → digest of it (page_key)
        self.table = table or LeafTable(fits, cost)  # shared by the plans of the same costs (plan_issue)
        # Headlines side by side are weighed against copy left for later pages: dearer at first, and
        # cheaper than leaving copy over only when the issue cannot be planned otherwise (plan_issue).
        self.forced = forced_tombstones
        self.tombstone = self.cost["tombstone_forced" if forced_tombstones else "tombstone"]
        # Short bylined stories may stand in a 简讯 block when the issue cannot be planned otherwise (plan_issue).
        self.bylined_briefs = bylined_briefs
        self.numbers = [p.number for p in issue.pages]
        self.warnings: list[PlanNote] = []
        self._estimates: dict[Item, int] = {}

    def estimate(self, item: Item) -> int:
        """_estimate, once per item (every page sorts the rest of the issue by it)."""
        if item not in self._estimates:
            self._estimates[item] = _estimate(self.fits, item, self.bylined_briefs)
        return self._estimates[item]

    def title(self, aid: str) -> str:
        return f"《{self.issue.article(aid).headline}》"

    def page_of(self, aid: str) -> int | None:
        pin = self.pins.get(aid)
        return pin.page if pin and pin.page is not None else self.issue.article(aid).page

    def section_pages(self, aid: str) -> tuple[int, ...]:
        """The pages of the article's section (front matter `section:`), in order: an unpinned article
        goes to the first of them that holds it whole, else the next."""
        section = self.issue.article(aid).section
        return tuple(p.number for p in self.issue.pages if section and p.section == section)

    # --- the issue ----------------------------------------------------------------

    def plan(self) -> tuple[Plan | None, list[Item]]:
        """The plan, or None and the items left over after the last page."""
        issue = self.issue
        order = [a.id for a in sorted(issue.articles, key=lambda a: (a.priority, a.id))]
        pool = [Item(aid, pin=self.pins.get(aid)) for aid in order if self.page_of(aid) is None]
        carry: list[Item] = []
        pages: list[PagePlan] = []
        for index, number in enumerate(self.numbers):
            next_page = self.numbers[index + 1] if index + 1 < len(self.numbers) else None
            pinned = [Item(aid, pin=self.pins.get(aid)) for aid in order if self.page_of(aid) == number]
            page, placed = self.page(number, next_page, pinned, carry, pool)
            pages.append(page)
            carry = ([it for it in carry if (it.article_id, it.part) not in placed]
                     + [Item(m.article_id, m.part + 1, m.slots[1], number) for m in page.modules
                        if m.jump_to is not None])
            pool = [it for it in pool if (it.article_id, 0) not in placed]
        leftover = carry + pool
        if leftover:
            return None, leftover
        self.warn_fill(pages)
        self.warn_sections(pages)
        return Plan(tuple(pages), tuple(self.warnings)), []

    def page(self, number: int, next_page: int | None, pinned: list[Item], carry: list[Item],
             pool: list[Item]) -> tuple[PagePlan, set[tuple[str, int]]]:
        """The page; nothing jumps to a next page full with its own copy, unless the page cannot hold
        what is pinned to it otherwise (a jump placed wins over a refusal)."""
        if next_page is None or self.next_room(next_page) >= self.cost["jump_room"]:
            return self.set_page(number, next_page, next_page, pinned, carry, pool)
        try:
            return self.set_page(number, next_page, None, pinned, carry, pool)
        except BuildError:
            return self.set_page(number, next_page, next_page, pinned, carry, pool)

    def set_page(self, number: int, next_page: int | None, next_page_for_jumps: int | None, pinned: list[Item],
                 carry: list[Item], pool: list[Item]) -> tuple[PagePlan, set[tuple[str, int]]]:
        fmt = self.fmt
        free_lines = fmt.lines - fmt.reserved_lines(number)
        ads = tuple(PlacedAd(ad, *_ad_rect(ad, fmt, free_lines)[:2]) for ad in self.issue.ads if ad.page == number)
        ad_blocks: list[Rect] = [(a.column, a.line, a.ad.columns, a.ad.lines) for a in ads]
        placed_pins = [it for it in pinned if it.pin and (it.pin.column is not None or it.pin.line is not None)]
        # Where the other pins start: a pinned article never runs into one below it.
        starts = [(it.pin.column or 0, it.pin.line or 0, it.pin.span or 1, 1) for it in placed_pins]
        # The first position pin is tried at a few heights (the rest of the page is planned around each).
        best: tuple[float, list[Module], Settled | None] | None = None
        variants = [None]
        if placed_pins:
            others = starts[1:]
            # Room the first pin may take: the page less its ads and the estimate of its other pinned copy.
            others_need = sum(self.estimate(it) for it in pinned if it is not placed_pins[0])
            room = fmt.columns * free_lines - sum(b[2] * b[3] for b in ad_blocks) - others_need
            variants = self.pinned_candidates(placed_pins[0], number, next_page_for_jumps, ad_blocks + others,
                                              free_lines, room)
        failure: BuildError | None = None
        for first in variants:
            fixed, blocks = [], list(ad_blocks)
            for n, item in enumerate(placed_pins):
                if n == 0:
                    cost, module = first
                else:
                    others = [s for s, it in zip(starts, placed_pins) if it is not item]
                    cost, module = self.pinned_candidates(item, number, next_page_for_jumps, blocks + others,
                                                          free_lines)[0]
                fixed.append(module)
                blocks.append((module.column, module.line - fmt.reserved_lines(number), module.span, module.height))
            try:
                layout = self.rest_of_page(number, next_page_for_jumps, pinned, fixed, blocks, carry, pool,
                                           free_lines)
            except BuildError as e:
                failure = failure or e
                continue
            total = (first[0] if first else 0.0) + (layout.cost if layout else 0.0)
            if best is None or total < best[0]:
                best = (total, fixed, layout)
        if best is None:
            raise failure
        _, fixed, layout = best
        modules = list(fixed) + list(layout.modules if layout else ())
        modules = rank_headlines(modules, self.issue, self.fits, number == self.numbers[0])
        modules.sort(key=lambda m: (m.line, m.column))
        if layout and layout.stones:
            self.warnings.append(PlanNote("tombstone", number, t("第{page}版: {count} pair(s) of headlines stand side by side; "
                                   "nothing else closed the page", page=number, count=layout.stones)))
        placed = {(m.article_id, m.part) for m in modules}
        return PagePlan(number, tuple(modules), ads), placed

    def next_room(self, number: int) -> int:
        """Cells of a page left once its ads and the articles pinned to it are set (a rough estimate)."""
        fmt = self.fmt
        area = fmt.columns * (fmt.lines - fmt.reserved_lines(number))
        area -= sum(ad.columns * ad.lines for ad in self.issue.ads if ad.page == number)
        return area - sum(self.estimate(Item(a.id)) for a in self.issue.articles if self.page_of(a.id) == number)

    def own_pages(self, aid: str) -> tuple[int, ...]:
        """The page an article is pinned to, else the pages of its section."""
        page = self.page_of(aid)
        return (page,) if page is not None else self.section_pages(aid)

    def rest_of_page(self, number: int, next_page: int | None, pinned: list[Item], fixed: list[Module],
                     blocks: list[Rect], carry: list[Item], pool: list[Item], free_lines: int) -> Settled | None:
        """The page's flowing copy around its fixed blocks: its own (pinned to it, of its section), jumped
        continuations, then the rest of the issue in priority order."""
        fmt = self.fmt
        fixed_ids = {m.article_id for m in fixed}
        required = [it for it in pinned if it.article_id not in fixed_ids]
        own = required + self.section_copy(number, pool)
        rest = [it for it in pool if max(self.section_pages(it.article_id), default=0) < number]  # sections before
        queue = own[:1] + carry + own[1:] + rest if own else carry + rest
        capacity = fmt.columns * free_lines - sum(b[2] * b[3] for b in blocks)
        offer = capacity * _OFFER if next_page is not None else math.inf  # the last page is offered all that is left
        chosen, used, briefs = [], 0, 0
        for item in queue:
            # Briefs will stand in one 简讯 stack: together they count as one item of the search.
            items = len(chosen) - max(0, briefs - 1)
            if item not in required and (used >= offer or items >= self.cost["max_items"]):
                break
            chosen.append(item)
            briefs += self.stackable(item)
            used += self.estimate(item)
        chosen = self.stack_briefs(chosen, required, [it for it in queue if it not in chosen], free_lines)
        # The search sets a prefix of its items: copy that may wait for its section's next page comes
        # last, so the page never has to set it (in narrow modules, jumped) to reach its own 简讯 block.
        chosen = [it for it in chosen if not it.stays] + [it for it in chosen if it.stays]
        if not chosen:
            return None
        # 补白: a short item of any later page may close a hole, as an editor fills one.
        others = [it for it in pool if it not in chosen and not any(it.article_id in c.ids for c in chosen)]
        fillers = sorted(others, key=lambda it: self.estimate(it))[:self.cost["fillers"]]
        # A page that closes before its fillers are tried does not depend on them: its entry is under the
        # key without them; one that tried them is under the key with them (_FILLERS says which).
        key = bare = self.page_key(chosen, [], number, next_page, blocks, required)
        settled = self.memo.get(key, _MISSING)
        if settled == _FILLERS:
            key = self.page_key(chosen, fillers, number, next_page, blocks, required)
            settled = self.memo.get(key, _MISSING)
        if settled is _MISSING:
            layout, tried = self.choose(chosen, fillers, number, next_page, blocks, required, strict=True)
            if layout is None:  # continuations that cannot all be set here: the copy does not fit, said as such
                layout, more = self.choose(chosen, fillers, number, next_page, blocks, required, strict=False)
                tried = tried or more
            settled = None if layout is None else Settled(
                layout.cost, layout.modules(number, fmt.reserved_lines(number), next_page), layout.stones)
            if tried:
                self.memo[bare] = _FILLERS
                key = self.page_key(chosen, fillers, number, next_page, blocks, required)
            self.memo[key] = settled
        if settled is None and required:
            raise BuildError(self.pin_does_not_fit(number, required, capacity))
        return settled

    def page_key(self, chosen: list[Item], fillers: list[Item], number: int, next_page: int | None,
                 blocks: list[Rect], required: list[Item]) -> str:
        """A digest of everything the search of a page's flowing copy (choose) reads: the items and
        fillers with every article in them, which must be placed, what leaving each costs, the blocks,
        the page's place in the issue and the plan's costs. Pages with the same key set the same."""
        items = chosen + fillers
        for aid in {aid for it in items for aid in it.ids} - self.digests.keys():
            self.digests[aid] = hashlib.sha256(repr(self.issue.article(aid)).encode()).hexdigest()
        parts = (sorted(self.cost.items()), self.tombstone, self.forced, repr(self.fmt), number, next_page,
                 number == self.numbers[0], number == self.numbers[-1], blocks, chosen, fillers,
                 [it in required for it in items], [self.leave_cost(it, number) for it in items],
                 [self.digests[aid] for it in items for aid in it.ids])
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def section_copy(self, number: int, pool: list[Item]) -> list[Item]:
        """The page's section copy, in priority order. An article whose section has a later page is
        offered here (`stays`: whole, after the page's pinned copy) only while the section's copy
        still waiting is more than its later pages hold, highest priority first: the first page of a
        section takes what the next cannot, and the next is not left empty for it."""
        out, later, waiting = [], None, 0.0
        for it in pool:
            pages = self.section_pages(it.article_id)
            if number not in pages:
                continue
            if number == pages[-1]:
                out.append(it)
                continue
            if later is None:  # what the later pages leave free once their own pinned copy is set
                later = _LATER * sum(max(0, self.next_room(p)) for p in pages if p > number)
                waiting = sum(self.settled_area(w) for w in pool if self.section_pages(w.article_id) == pages)
            if waiting > later:
                out.append(replace(it, stays=True))
                waiting -= self.settled_area(it)
        return out

    def settled_area(self, item: Item) -> int:
        """Cells an article takes set alone in its cheapest shape (as a story, not a page's main one)."""
        free_lines = self.fmt.lines - self.fmt.reserved_lines(self.numbers[-1])
        best = None
        for span in range(1, self.fmt.columns + 1):
            ctx = Context(headline_cap(span, 2), False, False, False, free_lines)
            for height, leaves in self.table.leaves(item, span, ctx).items():
                if leaves and (best is None or leaves[0].cost < best[0]):
                    best = (leaves[0].cost, height * span)
        return best[1] if best else self.estimate(item)

    # --- briefs -------------------------------------------------------------------

    def stackable(self, it: Item) -> bool:
        """A brief that may join a 简讯 stack (not a continuation, nor pinned to a span); in the
        fallback plans, a short bylined story too."""
        return it.part == 0 and not it.members and not (it.pin and it.pin.span) and not it.stays \
            and is_brief(self.fits.articles[it.article_id], bylined=self.bylined_briefs)

    def breaks_in_a_column(self, aid: str) -> bool:
        """Whether a brief's headline breaks a word one column wide (B1–B3): it stands at two columns of its
        own, out of the 简讯 block (it still counts towards the block's min_group)."""
        return bool(shape_breaks(self.fits.articles[aid], self.fits.shape(aid, 1, house()["headline"]["brief_size"]),
                                 False))

    def stack_briefs(self, chosen: list[Item], required: list[Item], later: list[Item], free_lines: int) -> list[Item]:
        """Briefs offered to a page, from `min_group` on, set as one 简讯 block under one label, flowing
        down its columns (more briefs of the issue join it: it takes as many as close the page best)."""
        briefs = [it for it in chosen if self.stackable(it)]
        if len(briefs) < house()["briefs"]["min_group"]:
            return chosen
        # Briefs pinned to the page first (the stack must hold them), then the others in priority order.
        briefs = [it for it in briefs if it in required] + [it for it in briefs if it not in required]
        briefs += [it for it in later if self.stackable(it)]
        limit = free_lines * house()["briefs"]["max_columns"]  # cells: what the block could hold at most
        stack, cells = [], 0
        for it in briefs:
            if self.breaks_in_a_column(it.article_id):
                continue
            need = self.estimate(it)
            if cells + need > limit:
                break
            stack.append(it.article_id)
            cells += need
        if len(stack) < 2:  # a lone brief needs no label
            return chosen
        # One block; two (the briefs shared between them in order) only where the issue cannot be
        # planned with one, as with headlines side by side.
        blocks = [stack]
        if self.forced and len(stack) >= 2 * house()["briefs"]["min_group"]:
            half = next(n for n in range(len(stack)) if sum(self.estimate(Item(a)) for a in stack[:n + 1]) >= cells / 2)
            blocks = [stack[:half + 1], stack[half + 1:]]
        pinned = {it.article_id for it in required}
        kept = [it for it in chosen if it.article_id not in stack]
        return kept + [Item(block[0], members=tuple(block), keep=sum(aid in pinned for aid in block))
                       for block in blocks]

    # --- one page -----------------------------------------------------------------

    def choose(self, chosen: list[Item], fillers: list[Item], number: int, next_page: int | None,
               blocks: list[Rect], required: list[Item], strict: bool = True) -> tuple[Layout | None, bool]:
        """The best page from the chosen items. Only if it leaves a hole: re-ordered among equals, then
        with a short item from later in the issue as a filler (补白), as an editor would. And whether
        the search went past the re-orderings (only then does the page depend on its fillers)."""
        budget = Budget(self.cost["budget"])
        best: Layout | None = None
        def must(items: list[Item]) -> int:
            """Items to place at least: up to the last pinned one or continuation (they cannot wait)."""
            return max((n + 1 for n, it in enumerate(items) if it in required or (strict and it.part > 0) or it.keep),
                       default=0)

        orders = _orders(chosen, self.issue, self.cost["shuffles"], must(chosen))
        attempts = orders + [chosen + [f] for f in fillers]
        if not must(chosen[:1]):  # a main story that cannot be set on this page at all waits
            attempts += [chosen[n:] for n in range(1, len(chosen)) if must(chosen[n:]) or not must(chosen)]
        # A main story left out is charged as the search charges any item it leaves for later (on the
        # last page: copy that does not fit), or a page without it would look cheaper than one with it.
        for n, items in enumerate(attempts):
            layout = self.solve(tuple(items), number, next_page, blocks, must(items), budget)
            dropped = [it for it in chosen if it not in items]
            if layout and dropped:
                layout = replace(layout, cost=layout.cost + sum(self.leave_cost(it, number) for it in dropped),
                                 unplaced=layout.unplaced + len(dropped))
            if layout and (best is None or layout.cost < best.cost):
                best = layout
            if (best and (best.hole == 0 or items is attempts[-1])) or budget.left <= 0:
                break
        return best, n >= len(orders)

    def solve(self, items: tuple[Item, ...], number: int, next_page: int | None, blocks: list[Rect],
              required: int, budget: Budget) -> Layout | None:
        """The cheapest layout over the ways of cutting the free area and the main story's spans;
        headlines side by side only when nothing else closes the page."""
        fmt = self.fmt
        free_lines = fmt.lines - fmt.reserved_lines(number)
        ways = free_rectangles((0, 0, fmt.columns, free_lines), blocks)
        # Only where no way as cut holds the main story: each again with another rectangle along its top
        # put first (the main story opens the first one), with a budget of its own.
        layout = self.solve_ways(items, number, next_page, blocks, required, budget, ways)
        if layout is None and (more := _lead_first(ways)):
            layout = self.solve_ways(items, number, next_page, blocks, required,
                                     budget if budget.left > 0 else Budget(self.cost["budget"]), more)
        return layout

    def solve_ways(self, items: tuple[Item, ...], number: int, next_page: int | None, blocks: list[Rect],
                   required: int, budget: Budget, ways: list[list[Rect]]) -> Layout | None:
        """The cheapest layout over these ways of cutting the free area (solve)."""
        narrow = self.cost["lead_narrow"]
        # Cheapest ways first: exact tiling, then empty cells beside modules (a last page, or around
        # fixed blocks), then headlines side by side. A mode that places every item ends the search.
        modes = [(False, False), (False, True), (True, False), (True, True)]
        if next_page is not None and not blocks:
            modes = [m for m in modes if not m[1]]
        overall: Layout | None = None
        for n, (allow_tombstones, allow_blank) in enumerate(modes):
            best: Layout | None = None
            if allow_tombstones and overall and overall.cost < self.tombstone:
                break  # a pair of headlines side by side alone costs more than the page found without
            if n and budget.left <= 0:  # each way of closing the page gets its budget
                budget = Budget(self.cost["budget"])
            for regions in ways:
                if not regions:
                    continue
                widest = regions[0][2]
                for lead_span in self.lead_spans(items[0], widest):
                    if best and best.cost <= narrow * (widest - lead_span):
                        break  # a narrower main story costs at least lead_narrow a column: nothing can win
                    search = PageSearch(self.table, items, number, next_page, number == self.numbers[0], lead_span,
                                        budget, self.tombstone if allow_tombstones else None, allow_blank,
                                        number == self.numbers[-1],
                                        tuple(self.leave_cost(it, number) for it in items))
                    layout = search.best(regions, required)
                    if layout and layout.placements and (best is None or layout.cost < best.cost):
                        best = layout
            if best and (overall is None or best.cost < overall.cost):
                overall = best
            # Every item placed (no brief of a stack left out): headlines side by side only where nothing
            # else closes the page (a hole in a page before the last does not), or once they are forced,
            # only if they make the page cheaper.
            open_page = overall is not None and overall.hole and next_page is not None
            if overall and len(overall.placements) == len(items) and not overall.unplaced \
                    and overall.cost < self.cost["overflow"] \
                    and (overall.cost < self.tombstone or not (self.forced or open_page)):
                break
        return overall

    def leave_cost(self, item: Item, number: int) -> float:
        """What leaving an item for a page after this one costs: on the last page, copy that does not
        fit; before it, a fixed cost and one per cell of its estimated area, more for an article of
        this page's section (a later page is another section's)."""
        if number == self.numbers[-1]:
            return self.cost["overflow"]
        per_cell = self.cost["deferred_cell"]
        # A 简讯 block of the page's briefs too; not copy its section's next page takes (`stays`): leaving
        # that is never a reason to jump or shrink the page's own.
        if item.part == 0 and not item.stays and any(number in self.own_pages(aid) for aid in item.ids):
            per_cell += self.cost["deferred_section_cell"]
        return self.cost["deferred"] + per_cell * self.estimate(item)

    def lead_spans(self, lead: Item, widest: int) -> range:
        """Spans tried for a page's main story, widest first: down to half the rectangle (a brief or a
        continuation: its own narrow spans)."""
        if lead.members:
            return range(min(widest, house()["briefs"]["max_columns"]), 0, -1)
        if lead.part == 0 and is_poem(article := self.fits.articles[lead.article_id]):
            return range(min(widest, poem_span(article, self.fits)), 0, -1)  # V1: in narrow columns
        if lead.part > 0 or is_brief(self.fits.articles[lead.article_id]):
            return range(min(widest, self.cost["brief_max_span"] if lead.part == 0 else widest), 0, -1)
        # A short story that is not a brief still needs a span where its text stands at least
        # min_column_lines deep in each column.
        fill_span = max(1, len(self.fits.body(lead.article_id)) // house()["module"]["min_column_lines"])
        return range(widest, min((widest + 1) // 2, fill_span) - 1, -1)

    # --- pins ---------------------------------------------------------------------

    def pinned_candidates(self, item: Item, number: int, next_page: int | None, blocks: list[Rect],
                          free_lines: int, room_for_me: float = math.inf) -> list[tuple[float, Module]]:
        """Ways to set an article pinned to a line or column, best first: whole at the span that sets it
        best in the room below its line (up to a block below it, closing the gap), a shorter whole
        shape, or filling part of that room and continued on the next page (下转)."""
        fmt, pin = self.fmt, item.pin
        column, line = pin.column or 0, pin.line or 0
        spans = [pin.span] if pin.span else list(range(1, fmt.columns - column + 1))
        lead = number == self.numbers[0] and self.issue.article(item.article_id).priority == 1
        total = len(self.fits.body(item.article_id))
        wholes: list[tuple[tuple, Leaf]] = []
        cuts: list[Leaf] = []
        # (lines short, lines needed, lines left) at each span: a refusal names the span closest to fitting,
        # both numbers from that span.
        shortfalls: list[tuple[int, int, int]] = []
        for span in spans:
            below = [b[1] for b in blocks if b[0] < column + span and column < b[0] + b[2] and b[1] > line]
            room = min(below + [free_lines]) - line
            if any(b[0] < column + span and column < b[0] + b[2] and b[1] <= line < b[1] + b[3] for b in blocks):
                room = 0
            ctx = Context(headline_cap(span, 1 if lead else 2), lead, lead, next_page is not None, free_lines)
            leaves = [leaf for group in self.table.leaves(item, span, ctx).values() for leaf in group]
            whole = [leaf for leaf in leaves if leaf.slots[1] == total]
            if whole:
                need = min(leaf.height for leaf in whole)
                shortfalls.append((need - max(0, room), need, max(0, room)))
            for leaf in leaves:
                if leaf.height > room:
                    continue
                if leaf.slots[1] == total:
                    wholes.append(((leaf.height != room if below else 0, leaf.cost), leaf))
                elif leaf.jumps:
                    cuts.append(leaf)
        if not wholes and not cuts:
            _, need, left = min(shortfalls, default=(0, 0, max(0, free_lines - line)))
            raise BuildError(t("第{page}版 line {line}: {title} needs {need} lines, {left} are left below line {line}",
                               page=number, line=line + 1, title=self.title(item.article_id), need=need, left=left))
        wholes.sort(key=lambda w: w[0])
        chosen = [w[1] for w in wholes[:1]]
        # The cheapest shape that leaves the page's other pinned copy its room, if the first does not.
        fits_room = [w[1] for w in wholes if w[1].height * w[1].template[0].span <= room_for_me]
        fits_room += sorted((leaf for leaf in cuts if leaf.height * leaf.template[0].span <= room_for_me),
                            key=lambda leaf: leaf.cost)
        if fits_room and fits_room[0] not in chosen:
            chosen.insert(0, fits_room[0])
        if wholes:  # and the shortest whole shape, leaving the most room to the rest of the page
            short = min((w[1] for w in wholes), key=lambda leaf: (leaf.height * leaf.template[0].span, leaf.cost))
            chosen += [short] if short is not chosen[0] else []
        if cuts:  # filling the room, and about half of it, continued on the next page
            cuts.sort(key=lambda leaf: (-leaf.height, leaf.cost))
            chosen += [cuts[0]]
            half = min(cuts, key=lambda leaf: (abs(leaf.height - cuts[0].height // 2), leaf.cost))
            chosen += [half] if half is not cuts[0] else []
        top = fmt.reserved_lines(number)
        return [(leaf.cost, replace(leaf.modules[0], page=number, column=column, line=top + line,
                                    jump_to=next_page if leaf.jumps else None))
                for leaf in chosen[:self.cost["pin_variants"]]]

    def pin_does_not_fit(self, number: int, required: list[Item], capacity: int) -> str:
        need = sum(self.estimate(it) for it in required)
        names = "、".join(self.title(it.article_id) for it in required)
        return t("第{page}版: the articles pinned to it ({names}) need about {need} cells (lines × columns), "
                 "{left} are free", page=number, names=names, need=need, left=capacity)

    # --- what the editor hears ----------------------------------------------------

    def left_chars(self, item: Item) -> int:
        """Characters of an item that did not fit."""
        return sum(len(s.line.text) for s in self.fits.body(item.article_id)[item.slot_from:])

    def overflow(self, leftover: list[Item]) -> str:
        """Which articles did not fit, by how much, and what would fix it."""
        parts = []
        for it in leftover:
            parts.append(t("{title} ({chars} characters, {lines} lines of one column)", title=self.title(it.article_id),
                           chars=self.left_chars(it), lines=len(self.fits.body(it.article_id)) - it.slot_from))
        amounts = [self.left_chars(it) for it in leftover]
        longest = max(range(len(leftover)), key=lambda n: amounts[n])
        return t("text does not fit on the issue's {pages} pages: {items} left over, {total} characters in all; "
                 "add a page in issue.toml, shorten {title} by {chars} characters or set allow_cut",
                 pages=len(self.numbers), items="、".join(parts), total=sum(amounts),
                 title=self.title(leftover[longest].article_id), chars=amounts[longest])

    def warn_sections(self, pages: list[PagePlan]) -> None:
        """An article set after its section's last page: the section's copy exceeds its pages."""
        said = set()
        for page in pages:
            for m in page.modules:
                own = self.section_pages(m.article_id)
                if m.part == 0 and self.page_of(m.article_id) is None and own and page.number > own[-1] \
                        and m.article_id not in said:  # a brief may stand in two columns of its 简讯 block
                    said.add(m.article_id)
                    self.warnings.append(PlanNote("section", page.number, t(
                        "{title} ({section}) does not fit the pages of its section ({pages}): set on 第{page}版",
                        title=self.title(m.article_id), section=self.issue.article(m.article_id).section,
                        pages="、".join(f"第{n}版" for n in own), page=page.number)))

    def warn_fill(self, pages: list[PagePlan]) -> None:
        h = house()["planner"]
        for n, page in enumerate(pages):
            fill = page_fill(page, self.fmt)
            last = n == len(pages) - 1
            if not page.modules:
                continue  # an empty page is reported by the content lint
            if not last and fill < h["warn_fill"]:
                self.warnings.append(PlanNote("fill", page.number, t("第{page}版 is only {fill}% full", page=page.number,
                                                                   fill=math.floor(fill * 100))))
            if last and fill < h["warn_last_fill"]:
                self.warnings.append(PlanNote("last-page-fill", page.number, t(
                    "第{page}版, the last page, is only {fill}% full: an editor would drop it", page=page.number,
                    fill=math.floor(fill * 100))))


def plan_issue(issue: Issue, fits: Fits, pins: dict[str, Pin] | None = None, memo: PageMemo | None = None) -> Plan:
    """Every article on the issue's pages, page by page: ads and pinned articles first, then the rest
    in priority order, continuations of jumped articles on the next page. Copy left over after the
    last page is an error (CopyOverflow) naming the articles and the amount; nothing is dropped.
    `memo` holds pages searched before (by Settled's key: the same inputs set the same page); the
    passes below share it, so a page a failed pass searched is not searched again."""
    # The search makes millions of small objects that all live until the plan is made: the cyclic
    # collector would walk them again and again for nothing (a third of the time). Reference
    # counting still frees what dies; the collector runs again once the plan is made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        cost = house()["planner"]
        # Page by page, a page before the last may close by jumping copy on: the later pages pay for
        # the second headlines. Planned again with jumps and deferred copy dear, the pages keep their
        # copy whole. Avoiding every pair of headlines side by side may leave copy over or a pin
        # without room: then short bylined stories may stand in the 简讯 block as briefs do, and
        # then pairs are made cheaper than copy left for later (each one reported as unavoidable):
        # a reporter's story among the briefs and a level headline are both far better than a
        # refused issue. The refusal names what is left over in whichever plan left least.
        tight = {**cost, "cut": cost["tight_cut"], "deferred_cell": cost["tight_deferred_cell"]}
        refused: BuildError | None = None
        least: tuple[int, _Planner, list[Item]] | None = None
        # A leaf depends on its item, span, context and the costs, not on forced pairs: one table per costs.
        tables = {False: LeafTable(fits, cost), True: LeafTable(fits, tight)}
        memo = {} if memo is None else memo
        digests: dict[str, str] = {}
        passes = ((cost, False, False), (cost, False, True), (cost, True, True), (tight, False, False),
                  (tight, True, True))  # (costs, forced pairs, bylined briefs)
        for costs, forced, bylined in passes:
            planner = _Planner(issue, fits, pins or {}, costs, forced_tombstones=forced, table=tables[costs is tight],
                               bylined_briefs=bylined, memo=memo, digests=digests)
            try:
                plan, leftover = planner.plan()
            except BuildError as e:  # a pin that cannot hold in this plan
                refused = refused or e
                continue
            if plan:
                return plan
            left = sum(map(planner.left_chars, leftover))
            if least is None or left < least[0]:
                least = (left, planner, leftover)
        if least is None:
            raise refused
        raise CopyOverflow(least[1].overflow(least[2]))
    finally:
        if collecting:
            gc.enable()


def _lead_first(ways: list[list[Rect]]) -> list[list[Rect]]:
    """Each way of cutting the free area again with another rectangle along its top put first: the
    page's main story opens the first rectangle (page_search.best deals the items to them in order),
    and a tall one beside a mid-page ad or pin may be the only one that holds it. Widest first."""
    out: list[list[Rect]] = []
    for way in ways:
        for rect in sorted((r for r in way[1:] if r[1] == way[0][1]), key=lambda r: (-r[2], -r[3], r[0])):
            regions = [rect] + [r for r in way if r != rect]
            if regions not in out and regions not in ways:
                out.append(regions)
    return out


def _length(article) -> int:
    return sum(len(getattr(b, "text", "")) for b in article.blocks)


_TIE_BREAKS = (lambda a: -len(a.figures), lambda a: -_length(a), _length)  # photos, long, short first


def _orders(items: list[Item], issue: Issue, shuffles: int, required: int) -> list[list[Item]]:
    """The priority order, then re-orderings among items of equal priority: photo stories first,
    long ones first, short ones first, then a few seeded random orders. Other trees for the search
    when the first leaves a hole. The page's main story, continuations, pinned items and 简讯 stacks
    keep their places."""
    fixed = {i for i, item in enumerate(items) if i == 0 or item.part > 0 or i < required or item.members}
    movable = [item for i, item in enumerate(items) if i not in fixed]
    rng = random.Random(len(items))  # fixed seed: the same issue gives the same plan
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
