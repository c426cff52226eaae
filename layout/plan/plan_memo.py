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

Beside the plan, each page the planner searched is kept (StoredPages: its settled copy by the planner's
page_key, a digest of everything that page's search reads), so that after a one-article edit only the
pages whose inputs changed are searched again. Those entries share the plan's suffix; the plan's entry
names the page entries it was made of, so a rebuild that reads the plan keeps them for the next edit.
"""
from __future__ import annotations

import json
from dataclasses import astuple, fields
from pathlib import Path

from layout.messages import CATALOG, language
from layout.model import Issue, Module, PagePlan, PhotoBox, Pin, PlacedAd, Plan, PlanNote
from layout.plan.compose_cache import compose_salt
from layout.plan.fit import Fits
from layout.plan.planner import Settled, plan_issue
from layout.render.page_cache import PLAN_SUFFIX, PageCache, file_fingerprint

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
    entry = cache.read(key + PLAN_SUFFIX)
    plan = decode(entry[1], issue) if entry is not None else None
    if plan is not None and all(isinstance(name, str) and name.endswith(PLAN_SUFFIX) for name in entry[0]):
        cache.used.update(entry[0])  # the pages it was made of stay, for the next edit
    if plan is None:
        pages = StoredPages(cache, compose_salt(fits.fmt))
        plan = plan_issue(issue, fits, pins, pages)
        cache.stage_entry(key + PLAN_SUFFIX, sorted(pages.names), encode(plan, issue))
    return plan


class StoredPages(dict):
    """The planner's page memo (layout.plan.planner.PageMemo) backed by the page cache: a page searched by
    an earlier build is read back, a page searched now is staged. `names`: every entry this plan read or made."""

    def __init__(self, cache: PageCache, salt: str):
        super().__init__()
        self.cache, self.salt, self.names = cache, salt, set()

    def name(self, key: str) -> str:
        return PageCache.bytes_key(_FORMAT, self.salt, key) + PLAN_SUFFIX

    def get(self, key: str, default=None):
        if key not in self:
            entry = self.cache.read(self.name(key))
            settled = _unsettled(entry[1]) if entry is not None else _BROKEN
            if settled is _BROKEN:
                return default
            super().__setitem__(key, settled)
            self.names.add(self.name(key))
        return self[key]

    def __setitem__(self, key: str, settled: Settled | str | None) -> None:
        super().__setitem__(key, settled)
        self.names.add(self.name(key))
        self.cache.stage_entry(self.name(key), [], _settled(settled))


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


_BROKEN = object()  # a page entry that does not read back: searched again


def _settled(settled: Settled | str | None) -> bytes:
    data = settled if not isinstance(settled, Settled) else \
        [settled.cost, [_module(m) for m in settled.modules], settled.stones]
    return json.dumps(data, ensure_ascii=False).encode()


def _unsettled(data: bytes) -> Settled | str | None | object:
    """The page entry as the planner's memo holds it (Settled, None or its marker), or _BROKEN."""
    try:
        value = json.loads(data)
        if value is None or isinstance(value, str):
            return value
        cost, modules, stones = value
        return Settled(cost, tuple(map(_unmodule, modules)), stones)
    except (TypeError, ValueError, IndexError, KeyError):
        return _BROKEN


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
