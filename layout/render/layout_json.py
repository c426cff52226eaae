"""layout.json: the contract every later consumer reads (docs/design.md, "Contracts between stages").

For every page, every module with its article, rectangle in mm and in grid units, lines used
and jumps, and the page's fill; for every article, its characters and where each part went.
A module's place is written twice, named: `plan` in plan.toml's numbering (page, column and line
from 1, line 1 below the 报头/报眉: the address an editor pins), `grid` in the type area's cells
(column and line from 0, line 0 at the top of the type area, the masthead included).
"""
from __future__ import annotations

import json

from layout.frame import IssueFrames, PageFrame, Zone
from layout.house import MM
from layout.model import Issue, Module, Plan
from layout.plan.grid import PageFormat
from layout.plan.plan_file import plan_address
from layout.plan.planner import page_fill
from layout.text.issue_text import TextReport


def _photos(frame: PageFrame, zone: Zone) -> list[dict]:
    """Each photo's rectangle (grid units on the page, and mm), with the caption lines under it."""
    return [{"figure": f.figure, "grid": {"column": f.cells.column, "line": f.cells.line, "span": f.cells.span,
                                          "height": f.cells.height},
             "mm": f.box.mm(), "caption_lines": f.caption_lines}
            for f in frame.figures if (f.article, f.article_part) == (zone.article, zone.article_part)]


def body_chars(frame: PageFrame, zone: Zone) -> int:
    """Characters of the article's body the module holds (its jump lines not counted)."""
    return sum(len(line.text) for line in frame.zone_lines(zone) if line.slot >= 0)


def body_lines(frame: PageFrame, zone: Zone) -> int:
    """Body lines of the module's tallest column, its jump lines included."""
    columns: dict[int, int] = {}
    for line in frame.zone_lines(zone):
        if line.column >= 0:
            columns[line.column] = columns.get(line.column, 0) + 1
    return max(columns.values(), default=0)


def _module(m: Module, frame: PageFrame, zone: Zone, fmt: PageFormat) -> dict:
    return {
        "article": m.article_id, "part": m.part, "plan": plan_address(m, fmt),
        "grid": {"column": zone.cells.column, "line": zone.cells.line, "span": zone.cells.span,
                 "height": zone.cells.height},
        "mm": zone.rect.mm(),
        "head_lines": m.head_lines, "head_top": m.head_top, "top_lines": min(m.body_tops),
        "body_tops": list(m.body_tops), "photos": _photos(frame, zone), "photo_first": m.photo_first,
        "label_lines": m.label_lines, "body_lines": body_lines(frame, zone), "body_slots": list(m.slots),
        "headline_size": m.headline_size, "jump_to": m.jump_to, "jump_from": m.jump_from,
    }


def layout_report(issue: Issue, plan: Plan, frames: IssueFrames, fmt: PageFormat, text: TextReport) -> dict:
    pages = []
    chars: dict[tuple[str, int], int] = {}  # body characters of each module, by (article, part)
    for page, frame in zip(plan.pages, frames.pages):
        reserved = fmt.reserved_lines(page.number)
        modules = [_module(m, frame, zone, fmt) for m, zone in zip(page.modules, frame.zones)]
        chars.update({(zone.article, zone.article_part): body_chars(frame, zone) for zone in frame.zones})
        ads = [{"file": ad.source.name, "grid": {"column": ad.cells.column, "line": ad.cells.line,
                                                 "span": ad.cells.span, "height": ad.cells.height},
                "mm": ad.rect.mm()} for ad in frame.ads]
        pages.append({
            "number": page.number, "section": issue.page(page.number).section,
            "type_area": {"columns": fmt.columns, "lines": fmt.lines, "reserved_lines": reserved},
            "fill": round(page_fill(page, fmt), 4), "modules": modules, "ads": ads,
        })
    articles = []
    for a in issue.articles:
        parts = [{"page": m.page, "part": m.part, "chars": chars[a.id, m.part]} for m in plan.modules_of(a.id)]
        changes = [{"where": where, "rule": c.rule, "before": c.before, "after": c.after}
                   for where, c in text.changes.get(a.id, [])]
        articles.append({"id": a.id, "headline": a.headline, "priority": a.priority,
                         "chars": frames.article(a.id).body_chars, "parts": parts, "normalised": changes})
    trim_w, trim_h = fmt.trim_mm
    return {
        "paper": issue.paper.code, "date": issue.info.date.isoformat(), "format": fmt.key,
        "grid": {"trim_mm": [trim_w, trim_h], "columns": fmt.columns, "chars_per_column": fmt.chars_per_column,
                 "body_size_pt": fmt.body_size, "line_pitch_pt": fmt.line_pitch, "lines": fmt.lines,
                 "origin_mm": [round(v / MM, 2) for v in fmt.origin]},
        "pages": pages, "articles": articles,
    }


def dumps(report: dict) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")
