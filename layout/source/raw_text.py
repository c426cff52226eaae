"""Raw text of a printed page: decoding, line clean-up, and what each line is.

Text extracted from print arrives in an unknown Chinese encoding, with stray whitespace,
and with paragraphs cut where a column or page ended. This module turns the bytes into
classified units (heading, paragraph, byline, caption, jump marker...) and joins the cut
paragraphs again. Everything here is pure; every decision is returned as a Note so the
importer can report it.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from layout.errors import InputError
from layout.messages import t

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2014\u2026\u00b7"


@dataclass(frozen=True)
class Note:
    """One decision for the report, at a place in the source."""

    line: int
    col: int
    text: str
    check: bool = False  # ambiguous: the editor should look
    removed: tuple[str, ...] = ()  # decorations dropped from the input here (■, brackets, 图/, 摄)
    lines: tuple[int, ...] = ()  # (first, last) when the decision is about several lines; else about `line`


# --- Decoding ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    text: str
    label: str  # for the report, e.g. "GB18030" or "UTF-8 with BOM"
    notes: tuple[Note, ...] = ()


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"), (b"\xff\xfe", "utf-16", "UTF-16 LE"),
         (b"\xfe\xff", "utf-16", "UTF-16 BE"))
# Legacy encodings, tried after UTF-8. Big5 and GBK byte ranges overlap, so several may
# decode without error; plausibility decides. cp950 is Microsoft's Big5 with a few extras.
_LEGACY = (("gb18030", "GB18030 (GBK)"), ("big5", "Big5"), ("cp950", "Big5 (cp950)"))
_MIN_PLAUSIBLE = 0.8
_COMMON_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉【】「」『』—…·～　")
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


@lru_cache(maxsize=None)
def _is_common(char: str) -> bool:
    """A character real Chinese text is made of: a common simplified or traditional Han
    character (GB2312 level 1, Big5 常用字) or CJK punctuation. A wrong legacy decoding
    yields kana, bopomofo, private-use and rare characters instead."""
    if char in _COMMON_PUNCT or "\uff01" <= char <= "\uff5e":
        return True
    try:
        if 0xB0 <= char.encode("gb2312")[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        code = char.encode("big5")
    except UnicodeEncodeError:
        return False
    return 0xA4 <= code[0] <= 0xC5 or (code[0] == 0xC6 and code[1] <= 0x7E)


def plausibility(text: str) -> float:
    """Share of common characters among the non-ASCII ones (1.0 for ASCII text)."""
    wide = [c for c in text if ord(c) > 0x7F]
    return sum(map(_is_common, wide)) / len(wide) if wide else 1.0


def _line_at(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _check_controls(text: str, label: str, path: Path) -> None:
    for n, line in enumerate(text.split("\n"), 1):
        bad = next((c for c in line if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS), None)
        if bad is not None:
            raise InputError(t("decodes as {encoding} but contains the control character U+{code}; is this a "
                               "text file?", encoding=label, code=f"{ord(bad):04X}"), path, n)


def decode(data: bytes, path: Path) -> Decoded:
    """The text of a raw file: UTF-8 (with or without BOM), GB18030/GBK or Big5."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(t("starts with a {encoding} byte order mark but is not {encoding} text",
                                   encoding=name), path, _line_at(data, e.start))
            label = t("{encoding} with BOM", encoding=name)
            _check_controls(text, label, path)
            return Decoded(text, label)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return _decode_legacy(data, path, (e.start, t("UTF-8 (byte 0x{byte} at line {line})",
                                                      byte=f"{data[e.start]:02X}", line=_line_at(data, e.start))))
    _check_controls(text, "UTF-8", path)
    return Decoded(text, "UTF-8")


