"""Content lint: what an editor must hear about an issue that builds: characters a font cannot
print, text cut because the article allows it, pages left empty or not full enough, headlines side
by side, column breaks that strand a paragraph's last line (I4) or a subhead (H3), placeholders
left by `layout import` or `layout new`, and a byline repeated as the last paragraph.

Every finding carries a code (a rule of docs/rules.md or a kind of note of docs/check.md) that ends
its message in parentheses, so `layout check --allow CODE` can accept a kind of note. A missing
glyph is an error: the page would print a blank where the character should be.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from layout.frame import IssueFrames, LineFrame
from layout.messages import t
from layout.model import Issue, Paragraph, Plan
from layout.plan.columns import break_rule
from layout.source.new_issue import EXAMPLE_HEADLINE, PLACEHOLDER_CODE, PLACEHOLDER_NAME
from layout.text.issue_text import TextReport

_BYLINE_MARKS = re.compile(r"[\s（）()■□●◆▲【】\[\]]")


@dataclass(frozen=True)
class Finding:
    code: str  # I4, H3 … or a kind of note of docs/check.md: missing-glyph, cut, fill, tombstone, placeholder …
    message: str  # in the editor's language, without the code
    error: bool = False  # an error fails `layout check`; a note only under --strict
    article: str = ""  # the article's id, where the finding is about one (the preview shows it on its zone)
    page: int = 0  # the 版, where it is about one page

    def __str__(self) -> str:
        return t("{message} ({code})", message=self.message, code=self.code)


def _article(a) -> str:
    return t("{file} 《{headline}》", file=f"{a.id}.md", headline=a.headline)


def lint(issue: Issue, plan: Plan, frames: IssueFrames, text: TextReport) -> list[Finding]:
    found = [Finding("missing-glyph", t("{place}: the {role} font has no glyph for “{char}” U+{code}",
                                        place=m.place, role=m.role, char=m.char, code=f"{ord(m.char):04X}"),
                     error=True, article=m.article_id) for m in text.missing]
    printed: dict[str, int] = {}  # body characters on the pages, by article
    for line in (line for page in frames.pages for line in page.lines if line.slot >= 0):
        printed[line.article] = printed.get(line.article, 0) + len(line.text)
    for article in issue.articles:
        lost = frames.article(article.id).body_chars - printed.get(article.id, 0)
        if lost:
            found.append(Finding("cut", t("{article}: the last {count} characters are cut, as allow_cut allows",
                                          article=_article(article), count=lost), article=article.id))
    found += [Finding(note.code, note.message, page=note.page) for note in plan.warnings]
    found += [Finding("blank-page", t("第{page}版 is empty: the issue ran out of copy", page=page.number),
                      page=page.number)
              for page in plan.pages if not page.modules]
    found += _column_breaks(frames)
    found += placeholders(issue)
    found += _repeated_bylines(issue)
    return found


def placeholders(issue: Issue) -> list[Finding]:
    """Values `layout import` and `layout new` leave for the editor to fill in, and the example article."""
    found = []
    if issue.paper.name == PLACEHOLDER_NAME:
        found.append(Finding("placeholder", t("issue.toml: the paper is still named {name}: write its name",
                                              name=PLACEHOLDER_NAME)))
    if issue.paper.code == PLACEHOLDER_CODE:
        found.append(Finding("placeholder", t("issue.toml: the paper code is still {code}: it names the files "
                                              "the print shop receives", code=PLACEHOLDER_CODE)))
    found += [Finding("placeholder", t("issue.toml: 第{page}版 has no section name", page=p.number),
                      page=p.number)
              for p in issue.pages if not p.section.strip()]
    found += [Finding("placeholder", t("{article} is the example of layout new: replace it with copy",
                                       article=_article(a)), article=a.id)
              for a in issue.articles if a.headline == EXAMPLE_HEADLINE]
    return found


def _repeated_bylines(issue: Issue) -> list[Finding]:
    """A byline in the front matter that the body repeats as its last paragraph prints twice."""
    found = []
    for a in issue.articles:
        last = a.blocks[-1] if a.blocks else None
        if (a.byline and isinstance(last, Paragraph)
                and _BYLINE_MARKS.sub("", last.text) == _BYLINE_MARKS.sub("", a.byline)):
            found.append(Finding("byline-repeated", t(
                "{file}:{line}: the last paragraph repeats the byline “{byline}” of 《{headline}》: it would print "
                "twice; delete the paragraph", file=f"articles/{a.id}.md", line=last.line, byline=a.byline,
                headline=a.headline), article=a.id))
    return found


def _stranded(column: list[LineFrame], following: list[LineFrame]) -> str:
    """The rule (I4, H3) a break between two columns of lines breaks, or ''."""
    if not column or not following:
        return ""
    return break_rule(column[-1].part, column[-1].last, following[0].part, following[0].last)


def _column_breaks(frames: IssueFrames) -> list[Finding]:
    """Column breaks the balancing could not keep clean (a column with no slack line to give)."""
    out = []
    for page in frames.pages:
        for zone in page.zones:
            by_column: dict[int, list[LineFrame]] = {}
            for line in page.zone_lines(zone):
                if line.column >= 0:
                    by_column.setdefault(line.column, []).append(line)
            columns = [by_column.get(zone.cells.column + k, []) for k in range(zone.cells.span)]
            for k, (column, following) in enumerate(zip(columns, columns[1:]), start=1):
                rule = _stranded(column, following)
                if rule == "I4":
                    message = t("第{page}版 {file}: a paragraph's last line alone at the top of column {column} "
                                "of {span}", page=page.number, file=f"{zone.article}.md", column=k + 1,
                                span=zone.cells.span)
                elif rule:
                    message = t("第{page}版 {file}: a subhead at the foot of column {column} of {span}",
                                page=page.number, file=f"{zone.article}.md", column=k, span=zone.cells.span)
                else:
                    continue
                out.append(Finding(rule, message, article=zone.article, page=page.number))
    return out
