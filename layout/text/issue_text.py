"""The text stage over a whole issue: normalise every text field, and find missing glyphs.

Returns a new Issue (the model is immutable) and a report an editor can review: what the
normaliser changed in each article, and characters that a role's font cannot print.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from layout.messages import t
from layout.model import Article, EditorsNote, Issue, Paragraph, Subhead, Verse
from layout.text.article_parts import article_parts
from layout.text.fonts import FontFace, missing_glyphs, resolve
from layout.text.parts import part
from layout.text.normalise import Change, normalise

_TEXT_FIELDS = ("headline", "kicker", "subtitle", "short_headline", "byline", "dateline",
                "photo_caption", "photo_credit")
# Which part (styles/house.toml [parts]) sets each kind of block.
_PART_OF_BLOCK = {Paragraph: "body", Subhead: "subhead", EditorsNote: "note", Verse: "verse"}


@dataclass(frozen=True)
class Missing:
    article_id: str  # "" for the page furniture of issue.toml
    where: str  # a front-matter field ("headline"), a line of the body ("12") or "issue.toml"
    char: str
    role: str  # the font role of the part that sets it (fonts/roles.toml)

    @property
    def place(self) -> str:
        """Where the editor finds the character: '02-xx.md:12' (a line of the body), '02-xx.md headline' (a
        front-matter field) or 'issue.toml', the same in every language."""
        if not self.article_id:
            return self.where
        return f"{self.article_id}.md{':' if self.where.isdigit() else ' '}{self.where}"


@dataclass
class TextReport:
    changes: dict[str, list[tuple[str, Change]]] = field(default_factory=dict)  # article → (where, change)
    missing: list[Missing] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = []
        for aid, changes in self.changes.items():
            if changes:
                rules = Counter(c.rule for _, c in changes)
                detail = t(", ").join(t("{rule} {count}×", rule=rule, count=n) for rule, n in sorted(rules.items()))
                lines.append(t("{file}: {count} changes ({detail}), see layout.json", file=f"{aid}.md",
                               count=len(changes), detail=detail))
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
        if isinstance(block, Verse):  # line by line: normalising the whole would join the lines
            lines = []
            for n, verse_line in enumerate(block.lines):
                text, ch = normalise(verse_line)
                changes += [(f"line {block.line + n}", c) for c in ch]
                lines.append(text)
            blocks.append(replace(block, lines=tuple(lines)))
            continue
        text, ch = normalise(block.text)
        changes += [(f"line {block.line}", c) for c in ch]
        blocks.append(replace(block, text=text))
    figures = []
    for fig in article.figures:
        caption, ch1 = normalise(fig.caption)
        credit, ch2 = normalise(fig.credit)
        changes += [("caption", c) for c in ch1] + [("credit", c) for c in ch2]
        figures.append(replace(fig, caption=caption, credit=credit))
    report.changes[article.id] = changes
    return replace(article, blocks=tuple(blocks), figures=tuple(figures), **updates)


def _article_checks(article: Article) -> list[tuple[str, str, str]]:
    """(where, part, text) of everything the article prints, by the part that sets it."""
    # The byline opens the first paragraph (body face) where article_parts puts it into the
    # dateline; everywhere else it is a line of its own in the caption face.
    in_dateline = bool(article.byline) and article_parts(article).opening.endswith(f"（{article.byline}）")
    checks = [("headline", "headline", article.headline), ("kicker", "kicker", article.kicker),
              ("subtitle", "subtitle", article.subtitle), ("short_headline", "headline", article.short_headline),
              ("dateline", "body", article.dateline), ("byline", "body" if in_dateline else "byline", article.byline),
              ("photo_caption", "caption", article.photo_caption), ("photo_credit", "caption", article.photo_credit)]
    checks += [(str(b.line), _PART_OF_BLOCK[type(b)], b.text) for b in article.blocks]
    for f in article.figures:
        checks += [("caption", "caption", f.caption), ("credit", "caption", f.credit)]
    return checks


def _issue_checks(issue: Issue) -> list[tuple[str, str]]:
    """(role, text) of the page furniture issue.toml gives: 报头, 报眉 and the imprint."""
    checks = [("masthead", issue.paper.name), ("body", issue.paper.publisher), ("body", issue.paper.registration)]
    for page in issue.pages:
        checks += [("headline", page.section), ("headline", page.editor)]
    return checks


def _missing(text: str, face: FontFace) -> list[str]:
    return [char for _, char in missing_glyphs(text, face)]


def normalise_issue(issue: Issue) -> tuple[Issue, TextReport]:
    report = TextReport()
    articles = tuple(_normalise_article(a, report) for a in issue.articles)
    # Resolved even for empty text: every role must be installed for the build to go on.
    report.missing += [Missing("", "issue.toml", char, role)
                       for role, text in _issue_checks(issue) for char in _missing(text, resolve(role))]
    report.missing += [Missing(a.id, where, char, part(name).role)
                       for a in articles for where, name, text in _article_checks(a)
                       for char in _missing(text, part(name).face)]
    return replace(issue, articles=articles), report
