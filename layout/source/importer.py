"""`layout import`: the raw text of a printed page → articles of an issue folder.

The raw text (see raw_text) is cut into articles, each article's headline group, byline,
dateline, photo caption and jump markers are taken out into the front matter, and the
rest becomes a Markdown body. Every decision goes into a report; text that is dropped
because the painter re-creates it (■, the brackets of 本报讯（记者 X）, 图/, 摄) is quoted in
the report between ‹ › so that nothing of the input is lost (check_nothing_lost).

Parsing is pure (import_text, render_report, check_nothing_lost); run_import does the I/O.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Literal, Sequence

import yaml

from layout.errors import BuildError, InputError
from layout.messages import t
from layout.output import OutputSet
from layout.source.input_files import article_files, read_input
from layout.source.issue_folder import parse_toml, read_text
from layout.source.markdown_body import parse_body
from layout.source.new_issue import PLACEHOLDER_CODE, PLACEHOLDER_NAME
from layout.source.raw_text import (
    CAPTION_CREDIT_RE,
    CJK_PUNCT,
    DATELINE_RE,
    HAN,
    JUMP_RE,
    Kind,
    Note,
    Unit,
    byline_match,
    credit_match,
    dateline_byline_ok,
    decode,
    line_breaks,
    read_units,
)
from layout.source.validate import check_characters

UNTITLED = "（无标题）"  # headline of text found before any headline; the only text not from the input
REPORT_NAME = "import-report.txt"
_BYLINE_KINDS = (Kind.TOP_BYLINE, Kind.END_BYLINE)
_TEXT_KINDS = (Kind.PARAGRAPH, Kind.HEADING, Kind.NOTE)  # units that become body blocks


# --- Segmenting the page into articles ----------------------------------------------------


@dataclass
class _Segment:
    """The units of one article while the page is being cut up."""

    head: list[Unit]  # the headline group's display lines
    body: list[Unit] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def byline_unit(self) -> Unit | None:
        first_paragraph = next((u for u in self.body if u.kind is Kind.PARAGRAPH), None)
        for unit in self.body:
            if unit.kind in _BYLINE_KINDS or (unit is first_paragraph and _dateline_byline(unit.text)):
                return unit
        return None

    def closed(self) -> bool:
        return any(u.kind is Kind.END_BYLINE for u in self.body)

    def has_text(self) -> bool:
        return any(u.kind in _TEXT_KINDS for u in self.body)

    def first_line(self) -> int:
        return min(u.line for u in self.head + self.body)


def _dateline_byline(text: str) -> str:
    m = DATELINE_RE.match(text)
    return m["by"] if m and m["by"] and dateline_byline_ok(m["by"]) else ""


def _new_article_reason(cur: _Segment | None, run: list[Unit], nxt: Unit | None) -> str:
    """Why the display lines `run` start a new article; "" = they are a subhead of cur."""
    if cur is None:
        return t("the first headline of the page")
    if cur.closed():
        return t("the article before ends with its byline")
    if len(run) >= 2:
        return t("several display lines in a row form a headline group")
    if nxt is not None and nxt.kind is Kind.TOP_BYLINE:
        return t("a ■ byline follows")
    if nxt is not None and nxt.kind is Kind.PARAGRAPH and DATELINE_RE.match(nxt.text):
        return t("a dateline (本报讯, or a news agency's) follows")
    if nxt is not None and nxt.kind is Kind.NOTE:
        return t("an editor's note follows")
    if nxt is not None and nxt.kind is Kind.JUMP and "上" in nxt.text:
        return t("a continuation marker (上接…) follows")
    return ""


def _split_for_byline(cur: _Segment, unit: Unit) -> _Segment | None:
    """A second byline means a new article began at a display line taken for a subhead:
    the earliest one after cur's byline and some of cur's text."""
    first = cur.byline_unit()
    assert first is not None
    start = cur.body.index(first)
    for k in range(start + 1, len(cur.body)):
        candidate = cur.body[k]
        if candidate.kind is Kind.HEADING and any(u.kind is Kind.PARAGRAPH for u in cur.body[:k]):
            others = [u.line for u in cur.body[k + 1:] if u.kind is Kind.HEADING]
            stay = t("; the display lines at {lines} stay subheads", lines=_lines(others)) if others else ""
            moved = [n for n in cur.notes if n.line > candidate.line]
            cur.notes = [n for n in cur.notes if n.line < candidate.line]
            new = _Segment([candidate], cur.body[k + 1:], moved)
            new.notes.append(Note(candidate.line, 0, t("a new article starts here: the byline at line {line} cannot "
                                                       "belong to the article from line {start}, which already has "
                                                       "one (line {other})", line=unit.line, start=cur.first_line(),
                                                       other=first.line) + stay, check=True))
            del cur.body[k:]
            return new
    return None


def segment(units: list[Unit]) -> list[_Segment]:
    segments: list[_Segment] = []
    pending: list[Unit] = []  # jump markers before the first headline
    i = 0
    while i < len(units):
        unit, cur = units[i], segments[-1] if segments else None
        if unit.kind is Kind.HEADING:
            j = i
            while j < len(units) and units[j].kind is Kind.HEADING:
                j += 1
            run, nxt = units[i:j], units[j] if j < len(units) else None
            reason = _new_article_reason(cur, run, nxt)
            if reason:
                segments.append(_Segment(run, pending, [Note(run[0].line, 0, t("new article: {reason}",
                                                                                 reason=reason))]))
                pending = []
            else:
                assert cur is not None
                cur.body.extend(run)
                cur.notes.append(Note(run[0].line, 0, t("a display line between paragraphs: taken as a subhead")))
            i = j
            continue
        if cur is None:
            if unit.kind is Kind.JUMP:
                pending.append(unit)
                i += 1
                continue
            cur = _Segment([], pending, [Note(unit.line, 0, t("text before any headline: an article of its own "
                                                              "headed {untitled}", untitled=UNTITLED), check=True)])
            segments.append(cur)
            pending = []
        carries = unit.kind in _BYLINE_KINDS or (unit.kind is Kind.PARAGRAPH and _dateline_byline(unit.text))
        if carries and cur.byline_unit() is not None:
            new = _split_for_byline(cur, unit)
            if new is not None:
                segments.append(new)
                cur = new
            elif unit.kind in _BYLINE_KINDS:
                cur.notes.append(Note(unit.line, 0, t("a second byline in one article, and no display line before "
                                                      "it to start a new article: kept as a paragraph"), check=True))
                unit = Unit(Kind.PARAGRAPH, unit.text, unit.line, unit.col, unit.last_line, unit.blank_before)
        cur.body.append(unit)
        i += 1
    if pending:  # only jump markers on the page
        segments.append(_Segment([], pending, [Note(pending[0].line, 0, t("no text but jump markers"), check=True)]))
    return _fill_empty(segments)


def _fill_empty(segments: list[_Segment]) -> list[_Segment]:
    """The loader refuses an article without text: give a textless one to a neighbour."""
    out: list[_Segment] = []
    for seg in segments:
        if out and not out[-1].has_text():
            prev = out.pop()
            seg = _merge(prev, seg, t("the article from line {line} has no text: the next headline is taken as its "
                                      "subhead", line=prev.first_line()))
        elif out and not seg.has_text():
            seg = _merge(out.pop(), seg, t("a headline without text: kept as a subhead of the article before"))
        out.append(seg)
    last = out[-1] if out else None
    if last is not None and not last.has_text():
        body = [Unit(Kind.HEADING, u.text, u.line, u.col, u.last_line) for u in last.head] + last.body
        if not any(u.kind in _TEXT_KINDS for u in body):
            body[0] = Unit(Kind.PARAGRAPH, body[0].text, body[0].line, body[0].col, body[0].last_line)
        note = Note(last.first_line(), 0, t("the page has no article text: everything kept as text under {untitled}",
                                            untitled=UNTITLED), check=True)
        out[-1] = _Segment([], body, last.notes + [note])
    return out


def _merge(first: _Segment, second: _Segment, why: str) -> _Segment:
    note = Note(second.first_line(), 0, why, check=True)
    return _Segment(first.head, first.body + second.head + second.body, first.notes + second.notes + [note])


# --- Building an article from its units ---------------------------------------------------


@dataclass(frozen=True)
class Photo:
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class BodyBlock:
    kind: Literal["paragraph", "subhead", "note"]
    text: str
    line: int  # in the raw file


@dataclass(frozen=True)
class ImportedArticle:
    headline: str
    blocks: tuple[BodyBlock, ...]
    first_line: int
    last_line: int
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    byline_position: str = ""  # top / dateline / end; "" without a byline
    dateline: str = ""
    photo: Photo | None = None
    source_jumps: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()

    def front_matter(self, page: int | None, priority: int) -> dict:
        fm: dict = {"headline": self.headline}
        for key in ("kicker", "subtitle", "byline", "byline_position", "dateline"):
            if getattr(self, key):
                fm[key] = getattr(self, key)
        if page is not None:
            fm["page"] = page
        fm["priority"] = priority
        if self.photo is not None:
            fm["photo"] = {"caption": self.photo.caption, "credit": self.photo.credit}
        if self.source_jumps:
            fm["source_jumps"] = list(self.source_jumps)
        return fm

    def markdown(self, page: int | None, priority: int) -> str:
        head = yaml.safe_dump(self.front_matter(page, priority), allow_unicode=True, sort_keys=False,
                              width=1_000_000)
        return f"---\n{head}---\n\n" + "\n\n".join(map(_block_markdown, self.blocks)) + "\n"


# Markdown that the loader (markdown-it, commonmark) would read as structure, not text.
_INLINE_SPECIAL = re.compile(r"([\\`*_&\[\]<#])")
_BLOCK_START = re.compile(r"^([>+\-~])|^(\d{1,9})([.)])")


def escape_markdown(text: str) -> str:
    """Text that reads back as exactly itself: inline marks and a leading block marker escaped."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def _block_markdown(block: BodyBlock) -> str:
    text = escape_markdown(block.text)
    return {"paragraph": text, "subhead": f"## {text}", "note": f"> {text}"}[block.kind]


