"""Every way one item can fill a rectangle of a given span: its leaves for the page search.

An item is an article, the continuation of a jumped one, or a stack of briefs under one 简讯
label. A leaf is one height the item can take at a span, with the modules that fill it (placed
relative to the rectangle's top-left) and what it costs: headline size below its cap, headline
slack, photo width and crop, air at the foot, a jump (下转) or a cut. Heights are whole lines, so
the search can add them; the photo row and the body columns come from layout.plan.photos and
layout.plan.columns, the same code the painter reads.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from layout.house import house
from layout.model import Article, Module, Pin
from layout.plan.columns import body_bottom
from layout.plan.fit import Fits, headline_cap
from layout.plan.photos import PhotoRow, photo_rows, standing


@dataclass(frozen=True)
class Item:
    """Something to place on a page: an article, the continuation of a jumped one, or a 简讯 stack."""

    article_id: str
    part: int = 0
    slot_from: int = 0
    jump_from: int | None = None
    pin: Pin | None = None
    members: tuple[str, ...] = ()  # a 简讯 stack: its briefs in order (article_id is the first)
    keep: int = 0  # of which the first `keep` are pinned to the page: the stack holds at least those

    @property
    def ids(self) -> tuple[str, ...]:
        return self.members or (self.article_id,)


@dataclass(frozen=True)
class Leaf:
    """One way an item fills a rectangle of its span and this height."""

    height: int
    cost: float
    template: tuple[Module, ...]  # page 0, column 0, line relative to the rectangle's top
    slots: tuple[int, int] | None = None  # an article's: the body slots it holds (its module's, once made)
    jumps: bool = False  # the (single) module ends with 下转 to the next page
    blank: int = 0  # empty lines under the modules, inside the rectangle (only where holes are allowed)
    headline_first: bool = True  # a headline at its top (two side by side on one line are tombstones)

    @property
    def photo_first(self) -> bool:
        return self.template[0].photo_first

    @property
    def modules(self) -> tuple[Module, ...]:
        """The modules, made only for the leaves a page keeps (dataclass copies are slow)."""
        if self.slots is None:
            return self.template
        return (replace(self.template[0], height=self.height - self.blank, slots=self.slots),)


def is_brief(article: Article) -> bool:
    """A short item without photos: brief-sized headline, 1–2 columns, stackable under 简讯."""
    return not article.figures and _chars(article) <= house()["headline"]["brief_chars"]


def _chars(article: Article) -> int:
    return sum(len(getattr(b, "text", "")) for b in article.blocks)


@dataclass(frozen=True)
class Context:
    """What a leaf depends on besides the item and its span."""

    cap: float  # the headline's size cap at this span and rank
    lead: bool  # the page's main story (page 1: the 头条)
    front: bool  # on page 1: the 头条's headline starts in the top share of the type area
    can_jump: bool  # a later page exists
    free_lines: int  # the page's free lines (photo heights are a share of it)
    last: bool = False  # the last page: a brief a stack leaves out does not fit the issue


class LeafTable:
    """Every way an item can be set at a span, shared by all the searches of one plan."""

    def __init__(self, fits: Fits, cost: dict | None = None):
        self.fits = fits
        self.cost = cost if cost is not None else house()["planner"]  # the plan's costs (a tight retry's)
        self.rule = house()["module"]["rule_lines"]
        self._natural: dict[tuple, dict[int, list[Leaf]]] = {}
        self._padded: dict[tuple, dict[int, list[Leaf]]] = {}

    def leaves(self, item: Item, span: int, ctx: Context) -> dict[int, list[Leaf]]:
        """Heights the item can take at span, each with its cheapest ways (head-first, photo-first)."""
        key = (item, span, ctx)
        if key not in self._natural:
            variants = self._stack(item, span, ctx) if item.members else self._article(item, span, ctx)
            self._natural[key] = _cheapest(variants)
        return self._natural[key]

    def padded(self, item: Item, span: int, ctx: Context, lines: int) -> dict[int, list[Leaf]]:
        """The leaves, each also with up to `lines` empty lines under it (where a page allows holes)."""
        key = (item, span, ctx, lines)
        if key not in self._padded:
            natural = self.leaves(item, span, ctx)
            out = [leaf for leaves in natural.values() for leaf in leaves]
            for height, leaves in natural.items():
                for leaf in leaves:
                    for blank in range(1, lines + 1):
                        out.append(replace(leaf, height=height + blank, blank=blank,
                                           cost=leaf.cost + blank * span * self.cost["hole_line"]))
            self._padded[key] = _cheapest(out)
        return self._padded[key]

    # --- an article -------------------------------------------------------------------

    def _article(self, item: Item, span: int, ctx: Context):
        c, fits = self.cost, self.fits
        article = fits.articles[item.article_id]
        brief = is_brief(article)
        if brief and span > c["brief_max_span"] and not (item.pin and item.pin.span == span):
            return  # the editor's own span (plan.toml) holds
        # Smaller sizes too (fewer headline lines can close a page); the 头条 stays largest by rank_headlines.
        caps = sorted({max(house()["headline"]["min_size"], round(ctx.cap * f)) for f in c["headline_scales"]},
                      reverse=True)
        rows = photo_rows(article, fits, span, standing(article, ctx.lead), ctx.free_lines) if item.part == 0 \
            else [PhotoRow((), 0.0, True)]
        base = c["lead_narrow"] * (fits.fmt.columns - span) if ctx.lead and item.part == 0 else 0.0
        off = span - self.preferred_span(item)
        base += off * c["span_wide"] if off > 0 else -off * c["span_narrow"]
        for n, cap in enumerate(caps):
            shape = fits.shape(item.article_id, span, cap, item.part > 0)
            for r, row in enumerate(rows[:c["photo_rows"]]):
                for photo_first in ((False, True) if row.boxes and row.full else (False,)):
                    yield from self._article_heights(item, article, span, shape, row, photo_first, ctx,
                                                     base + n * c["smaller_headline"] + row.cost,
                                                     cuts=r < c["cut_rows"])

    def _article_heights(self, item: Item, article: Article, span: int, shape, row: PhotoRow, photo_first: bool,
                         ctx: Context, base: float, cuts: bool):
        c = self.cost
        body = self.fits.body(item.article_id)
        extra = 1 if item.jump_from is not None else 0  # （上接第M版）
        count = len(body) - item.slot_from + extra
        depth = [row.depth(k) for k in range(span)]
        front_limit = math.floor(ctx.free_lines * c["lead_head_share"])
        for e in range(c["max_head_extra"] + 1):
            head = shape.head_lines + e
            if photo_first:
                head_top, tops = depth[0], tuple(depth[0] + head for _ in range(span))
                boxes = tuple(replace(b, line=0) for b in row.boxes)
            else:
                head_top, tops = 0, tuple(head + d for d in depth)
                boxes = tuple(replace(b, line=head) for b in row.boxes)
            if ctx.front and head_top > front_limit:
                continue
            cost = base + e * c["head_line"] + (c["photo_first"] if photo_first else 0)
            module = Module(item.article_id, 0, 0, 0, span, 0, part=item.part, headline_size=shape.headline_size,
                            head_lines=head, photos=boxes, photo_first=photo_first, head_top=head_top,
                            body_tops=tops, jump_from=item.jump_from)
            top = min(tops)
            photo_foot = max((b.line + b.lines + b.caption_lines for b in boxes), default=0)
            bottom = top + body_bottom(count, tuple(t - top for t in tops))
            longest = bottom - top
            if span >= 2 and longest < house()["module"]["min_column_lines"]:
                continue  # a module of a few lines a column reads as a broken page (check/quality.py's rule)
            if span > 1 and longest < c["min_column_lines"]:
                cost += c["short_column"]
            content = max(bottom, photo_foot)
            air_inside = (content - bottom) * sum(1 for k in range(span) if tops[k] < content)
            first = not photo_first
            for air in range(c["max_foot_air"] + 1):
                yield Leaf(content + self.rule + air, cost + air * c["foot_air"] + air_inside * c["inner_air"],
                           (module,), (item.slot_from, len(body)), headline_first=first)
            if cuts and not e:  # a part that ends early needs no headline slack to close
                yield from self._cuts(item, article, module, count, extra, photo_foot, top, bottom, ctx, cost)

    def _cuts(self, item: Item, article: Article, module: Module, count: int, extra: int, photo_foot: int,
              top: int, bottom: int, ctx: Context, cost: float):
        """The article ending early: with 下转 to the next page (once), else cut where the editor allows it."""
        c = self.cost
        jump = item.part == 0 and ctx.can_jump
        if not (jump or article.allow_cut):
            return
        total = len(self.fits.body(item.article_id))
        for end in range(top + c["min_part_lines"], bottom):
            room = sum(max(0, end - t) for t in module.body_tops)
            slots_to = item.slot_from + room - extra - (1 if jump else 0)
            if not item.slot_from < slots_to < total:
                continue
            height = max(end, photo_foot) + self.rule
            kept = (slots_to - item.slot_from) / max(1, total - item.slot_from)
            price = (c["cut"] + max(0.0, c["jump_keep"] - kept) * c["jump_short"]
                     + (total - slots_to) * c["deferred_cell"] if jump  # the text moved on: copy for later
                     else c["cut_text"] + (total - slots_to) * c["cut_line"])
            yield Leaf(height, cost + price, (module,), (item.slot_from, slots_to), jumps=jump,
                       headline_first=not module.photo_first)

    def preferred_span(self, item: Item) -> int:
        """The span at which the body's columns are about span_lines long (1 for a brief)."""
        article = self.fits.articles[item.article_id]
        if is_brief(article):
            return 1
        lines = len(self.fits.body(item.article_id)) - item.slot_from
        return max(1, min(self.fits.fmt.columns, round(lines / self.cost["span_lines"])))

    # --- a stack of briefs ----------------------------------------------------------

    def _stack(self, item: Item, span: int, ctx: Context):
        """The briefs one under another under the 简讯 label; a prefix of them, the rest for later."""
        c, fits = self.cost, self.fits
        if span > c["brief_max_span"]:
            return
        label = house()["briefs"]["label_lines"]
        pad = house()["headline"]["pad_lines"]
        gap = house()["briefs"]["gap_lines"] + self.rule
        size = min(ctx.cap, house()["headline"]["brief_size"])
        modules: list[Module] = []
        y = 0
        for n, aid in enumerate(item.members):
            shape = fits.shape(aid, span, size)
            head = max(1, shape.head_lines - pad)  # in a stack the label and rules give the air
            own_label = label if n == 0 else 0
            body = len(fits.body(aid))
            height = own_label + head + -(-body // span) + gap
            modules.append(Module(aid, 0, 0, y, span, height, slots=(0, body), headline_size=shape.headline_size,
                                  head_lines=head, label_lines=own_label, head_top=own_label,
                                  body_tops=(own_label + head,) * span))
            y += height
            left = len(item.members) - n - 1
            if n + 1 < item.keep:
                continue
            for air in range(c["max_foot_air"] + 2):
                last = replace(modules[-1], height=height + air)
                per = c["overflow"] if ctx.last else c["deferred"]
                yield Leaf(y + air, left * per + air * c["foot_air"], tuple(modules[:-1]) + (last,),
                           headline_first=False)


def _cheapest(leaves) -> dict[int, list[Leaf]]:
    """Per height, the cheapest leaf of each kind (head-first, photo-first), cheapest first."""
    out: dict[int, list[Leaf]] = {}
    for leaf in leaves:
        best = out.setdefault(leaf.height, [])
        same = [b for b in best if b.photo_first == leaf.photo_first]
        if not same:
            best.append(leaf)
        elif leaf.cost < same[0].cost:
            best[best.index(same[0])] = leaf
    for leaves in out.values():
        leaves.sort(key=lambda leaf: leaf.cost)
    return out


def headline_caps(items: tuple[Item, ...], fits: Fits, span: int, i: int, lead_size: float) -> float:
    """Headline size cap of item i: by span and rank on the page, below the main story's, brief-sized
    for briefs, smaller for a continuation."""
    h, c = house()["headline"], house()["planner"]
    item = items[i]
    cap = headline_cap(span, 1) if i == 0 else min(headline_cap(span, i + 1), lead_size - h["lead_margin"])
    if item.part > 0:
        cap = round(cap * c["continuation_scale"])
    if item.members or is_brief(fits.articles[item.article_id]):
        cap = min(cap, h["brief_size"])
    return max(h["min_size"], cap)