def _decode_legacy(data: bytes, path: Path, utf8_failure: tuple[int, str]) -> Decoded:
    failures = [utf8_failure]  # (offset, description)
    candidates: list[tuple[float, str, str]] = []  # (plausibility, text, label)
    for codec, label in _LEGACY:
        if codec == "cp950" and any(lab == "Big5" for _, _, lab in candidates):
            continue  # plain Big5 worked; cp950 would only repeat it
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as e:
            if codec != "cp950":  # Big5's failure already says it
                failures.append((e.start, t("{encoding} (at line {line})", encoding=label,
                                            line=_line_at(data, e.start))))
            continue
        candidates.append((plausibility(text), text, label))
    if not candidates:
        # The encoding that got furthest is most likely the intended one: name its line.
        offset = max(f[0] for f in failures)
        raise InputError(t("cannot decode the file: it is not {encodings}; save it as UTF-8",
                           encodings=t(", nor ").join(d for _, d in failures)), path, _line_at(data, offset))
    candidates.sort(key=lambda c: -c[0])
    score, text, label = candidates[0]
    if score < _MIN_PLAUSIBLE:
        tried = t(", ").join(f"{lab} {s:.0%}" for s, _, lab in candidates)
        raise InputError(t("cannot tell the encoding: no decoding gives plausible Chinese text (common "
                           "characters: {tried}); save the file as UTF-8", tried=tried), path)
    _check_controls(text, label, path)
    notes = [Note(0, 0, t("{encoding} chosen: the file is not UTF-8, and {share} of its characters are common "
                          "Chinese characters in this decoding", encoding=label, share=f"{score:.0%}")
                  + "".join(t("; {encoding} would give {share}", encoding=lab, share=f"{s:.0%}")
                            for s, _, lab in candidates[1:]))]
    if len(candidates) > 1 and score - candidates[1][0] < 0.1:
        notes.append(Note(0, 0, t("the encoding is uncertain ({encoding} {share} against {other} {other_share}): "
                                  "check the text reads correctly", encoding=label, share=f"{score:.0%}",
                                  other=candidates[1][2], other_share=f"{candidates[1][0]:.0%}"), check=True))
    return Decoded(text, label, tuple(notes))


# --- Lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawLine:
    number: int  # 1-based line of the source file
    text: str  # without leading/trailing whitespace
    blank_before: bool


def line_endings(text: str) -> str:
    crlf = text.count("\r\n")
    cr, lf = text.count("\r") - crlf, text.count("\n") - crlf
    kinds = [name for name, count in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if count]
    return t(" and ").join(kinds) if kinds else t("none (one line)")


def raw_lines(text: str) -> tuple[list[RawLine], int]:
    """Non-blank lines, trimmed, and how many lines lost leading/trailing whitespace.

    A form feed (pdftotext's page break) or vertical tab counts as a line break."""
    text = re.sub(r"\r\n?|[\f\v\u2028\u2029]", "\n", text)
    lines: list[RawLine] = []
    trimmed, blank = 0, False
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            blank = True
            continue
        trimmed += stripped != line
        lines.append(RawLine(n, stripped, blank or not lines))
        blank = False
    return lines, trimmed


# --- What a line is ---------------------------------------------------------------------


class Kind(enum.Enum):
    HEADING = "heading"  # short display line: headline, subtitle or subhead
    PARAGRAPH = "paragraph"
    TOP_BYLINE = "top byline"  # ■ 宗河
    END_BYLINE = "end byline"  # 记者 张文菁 / 文/记者 柴斌 施昱辰 图/朱亮
    CAPTION = "caption"  # 图为…
    CREDIT = "credit"  # 记者 X 摄 / 图/X
    NOTE = "editor's note"  # 编者按：…
    JUMP = "jump"  # （下转第3版）


def kind_name(kind: Kind) -> str:
    """What a unit is, in the report's words."""
    return {Kind.HEADING: t("a display line"), Kind.PARAGRAPH: t("a paragraph"), Kind.TOP_BYLINE: t("a ■ byline"),
            Kind.END_BYLINE: t("a byline"), Kind.CAPTION: t("a photo caption"), Kind.CREDIT: t("a photo credit"),
            Kind.NOTE: t("an editor's note"), Kind.JUMP: t("a jump marker")}[kind]


@dataclass(frozen=True)
class Unit:
    kind: Kind
    text: str
    line: int  # first source line
    col: int  # 0-based column of the text in that line
    last_line: int
    blank_before: bool = True


# Patterns accept the traditional forms too (報 記 訊 圖 攝…): Big5 pages are read the same way.
ROLE = (r"(?:本[报報])?(?:首席|特[约約]|[见見][习習]|[实實][习習]|[资資]深)?"
        r"(?:[摄攝]影[记記]者|[记記]者|通[讯訊][员員]|[实實][习習]生|特[约約]撰稿人|撰稿人)")
NAME = rf"[{HAN}]{{2,4}}(?:[·•][{HAN}]{{1,8}})?"
# One or more names, each optionally after a role: "记者 柴斌 施昱辰", "记者张文菁 通讯员 李明".
PEOPLE = rf"(?:{ROLE}\s*)?{NAME}(?:(?:\s+|[、，,]\s*)(?:{ROLE}\s*)?{NAME})*"
_TEXT_BY = r"(?:文[/／][图圖]\s*[/／:：]?|文[图圖]\s*[/／:：]|(?:文|文字|撰文)\s*[/／:：])"  # 文/ 文/图 文图：
_PHOTO_BY = r"[图圖]|[摄攝]影|[图圖]片"
_ROLE_RE = re.compile(ROLE)
_BYLINE_RE = re.compile(
    rf"(?P<open>[（(])?\s*(?P<by>(?:{_TEXT_BY}\s*)?{PEOPLE})"
    rf"(?:\s+(?P<mark>{_PHOTO_BY})\s*[/／:：]\s*(?P<credit>{PEOPLE}))?\s*(?P<close>[）)])?")