_ALNUM_SPACE = re.compile(rf"(?<=[{HAN}{CJK_PUNCT}])[ \t\u3000]+(?=[A-Za-z0-9])"
                          rf"|(?<=[A-Za-z0-9])[ \t\u3000]+(?=[{HAN}{CJK_PUNCT}])")
_CJK_SPACE = re.compile(rf"(?<=[{HAN}{CJK_PUNCT}])\s+(?=[{HAN}{CJK_PUNCT}])")


def _lines(numbers: Sequence[int]) -> str:
    listed = t(", ").join(map(str, numbers))
    return t("line {line}", line=listed) if len(numbers) == 1 else t("lines {lines}", lines=listed)


def _quote(text: str) -> str:
    return f"“{text}”"


def tidy_display_line(text: str) -> str:
    """Spaces the extraction left between Han and Latin letters or digits go (W1 spacing is the
    composer's job)."""
    return _ALNUM_SPACE.sub("", text)


def headline_group(run: list[Unit]) -> tuple[str, str, str, list[Note]]:
    """(kicker, headline, subtitle) of the display lines heading an article."""
    if not run:
        return "", UNTITLED, "", []
    notes: list[Note] = []
    lines: list[str] = []
    for unit in run:
        lines.append(tidy_display_line(unit.text))
        if lines[-1] != unit.text:
            notes.append(Note(unit.line, 0, t("{text}: spaces between Han and Latin letters or digits removed",
                                              text=_quote(unit.text))))
    where = () if len(run) == 1 else (run[0].line, run[-1].line)  # Note.lines: one line is the note's own
    if len(run) == 1:
        # A space between Han characters is where the extraction put two display lines on one.
        parts = _CJK_SPACE.split(lines[0])
        if len(parts) == 1:
            return "", parts[0], "", notes
        if len(parts) == 2 and parts[1].startswith("—"):
            notes.append(Note(run[0].line, 0, t("{text} is read as headline and subtitle printed on one line",
                                                text=_quote(run[0].text)), check=True))
            return "", parts[0], parts[1], notes
        if len(parts) == 2:
            notes.append(Note(run[0].line, 0, t("{text} is read as kicker (引题) {kicker} and headline {headline} "
                                                "printed on one line; if it is headline and subtitle, move the parts "
                                                "in the front matter", text=_quote(run[0].text),
                                                kicker=_quote(parts[0]), headline=_quote(parts[1])), check=True))
            return parts[0], parts[1], "", notes
    else:
        parts = lines
        notes += [Note(u.line, 0, t("{text}: a space between Han characters, kept", text=_quote(u.text)), check=True)
                  for u, text in zip(run, lines) if _CJK_SPACE.search(text)]
    if len(parts) == 2:
        notes.append(Note(run[0].line, 0, t("headline {headline} with the line under it as subtitle (副题) {subtitle}",
                                            headline=_quote(parts[0]), subtitle=_quote(parts[1])), lines=where))
        return "", parts[0], parts[1], notes
    notes.append(Note(run[0].line, 0, (t("{count} display lines read as kicker, headline and subtitle (the subtitle "
                                         "takes the rest)", count=len(parts)) if len(parts) > 3 else
                                       t("{count} display lines read as kicker, headline and subtitle",
                                         count=len(parts))),
                      check=len(parts) > 3 or len(run) == 1, lines=where))
    return parts[0], parts[1], " ".join(parts[2:]), notes


