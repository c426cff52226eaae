"""A module's body in columns: which slots it holds (with its jump lines), how many lines sit
above them, and how they are balanced over the span (G5) without stranding a line (I4, H3).
The painter, layout.json and the content lint all read the columns from here."""
from __future__ import annotations

from itertools import combinations

from layout.model import Module
from layout.plan.fit import Fits, Slot, jump_slot


def split_columns(slots: list[Slot], span: int) -> list[list[Slot]]:
    """Balance slots over span columns: heights differ by at most one line (G5), the shorter ones
    last, unless putting a shorter column earlier keeps a paragraph's last line from standing alone
    at the top of a column (I4) or a subhead from the foot of one (H3)."""
    height = -(-len(slots) // span)
    shorts = span * height - len(slots)  # columns one line shorter than the module's height
    # Which columns are short: the last ones first (G5's preference), then every other choice.
    choices = sorted(combinations(range(span), shorts), key=lambda c: sorted((-k for k in c)))
    split = None
    for short in choices:
        columns, start = [], 0
        for k in range(span):
            n = height - (k in short)
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
    if following[0].role == "body" and following[0].line.last and column[-1].role == "body" \
            and not column[-1].line.last:
        return "I4"
    return "H3" if column[-1].role == "subhead" else ""


def module_slots(module: Module, fits: Fits) -> list[Slot]:
    """The body slots a module holds, with its jump lines."""
    fmt = fits.fmt
    slots = list(fits.body(module.article_id)[module.slots[0]:module.slots[1]])
    if module.jump_from is not None:
        slots.insert(0, jump_slot(fmt, f"（上接第{module.jump_from}版）", "left"))
    if module.jump_to is not None:
        slots.append(jump_slot(fmt, f"（下转第{module.jump_to}版）", "right"))
    return slots


def top_lines(module: Module, fits: Fits) -> int:
    """Lines above the body columns: headline group, photo and caption."""
    shape = fits.shape(module.article_id, module.span, module.headline_size, module.part > 0)
    return module.head_lines + module.figure_lines + len(shape.caption)
