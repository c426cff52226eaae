"""layout.json: the contract every later consumer reads (docs/design.md, "Contracts between stages").

For every page, every module with its article, rectangle in mm and in grid units, lines used
and jumps, and the page's fill; for every article, its characters and where each part went.
A module's place is written twice, named: `plan` in plan.toml's numbering (page, column and line
from 1, line 1 below the 报头/报眉: the address an editor pins), `grid` in the type area's cells
(column and line from 0, line 0 at the top of the type area, the masthead included).
"""
from __future__ import annotations

import json

from layout.model import Issue, Module, Plan
from layout.plan.fit import Fits
from layout.house import MM
from layout.plan.grid import PageFormat
from layout.plan.columns import module_slots, top_lines
from layout.plan.plan_file import plan_address
from layout.text.issue_text import TextReport


def _rect_mm(m: Module, fmt: PageFormat) -> dict[str, float]:
    return {
        "x": round(fmt.column_x(m.column) / MM, 2),
        "y": round(fmt.line_y(m.line) / MM, 2),
        "width": round(fmt.span_width(m.span) / MM, 2),
        "height": round(m.height * fmt.line_pitch / MM, 2),
    }


def body_chars(m: Module, fits: Fits) -> int:
    return sum(len(s.line.text) for s in fits.body(m.article_id)[m.slots[0]:m.slots[1]])


def layout_report(issue: Issue, plan: Plan, fits: Fits, text: TextReport) -> dict:
    fmt = fits.fmt
    pages = []
    for page in plan.pages:
        reserved = fmt.reserved_lines(page.number)
        area = fmt.columns * (fmt.lines - reserved)
        modules = []
        for m in page.modules:
            slots = module_slots(m, fits)
            modules.append({
                "article": m.article_id, "part": m.part, "plan": plan_address(m, fmt),
                "grid": {"column": m.column, "line": m.line, "span": m.span, "height": m.height},
                "mm": _rect_mm(m, fmt),
                "head_lines": m.head_lines, "figure_lines": m.figure_lines, "top_lines": top_lines(m, fits),
                "photo_first": m.photo_first,
                "body_lines": -(-len(slots) // m.span), "body_slots": list(m.slots),
                "headline_size": m.headline_size, "jump_to": m.jump_to, "jump_from": m.jump_from,
            })
        covered = sum(m.span * m.height for m in page.modules)
        pages.append({
            "number": page.number, "section": issue.page(page.number).section,
            "type_area": {"columns": fmt.columns, "lines": fmt.lines, "reserved_lines": reserved},
            "fill": round(covered / area, 4), "modules": modules,
        })
    articles = []
    for a in issue.articles:
        parts = [{"page": m.page, "part": m.part, "chars": body_chars(m, fits)} for m in plan.modules_of(a.id)]
        changes = [{"where": where, "rule": c.rule, "before": c.before, "after": c.after}
                   for where, c in text.changes.get(a.id, [])]
        articles.append({"id": a.id, "headline": a.headline, "priority": a.priority,
                         "chars": sum(len(s.line.text) for s in fits.body(a.id)), "parts": parts,
                         "normalised": changes})
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
