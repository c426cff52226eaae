"""The plan memo: the whole issue's plan kept in the page cache folder, so a rebuild with nothing changed
does not plan at all.

The entry is keyed by everything the planner reads: the issue as normalised (every article's text, front
matter and figures with their pixel sizes, the pages, the ads), the editor's pins, and what the compose
cache keys its entries by (layout.plan.compose_cache: this program's sources and the versions of the
libraries that shape and segment text, the house settings, the page format, the font files), plus the
language and message catalogue the plan's notes are written in. The planner is deterministic (a fixed
budget of steps a page, seeded orders), so the plan read back is the plan that planning again would give
(invariant 5). Entries are JSON, never code; one that does not read back as a plan is planned again, and a
plan that cannot be made (copy left over, a pin without room) is never stored: it is refused again.
"""
from __future__ import annotations

import json
from dataclasses import astuple, fields
from pathlib import Path

from layout.messages import CATALOG, language
from layout.model import Issue, Module, PagePlan, PhotoBox, Pin, PlacedAd, Plan, PlanNote
from layout.plan.compose_cache import compose_salt
from layout.plan.fit import Fits
from layout.plan.planner import plan_issue
from layout.render.page_cache import PageCache, file_fingerprint

_FORMAT = "plan memo 1"  # the entry's layout: a new one when the encoding below changes
_MODULE_FIELDS = tuple(f.name for f in fields(Module))


def plan_key(issue: Issue, fits: Fits, pins: dict[str, Pin]) -> str:
    """The memo's key: a digest of every input the planner reads."""
    return PageCache.bytes_key(_FORMAT, compose_salt(fits.fmt), language(), file_fingerprint(Path(CATALOG)),
                               repr(issue), repr(sorted(pins.items())))


def memo_plan(issue: Issue, fits: Fits, pins: dict[str, Pin], cache: PageCache) -> Plan:
    """plan_issue's plan, read from the cache when an earlier build made it of the same inputs (else made
    now, and staged)."""
    key = plan_key(issue, fits, pins)
    data = cache.get_bytes(key)
    plan = decode(data, issue) if data is not None else None
    if plan is None:
        plan = plan_issue(issue, fits, pins)
        cache.stage_bytes(key, encode(plan, issue))
    return plan


# --- JSON: lists of plain values, in the order of the dataclasses' fields ---------------------------


def encode(plan: Plan, issue: Issue) -> bytes:
    pages = [[page.number, [_module(m) for m in page.modules],
              [[issue.ads.index(a.ad), a.column, a.line] for a in page.ads]] for page in plan.pages]
    notes = [[n.code, n.page, n.message] for n in plan.warnings]
    return json.dumps([pages, notes], ensure_ascii=False).encode()


def _module(m: Module) -> list:
    out = []
    for name in _MODULE_FIELDS:
        value = getattr(m, name)
        out.append([astuple(box) for box in value] if name == "photos" else value)
    return out


def _unmodule(data: list) -> Module:
    values = dict(zip(_MODULE_FIELDS, data, strict=True))
    values["photos"] = tuple(PhotoBox(*box) for box in values["photos"])
    values["slots"], values["body_tops"] = tuple(values["slots"]), tuple(values["body_tops"])
    return Module(**values)


def decode(data: bytes, issue: Issue) -> Plan | None:
    """The entry as a Plan, or None if it is not one (planned again)."""
    try:
        pages, notes = json.loads(data)
        return Plan(tuple(PagePlan(number, tuple(map(_unmodule, modules)),
                                   tuple(PlacedAd(issue.ads[ad], column, line) for ad, column, line in ads))
                          for number, modules, ads in pages),
                    tuple(PlanNote(code, page, message) for code, page, message in notes))
    except (TypeError, ValueError, IndexError, KeyError):
        return None