@dataclass
class _Builder:
    """Collects one article's fields while walking its body units in order."""

    blocks: list[BodyBlock] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    byline: str = ""
    position: str = ""
    dateline: str = ""
    caption: str = ""
    credit: str = ""
    has_photo: bool = False
    jumps: list[str] = field(default_factory=list)

    def paragraph(self, unit: Unit, text: str | None = None) -> None:
        self.blocks.append(BodyBlock("paragraph", unit.text if text is None else text, unit.line))

    def keep_as_text(self, unit: Unit, why: str) -> None:
        self.notes.append(Note(unit.line, unit.col, t("{why}: kept as a paragraph", why=why), check=True))
        self.paragraph(unit)

    def set_photo(self, unit: Unit, caption: str, credit: str) -> bool:
        if (caption and self.caption) or (credit and self.credit):
            return False
        self.caption, self.credit = caption or self.caption, credit or self.credit
        self.has_photo = True
        return True

    def first_paragraph(self) -> bool:
        return not any(b.kind in ("paragraph", "subhead") for b in self.blocks)


def _decorations(m: re.Match, *kept: str) -> tuple[str, ...]:
    """What m matched apart from the kept groups: the brackets and marks the painter re-creates."""
    spans = sorted((m.start(g), m.end(g)) for g in kept if m[g] is not None)
    pieces, pos = [], m.start()
    for start, end in spans:
        pieces.append(m.string[pos:start])
        pos = end
    pieces.append(m.string[pos:m.end()])
    return tuple(p for p in map(_nonblank, pieces) if p)


