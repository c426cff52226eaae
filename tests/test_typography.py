"""The composer's rules, checked where a reader meets them: on every body line of the built sample
PDF, read back with pdfplumber (issue 3; rule IDs from docs/rules.md)."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

import pdfplumber
import pytest

from conftest import SAMPLE
from layout.model import EditorsNote, Paragraph, Subhead
from layout.source.issue_folder import load_issue
from layout.text.issue_text import normalise_issue
from pdftext import COLUMN_SLACK, MM, load_layout, module_chars, reading_text, squash

K1 = set("、，；：。！？”’）》」』】〕·")
K2 = set("“‘（《「『【〔")
MARKS = set("，。、；：！？“”‘’（）《》「」『』【】〔〕")
OPENING = K2
TOL = 0.5  # pt, the issue's tolerance for edges


@dataclass
class BodyLine:
    article: str
    column_left: float
    column_right: float
    chars: list[dict]
    next_indented: bool | None  # None: the line after it is not body text (end of module, byline, jump)

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch == "〇"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@pytest.fixture(scope="module")
def body_lines(sample_build) -> list[BodyLine]:
    """Every line of Song body text on every page, with what follows it."""
    layout = load_layout(sample_build)
    g = layout["grid"]
    size, pitch = g["body_size_pt"], g["line_pitch_pt"]
    column_pitch = (g["chars_per_column"] + 1) * size
    out: list[BodyLine] = []
    with pdfplumber.open(sample_build / "XHB-20210122.pdf") as pdf:
        for page_info in layout["pages"]:
            page = pdf.pages[page_info["number"] - 1]
            for m in page_info["modules"]:
                left0 = m["mm"]["x"] * MM
                body_top = m["mm"]["y"] * MM + m["top_lines"] * pitch
                rows: dict[tuple[int, int], list[dict]] = {}
                for c in module_chars(page, m):
                    middle = (c["top"] + c["bottom"]) / 2
                    if middle < body_top:
                        continue
                    column = max(0, int(((c["x0"] + c["x1"]) / 2 - left0 + COLUMN_SLACK) // column_pitch))
                    rows.setdefault((column, int((middle - body_top) // pitch)), []).append(c)
                keys = sorted(rows)
                for n, key in enumerate(keys):
                    chars = rows[key]
                    left = left0 + key[0] * column_pitch
                    is_body = all(c["fontname"].endswith("Noto-Serif-CJK-SC") and abs(c["size"] - size) < 0.01
                                  for c in chars) and not re.fullmatch(r"（[上下][接转]第\d+版）", squash(
                                      "".join(c["text"] for c in chars)))
                    if not is_body:
                        continue
                    following = rows[keys[n + 1]] if n + 1 < len(keys) else None
                    next_indented = None
                    if following and all(c["fontname"].endswith("Noto-Serif-CJK-SC") for c in following):
                        nxt_left = left0 + keys[n + 1][0] * column_pitch
                        text = squash("".join(c["text"] for c in following))
                        if not re.fullmatch(r"（[上下][接转]第\d+版）", text):
                            next_indented = following[0]["x0"] - nxt_left > 1.4 * size
                    out.append(BodyLine(m["article"], left, left + g["chars_per_column"] * size, chars, next_indented))
    assert len(out) > 200
    return out


def _size(line: BodyLine) -> float:
    return line.chars[0]["size"]


def test_J1_lines_flush_at_both_edges(body_lines):
    checked = 0
    for line in body_lines:
        if line.next_indented is not False:
            continue  # the last line of a paragraph, or one whose successor is not body text
        em = _size(line)
        first, last = line.chars[0], line.chars[-1]
        starts = [line.column_left, line.column_left + 2 * em]  # flush, or a paragraph's indented first line
        if first["text"] in OPENING:  # P5: an opening mark may lose its blank half at the line start
            starts += [s - em / 2 for s in starts]
        assert min(abs(first["x0"] - s) for s in starts) <= TOL, (line.article, line.text)
        if last["text"] in MARKS - OPENING:
            # P4/J3: a closing mark at the line end may lose up to its blank half: it ends between ½ and 1 em.
            assert last["x0"] + em / 2 - TOL <= line.column_right <= last["x1"] + TOL, (line.article, line.text)
        else:
            assert abs(last["x1"] - line.column_right) <= TOL, (line.article, line.text, line.column_right)
        checked += 1
    assert checked > 150


def test_G1_measures_are_whole_em(sample_build):
    layout = load_layout(sample_build)
    size = layout["grid"]["body_size_pt"]
    for page in layout["pages"]:
        for m in page["modules"]:
            ems = m["mm"]["width"] * MM / size
            assert abs(ems - round(ems)) < 0.01, (m["article"], ems)
    assert layout["grid"]["chars_per_column"] == 11


def test_K1_K2_line_start_and_end(body_lines):
    for line in body_lines:
        assert line.text[0] not in K1, line.text
        assert line.text[-1] not in K2, line.text


def _line_spacing(line: BodyLine) -> float:
    """The even extra spacing of an expanded line (J4): the median Han-to-Han extra advance."""
    em = _size(line)
    extras = [b["x0"] - a["x0"] - em for a, b in zip(line.chars, line.chars[1:])
              if _is_han(a["text"]) and _is_han(b["text"])]
    return statistics.median(extras) if extras else 0.0


def test_P3_adjacent_marks_at_most_one_and_a_half_em(body_lines):
    pairs = 0
    for line in body_lines:
        em, extra = _size(line), max(0.0, _line_spacing(line))
        cs = line.chars
        for a, b, c in zip(cs, cs[1:], cs[2:]):
            if a["text"] in MARKS and b["text"] in MARKS:
                pairs += 1
                assert c["x0"] - a["x0"] <= 1.5 * em + 2 * extra + 0.05, (line.text, a["text"] + b["text"])
    assert pairs >= 5


def test_W1_gap_between_han_and_latin(body_lines):
    boundaries = 0
    for line in body_lines:
        em, extra = _size(line), _line_spacing(line)
        cs = line.chars
        for a, b in zip(cs, cs[1:]):
            if (_is_han(a["text"]) and _is_latin(b["text"])) or (_is_latin(a["text"]) and _is_han(b["text"])):
                boundaries += 1
                gap = b["x0"] - a["x1"] - max(0.0, extra)
                assert em / 8 - 0.05 <= gap <= em / 4 + 0.05, (line.text, a["text"] + b["text"], gap / em)
        # No W1 gap at the line edges: a digit that starts a line starts at the column edge.
        if _is_latin(cs[0]["text"]) and line.next_indented is not None:
            assert min(abs(cs[0]["x0"] - line.column_left), abs(cs[0]["x0"] - line.column_left - 2 * em)) <= TOL
    assert boundaries >= 10


def test_W3_no_half_width_punctuation_in_chinese(sample_build):
    with pdfplumber.open(sample_build / "XHB-20210122.pdf") as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    bad = re.findall(r"[\u4e00-\u9fff][,():;][\u4e00-\u9fff]|[\u4e00-\u9fff][,():;]|[,():;][\u4e00-\u9fff]", text)
    assert not bad, bad


def test_I3_no_single_character_last_line(body_lines):
    ends = 0
    for line in body_lines:
        if line.next_indented:
            ends += 1
            letters = [ch for ch in line.text if ch not in MARKS and not ch.isspace()]
            assert len(letters) >= 2, (line.article, line.text)
    assert ends >= 5


def _expected_body(article) -> str:
    """The article's body as the editor wrote it, normalised, with the dateline and bylines printed in it."""
    parts = []
    for n, block in enumerate(article.blocks):
        text = block.text
        if n == 0 and isinstance(block, Paragraph) and article.dateline:
            by = f"（{article.byline}）" if article.byline_position == "dateline" else ""
            text = article.dateline + by + text
        if isinstance(block, (Paragraph, Subhead, EditorsNote)):
            parts.append(text)
    if article.byline_position == "end":
        parts.append(article.byline)
    return squash("".join(parts))


def test_pdf_text_equals_normalised_source(sample_build):
    """Every article's body in the PDF is its normalised source text, character for character, in order."""
    issue, _ = normalise_issue(load_issue(SAMPLE))
    layout = load_layout(sample_build)
    pitch = layout["grid"]["line_pitch_pt"]
    bodies: dict[str, list[tuple[int, str]]] = {}
    with pdfplumber.open(sample_build / "XHB-20210122.pdf") as pdf:
        for page_info in layout["pages"]:
            page = pdf.pages[page_info["number"] - 1]
            for m in page_info["modules"]:
                bodies.setdefault(m["article"], []).append(
                    (m["part"], reading_text(module_chars(page, m), m, layout, body_only=True)))
    for article in issue.articles:
        printed = squash("".join(t for _, t in sorted(bodies[article.id])))
        printed = re.sub(r"（下转第\d+版）|（上接第\d+版）", "", printed)
        assert printed == _expected_body(article), article.id
