"""Headline sizes by rank on a page (H1): a less important story never gets a larger main
headline than a more important one, and on page 1 the 头条's is the largest.

The search sizes each headline for its own span; this pass then lowers any that out-shouts a
more important story on the same page, keeping the lines its module was given (a smaller size
never takes more lines: the difference is shared above and below the headline group).
"""
from __future__ import annotations

from dataclasses import replace

from layout.house import house
from layout.model import Issue, Module
from layout.plan.fit import Fits


def rank_headlines(modules: list[Module], issue: Issue, fits: Fits, front: bool) -> list[Module]:
    h = house()["headline"]
    # The modules that show a main headline (not a continuation, nor a brief going on in the next column).
    heads = sorted((n for n, m in enumerate(modules) if m.part == 0 and m.head_lines),
                   key=lambda n: issue.article(modules[n].article_id).priority)
    if not heads:
        return modules
    out = list(modules)
    lead = heads[0] if front else None
    done: list[Module] = []
    for n in heads:
        m = out[n]
        priority = issue.article(m.article_id).priority
        above = [d.headline_size for d in done if issue.article(d.article_id).priority < priority]
        cap = min(above, default=m.headline_size)
        if lead is not None and n != lead:
            cap = min(cap, out[lead].headline_size - h["lead_margin"])
        if m.headline_size > cap:
            out[n] = m = _lowered(m, cap, fits)
        done.append(m)
    # A brief going on in the next column of its 简讯 block carries its headline's size.
    sizes = {out[n].article_id: out[n].headline_size for n in heads}
    return [replace(m, headline_size=sizes[m.article_id]) if m.part == 0 and not m.head_lines
            and m.article_id in sizes else m for m in out]


def _lowered(m: Module, cap: float, fits: Fits) -> Module:
    """The module with its headline at the largest size ≤ cap that takes no more lines than before."""
    h = house()["headline"]
    span = m.head_columns
    before = fits.shape(m.article_id, span, m.headline_size).head_lines
    size = int(cap)
    while size > h["min_size"]:
        if fits.shape(m.article_id, span, size).head_lines <= before:
            break
        size -= h["step"]
    return replace(m, headline_size=fits.shape(m.article_id, span, max(size, h["min_size"])).headline_size)
