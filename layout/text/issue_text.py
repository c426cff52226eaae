"""The text stage over a whole issue: normalise every text field, and find missing glyphs.

Returns a new Issue (the model is immutable) and a report an editor can review: what the
normaliser changed in each article, and characters that a role's font cannot print.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from layout.model import Article, EditorsNote, Issue, Paragraph, Subhead
from layout.text.fonts import missing_glyphs, resolve
from layout.text.normalise import Change, normalise

_TEXT_FIELDS = ("headline", "kicker", "subtitle", "short_headline", "byline", "dateline",
                "photo_caption", "photo_credit")
# Which role's font sets each kind of text (fonts/roles.toml).
_ROLE_OF_BLOCK = {Paragraph: "body", Subhead: "headline", EditorsNote: "caption"}


@dataclass(frozen=True)
class Missing:
    article_id: str
    where: str  # e.g. "headline", "line 12"
    char: str
    role: str


@dataclass
class TextReport:
    changes: dict[str, list[tuple[str, Change]]] = field(default_factory=dict)  # article → (where, change)
    missing: list[Missing] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = []
        for aid, changes in self.changes.items():
            if changes:
                rules = Counter(c.rule for _, c in changes)
                detail = "，".join(f"{rule} {n} 处" for rule, n in sorted(rules.items()))
                lines.append(f"{aid}：规范化 {len(changes)} 处（{detail}），详见 layout.json")
        return lines


def _normalise_article(article: Article, report: TextReport) -> Article:
    changes: list[tuple[str, Change]] = []
    updates: dict = {}
    for name in _TEXT_FIELDS:
        value = getattr(article, name)
        if value:
            updates[name], ch = normalise(value)
            changes += [(name, c) for c in ch]
    blocks = []
    for block in article.blocks:
        text, ch = normalise(block.text)
        changes += [(f"line {block.line}", c) for c in ch]
        blocks.append(replace(block, text=text))
    figures = []
    for fig in article.figures:
        caption, ch1 = normalise(fig.caption)
        credit, ch2 = normalise(fig.credit)
        changes += [("caption", c) for c in ch1 + ch2]
        figures.append(replace(fig, caption=caption, credit=credit))
    report.changes[article.id] = changes
    return replace(article, blocks=tuple(blocks), figures=tuple(figures), **updates)


def _check_glyphs(article: Article, report: TextReport) -> None:
    checks = [("headline", "headline", article.headline), ("kicker", "headline", article.kicker),
              ("subtitle", "headline", article.subtitle), ("byline", "caption", article.byline)]
    checks += [(f"line {b.line}", _ROLE_OF_BLOCK[type(b)], b.text) for b in article.blocks]
    checks += [("caption", "caption", f.caption + f.credit) for f in article.figures]
    for where, role, text in checks:
        for _, char in missing_glyphs(text, resolve(role)):
            report.missing.append(Missing(article.id, where, char, role))


def normalise_issue(issue: Issue) -> tuple[Issue, TextReport]:
    report = TextReport()
    articles = tuple(_normalise_article(a, report) for a in issue.articles)
    for a in articles:
        _check_glyphs(a, report)
    return replace(issue, articles=articles), report
