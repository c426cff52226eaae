"""A module's body in columns: which slots it holds (with its jump lines), where each column
starts (under the headline, or lower under a photo), and how they are balanced (G5) without
stranding a line (I4, H3). The frames (layout.frame) read the columns from here."""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations

from layout.model import Module
from layout.plan.fit import Fits, Slot, jump_slot


def body_bottom(count: int, starts: tuple[int, ...]) -> int:
    """The lowest line (from the body's top) the columns reach when `count` lines fill columns
    starting at `starts`: all end together, one line shorter where the count runs out (G5)."""
    # No column holds more than bottom - min(starts) lines: start the count from there (the planner
    # asks this for every shape it weighs).
    bottom = min(starts, default=0) + (-(-count // len(starts)) if starts else 0)
    while sum(max(0, bottom - s) for s in starts) < count:
        bottom += 1
    return bottom


def stanza_breaks(slots: list[Slot]) -> tuple[bool, ...]:
    """Where a poem's columns may break (V1): before slot i when slot i-1 ends a stanza (a blank
    verse line), or where verse meets other text; never inside a stanza nor under a subhead (H3)."""
    def blank(s: Slot) -> bool:
        return s.role == "verse" and not s.line.runs
    return tuple(i > 0 and slots[i - 1].role != "subhead" and not (
        slots[i - 1].role == "verse" and slots[i].role == "verse" and not blank(slots[i - 1]))
        for i in range(len(slots)))


def stanza_columns(slots: list[Slot], span: int, starts: tuple[int, ...] = ()) -> list[list[Slot]] | None:
    """A poem's slots over span columns broken only between stanzas (V1), the lowest foot first, then
    the most even; None when the poem has too few stanza breaks for the span."""
    starts = starts or (0,) * span
    found = _stanza_cuts(stanza_breaks(slots), len(slots), starts)
    if found is None:
        return None
    edges = (0,) + found + (len(slots),)
    return [slots[a:b] for a, b in zip(edges, edges[1:])]


@lru_cache(maxsize=4096)
def _stanza_cuts(breaks: tuple[bool, ...], count: int, starts: tuple[int, ...]) -> tuple[int, ...] | None:
    allowed = [i for i, ok in enumerate(breaks) if ok]
    best, chosen = None, None
    for cuts in combinations(allowed, len(starts) - 1):
        edges = (0,) + cuts + (count,)
        feet = [start + b - a for start, a, b in zip(starts, edges, edges[1:])]
        key = (max(feet), max(feet) - min(feet))
        if best is None or key < best:
            best, chosen = key, cuts
    return chosen


def columns_bottom(slots: list[Slot], starts: tuple[int, ...]) -> int:
    """body_bottom for these slots: a poem's columns as stanza_columns breaks them (V1)."""
    if any(s.role == "verse" for s in slots) and (columns := stanza_columns(slots, len(starts), starts)):
        return max(start + len(column) for start, column in zip(starts, columns))
    return body_bottom(len(slots), starts)


def split_columns(slots: list[Slot], span: int, starts: tuple[int, ...] = ()) -> list[list[Slot]]:
    """Balance slots over span columns, each starting `starts[k]` lines down (under a photo) and
    all ending together: heights differ by at most one line (G5), the shorter ones last, unless
    putting a shorter column earlier keeps a paragraph's last line from standing alone at the top
    of a column (I4) or a subhead from the foot of one (H3). A poem's columns break between its
    stanzas instead (V1)."""
    starts = starts or (0,) * span
    if any(s.role == "verse" for s in slots) and (columns := stanza_columns(slots, span, starts)):
        return columns
    bottom = body_bottom(len(slots), starts)
    room = [max(0, bottom - s) for s in starts]
    shorts = sum(room) - len(slots)  # columns one line shorter than the others
    open_columns = [k for k in range(span) if room[k]]
    # Which columns are short: the last ones first (G5's preference), then every other choice.
    choices = sorted(combinations(open_columns, shorts), key=lambda c: sorted((-k for k in c)))
    split = None
    for short in choices:
        columns, start = [], 0
        for k in range(span):
            n = room[k] - (k in short)
            columns.append(slots[start:start + n])
            start += n
        if split is None:
            split = columns
        if not any(stranded(a, b) for a, b in zip(columns, columns[1:])):
            return columns
    return split


def stranded(column: list[Slot], following: list[Slot]) -> str:
    """'I4' or 'H3' when the break between two columns strands a line, else ''."""
    if not column or not following:
        return ""
    return break_rule(column[-1].role, column[-1].line.last, following[0].role, following[0].line.last)


def break_rule(end: str, end_last: bool, start: str, start_last: bool) -> str:
    """'I4' or 'H3' when a column ending in a line of role `end` (the last of its paragraph or not)
    followed by one starting with a line of role `start` strands a line, else ''."""
    if start == "body" and start_last and end == "body" and not end_last:
        return "I4"
    return "H3" if end == "subhead" else ""


def module_slots(module: Module, fits: Fits) -> list[Slot]:
    """The body slots a module holds, with its jump lines."""
    fmt = fits.fmt
    slots = list(fits.body(module.article_id)[module.slots[0]:module.slots[1]])
    if module.jump_from is not None:
        slots.insert(0, jump_slot(fmt, f"（上接第{module.jump_from}版）", "left"))
    if module.jump_to is not None:
        slots.append(jump_slot(fmt, f"（下转第{module.jump_to}版）", "right"))
    return slots


def module_columns(module: Module, fits: Fits) -> list[list[Slot]]:
    """The module's body, column by column, as the planner measured it."""
    top = min(module.body_tops)
    starts = tuple(t - top for t in module.body_tops)
    return split_columns(module_slots(module, fits), module.span, starts)
