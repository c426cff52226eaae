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
from layout.plan.columns import module_columns
from layout.plan.plan_file import plan_address
from layout.plan.planner import page_fill
from layout.text.issue_text import TextReport


def _rect_mm(column: int, line: int, span: int, height: int, fmt: PageFormat) -> dict[str, float]:
    return {
        "x": round(fmt.column_x(column) / MM, 2),
        "y": round(fmt.line_y(line) / MM, 2),
        "width": round(fmt.span_width(span) / MM, 2),
        "height": round(height * fmt.line_pitch / MM, 2),
    }


def _photos(m: Module, fmt: PageFormat) -> list[dict]:
    """Each photo's rectangle (grid units on the page, and mm), with the caption lines under it."""
    out = []
    for b in m.photos:
        column, line = m.column + b.column, m.line + b.line
        out.append({"figure": b.figure, "grid": {"column": column, "line": line, "span": b.span, "height": b.lines},
                    "mm": _rect_mm(column, line, b.span, b.lines, fmt), "caption_lines": b.caption_lines})
    return out


def body_chars(m: Module, fits: Fits) -> int:
    return sum(len(s.line.text) for s in fits.body(m.article_id)[m.slots[0]:m.slots[1]])


def layout_report(issue: Issue, plan: Plan, fits: Fits, text: TextReport) -> dict:
    fmt = fits.fmt
    pages = []
    for page in plan.pages:
        reserved = fmt.reserved_lines(page.number)
        modules = []
        for m in page.modules:
            modules.append({
                "article": m.article_id, "part": m.part, "plan": plan_address(m, fmt),
                "grid": {"column": m.column, "line": m.line, "span": m.span, "height": m.height},
                "mm": _rect_mm(m.column, m.line, m.span, m.height, fmt),
                "head_lines": m.head_lines, "head_top": m.head_top, "top_lines": min(m.body_tops),
                "body_tops": list(m.body_tops), "photos": _photos(m, fmt), "photo_first": m.photo_first,
                "label_lines": m.label_lines,
                "body_lines": max(len(c) for c in module_columns(m, fits)), "body_slots": list(m.slots),
                "headline_size": m.headline_size, "jump_to": m.jump_to, "jump_from": m.jump_from,
            })
        ads = [{"file": a.ad.file.name, "grid": {"column": a.column, "line": a.line, "span": a.ad.columns,
                                                 "height": a.ad.lines},
                "mm": _rect_mm(a.column, a.line, a.ad.columns, a.ad.lines, fmt)} for a in page.ads]
        pages.append({
            "number": page.number, "section": issue.page(page.number).section,
            "type_area": {"columns": fmt.columns, "lines": fmt.lines, "reserved_lines": reserved},
            "fill": round(page_fill(page, fmt), 4), "modules": modules, "ads": ads,
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
