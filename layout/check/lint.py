"""Content lint: what an editor must hear about an issue that builds: characters a font cannot
print, text cut because the article allows it, pages left empty."""
from __future__ import annotations

from layout.model import Issue, Plan
from layout.plan.fit import Fits
from layout.text.issue_text import TextReport


def lint(issue: Issue, plan: Plan, fits: Fits, text: TextReport) -> list[str]:
    problems = [f"{m.place}: 字体（{m.role}）缺字 “{m.char}” U+{ord(m.char):04X}" for m in text.missing]
    for article in issue.articles:
        body = fits.body(article.id)
        printed = sum(m.slots[1] - m.slots[0] for m in plan.modules_of(article.id))
        if printed < len(body):
            lost = sum(len(s.line.text) for s in body[printed:])
            problems.append(f"{article.id}.md: 《{article.headline}》 cut by {lost} characters (allow_cut)")
    problems += [f"{a.id}.md: 《{a.headline}》 has {len(a.figures)} photos: print places the first, the EPUB all"
                 for a in issue.articles if len(a.figures) > 1]
    problems += [f"第{page.number}版 is empty: the issue ran out of copy" for page in plan.pages if not page.modules]
    return problems