def _take_paragraph(b: _Builder, unit: Unit) -> None:
    m = DATELINE_RE.match(unit.text)
    if m is None:
        b.paragraph(unit)
        return
    if not b.first_paragraph():
        b.notes.append(Note(unit.line, unit.col, t("{dateline} opens a paragraph in the middle of the article: left "
                                                   "in the text", dateline=_quote(m["dl"])), check=True))
        b.paragraph(unit)
        return
    people = m["by"] if m["by"] and dateline_byline_ok(m["by"]) else ""
    if people and b.byline:
        b.notes.append(Note(unit.line, unit.col, t("the dateline names {people} but the article already has the "
                                                   "byline {byline}: paragraph left as printed", people=_quote(people),
                                                   byline=_quote(b.byline)), check=True))
        b.paragraph(unit)
        return
    if not unit.text[m.end():].strip():
        b.notes.append(Note(unit.line, unit.col, t("{text} has no text after it: left as a paragraph",
                                                   text=_quote(unit.text)), check=True))
        b.paragraph(unit)
        return
    b.dateline = m["dl"]
    if people:
        b.byline, b.position = people, "dateline"
        rest = unit.text[m.end():]
        b.notes.append(Note(unit.line, unit.col, t("dateline {dateline} and byline {people} taken from the start of "
                                                   "the first paragraph (the painter sets them again)",
                                                   dateline=m["dl"], people=people),
                            removed=_decorations(m, "dl", "by")))
    else:
        rest = unit.text[m.end("dl"):].lstrip()
        b.notes.append(Note(unit.line, unit.col, t("dateline {dateline} taken from the start of the first paragraph "
                                                   "(the painter sets it again)", dateline=m["dl"])))
    b.paragraph(unit, rest)


def _take_end_byline(b: _Builder, unit: Unit) -> None:
    m = byline_match(unit.text)
    assert m is not None
    credit = m["credit"] or ""
    if b.byline:
        b.keep_as_text(unit, t("a second byline {text}", text=_quote(unit.text)))
        return
    if credit and not b.set_photo(unit, "", credit):
        b.keep_as_text(unit, t("a byline with a second photo credit"))
        return
    b.byline, b.position = m["by"], "end"
    also = t("; photo credit {credit}", credit=credit) if credit else ""
    b.notes.append(Note(unit.line, unit.col, t("byline {people} (after the text)", people=m["by"]) + also,
                        removed=_decorations(m, "by", "credit")))


def _take_caption(b: _Builder, unit: Unit) -> None:
    m = CAPTION_CREDIT_RE.search(unit.text)
    caption = unit.text[:m.start()].rstrip() if m else unit.text
    credit = m["credit"] if m else ""
    if not b.set_photo(unit, caption, credit):
        b.keep_as_text(unit, t("a second photo caption in one article (the import keeps one photo)"))
        return
    removed = _decorations(m, "credit") if m else ()
    b.notes.append(Note(unit.line, unit.col, t("photo caption with credit {credit}", credit=credit) if credit
                        else t("photo caption"), removed=removed))


def _take_credit(b: _Builder, unit: Unit) -> None:
    m = credit_match(unit.text)
    assert m is not None
    if not b.set_photo(unit, "", m["credit"]):
        b.keep_as_text(unit, t("a second photo credit in one article"))
        return
    b.notes.append(Note(unit.line, unit.col, t("photo credit {credit}", credit=m["credit"]),
                        removed=_decorations(m, "credit")))


