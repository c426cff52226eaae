"""Writing plan.toml, the editor's override of the automatic plan (read back by
layout.source.plan_pins).

`layout plan` writes every module of the automatic plan; an editor sets `pin = true` on an
article (and may change its page, column, line or span, or delete one of them to leave it
to the planner), and the next build places pinned articles there and the rest around them.
Columns and lines count from 1 as editors count them; line 1 is the first line below the
报头/报眉.
"""
from __future__ import annotations

from layout.messages import t
from layout.model import Issue, Module, Pin, Plan
from layout.plan.grid import PageFormat, page_format


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plan_address(m: Module, fmt: PageFormat) -> dict[str, int]:
    """Where a module is, as plan.toml and layout.json both write it: page, first column and first line
    counted from 1 (line 1 below the 报头/报眉), span in columns."""
    return {"page": m.page, "column": m.column + 1, "line": m.line - fmt.reserved_lines(m.page) + 1, "span": m.span}


def dumps_plan(issue: Issue, plan: Plan, pins: dict[str, Pin]) -> str:
    """plan.toml for a plan; articles the editor had pinned stay pinned."""
    fmt = page_format(issue.format)
    out = [t("# {paper} {date}: the automatic plan (layout plan).", paper=issue.paper.name,
             date=f"{issue.info.date:%Y-%m-%d}"),
           t("# Set pin = true to keep an article where it is listed (change page/column/line/span to move it;"),
           t("# delete one of them to leave it to the planner). Columns and lines count from 1; line 1 is the"),
           t("# first line below the 报头/报眉. Continuations after a jump (part = 1) are listed for reference."), ""]
    for page in plan.pages:
        for m in page.modules:
            out += ["[[article]]", f"id = {_q(m.article_id)}", f"headline = {_q(issue.article(m.article_id).headline)}"]
            if m.part:
                out.append(f"part = {m.part}")
            else:
                out.append(f"pin = {'true' if m.article_id in pins else 'false'}")
            out += [f"{key} = {value}" for key, value in plan_address(m, fmt).items()] + [""]
    return "\n".join(out)
