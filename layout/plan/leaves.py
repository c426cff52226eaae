"""Every way one item can fill a rectangle of a given span: its leaves for the page search.

An item is an article, the continuation of a jumped one, or a stack of briefs under one 简讯
label. A leaf is one height the item can take at a span, with the modules that fill it (placed
relative to the rectangle's top-left) and what it costs: headline size below its cap, headline
slack, photo width and crop, air at the foot, a jump (下转) or a cut. Heights are whole lines, so
the search can add them; the photo row and the body columns come from layout.plan.photos and
layout.plan.columns, the same code the painter reads.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from layout.house import house
from layout.model import Article, Module, Pin, Verse
from layout.plan.columns import body_bottom, columns_bottom, stranded
from layout.plan.fit import Fits, headline_cap, shape_breaks
from layout.plan.heads import Band, edge_bands, head_band, level, main_band, side_by_side
from layout.plan.literary import is_literary

# Where an article's photos stand against its headline group: in a row under it, above it (a row as
# wide as the module), or at the module's top beside it, at its left (west) or right (east) edge.
Arrangement = Literal["under", "above", "west", "east"]
from layout.plan.photos import PhotoRow, body_chars, photo_rows, standing


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
    stays: bool = False  # its section has a later page: set whole here or left for that page, never jumped or cut

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
    left_heads: tuple[Band, ...] = ()  # 主题 of the modules along the rectangle's left edge (layout.plan.heads)
    right_heads: tuple[Band, ...] = ()  # and along its right edge
    stones: int = 0  # headlines level across the columns inside it (a 简讯 block that cannot avoid them)

    @property
    def kind(self) -> tuple[bool, int, int]:
        """How the photos stand against the headline (above it, or beside it at which columns), and how
        far under its top the first headline stands (dropped, or a 简讯 block's staggered): shapes whose
        headlines meet a neighbour's at other heights (H4)."""
        first = self.template[0]
        return first.photo_first, first.head_column, first.head_span, 0 if first.photo_first else first.head_top

    @property
    def span(self) -> int:
        """Columns the leaf's rectangle is wide (a 简讯 block: its modules side by side)."""
        return max(m.column + m.span for m in self.template)

    @property
    def modules(self) -> tuple[Module, ...]:
        """The modules, made only for the leaves a page keeps (dataclass copies are slow)."""
        if self.slots is None:
            return self.template
        return (replace(self.template[0], height=self.height - self.blank, slots=self.slots),)


def is_brief(article: Article, bylined: bool = False) -> bool:
    """A brief (简讯 item): brief-sized headline, 1–2 columns, stackable under the 简讯 label. A short
    item of low priority without photos, byline-less or with its byline in the dateline (本报讯（记者
    X）), or with any byline when `bylined` (the fallback plans: a reporter's short story in the 简讯
    block is better than copy left over); never a literary piece (layout.plan.literary: a poem, an
    essay signed by its author, a piece of a literary section; [briefs] in styles/house.toml)."""
    b = house()["briefs"]
    return (not article.figures and article.priority >= b["min_priority"]
            and (bylined or not article.byline or article.byline_position in b["byline_positions"])
            and not is_literary(article) and body_chars(article) <= b["chars"])


def is_poem(article: Article) -> bool:
    """A poem (or a few): at least half of the body's characters are verse. It is set in narrow columns
    broken between stanzas (V1, docs/rules.md)."""
    verse = sum(len(b.text) for b in article.blocks if isinstance(b, Verse))
    return verse > 0 and 2 * verse >= body_chars(article)


def poem_span(article: Article, fits: Fits) -> int:
    """The widest span a poem takes (V1): [verse] max_span, a column more for a long one."""
    v = house()["verse"]
    return v["max_span"] + (len(fits.body(article.id)) > v["long_lines"])


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
        self._apart: dict[tuple, dict[int, list[Leaf]]] = {}

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

    def apart(self, item: Item, span: int, ctx: Context, lines: int | None = None) -> dict[int, list[Leaf]]:
        """The leaves (padded with up to `lines` empty lines, if given) but those of a 简讯 block whose
        columns have headlines level: for a search where pairs are not allowed (once per table, not per search)."""
        key = (item, span, ctx, lines)
        if key not in self._apart:
            out = self.leaves(item, span, ctx) if lines is None else self.padded(item, span, ctx, lines)
            self._apart[key] = {h: kept for h, group in out.items() if (kept := [leaf for leaf in group
                                                                                 if not leaf.stones])}
        return self._apart[key]

    # --- an article -------------------------------------------------------------------

    def _article(self, item: Item, span: int, ctx: Context):
        c, fits = self.cost, self.fits
        article = fits.articles[item.article_id]
        brief = is_brief(article)
        if brief and span > c["brief_max_span"] and not (item.pin and item.pin.span == span):
            return  # the editor's own span (plan.toml) holds
        if is_poem(article) and span > poem_span(article, fits) and not (item.pin and item.pin.span == span):
            return  # a poem across the page reads as a band of lines (V1)
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
            if not brief and item.part == 0 and not (item.pin and item.pin.span == span) \
                    and len(shape.head) > c["story_head_lines"]:
                continue  # a story's headline group stacked down a narrow column: it takes a wider span
            for r, row in enumerate(rows[:c["photo_rows"]]):
                width = sum(b.span for b in row.boxes)
                arrangements: tuple[Arrangement, ...] = ("under",)
                if row.boxes and row.full:
                    arrangements += ("above",)
                elif row.boxes and width <= span - width and not ctx.lead and not n:
                    # Beside the headline: never the main story's (its headline spans its module), the
                    # headline at least as wide as the photos, at its own size (composing each headline
                    # again at the narrower width is what these shapes cost the planner).
                    arrangements += ("west", "east")
                for arrangement in arrangements:
                    head_shape = shape if arrangement in ("under", "above") else \
                        fits.shape(item.article_id, span - width, cap, item.part > 0)
                    broken = len(shape_breaks(article, head_shape, item.part > 0)) * c["broken_headline"]
                    yield from self._article_heights(item, article, span, head_shape, row, arrangement, ctx,
                                                     base + n * c["smaller_headline"] + row.cost + broken,
                                                     cuts=r < c["cut_rows"])

    def _article_heights(self, item: Item, article: Article, span: int, shape, row: PhotoRow,
                         arrangement: Arrangement, ctx: Context, base: float, cuts: bool):
        c = self.cost
        body = self.fits.body(item.article_id)
        extra = 1 if item.jump_from is not None else 0  # （上接第M版）
        count = len(body) - item.slot_from + extra
        width = sum(b.span for b in row.boxes)
        # Beside: the photos at one edge of the module's top, the headline group over the other columns.
        photo_column = span - width if arrangement == "east" else 0
        head_column, head_span = {"west": (width, span - width), "east": (0, span - width)}.get(arrangement, (0, 0))
        depth = [row.depth(k - photo_column) for k in range(span)]
        # A poem's columns break between its stanzas (V1): their feet are not those of balanced prose.
        poem = body if item.part == 0 and is_poem(article) else None
        # The 头条's 主题 starts in the top share of the type area, 报头 included (as the check measures it).
        fmt = self.fits.fmt
        front_limit = fmt.lines * c["lead_head_share"] - (fmt.lines - ctx.free_lines)
        # A 图片新闻's line or two of text under its photo stands in as few columns as it fills
        # (min_column_lines each), not spread a line a column over the photo's width.
        text_columns = max(1, count // house()["module"]["min_column_lines"]) \
            if item.part == 0 and standing(article, ctx.lead) == "news" else span
        # Slack lines shared around the headline group, or (over text, not the page's main story) the
        # group dropped under a few lines of air: its 主题 off level with a neighbour's at the same top (H4).
        drops = [] if arrangement != "under" or ctx.lead else [(0, c["head_drop_lines"])] + (
            [(0, c["narrow_drop_lines"])] if span <= c["brief_max_span"] else [])
        for e, drop in [(e, 0) for e in range(c["max_head_extra"] + 1)] + drops:
            head = shape.head_lines + e
            if arrangement == "above":
                head_top, tops = depth[0], tuple(depth[0] + head for _ in range(span))
                boxes = tuple(replace(b, line=0) for b in row.boxes)
            elif arrangement == "under":
                head_top, tops = drop, tuple(drop + head + d for d in depth)
                boxes = tuple(replace(b, line=drop + head) for b in row.boxes)
            else:
                if any(0 < d < head for d in depth):
                    break  # a photo beside the headline group is at least as deep as it
                head_top, tops = 0, tuple(d or head for d in depth)
                boxes = tuple(replace(b, column=b.column + photo_column, line=0) for b in row.boxes)
            if text_columns < span and len(set(tops)) == 1:
                tops = tops[:text_columns] + (tops[0] + -(-count // text_columns),) * (span - text_columns)
            cost = base + e * c["head_line"] + drop * c["head_drop"] \
                + (c["photo_first"] if arrangement != "under" else 0)
            module = Module(item.article_id, 0, 0, 0, span, 0, part=item.part, headline_size=shape.headline_size,
                            head_lines=head, photos=boxes, photo_first=arrangement == "above", head_top=head_top,
                            head_column=head_column, head_span=head_span, body_tops=tops, jump_from=item.jump_from)
            if ctx.front and (band := head_band(module, shape, fmt.line_pitch)) and band[0] > front_limit:
                continue
            heads = edge_bands(module, shape, self.fits.fmt.line_pitch)
            top = min(tops)
            photo_foot = max((b.line + b.lines + b.caption_lines for b in boxes), default=0)
            starts = tuple(t - top for t in tops)
            bottom = top + (columns_bottom(list(poem), starts) if poem else body_bottom(count, starts))
            # The columns that hold text (under a photo beside the headline there may be none).
            text = [bottom - t for t in tops if bottom > t]
            longest = max(text, default=0)
            if len(text) >= 2 and longest < house()["module"]["min_column_lines"]:
                continue  # text over several columns of a line or two each reads as a broken page
            if len(text) > 1 and longest < c["min_column_lines"]:
                cost += c["short_column"]
            if len(text) > c["brief_max_span"] and longest < c["band_lines"]:
                cost += (len(text) - c["brief_max_span"]) * c["band_column"]  # a band across the page, not a module
            content = max(bottom, photo_foot)
            air_inside = (content - bottom) * sum(1 for k in range(span) if tops[k] < content)
            for air in range(c["max_foot_air"] + 1):
                yield Leaf(content + self.rule + air, cost + air * c["foot_air"] + air_inside * c["inner_air"],
                           (module,), (item.slot_from, len(body)), left_heads=heads[0], right_heads=heads[1])
            if cuts and not e:  # a part that ends early needs no headline slack to close
                yield from self._cuts(item, article, module, heads, count, extra, photo_foot, top, bottom, ctx,
                                      cost)

    def _cuts(self, item: Item, article: Article, module: Module, heads: tuple[tuple[Band, ...], tuple[Band, ...]],
              count: int, extra: int, photo_foot: int, top: int, bottom: int, ctx: Context, cost: float):
        """The article ending early: with 下转 to the next page (once), else cut where the editor allows it."""
        c = self.cost
        jump = item.part == 0 and ctx.can_jump
        if item.stays or is_poem(article) or not (jump or article.allow_cut):
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
                       left_heads=heads[0], right_heads=heads[1])

    def preferred_span(self, item: Item) -> int:
        """The span at which the body's columns are about span_lines long (1 for a brief)."""
        article = self.fits.articles[item.article_id]
        if is_brief(article):
            return 1
        lines = len(self.fits.body(item.article_id)) - item.slot_from
        return max(1, min(self.fits.fmt.columns, round(lines / self.cost["span_lines"])))

    # --- a stack of briefs ----------------------------------------------------------

    def _stack(self, item: Item, span: int, ctx: Context):
        """The briefs under one 简讯 label, flowing down the block's columns (each brief one column wide):
        a brief that reaches the foot of a column goes on at the top of the next. For every height the
        block can close at, the flow (how much air each column keeps at its foot) with the fewest
        headlines level with one in the next column (layout.plan.heads); a prefix of the briefs, the
        rest for later."""
        c, fits = self.cost, self.fits
        if span > house()["briefs"]["max_columns"]:
            return
        pad = house()["headline"]["pad_lines"]
        size = min(ctx.cap, house()["headline"]["brief_size"])
        briefs = []
        for aid in item.members:
            shape = fits.shape(aid, 1, size)
            head = max(1, shape.head_lines - pad)  # the label and rules give the air
            briefs.append(_Brief(aid, shape, head, fits.body(aid), main_band(shape, fits.fmt.line_pitch)))
        per = c["overflow"] if ctx.last else c["deferred"]
        label, gap = house()["briefs"]["label_lines"], house()["briefs"]["gap_lines"] + self.rule
        # Heights from the briefs that must stand here to all of them, shared by the columns (each under the label's row).
        need = [b.head + len(b.slots) + gap for b in briefs]
        least, most = sum(need[:max(1, item.keep)]), sum(need)
        for height in range(max(1, least // span + label - 2),
                            min(ctx.free_lines, -(-most // span) + label + c["max_foot_air"] + 2) + 1):
            flow = _Flow(briefs, height, self.rule).best(span)
            if flow is None or flow.placed < item.keep:
                continue
            stones, placed, air, columns = flow.stones, flow.placed, flow.air, flow.columns
            modules = tuple(replace(m, column=k) for k, column in enumerate(columns) for m in column.modules)
            yield Leaf(height, (len(briefs) - placed) * per + air * c["foot_air"] + stones * c["tombstone"],
                       modules, left_heads=columns[0].bands, right_heads=columns[-1].bands, stones=stones)


@dataclass(frozen=True)
class _Brief:
    aid: str
    shape: object
    head: int  # headline lines in the block
    slots: tuple
    band: Band | None  # its 主题 inside its headline group


@dataclass(frozen=True)
class _Column:
    """One column of a 简讯 block: its modules (column 0), where the flow stands after it, its air."""

    modules: tuple[Module, ...]
    bands: tuple[Band, ...]  # the 主题 of its briefs, from the block's top
    next: tuple[int, int]  # (brief, first body slot) the next column starts with
    foot: int  # lines of air in it: at its foot, and over headlines moved off level


@dataclass(frozen=True)
class _Plan:
    columns: tuple[_Column, ...]
    stones: int
    placed: int
    air: int


class _Flow:
    """Briefs flowing down the columns of a block `height` lines deep. Every column starts under the
    label's row; a column may end a line or two early (air), which moves every headline after it:
    the flow chooses those to keep headlines of neighbouring columns apart."""

    def __init__(self, briefs: list[_Brief], height: int, rule: int):
        b = house()["briefs"]
        self.briefs, self.height = briefs, height
        self.label, self.gap, self.least = b["label_lines"], b["gap_lines"] + rule, b["split_lines"]
        self.max_air = house()["planner"]["max_foot_air"] + 1  # lines a column is asked to end early
        self.foot_air = b["foot_air_lines"]  # and may end early at most (no headline at a column's foot)
        self.stagger = b["stagger_lines"]
        self._columns: dict[tuple, _Column | None] = {}

    def column(self, n: int, start: int, air: int, first: bool, last: bool,
               beside: tuple[Band, ...]) -> _Column | None:
        """The column that starts with brief n at body slot `start` and ends `air` lines early (or
        where the next brief cannot start or break; in the last column, where it cannot end); a
        headline that would stand level with one `beside` it (the column before) moves down a line or
        two, while the column has lines to spare. None if it cannot close within the air allowed."""
        key = (n, start, air, first, last, beside)
        if key in self._columns:
            return self._columns[key]
        modules, bands, y, bottom, spare = [], [], 0, self.height - air, self.stagger
        while n < len(self.briefs):
            brief = self.briefs[n]
            top = self.label if y == 0 else 0
            own = brief.head if start == 0 else 0
            if own and brief.band and beside:
                offset = y + top + (own - brief.shape.head_lines) / 2
                down = next((d for d in range(spare + 1) if not any(
                    level((offset + d + brief.band[0], offset + d + brief.band[1]), b) for b in beside)), 0)
                if down and modules:  # the line(s) go under the brief before
                    modules[-1] = replace(modules[-1], height=modules[-1].height + down)
                    y += down
                elif down:  # or over the first of the column, under the label's row
                    top += down
                spare -= down
            room = bottom - y - top - own - self.gap
            left = len(brief.slots) - start
            take = left if left <= room else 0 if last else _split(brief.slots, start, room, self.least)
            if take <= 0:
                break
            module = Module(brief.aid, 0, 0, y, 1, top + own + take + self.gap, slots=(start, start + take),
                            headline_size=brief.shape.headline_size, head_lines=own,
                            label_lines=self.label if first and y == 0 else 0, head_top=top, body_tops=(top + own,))
            if own and brief.band:
                offset = y + top + (own - brief.shape.head_lines) / 2
                bands.append((offset + brief.band[0], offset + brief.band[1]))
            modules.append(module)
            y += module.height
            if take < left:
                start += take
                break
            n, start = n + 1, 0
        foot = self.height - y
        out = None
        if modules and foot <= max(air, self.foot_air):
            modules[-1] = replace(modules[-1], height=modules[-1].height + foot)
            out = _Column(tuple(modules), tuple(bands), (n, start), foot + self.stagger - spare)
        self._columns[key] = out
        return out

    def best(self, span: int) -> _Plan | None:
        """The flow over `span` columns with the fewest level headlines, then the most briefs, then the
        least air; a brief never runs past the last column."""
        best: _Plan | None = None

        def walk(k: int, n: int, start: int, done: tuple[_Column, ...], stones: int, air: int) -> None:
            nonlocal best
            if best is not None and best.stones == 0 and best.placed == len(self.briefs) and not best.air:
                return
            for a in range(self.max_air + 1):
                col = self.column(n, start, a, k == 0, k + 1 == span, done[-1].bands if done else ())
                if col is None:
                    continue
                here = stones + (side_by_side(done[-1].bands, col.bands) if done else 0)
                if best is not None and here > best.stones:
                    continue
                columns = done + (col,)
                placed, rest = col.next
                if k + 1 == span or placed == len(self.briefs):
                    if k + 1 < span or rest:
                        continue  # an empty column left, or a brief running past the last one
                    plan = _Plan(columns, here, placed, air + col.foot)
                    if best is None or (plan.stones, -plan.placed, plan.air) < (best.stones, -best.placed, best.air):
                        best = plan
                    continue
                walk(k + 1, placed, rest, columns, here, air + col.foot)

        walk(0, 0, 0, (), 0, 0)
        return best


def _split(slots, start: int, room: int, least: int) -> int:
    """Lines of a brief to set at a column's foot before it goes on in the next column: at least
    `least` on either side, and no line stranded by the break (I4, H3); 0 when it cannot break here."""
    take = min(room, len(slots) - start - least)
    if take >= least and stranded(list(slots[start:start + take]), list(slots[start + take:start + take + 1])):
        take -= 1
    return take if take >= least else 0


def _cheapest(leaves) -> dict[int, list[Leaf]]:
    """Per height, the cheapest leaf of each kind (photos under, above or beside the headline), cheapest first."""
    kept: dict[tuple, Leaf] = {}
    for leaf in leaves:
        key = (leaf.height, leaf.kind)
        if key not in kept or leaf.cost < kept[key].cost:
            kept[key] = leaf
    out: dict[int, list[Leaf]] = {}
    for leaf in sorted(kept.values(), key=lambda leaf: leaf.cost):
        out.setdefault(leaf.height, []).append(leaf)
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
