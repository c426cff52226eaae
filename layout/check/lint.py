"""Content lint: what an editor must hear about an issue that builds: characters a font cannot
print, text cut because the article allows it, pages left empty or not full enough, headlines
side by side, and column breaks that strand a paragraph's last line (I4) or a subhead (H3)."""
from __future__ import annotations

from layout.model import Issue, Plan
from layout.plan.fit import Fits
from layout.plan.columns import module_columns, stranded
from layout.text.issue_text import TextReport


def lint(issue: Issue, plan: Plan, fits: Fits, text: TextReport) -> list[str]:
    problems = [f"{m.place}: 字体（{m.role}）缺字 “{m.char}” U+{ord(m.char):04X}" for m in text.missing]
    for article in issue.articles:
        body = fits.body(article.id)
        printed = sum(m.slots[1] - m.slots[0] for m in plan.modules_of(article.id))
        if printed < len(body):
            lost = sum(len(s.line.text) for s in body[printed:])
            problems.append(f"{article.id}.md: 《{article.headline}》 cut by {lost} characters (allow_cut)")
    problems += list(plan.warnings)  # the planner's: pages not full enough, headlines side by side
    problems += [f"第{page.number}版 is empty: the issue ran out of copy" for page in plan.pages if not page.modules]
    problems += _column_breaks(plan, fits)
    return problems


def _column_breaks(plan: Plan, fits: Fits) -> list[str]:
    """Column breaks the balancing could not keep clean (a column with no slack line to give)."""
    out = []
    for page in plan.pages:
        for module in page.modules:
            columns = module_columns(module, fits)
            for k, (column, following) in enumerate(zip(columns, columns[1:]), start=1):
                rule = stranded(column, following)
                if rule:
                    what = "a paragraph's last line alone at the top of" if rule == "I4" else "a subhead at the foot of"
                    out.append(f"第{page.number}版 {module.article_id}.md: {what} column {k + (rule == 'I4')} "
                               f"of {module.span} ({rule})")
    return out
