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
    heads = sorted((m for m in modules if m.part == 0), key=lambda m: issue.article(m.article_id).priority)
    if not heads:
        return modules
    lowered: dict[tuple[str, int], Module] = {}
    lead = heads[0] if front else None
    done: list[Module] = []
    for m in heads:
        priority = issue.article(m.article_id).priority
        above = [d.headline_size for d in done if issue.article(d.article_id).priority < priority]
        cap = min(above, default=m.headline_size)
        if lead is not None and m is not lead:
            cap = min(cap, lowered.get((lead.article_id, 0), lead).headline_size - h["lead_margin"])
        if m.headline_size > cap:
            m = _lowered(m, cap, fits)
            lowered[(m.article_id, 0)] = m
        done.append(m)
    return [lowered.get((m.article_id, m.part), m) for m in modules]


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