def _take_jump(b: _Builder, unit: Unit) -> None:
    m = JUMP_RE.fullmatch(unit.text)
    assert m is not None
    jump = re.sub(r"\s", "", m["jump"] or m["bare"])
    b.jumps.append(jump)
    b.notes.append(Note(unit.line, unit.col, t("jump marker {jump} kept as source_jumps, not as text", jump=jump),
                        removed=_decorations(m, "jump", "bare")))


def build_article(seg: _Segment) -> ImportedArticle:
    kicker, headline, subtitle, notes = headline_group(seg.head)
    b = _Builder(notes=seg.notes + notes)
    for unit in seg.body:
        if unit.kind is Kind.PARAGRAPH:
            _take_paragraph(b, unit)
        elif unit.kind is Kind.HEADING:
            text = tidy_display_line(unit.text)
            if text != unit.text:
                b.notes.append(Note(unit.line, 0, t("subhead {text}: spaces between Han and Latin letters or digits "
                                                    "removed", text=_quote(unit.text))))
            b.blocks.append(BodyBlock("subhead", text, unit.line))
        elif unit.kind is Kind.NOTE:
            b.blocks.append(BodyBlock("note", unit.text, unit.line))
            b.notes.append(Note(unit.line, 0, t("editor's note (编者按), set apart from the text")))
        elif unit.kind is Kind.TOP_BYLINE:
            if b.byline:
                b.keep_as_text(unit, t("a second byline {text}", text=_quote(unit.text)))
                continue
            mark, people = unit.text[0], unit.text[1:].strip()
            b.byline, b.position = people, "top"
            b.notes.append(Note(unit.line, unit.col, t("byline {people} (before the text)", people=people),
                                removed=(mark,)))
        elif unit.kind is Kind.END_BYLINE:
            _take_end_byline(b, unit)
        elif unit.kind is Kind.CAPTION:
            _take_caption(b, unit)
        elif unit.kind is Kind.CREDIT:
            _take_credit(b, unit)
        elif unit.kind is Kind.JUMP:
            _take_jump(b, unit)
    units = seg.head + seg.body
    return ImportedArticle(
        headline=headline, kicker=kicker, subtitle=subtitle, blocks=tuple(b.blocks),
        first_line=min(u.line for u in units), last_line=max(u.last_line for u in units),
        byline=b.byline, byline_position=b.position, dateline=b.dateline,
        photo=Photo(b.caption, b.credit) if b.has_photo else None, source_jumps=tuple(b.jumps),
        notes=tuple(sorted(b.notes, key=lambda n: (n.line, n.col))),
    )


@dataclass(frozen=True)
class PageImport:
    articles: tuple[ImportedArticle, ...]
    notes: tuple[Note, ...]  # about the page as a whole


def import_text(text: str) -> PageImport:
    """Decoded raw text of one page → its articles in reading order, with every decision."""
    units, notes = read_units(text)
    if not units:
        return PageImport((), tuple(notes))
    articles = [build_article(seg) for seg in segment(units)]
    page_notes = [n for n in notes if not any(a.first_line <= n.line <= a.last_line for a in articles)]
    placed = [
        replace(a, notes=tuple(sorted(a.notes + tuple(n for n in notes if a.first_line <= n.line <= a.last_line),
                                      key=lambda n: (n.line, n.col))))
        for a in articles
    ]
    return PageImport(tuple(placed), tuple(page_notes))


# --- The issue folder -------------------------------------------------------------------


def new_issue_toml(date: dt.date, pages: int, source: str) -> str:
    return (t("# Written by `layout import` from {source}: fill in the paper, the issue numbers and the",
              source=source) + "\n" + t("# sections of the pages.") + "\n"
            f'format = "tabloid"\n\n[paper]\nname = "{PLACEHOLDER_NAME}"\ncode = "{PLACEHOLDER_CODE}"\n'
            'registration = ""\npublisher = ""\nwebsite = ""\n\n'
            f'[issue]\ndate = {date.isoformat()}\nnumber = 1\ntotal = 1\n'
            + "".join(_page_table(n) for n in range(1, pages + 1)))


def _page_table(number: int) -> str:
    return f'\n[[pages]]\nnumber = {number}\nsection = ""\neditor = ""\n'