_CREDIT_RES = (
    re.compile(rf"(?P<open>[（(])?\s*(?P<mark>{_PHOTO_BY})\s*[/／:：]\s*(?P<credit>{PEOPLE})\s*(?P<close>[）)])?"),
    re.compile(rf"(?P<open>[（(])?\s*(?P<credit>{PEOPLE})\s+(?P<mark>[摄攝])\s*(?P<close>[）)])?"),
    re.compile(rf"(?P<open>[（(])?\s*(?P<credit>{ROLE}\s*{NAME}(?:\s+{NAME})*)\s*(?P<mark>[摄攝])\s*(?P<close>[）)])?"),
    re.compile(r"(?P<open>[（(])?\s*(?P<credit>[资資]料[图圖]片|[资資]料照片|[网網][络絡][图圖]片)\s*(?P<close>[）)])?"),
)
# A credit at the end of a caption line: "图为…。 记者 张三 摄"
CAPTION_CREDIT_RE = re.compile(
    rf"(?:\s+|(?<=[。！？!?]))(?P<open>[（(])?(?P<credit>{ROLE}\s*{NAME}(?:\s+{NAME})*|{NAME}(?:\s+{NAME})*(?=\s+[摄攝]))"
    r"\s*(?P<mark>[摄攝])(?P<close>[）)])?$")
_CAPTION_RE = re.compile(
    r"^[（(]?\s*(?:[图圖][为為]|[上下左右中][图圖][为為：:]|[图圖]\s*[0-9一二三四五六七八九]+\s*[为為：:]|[图圖][：:])")
_NOTE_RE = re.compile(r"^[【\[]?\s*[编編]者(?:按|的[话話])")
_TOP_BYLINE_RE = re.compile(r"^(?P<mark>[■□●◆▲])\s*(?P<by>\S.*)$")
DATELINE_RE = re.compile(
    rf"^(?P<dl>本[报報][{HAN}]{{0,6}}?[讯訊]"
    rf"|(?:新[华華]社|中新社|人民[网網]|央[视視][网網]|中[国國]新[闻聞][网網])[{HAN}0-9]{{0,12}}?[电電])"
    r"(?:\s*(?P<open>[（(])\s*(?P<by>[^（()）]{1,40}?)\s*(?P<close>[）)]))?\s*")
_JUMP = r"[上下]\s*[转轉接]\s*第?\s*[0-9０-９一二三四五六七八九十]+\s*版"
JUMP_RE = re.compile(rf"(?P<open>[（(])\s*(?P<jump>{_JUMP})\s*(?P<close>[）)])|^(?P<bare>{_JUMP})$")

FINAL = "。！？!?…；;：:—"
CLOSERS = "”’」』）)】》〉\"'"
# Marks that can never start a paragraph (clreq K1): a line starting with one continues the last.
NO_START = "、，,；;：:。.！!？?”’）)》」』】〕"
_MAX_HEADING = 40


def byline_match(text: str) -> re.Match | None:
    """A whole line that is a byline: it must name a role (记者…) or say 文/ or 图/."""
    m = _BYLINE_RE.fullmatch(text)
    if not m or bool(m["open"]) != bool(m["close"]):
        return None
    marked = re.match(_TEXT_BY, m["by"]) or m["credit"]
    return m if marked or _ROLE_RE.search(m["by"]) else None


def credit_match(text: str) -> re.Match | None:
    """A whole line that is a photo credit: 图/X, 记者 X 摄, 资料图片."""
    for pattern in _CREDIT_RES:
        m = pattern.fullmatch(text)
        if m and bool(m["open"]) == bool(m["close"]):
            return m
    return None


def dateline_byline_ok(text: str) -> bool:
    """The parenthesis after 本报讯 holds people, not e.g. a date."""
    return re.fullmatch(PEOPLE, text) is not None


def heading_like(text: str) -> bool:
    """A short display line: no full stop, not ending like a clause, at least two Han."""
    bare = re.sub(r"\s", "", text)
    if not bare or len(bare) > _MAX_HEADING or "。" in bare or bare[-1] in "，,、；;：:":
        return False
    if bare[-1] in "！？!?" and any(c in bare[:-1] for c in "，,；;！？!?"):
        return False  # a spoken sentence rather than an exclaiming headline
    return len(re.findall(f"[{HAN}]", bare)) >= 2


