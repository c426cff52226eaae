"""Writing plan.toml, the editor's override of the automatic plan (read back by
layout.source.plan_pins).

`layout plan` writes every module of the automatic plan; an editor sets `pin = true` on an
article (and may change its page, column, line or span, or delete one of them to leave it
to the planner), and the next build places pinned articles there and the rest around them.
Columns and lines count from 1 as editors count them; line 1 is the first line below the
报头/报眉.
"""
from __future__ import annotations

from layout.model import Issue, Pin, Plan
from layout.plan.grid import page_format


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dumps_plan(issue: Issue, plan: Plan, pins: dict[str, Pin]) -> str:
    """plan.toml for a plan; articles the editor had pinned stay pinned."""
    fmt = page_format(issue.format)
    out = [f"# {issue.paper.name} {issue.info.date:%Y-%m-%d}: the automatic plan (layout plan).",
           "# Set pin = true to keep an article where it is listed (change page/column/line/span to move it;",
           "# delete one of them to leave it to the planner). Columns and lines count from 1; line 1 is the",
           "# first line below the 报头/报眉. Continuations after a jump (part = 1) are listed for reference.", ""]
    for page in plan.pages:
        for m in page.modules:
            out += ["[[article]]", f"id = {_q(m.article_id)}", f"headline = {_q(issue.article(m.article_id).headline)}"]
            if m.part:
                out.append(f"part = {m.part}")
            else:
                out.append(f"pin = {'true' if m.article_id in pins else 'false'}")
            out += [f"page = {m.page}", f"column = {m.column + 1}",
                    f"line = {m.line - fmt.reserved_lines(m.page) + 1}", f"span = {m.span}", ""]
    return "\n".join(out)