def add_pages(text: str, page: int, path: Path) -> tuple[str, list[int]]:
    """issue.toml text with pages 1…page present ([[pages]] tables appended), and which were added."""
    data = parse_toml(text, path)
    pages = data.get("pages", [])
    if not isinstance(pages, list) or not all(isinstance(p, dict) for p in pages):
        raise InputError(t("'pages' is not a list of [[pages]] tables"), path)
    present = {p.get("number") for p in pages}
    missing = [n for n in range(1, page + 1) if n not in present]
    if missing and pages and not re.search(r"^\s*\[\[\s*pages\s*\]\]", text, re.M):
        raise InputError(t("pages are written inline; add page {page} to issue.toml as a [[pages]] table", page=page),
                         path)
    if not missing:
        return text, []
    return text + ("" if text.endswith("\n") or not text else "\n") + "".join(map(_page_table, missing)), missing


def _issue_toml(path: Path, date: dt.date | None, page: int, raw: Path) -> tuple[str | None, list[Note]]:
    """The new text of issue.toml (None = leave it) and what was decided about it."""
    if not path.is_file():
        if date is None:
            raise InputError(t("{folder} has no issue.toml yet: give the issue date with --date YYYY-MM-DD",
                               folder=path.parent), raw)
        notes = [Note(0, 0, t("issue folder {folder}: issue.toml written for {date}; fill in paper.name (now {name}), "
                              "paper.code (now {code}), issue.number and issue.total (now 1) and the section of each "
                              "page", folder=path.parent, date=date, name=PLACEHOLDER_NAME, code=PLACEHOLDER_CODE))]
        if page > 1:
            notes.append(Note(0, 0, t("pages 1–{last} added to issue.toml without articles: the pages of an issue "
                                      "are numbered from 1", last=page - 1)))
        return new_issue_toml(date, page, raw.name), notes
    old = read_text(path)
    text, added = add_pages(old, page, path)
    notes = [Note(0, 0, t("issue folder {folder}: issue.toml kept", folder=path.parent) + (
        t("; added page(s) {pages} with an empty section, fill it in", pages=t(", ").join(map(str, added)))
        if added else ""))]
    old_date = parse_toml(old, path).get("issue", {}).get("date")
    if date is not None and old_date != date:
        notes.append(Note(0, 0, t("--date {date} differs from the date in issue.toml ({old}); issue.toml left as "
                                  "it is", date=date, old=old_date), check=True))
    return (text if added else None), notes


def _priority_of(article: Path, root: Path) -> int:
    m = re.search(r"^priority:\s*(\d+)\s*$", read_text(article, root), re.M)
    return int(m[1]) if m else 0


def _body(markdown: str) -> str:
    """An article file's text below its front matter, for telling whether two articles are the same."""
    parts = markdown.split("\n---\n", 1)
    return (parts[1] if len(parts) == 2 else markdown).strip()


def _refuse_repeats(imported: PageImport, existing: list[Path], root: Path, raw: Path) -> None:
    """Importing a page into a folder that already holds its articles would double every one of them."""
    held = {_body(read_text(path, root)): path for path in existing}
    for article in imported.articles:
        same = held.get(_body(article.markdown(None, 1)))
        if same is not None:
            raise InputError(t("《{title}》 is already in the issue folder as {file}; nothing imported",
                               title=article.headline, file=same.relative_to(root)), raw, article.first_line)


def _publish(out: Path, files: dict[Path, bytes], settle: Callable[[Path], None] | None) -> None:
    """Write files (paths inside out) all or nothing. A new folder is made beside out, settled (e.g.
    pages added until the copy fits) and only then renamed to out; into an existing folder the files
    are one OutputSet."""
    if out.is_dir() and any(out.iterdir()):
        with OutputSet(out) as written:
            for path, data in files.items():
                written.add(path, data)
        if settle is not None:
            settle(out)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".import", dir=out.parent))
    except OSError as e:
        raise BuildError(t("cannot write {path}: {reason}", path=e.filename or out, reason=e.strerror or e)) from e
    try:
        with OutputSet(stage) as written:
            for path, data in files.items():
                written.add(stage / path.relative_to(out), data)
        if settle is not None:
            settle(stage)
        os.chmod(stage, 0o755)
        os.replace(stage, out)  # an empty folder at out is replaced
    except OSError as e:
        raise BuildError(t("cannot write {path}: {reason}", path=e.filename or out, reason=e.strerror or e)) from e
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def place(count: int, page: int, highest: int) -> list[tuple[int | None, int]]:
    """(pinned page, priority) of each imported article. Only the lead is pinned: a page of
    print often holds more than the same page of the issue (a masthead on page 1), and the
    planner fails on pinned text that does not fit. The others follow in reading order, after
    the articles already in the folder."""
    rest = max(highest, 1)
    return [(page, 1)] + [(None, rest + n) for n in range(1, count)]


# --- The report -------------------------------------------------------------------------