def classify(text: str) -> Kind:
    if _NOTE_RE.match(text):
        return Kind.NOTE
    if DATELINE_RE.fullmatch(text):
        return Kind.PARAGRAPH  # 本报讯（记者 X） alone on a line: the text follows on the next
    m = _TOP_BYLINE_RE.match(text)
    if m and len(m["by"]) <= 30 and "。" not in m["by"]:
        return Kind.TOP_BYLINE
    if _CAPTION_RE.match(text):
        return Kind.CAPTION
    if credit_match(text):
        return Kind.CREDIT
    if byline_match(text):
        return Kind.END_BYLINE
    return Kind.HEADING if heading_like(text) else Kind.PARAGRAPH


def units_of(lines: list[RawLine]) -> list[Unit]:
    """One unit per line, or several when a jump marker sits inside a line."""
    out: list[Unit] = []
    for raw in lines:
        pieces: list[tuple[Kind | None, int, int]] = []  # (JUMP or None for text, start, end)
        pos = 0
        for m in JUMP_RE.finditer(raw.text):
            pieces += [(None, pos, m.start()), (Kind.JUMP, m.start(), m.end())]
            pos = m.end()
        pieces.append((None, pos, len(raw.text)))
        first = True
        for kind, start, end in pieces:
            piece = raw.text[start:end]
            text = piece.strip()
            if not text:
                continue
            col = start + len(piece) - len(piece.lstrip())
            out.append(Unit(kind or classify(text), text, raw.number, col, raw.number, raw.blank_before and first))
            first = False
    return out


# --- Repair of paragraphs cut by column and page breaks -----------------------------------


def mid_sentence(text: str) -> bool:
    """The text stops where no paragraph ends: after a Han character, a comma, a digit..."""
    core = text.rstrip(CLOSERS)
    return not core or core[-1] not in FINAL


def _snippet_end(text: str) -> str:
    return "…" + text[-8:] if len(text) > 8 else text


def _snippet_start(text: str) -> str:
    return text[:8] + "…" if len(text) > 8 else text


def _continues(prev: Unit, unit: Unit) -> bool | None:
    """Whether unit continues the paragraph prev was cut from: True, False, or None when prev
    stops mid-sentence but the next line is something else (worth a note)."""
    if unit.line == prev.last_line or prev.kind not in (Kind.PARAGRAPH, Kind.HEADING):
        return False
    if unit.kind in (Kind.PARAGRAPH, Kind.HEADING) and unit.text[0] in NO_START:
        return True  # no paragraph or headline starts with 。，、）…
    if prev.kind is not Kind.PARAGRAPH or not mid_sentence(prev.text):
        return False
    if unit.kind is Kind.PARAGRAPH and not DATELINE_RE.match(unit.text):
        return True
    return False if unit.kind is Kind.JUMP else None  # （下转第3版） after a cut sentence is a jump


def join_broken(units: list[Unit]) -> tuple[list[Unit], list[Note]]:
    """Join a paragraph that stops mid-sentence with the line that continues it."""
    out: list[Unit] = []
    notes: list[Note] = []
    for unit in units:
        prev = out[-1] if out else None
        verdict = _continues(prev, unit) if prev is not None else False
        if not verdict:
            if verdict is None:
                notes.append(Note(prev.last_line, len(prev.text),
                                  t("paragraph ending “{end}” has no closing punctuation but the next line is {kind}; "
                                    "left as it is", end=_snippet_end(prev.text), kind=kind_name(unit.kind)),
                                  check=True))
            out.append(unit)
            continue
        latin = re.match(r"[A-Za-z]", unit.text) and re.search(r"[A-Za-z]$", prev.text)
        out[-1] = replace(prev, kind=Kind.PARAGRAPH, text=prev.text + (" " if latin else "") + unit.text,
                          last_line=unit.last_line)
        doubt = []
        if prev.text[-1] in CLOSERS and not DATELINE_RE.fullmatch(prev.text):  # 本报讯（记者 X） leads in
            doubt.append(t("the first part ends with a closing quote or bracket, which may end a paragraph"))
        if latin:
            doubt.append(t("joined two Latin words with a space"))
        end, start = _snippet_end(prev.text), _snippet_start(unit.text)
        joined = (t("joined a paragraph cut by a page or column break: “{end}” + “{start}”", end=end, start=start)
                  if unit.blank_before else t("joined a paragraph cut by a line break: “{end}” + “{start}”", end=end,
                                              start=start))
        notes.append(Note(unit.line, 0, joined + "".join(t("; {doubt}", doubt=d) for d in doubt), check=bool(doubt),
                          lines=(prev.last_line, unit.line)))
    return out, notes


def read_units(text: str) -> tuple[list[Unit], list[Note]]:
    """Decoded text → classified units with cut paragraphs joined, and the notes on it."""
    lines, trimmed = raw_lines(text)
    notes = [Note(0, 0, t("line endings: {endings}; whitespace trimmed on {count} line(s)",
                          endings=line_endings(text), count=trimmed))]
    units, join_notes = join_broken(units_of(lines))
    return units, notes + join_notes