# Report wording per front-matter field and block kind; functions, so they follow the language chosen.
_FIELD_NAMES = {"kicker": lambda: t("kicker {text}"), "subtitle": lambda: t("subtitle {text}"),
                "dateline": lambda: t("dateline {text}")}
_BLOCK_COUNTS = {"paragraph": lambda: t("{count} paragraph(s)"), "subhead": lambda: t("{count} subhead(s)"),
                 "note": lambda: t("{count} editor's note(s)")}


def _safe(text: str) -> str:
    """Report text: ‹ › is reserved for quoting what was removed from the input."""
    return text.replace("‹", "<").replace("›", ">")


def _note_line(note: Note) -> str:
    where = (t("lines {first}–{last}: ", first=note.lines[0], last=note.lines[-1]) if note.lines
             else t("line {line}: ", line=note.line) if note.line else "")
    removed = t("; removed {pieces}", pieces=" ".join(f"‹{p}›" for p in note.removed)) if note.removed else ""
    return f"  {t('CHECK') + ' ' if note.check else ''}{where}{_safe(note.text)}{removed}"


def render_report(source: str, page: int, encoding: str, page_notes: Sequence[Note], imported: PageImport,
                  names: Sequence[str]) -> list[str]:
    lines = [_safe(t("import of {source} as page {page}", source=source, page=page)),
             "  " + t("encoding: {encoding}", encoding=encoding)]
    lines += [_note_line(n) for n in page_notes]
    for name, article in zip(names, imported.articles):
        fields = [t("headline {text}", text=article.headline)]
        fields += [_FIELD_NAMES[k]().format(text=getattr(article, k)) for k in ("kicker", "subtitle", "dateline")
                   if getattr(article, k)]
        if article.byline:
            fields.append(t("byline {people} ({position})", people=article.byline, position=article.byline_position))
        counts = {kind: sum(b.kind == kind for b in article.blocks) for kind in ("paragraph", "subhead", "note")}
        fields.append(t(", ").join(_BLOCK_COUNTS[k]().format(count=n) for k, n in counts.items() if n))
        lines += ["", _safe(t("{file} (lines {first}–{last}): ", file=name, first=article.first_line,
                              last=article.last_line) + t("; ").join(fields))]
        lines += [_note_line(n) for n in article.notes]
    checks = len(_checks(page_notes, imported))
    lines += ["", t("{count} decision(s) to check, marked CHECK above.", count=checks) if checks
              else t("Nothing to check.")]
    return lines


def _checks(page_notes: Sequence[Note], imported: PageImport) -> tuple[str, ...]:
    notes = [*page_notes, *(n for a in imported.articles for n in a.notes)]
    return tuple(_note_line(n).strip().removeprefix(t("CHECK") + " ") for n in notes if n.check)


@dataclass(frozen=True)
class ImportResult:
    report: tuple[str, ...]  # the report, line by line (also saved as import-report.txt)
    articles: tuple[Path, ...]  # files written; empty on a dry run
    warnings: tuple[str, ...]  # the decisions marked CHECK
    issue_dir: Path
    new_issue: bool = False  # issue.toml was written from scratch (its pages are a first guess)


def run_import(raw: Path, out_dir: Path | None, date: dt.date | None, page: int, dry_run: bool,
               settle: Callable[[Path], None] | None = None) -> ImportResult:
    """Import raw as page `page` of the issue folder out_dir, all or nothing.

    settle(folder) runs on a new issue's folder before it appears under its name (the CLI adds
    pages there until the copy fits); an error in it leaves nothing behind."""
    raw = Path(raw)
    if page < 1:
        raise InputError(t("--page must be 1 or more, got {page}", page=page), raw)
    decoded = decode(read_input(raw, raw.parent), raw)
    check_characters(line_breaks(decoded.text), raw)  # what the loader would refuse in the articles
    out = Path(out_dir) if out_dir is not None else (raw.with_suffix("") if raw.suffix else raw.with_name(
        raw.name + "-issue"))
    if out.exists() and not out.is_dir():
        raise InputError(t("the issue folder to import into is a file"), out)
    imported = import_text(decoded.text)
    if not imported.articles:
        raise InputError(t("the file has no text to import"), raw)

    toml_path = out / "issue.toml"
    new_issue = not toml_path.is_file()
    toml_text, folder = _issue_toml(toml_path, date, page, raw)
    existing = sorted(article_files(out)) if out.is_dir() else []
    _refuse_repeats(imported, existing, out, raw)
    placement = place(len(imported.articles), page, max((_priority_of(p, out) for p in existing), default=0))
    folder.append(Note(0, 0, t("the first article, the page's lead, is pinned to page {page}; the others are not "
                               "pinned, so the planner can move what does not fit to a later page", page=page)
                       + (t(", and their priorities follow the folder's articles ({priority}…)",
                            priority=placement[1][1]) if existing and len(placement) > 1 else "")))
    start = max((int(m[1]) for p in existing if (m := re.match(r"^(\d+)", p.stem))), default=0) + 1
    width = max(2, len(str(start + len(imported.articles) - 1)))
    names = [f"{n:0{width}d}.md" for n in range(start, start + len(imported.articles))]
    page_notes = [*decoded.notes, *imported.notes, *folder]
    report = render_report(raw.name, page, decoded.label, page_notes, imported, names)
    warnings = _checks(page_notes, imported)
    result_paths = tuple(out / "articles" / name for name in names)
    if dry_run:
        return ImportResult((t("(dry run: nothing written)"), *report), (), warnings, out)

    files = {path: article.markdown(pin, priority).encode("utf-8")
             for path, article, (pin, priority) in zip(result_paths, imported.articles, placement)}
    if toml_text is not None:
        files[toml_path] = toml_text.encode("utf-8")
    report_path = out / REPORT_NAME
    previous = read_text(report_path, out) + "\n" if report_path.is_file() else ""
    files[report_path] = (previous + "\n".join(report) + "\n").encode("utf-8")
    _publish(out, files, settle if new_issue else None)
    return ImportResult(tuple(report), result_paths, warnings, out, new_issue)


# --- Nothing lost -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Fragments:
    """One article's text as the loader reads it back: body blocks in order, fields in any order."""

    body: tuple[str, ...]
    fields: tuple[str, ...]


def _nonblank(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


def _fragments(article: str) -> _Fragments:
    lines = article.split("\n")
    end = lines.index("---", 1)  # the front matter's closing line, as the loader finds it
    front_src, body = "\n".join(lines[1:end]), "\n".join(lines[end + 1:])
    front = yaml.safe_load(front_src)
    fields = [front.get(k, "") for k in ("kicker", "subtitle", "byline", "dateline")]
    if front["headline"] != UNTITLED:
        fields.append(front["headline"])
    photo = front.get("photo") or {}
    fields += [photo.get("caption", ""), photo.get("credit", ""), *front.get("source_jumps", [])]
    blocks = parse_body(body, Path("article.md"), 1)
    return _Fragments(tuple(f for b in blocks if (f := _nonblank(b.text))),
                      tuple(f for x in fields if (f := _nonblank(x))))


def check_nothing_lost(raw_text: str, articles: Sequence[str], report: Sequence[str]) -> str | None:
    """None if every non-blank character of raw_text is in the articles (front matter and body,
    read back as the loader reads them) or quoted as removed (‹ ›) in the report, in order:
    articles follow each other, body blocks and removed pieces keep their order, and the
    front-matter fields of an article come from within that article. Else what is missing."""
    source = _nonblank(raw_text)
    line_of = [n for n, line in enumerate(re.sub(r"\r\n?|[\f\v\u2028\u2029]", "\n", raw_text).split("\n"), 1)
               for c in line if not c.isspace()]
    removed = [p for line in report for p in map(_nonblank, re.findall(r"‹([^›]*)›", line)) if p]
    arts = [_fragments(a) for a in articles]
    # Depth-first search over (position, article, next body block, next removal, fields used).
    stack = [(0, 0, 0, 0, 0)]
    seen: set[tuple[int, int, int, int, int]] = set()
    furthest = 0
    while stack:
        state = stack.pop()
        if state in seen:
            continue
        seen.add(state)
        pos, a, b, r, used = state
        furthest = max(furthest, pos)
        if pos == len(source) and a == len(arts) and r == len(removed):
            return None
        nxt = []
        if r < len(removed) and source.startswith(removed[r], pos):
            nxt.append((pos + len(removed[r]), a, b, r + 1, used))
        if a < len(arts):
            art = arts[a]
            if b == len(art.body) and used == (1 << len(art.fields)) - 1:
                nxt.append((pos, a + 1, 0, r, 0))
            for i, f in enumerate(art.fields):
                if not used >> i & 1 and source.startswith(f, pos):
                    nxt.append((pos + len(f), a, b, r, used | 1 << i))
            if b < len(art.body) and source.startswith(art.body[b], pos):
                nxt.append((pos + len(art.body[b]), a, b + 1, r, used))
        stack.extend(nxt)
    if furthest == len(source):
        return "all of the input was found, but some output text was not part of it"
    return (f"line {line_of[furthest]}: the text from {_quote(source[furthest:furthest + 20])} is missing from the "
            "output or out of order")
