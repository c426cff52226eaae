"""The line composer: a paragraph, a style and a measure in; justified Lines out.

Rule IDs refer to docs/rules.md. Outline:

1. The paragraph becomes *atoms* (a Han character, a mark, a `——`, a whole Latin word …)
   and the *gaps* between them (plain, W1, word space …), each with a break penalty
   (K1–K3, K5). Natural widths already include P1, P3 and P6 (K4: compression is known
   before breaking).
2. Breaks are chosen by a total-fit search (Knuth–Plass style) over break opportunities:
   each line's cost follows J2/J3/J4 (reducing is cheaper than expanding), a last line of
   one character costs a great deal (I3).
3. Each line is set: P4/P5 and the J3 reductions or J4 expansions are distributed (the same
   amount for every member of a class, J5), and atoms are grouped into Runs that paint
   exactly there (absolute x, letter-spacing, `halt`/`fwid` features).

Paint model: a line is a positioned block; each Run is an absolutely positioned span at
`left: x pt` with its own letter-spacing and font-feature-settings, in the style's
family, weight, size and `lang`. Every character of a run advances by its HarfBuzz
advance plus letter_spacing (after every character, as in CSS); the last run of a line
ends exactly at Line.width. WeasyPrint 70 paints each glyph within 0.05 pt of that.
"""
from __future__ import annotations

import math
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import add
from typing import Callable, Literal, Sequence

from layout.model import Line, Run
from layout.text.fonts import FontFace, Metrics
from layout.text.normalise import is_cjk, is_han
from layout.text.segment import COMPOUND, IN_TERM, IN_UNIT, IN_WORD, SPACE, WORD, break_levels

__all__ = ["TextStyle", "compose", "compose_headline", "compose_words", "DEFAULT_HEADLINE_SIZES"]

Align = Literal["justify", "left", "center", "right"]


@dataclass(frozen=True)
class TextStyle:
    face: FontFace
    size: float  # pt
    indent: float = 2.0  # em, first line (I1)
    align: Align = "justify"
    w1_gap: float = 0.25  # em between Han and Latin/digits (W1: ⅛–¼)
    lang: str = "zh-CN"  # the painter's lang attribute: it changes glyphs (fonts.Metrics)


DEFAULT_HEADLINE_SIZES: tuple[float, ...] = tuple(float(s) for s in range(48, 11, -1))

# --- Character classes ----------------------------------------------------------------

HAN, SYM, OPEN, CLOSE, PAUSE, STOP, DOT, CONN, DASH, LATIN = range(10)

_KIND = {}
_KIND.update(dict.fromkeys("“‘（《〈「『【〔〖〘［｛｟｢", OPEN))
_KIND.update(dict.fromkeys("”’）》〉」』】〕〗〙］｝｠｣", CLOSE))
_KIND.update(dict.fromkeys("，、；：", PAUSE))
_KIND.update(dict.fromkeys("。？！．", STOP))
_KIND.update(dict.fromkeys("·・‧", DOT))
_KIND.update(dict.fromkeys("～〜–／", CONN))

_MARKS = (OPEN, CLOSE, PAUSE, STOP)  # full-width marks with a blank half (P1–P5)
_RIGHT_BLANK = (CLOSE, PAUSE, STOP)
_NO_START = frozenset((CLOSE, PAUSE, STOP, DOT, CONN, DASH))  # K1, K3
_SOLIDI = frozenset("/／")  # K3: a solidus never ends a line

# Gap classes.
PLAIN, KEEP, NOEXP, W1, LSP, HSP, INWORD = range(7)
# J3 classes of atoms that can give back part of their box.
_C_BRK, _C_PAU, _C_STP, _C_DOT = 1, 2, 3, 4

# Break penalties (added to the total cost): rules are broken only when nothing else fits.
_FORBIDDEN = 1e7  # K1–K3
_IN_WORD = 1e6  # K5, only for a word too wide to share a line
_I3 = 1e5  # last line of one character
_LINE = 1.0  # per line: fewer lines when otherwise equal
_SPACED_WORD = 5e6  # J4 broken: a line of one Latin word letter-spaced to the measure
_UNJUSTIFIABLE = 1e8  # a line with no gap at all to expand
_OVERFULL = 1e9  # a single atom wider than the measure: it overflows

# J3: reduction order with a cost per em; J4: expansion costs.
_SHRINK_COST = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0)  # END START LSP HSP DOT BRK PAU W1 STP
_EPS = 1e-6
_BALANCE = 20.0  # headlines: weight of uneven line lengths against the cost of a break place
_BETWEEN_WORDS = 1.0  # headlines: the cost of a break between two words (not at a pause)
# B1–B3: between the words of a compound or of a long quoted term, inside a word, inside a number
# and its unit or a name.
_IN_WORD_COST = {COMPOUND: 2.5, IN_TERM: 4.0, IN_WORD: 5.0, IN_UNIT: 10.0}
_EDITORS_SPACE = 3.0  # B4: what an editor's own space is worth against uneven lines
_WORD_BREAK_SCALE = 0.85  # a headline may shrink to this share of its size to save a line
# J4 lets Han–Latin gaps grow to "about ⅓ em", W1 keeps them within ⅛–¼ em: the tighter bound wins,
# and a line that needs more expands its inter-character spacing instead.
_W1_MAX = 0.25
# WeasyPrint 70 paints letter-spaced glyphs slightly off: every glyph after a span's first
# moves by 1.2% of the letter-spacing (draw/text.py divides Pango's x_offset by the font
# size without the 1000/1024 scale), and each glyph's spacing is truncated to 1/1000 em,
# which adds up along the span. Spacing above 2 pt gets spans of its own, and a
# letter-spaced span holds at most as many glyphs as keeps the drift under 0.04 pt.
_MAX_LETTER_SPACING = 2.0
_MAX_DRIFT = 0.04
_UNJOINED = '"kern" 0, "liga" 0'  # a letter-spaced word: no pair may change its width


def _is_mark_combining(c: str) -> bool:
    return unicodedata.category(c) in ("Mn", "Me", "Mc", "Cf")


def _running_count(values: list[int], c: int) -> list[int]:
    """How many of values[:k] equal c, for every k (a prefix count)."""
    return list(accumulate(map(c.__eq__, values), initial=0))


def _count_chars(kind: int, text: str) -> int:
    """Characters of an atom as I3 counts them: letters and digits, not marks."""
    if kind == HAN or kind == SYM:
        return 1
    return sum(c.isalnum() for c in text) if kind == LATIN else 0


# --- Paragraph analysis ---------------------------------------------------------------


class _Paragraph:
    """Atoms and gaps of one paragraph, with prefix sums for O(1) line measurements.

    Atoms live in parallel lists (much faster than objects in the hot loops); index k of
    a gap list describes the gap after atom k.
    """

    def __init__(self, text: str, style: TextStyle, measure: float) -> None:
        self.style = style
        self.measure = measure
        self.metrics = m = Metrics(style.face, style.size, style.lang)
        em = self.em = style.size
        self.half = em / 2
        self.indent = style.indent * em
        self.w1 = style.w1_gap * em
        self.w1_min = min(self.w1, em / 8)
        self.lsp = m.advance(" ")  # a Latin word space at its natural width
        self.lsp_min = min(self.lsp, em / 4)
        self.hsp = em / 2  # a separator space between Han words (记者 姚丽敏); U+3000: 1 em
        self.hsp_give = em / 4  # what each of those may give back (J3, with word spaces)
        self._atomise(text)
        self._compress_pairs()
        self._gaps()
        self._prefix()

    # Atoms ------------------------------------------------------------------------------

    def _atomise(self, text: str) -> None:
        m, em, half = self.metrics, self.em, self.half
        char_em = m.char_em
        atoms: list[str] = []
        kind: list[int] = []
        w: list[float] = []  # box width (pt) after P1/P6 (P3 comes later)
        adv: list[float] = []  # painted advance of the glyphs (pt)
        word: list[int] = []  # id of a breakable word's pieces, else -1
        gtext: list[str] = []  # whitespace after the atom, as in the source
        add_atom, add_kind, add_w, add_adv, add_word, add_gap = (
            atoms.append, kind.append, w.append, adv.append, word.append, gtext.append
        )

        def add(s: str, kd: int, width: float, advance: float, wid: int = -1) -> None:
            add_atom(s)
            add_kind(kd)
            add_w(width)
            add_adv(advance)
            add_word(wid)
            add_gap("")

        n = len(text)
        # A Latin word too wide to share the first line with a 2 em unit (——, two Han) may
        # be broken inside: K5 yields to J1 only when nothing else fits (see _IN_WORD).
        breakable = self.measure - self.indent - 2 * em - self.w1
        word_id = 0
        i = 0
        while i < n:
            c = text[i]
            if "\u4e00" <= c <= "\u9fff":  # the common case, inlined
                a = char_em.get(c)
                if a is None:
                    a = m.char_advance_em(c)
                a *= em
                add_atom(c)
                add_kind(HAN)
                add_w(a)
                add_adv(a)
                add_word(-1)
                add_gap("")
                i += 1
                continue
            if c.isspace():
                j = i
                while j < n and text[j].isspace():
                    j += 1
                if atoms:  # leading whitespace has nothing to separate
                    gtext[-1] += text[i:j]
                i = j
                continue
            if atoms and not gtext[-1] and _is_mark_combining(c):
                atoms[-1] += c  # combining marks, selectors, joiners ride on their base
                i += 1
                continue
            kd = _KIND.get(c)
            if kd is not None:
                a = m.advance(c)
                if kd in _MARKS:
                    add(c, kd, max(a, em), a)  # P1: a 1 em box
                elif kd == DOT:
                    add(c, DOT, half, a)  # P6: ½ em
                else:
                    add(c, CONN, a, a)
                i += 1
                continue
            if c in "—…":
                j = i
                while j < n and text[j] == c:
                    j += 1
                feats = '"fwid"' if c == "—" else ""
                for _ in range((j - i) // 2):  # P1: a pair is one 2 em unit, never split
                    a = m.width(c + c, feats)
                    add(c + c, DASH, a, a)
                if (j - i) % 2:
                    a = m.width(c, feats)
                    # A lone — is the 一字线 connector; a lone … still never starts a line.
                    add(c, CONN if c == "—" else DASH, a, a)
                i = j
                continue
            if is_cjk(c):
                a = m.advance(c)
                add(c, HAN if is_han(c) else SYM, a, a)
                i += 1
                continue
            nxt = text[i + 1] if i + 1 < n else " "
            if c in "-/" and (nxt.isspace() or is_cjk(nxt)):
                add(c, CONN, half, m.advance(c))  # P6: connector/solidus in Chinese: ½ em
                i += 1
                continue
            # A Latin run: everything up to the next space or CJK character (K5).
            j = i + 1
            while j < n and not text[j].isspace() and not is_cjk(text[j]):
                j += 1
            s = text[i:j]
            a = m.width(s)
            if a <= breakable:
                add(s, LATIN, a, a)
            else:  # each piece measured and painted alone: exact wherever the word breaks
                for piece, _ in _clusters(s, m.advances(s)):
                    a = m.width(piece)
                    add(piece, LATIN, a, a, word_id)
                word_id += 1
            i = j
        self.text, self.kind, self.w, self.adv, self.word, self.gtext = atoms, kind, w, adv, word, gtext
        self.n = len(atoms)

    def _compress_pairs(self) -> None:
        """P3: of two adjacent marks, one loses its blank half (brackets stay on their text)."""
        kind, w, gtext, half = self.kind, self.w, self.gtext, self.half
        comp = self.comp = [False] * self.n
        for k in range(self.n - 1):
            a, b = kind[k], kind[k + 1]
            if a in _MARKS and b in _MARKS and not gtext[k]:
                if a in _RIGHT_BLANK and not comp[k]:
                    comp[k] = True
                    w[k] -= half
                elif b == OPEN:
                    comp[k + 1] = True
                    w[k + 1] -= half

    def _gaps(self) -> None:
        """Class, natural width and break penalty of the gap after each atom (K1–K3, K5, W1)."""
        kind, text, gtext = self.kind, self.text, self.gtext
        n = self.n
        gcls = [NOEXP] * n
        gw = [0.0] * n
        pen = [0.0] * n
        for k in range(n - 1):
            a, b = kind[k], kind[k + 1]
            if a == HAN and b == HAN and not gtext[k]:
                gcls[k] = PLAIN  # the common case
                continue
            forbidden = b in _NO_START or a == OPEN or text[k] in _SOLIDI
            if gtext[k]:
                if "\u3000" in gtext[k]:  # an ideographic space: a full em
                    gcls[k], gw[k] = HSP, self.em
                elif a == LATIN and b == LATIN:
                    gcls[k], gw[k] = LSP, self.lsp
                else:
                    gcls[k], gw[k] = HSP, self.hsp
                pen[k] = _FORBIDDEN if forbidden else 0.0
            elif a == LATIN and b == LATIN:  # fragments of one split word
                gcls[k], pen[k] = INWORD, _IN_WORD
            elif (a == LATIN and b == HAN) or (a == HAN and b == LATIN):
                gcls[k], gw[k] = W1, self.w1
            elif (a == LATIN and b == SYM) or (a == SYM and b == LATIN):
                gcls[k], pen[k] = KEEP, _FORBIDDEN  # K5: 30℃, ±5 are one number
            else:
                beside_connector = a == CONN or a == DOT or b == CONN or b == DOT
                if forbidden:
                    gcls[k], pen[k] = (NOEXP if beside_connector else KEEP), _FORBIDDEN
                else:
                    gcls[k] = NOEXP if beside_connector else PLAIN
        self.gcls, self.gw, self.pen = gcls, gw, pen

    def _prefix(self) -> None:
        """Prefix sums over atoms and gaps, so a line's width, reducible amount and class
        counts are a few subtractions."""
        kind, comp, w, gw, gcls = self.kind, self.comp, self.w, self.gw, self.gcls
        half, em = self.half, self.em
        # J3 class of each atom (0: none).
        by_kind = {OPEN: _C_BRK, CLOSE: _C_BRK, PAUSE: _C_PAU, STOP: _C_STP, DOT: _C_DOT}
        acls = [0 if comp[k] else by_kind.get(kd, 0) for k, kd in enumerate(kind)]
        self.acls = acls
        self.X = X = list(accumulate(map(add, w, gw), initial=0.0))  # start of each atom
        self.E = list(map(add, X, w))  # end of each atom
        counts = _running_count
        self.c_brk, self.c_pau, self.c_stp, self.c_dot = (
            counts(acls, c) for c in (_C_BRK, _C_PAU, _C_STP, _C_DOT))
        self.c_lsp, self.c_hsp, self.c_w1, self.c_plain = (counts(gcls, c) for c in (LSP, HSP, W1, PLAIN))
        self.c_spaced = list(map(add, self.c_lsp, self.c_w1))
        self.c_keep = list(accumulate(map((KEEP, NOEXP).__contains__, gcls), initial=0))
        self.c_inword = counts(gcls, INWORD)
        inner = (len(t) - 1 if kd == LATIN and wid < 0 else 0 for kd, t, wid in zip(kind, self.text, self.word))
        self.c_inner = list(accumulate(inner, initial=0))  # gaps inside unbroken Latin words
        self.c_chars = list(accumulate(map(_count_chars, kind, self.text), initial=0))
        # All a line can give back (J3), per atom and per gap.
        acap = [0.0, half, half, half, em / 4]  # by atom class: none BRK PAU STP DOT
        gcap = {LSP: self.lsp - self.lsp_min, HSP: self.hsp_give, W1: self.w1 - self.w1_min}
        self.gcap = [gcap.get(c, 0.0) for c in gcls]
        self.S = list(accumulate((acap[a] + g for a, g in zip(acls, self.gcap)), initial=0.0))
        # P5: an opening bracket may lose its blank half at the line start only where its
        # glyph still starts inside the line (with `halt`, or a narrow glyph); if not, the
        # half it could give elsewhere is lost there.
        m, text, adv = self.metrics, self.text, self.adv
        self.start_loss = [
            half if kd == OPEN and not comp[k] and not (_halt_ok(m, text[k]) or adv[k] <= half + _EPS)
            else 0.0
            for k, kd in enumerate(kind)
        ]

    # Lines ------------------------------------------------------------------------------

    def avail(self, i: int) -> float:
        return self.measure - (self.indent if i == 0 else 0.0)

    def shrink_caps(self, i: int, j: int) -> list[float]:
        """Reducible amount per class, in J3 order: END START LSP HSP DOT BRK PAU W1 STP.

        END is the line-end mark (P4), START an opening bracket at the line start (P5):
        each is set either in full or at ½ em with the font's own half-width form, never
        in between, so the line's edge glyphs sit exactly on its edges."""
        half, acls, kind = self.half, self.acls, self.kind
        end = acls[j] if kind[j] in _RIGHT_BLANK else 0
        start = kind[i] == OPEN and acls[i] != 0 and i != j
        brk = self.c_brk[j + 1] - self.c_brk[i] - (end == _C_BRK) - (kind[i] == OPEN and acls[i] != 0)
        return [
            half if end else 0.0,
            half if start and not self.start_loss[i] else 0.0,
            (self.c_lsp[j] - self.c_lsp[i]) * (self.lsp - self.lsp_min),
            (self.c_hsp[j] - self.c_hsp[i]) * self.hsp_give,
            (self.c_dot[j + 1] - self.c_dot[i]) * self.em / 4,
            brk * half,
            (self.c_pau[j + 1] - self.c_pau[i] - (end == _C_PAU)) * half,
            (self.c_w1[j] - self.c_w1[i]) * (self.w1 - self.w1_min),
            (self.c_stp[j + 1] - self.c_stp[i] - (end == _C_STP)) * half,
        ]

    def shrink_plan(self, i: int, j: int, r: float) -> tuple[list[float], float]:
        """How much each class gives to take up r (J3 order, J5 evenly within a class).

        END and START give a whole ½ em or nothing: they are used in their turn when r is at
        least that, else only if the other classes cannot take r up. Returns the amounts and
        what is left: > 0 the line cannot be set, < 0 it was over-reduced by a whole END or
        START and that much must be expanded again."""
        caps = self.shrink_caps(i, j)
        takes = [0.0] * len(caps)
        for c, cap in enumerate(caps):
            if cap <= 0.0 or r <= _EPS:
                continue
            if c < 2:
                if r >= cap - _EPS:
                    takes[c] = cap
                    r -= cap
                continue
            take = cap if cap < r else r
            takes[c] = take
            r -= take
        for c in (0, 1):
            if r > _EPS and caps[c] and not takes[c]:
                takes[c] = caps[c]
                r -= caps[c]
        return takes, r

    def line_cost(self, i: int, j: int, justify: bool) -> float:
        """Cost of a line of atoms i..j (inclusive), J2–J4 and I3."""
        d = self.avail(i) - (self.E[j] - self.X[i])
        last = j == self.n - 1
        cost = _I3 if last and i > 0 and self.c_chars[j + 1] - self.c_chars[i] <= 1 else 0.0
        if d < -_EPS:
            return cost + self._shrink_cost(i, j, -d)
        if d <= _EPS or last:
            return cost
        if not justify:
            return cost + 0.1 * (d / self.em) ** 2  # ragged lines: prefer even lengths
        return cost + self._stretch_cost(i, j, d)

    def _shrink_cost(self, i: int, j: int, r: float) -> float:
        """J2/J3: reductions in order, cheapest first."""
        takes, left = self.shrink_plan(i, j, r)
        cost = sum(w * t for w, t in zip(_SHRINK_COST, takes)) / self.em
        if left > _EPS:
            return cost + _OVERFULL * (1.0 + left / self.em)  # only an atom wider than the line
        if left < -_EPS:
            cost += self._stretch_cost(i, j, -left)
        return cost

    def _stretch_cost(self, i: int, j: int, e: float) -> float:
        """J4: word spaces, then Han–Latin gaps, then even inter-character spacing."""
        em = self.em
        n_plain = self.c_plain[j] - self.c_plain[i]
        if n_plain and self.c_spaced[j] == self.c_spaced[i]:  # the common case: Han only
            return 8.0 * e / em + 50.0 * e * e / (n_plain * em * em)
        cost = 0.0
        n_lsp = self.c_lsp[j] - self.c_lsp[i]
        n_w1 = self.c_w1[j] - self.c_w1[i]
        for count, room, weight in ((n_lsp, em / 2 - self.lsp, 1.0), (n_w1, em * _W1_MAX - self.w1, 2.0)):
            if count and room > 0.0:
                take = min(e, count * room)
                cost += weight * take / em
                e -= take
        if e <= _EPS:
            return cost
        if n_plain:
            return cost + 8.0 * e / em + 50.0 * e * e / (n_plain * em * em)
        # Fallbacks, each far worse: spaces past their limit, no-break gaps, inside a word.
        if n_lsp or n_w1 or self.c_hsp[j] - self.c_hsp[i]:
            return cost + 30.0 * e / em
        if self.c_keep[j] - self.c_keep[i]:
            return cost + 200.0 * e / em
        if self.c_inword[j] - self.c_inword[i]:
            return cost + 1000.0 * e / em
        if self.c_inner[j + 1] - self.c_inner[i]:
            return cost + _SPACED_WORD
        return _UNJUSTIFIABLE

    def breaks(self) -> list[tuple[int, int]]:
        """Total fit: the line ends minimising summed line costs and break penalties.

        From each reachable start only the fullest lines are tried: the longest that can
        be set (with J3 reductions) and the legal break before it, which covers J2 and
        pulling a character down for I3 (a third candidate won 0.2% of lines on news text).
        """
        n, E, X, S, gcap, pen = self.n, self.E, self.X, self.S, self.gcap, self.pen
        start_loss = self.start_loss
        justify = self.style.align == "justify"
        line_cost, stretch_cost, shrink_cost = self.line_cost, self._stretch_cost, self._shrink_cost
        inf = float("inf")
        best = [inf] * (n + 1)
        back = [0] * (n + 1)
        best[0] = 0.0
        last = n - 1
        for i in range(n):
            bi = best[i]
            if bi == inf:
                continue
            limit = X[i] + self.avail(i)
            give = S[i] + start_loss[i]
            j = bisect_right(E, limit + _EPS, i) - 1
            if j < i:
                j = i
            # Longer lines while J3 reductions can absorb the excess (K4: known before breaking).
            while j < last and E[j + 1] - limit <= S[j + 2] - gcap[j + 1] - give + _EPS:
                j += 1
            tries = 0
            k = j
            if pen[j] and j != last:
                tries = -1  # the fullest line breaks a rule: tried, as a last resort only
            while k >= i and tries < 2:
                if tries < 0 or pen[k] == 0.0 or k == last:
                    if k == last:
                        c = bi + _LINE + line_cost(i, k, justify)
                    else:
                        d = limit - E[k]
                        if d > _EPS:
                            lc = stretch_cost(i, k, d) if justify else 0.1 * (d / self.em) ** 2
                        elif d < -_EPS:
                            lc = shrink_cost(i, k, -d)
                        else:
                            lc = 0.0
                        c = bi + _LINE + lc + pen[k]
                    if c < best[k + 1]:
                        best[k + 1] = c
                        back[k + 1] = i
                    tries += 1
                k -= 1
        lines = []
        k = n
        while k > 0:
            i = back[k]
            lines.append((i, k - 1))
            k = i
        lines.reverse()
        return lines

    def fits(self, i: int, j: int) -> bool:
        """Whether atoms i..j can be set in the measure (with J3 reductions if needed)."""
        over = self.E[j] - self.X[i] - self.avail(i)
        give = self.S[j + 1] - self.S[i] - self.gcap[j] - self.start_loss[i]
        return over <= _EPS or over <= give + _EPS

    # Setting a line ---------------------------------------------------------------------

    def set_line(self, i: int, j: int, last: bool, align: Align) -> Line:
        """Distribute the line's adjustment (P4, P5, J3–J5) and paint it as Runs."""
        box = self.w[i : j + 1]
        gap = self.gw[i:j]
        gcls = self.gcls[i:j]
        x0 = self.indent if i == 0 else 0.0
        avail = self.avail(i)
        d = avail - (self.E[j] - self.X[i])
        if d < -_EPS:
            d = -self._reduce(i, j, -d, box, gap)
        if d > _EPS and align == "justify" and not last:
            self._expand(d, i, box, gap, gcls)
        width = sum(box) + sum(gap)
        if align == "center":
            x0 += (avail - width) / 2
        elif align == "right":
            x0 += avail - width
        runs = self._paint(i, j, x0, box, gap)
        return Line(runs=runs, width=round(x0 + width, 4), last=last)

    def _reduce(self, i: int, j: int, r: float, box: list[float], gap: list[float]) -> float:
        """Apply shrink_plan to the line's boxes and gaps; return what is left of r."""
        takes, left = self.shrink_plan(i, j, r)
        end_take, start_take, lsp, hsp, dot, brk, pau, w1, stp = takes
        acls, gcls = self.acls, self.gcls
        box[-1] -= end_take
        box[0] -= start_take
        members: dict[int, list[int]] = {_C_BRK: [], _C_PAU: [], _C_STP: [], _C_DOT: []}
        end = j if self.kind[j] in _RIGHT_BLANK else -1
        start = i if self.kind[i] == OPEN else -1
        for k in range(i, j + 1):
            if acls[k] and k != end and k != start:
                members[acls[k]].append(k - i)
        for take, cls in ((dot, _C_DOT), (brk, _C_BRK), (pau, _C_PAU), (stp, _C_STP)):
            if take:
                for t in members[cls]:
                    box[t] -= take / len(members[cls])
        for take, cls in ((lsp, LSP), (hsp, HSP), (w1, W1)):
            if take:
                idx = [k - i for k in range(i, j) if gcls[k] == cls]
                for t in idx:
                    gap[t] -= take / len(idx)
        return left

    def _expand(self, e: float, i: int, box: list[float], gap: list[float], gcls: list[int]) -> None:
        """J4 order: word spaces to ½ em, Han–Latin gaps to _W1_MAX, then even spacing."""
        em = self.em
        for cls, room in ((LSP, em / 2 - self.lsp), (W1, em * _W1_MAX - self.w1)):
            idx = [t for t, c in enumerate(gcls) if c == cls]
            if idx and room > 0 and e > _EPS:
                each = min(room, e / len(idx))
                for t in idx:
                    gap[t] += each
                e -= each * len(idx)
        if e <= _EPS:
            return
        for classes in ((PLAIN,), (LSP, HSP, W1), (KEEP, NOEXP), (INWORD,)):
            idx = [t for t, c in enumerate(gcls) if c in classes]
            if idx:
                for t in idx:
                    gap[t] += e / len(idx)
                return
        # Last resort (a line holding one Latin word): letter-space inside the words.
        inner = [
            len(_clusters(self.text[i + t], self.metrics.advances(self.text[i + t], _UNJOINED))) - 1
            if self.kind[i + t] == LATIN else 0
            for t in range(len(box))
        ]
        if sum(inner):
            for t, n in enumerate(inner):
                box[t] += e * n / sum(inner)
        # Otherwise one unbreakable atom: the line stays flush left.

    def _paint(self, i: int, j: int, x0: float, box: list[float], gap: list[float]) -> tuple[Run, ...]:
        """Group atoms into Runs: a run goes on while each glyph lands where the previous
        glyph's advance plus the run's one letter-spacing puts it.

        Letter-spacing follows every character, as in CSS; a run of one glyph gets the
        spacing that makes it end where its box ends (a squeezed mark, a centred interpunct),
        so the last run of a line ends exactly at Line.width.
        """
        kind, text, adv, word, gtext = self.kind, self.text, self.adv, self.word, self.gtext
        m, half, em = self.metrics, self.half, self.em
        runs: list[Run] = []
        # The open run: text parts, x, features, whether more glyphs may join, glyph count,
        # letter-spacing (known from the second glyph on), and origin, advance and tail
        # (what its advance falls short of its box) of its last glyph.
        parts: list[str] = []
        run_x = run_ls = last_x = last_adv = last_tail = 0.0
        run_feats = ""
        run_open = False
        glyphs = 0
        max_spaced = 1 + max(1, int(_MAX_DRIFT * 1000 / em))  # glyphs in a letter-spaced run

        def emit(text: str, x: float, ls: float) -> None:
            runs.append(Run(text, round(x, 4), 0.0 if abs(ls) <= _EPS else round(ls, 4), run_feats))

        def close(space: str = "", final: bool = False) -> None:
            nonlocal glyphs
            if glyphs == 1:
                emit(parts[0] + space, run_x, last_tail)
            elif glyphs and final and run_ls > _EPS:
                # Letter-spacing follows every character (CSS): the line's last glyph gets a
                # run of its own so the line ends exactly at its width.
                emit("".join(parts[:-1]), run_x, run_ls)
                emit(parts[-1], last_x, last_tail)
            elif glyphs:
                emit("".join(parts) + space, run_x, run_ls)
            parts.clear()
            glyphs = 0

        x = x0
        for k in range(i, j + 1):
            t = k - i
            kd, b, a, s = kind[k], box[t], adv[k], text[k]
            feats = ""
            origin = x
            merge = False  # a single Han or mark in its plain box may share a run
            if kd == HAN or kd == SYM:
                merge = len(s) == 1
            elif kd in _MARKS:
                squeeze = max(em, a) - b
                if squeeze <= _EPS:
                    if kd == OPEN:
                        origin = x + b - a  # a narrow opening mark sits on its text
                    merge = abs(a - b) <= _EPS
                elif _halt_ok(m, s) and (kd == OPEN or abs(squeeze - half) <= _EPS):
                    feats, a = '"halt"', half  # the font's own half-width form (P3–P5)
                    if kd == OPEN:
                        origin = x + b - half
                elif kd == OPEN:
                    origin = x + b - a  # the blank is on the left: the glyph moves left
            elif kd == DOT or (kd == CONN and s in "-/"):
                origin = x + (b - a) / 2  # P6: centred in its ½ em
            elif kd == LATIN:
                if word[k] < 0 and b - a > _EPS:  # letter-spaced as a last resort (_expand)
                    close()
                    run_open = False
                    runs.extend(self._spaced_word(s, x, b))
                    x += b
                    if k < j:
                        x += gap[t]
                        if gtext[k]:
                            r = runs[-1]
                            runs[-1] = Run(r.text + gtext[k], r.x, r.letter_spacing, r.features)
                    continue
            elif "—" in s:
                feats = '"fwid"'  # the full-width dash whatever script Pango gives the span
            joined = False
            if merge and run_open:
                ls = origin - (last_x + last_adv)
                if glyphs == 1 and -_EPS <= ls <= _MAX_LETTER_SPACING:
                    run_ls, joined = max(ls, 0.0), True
                elif glyphs > 1 and abs(ls - run_ls) <= _EPS:
                    joined = run_ls <= _EPS or glyphs < max_spaced
            if not joined:
                close()
                run_x, run_ls, run_feats, run_open = origin, 0.0, feats, merge
            parts.append(s)
            glyphs += 1
            last_x, last_adv, last_tail = origin, a, x + b - origin - a
            x += b
            if k < j:
                x += gap[t]
                if gtext[k]:  # a kept space stays in the text, at the end of its run
                    close(gtext[k])
                    run_open = False
        close(final=True)
        return tuple(runs)

    def _spaced_word(self, s: str, x: float, width: float) -> list[Run]:
        """A Latin word spread to `width`: all but its last piece in one letter-spaced run
        without kerning, the last piece alone, ending the box; both measured as painted."""
        m = self.metrics
        pieces = _clusters(s, m.advances(s))
        head, tail = "".join(p for p, _ in pieces[:-1]), pieces[-1][0]
        head_width = m.width(head, _UNJOINED)
        ls = (width - head_width - m.width(tail)) / len(head)
        return [Run(head, round(x, 4), round(ls, 4), _UNJOINED),
                Run(tail, round(x + head_width + ls * len(head), 4), 0.0)]


def _clusters(word: str, advs: Sequence[float]) -> list[tuple[str, float]]:
    """Split a shaped word into grapheme-like pieces (a base and its combining marks)."""
    out: list[tuple[str, float]] = []
    for ch, a in zip(word, advs):
        if out and (a == 0.0 or _is_mark_combining(ch)):
            prev, pa = out[-1]
            out[-1] = (prev + ch, pa + a)
        else:
            out.append((ch, a))
    return out


def _halt_ok(m: Metrics, c: str) -> bool:
    """Whether the face's `halt` sets this mark at exactly ½ em (Noto CJK: yes; WenKai: no)."""
    return abs(m.char_advance_em(c, '"halt"') - 0.5) < 1e-9


# --- Public API -----------------------------------------------------------------------


def compose(text: str, style: TextStyle, measure: float) -> tuple[Line, ...]:
    """Break one paragraph into lines of `measure` pt and set each line (see module doc).

    `text` should have been through normalise(); any text is accepted and no character
    but the spaces at line breaks is dropped.
    """
    para = _Paragraph(text, style, measure)
    return _set(para, para.breaks(), style.align) if para.kind else ()


def compose_headline(
    text: str,
    face: FontFace,
    span_measure: float,
    max_lines: int = 3,
    sizes: Sequence[float] = DEFAULT_HEADLINE_SIZES,
    align: Align = "center",
    lang: str = "zh-CN",
    terms: tuple[str, ...] = (),
    words_only_below: float = 0.0,
) -> tuple[float, tuple[Line, ...]]:
    """The largest size of `sizes` at which the headline fits in `max_lines` lines (H2).

    Breaks only where K1/K2 allow, preferring the editor's own spaces, then punctuation, then a
    boundary between words (B1–B5: layout/text/segment.py, with the article's own `terms`),
    balancing line lengths and never leaving one character alone on the last line. Sizes below
    `words_only_below` are taken only where they keep every word whole. If no size fits, the
    smallest other size is returned with as many lines as it needs.
    """
    return _compose_display(text, lambda size: TextStyle(face, size, 0.0, align, lang=lang), span_measure,
                            max_lines, sizes, terms, words_only_below)


def compose_words(text: str, style: TextStyle, measure: float, terms: tuple[str, ...] = ()) -> tuple[Line, ...]:
    """A kicker, subtitle or subhead at its fixed size: broken between words as a headline is
    (B1–B5), in the fewest lines that keep words whole (one more than compose() at most)."""
    para = _Paragraph(text, style, measure)
    if not para.kind:
        return ()
    return _compose_display(text, lambda size: style, measure, len(para.breaks()) + 1, (style.size,), terms,
                            paragraphs={style.size: para})[1]


def _compose_display(text: str, style_at: Callable[[float], TextStyle], measure: float, max_lines: int,
                     sizes: Sequence[float], terms: tuple[str, ...], words_only_below: float = 0.0,
                     paragraphs: dict[float, _Paragraph] | None = None) -> tuple[float, tuple[Line, ...]]:
    """The lines of the first of these that fits (docs/headline-breaks.md, B1): every word whole
    in `max_lines` lines, at the largest size; every word whole in one line more (fewer characters
    a line), at the smallest size, so that the line costs the least height; every word whole in
    `max_lines` lines at the largest size below `words_only_below` (only this takes those); every
    word whole in as many lines as it takes, at the smallest allowed size; then, at the largest size,
    a quoted term too long for a line broken between its words (IN_TERM), in one line more (or as
    many as it takes, at the smallest size); a word broken, outside quotes and brackets; anywhere
    K1–K3 allow.

    Whether a size is chosen depends only on that size and the sizes below it, never on the
    largest size allowed: a size given back as the only or largest size gives the same lines
    (the painter asks again with the planner's size)."""
    # Analysing the text at a size is the costly part: once per size, shared by every pass and
    # the fallback (the planner asks for every headline at many spans and caps).
    paragraphs = {} if paragraphs is None else paragraphs
    levels = break_levels(text, terms)
    ordered = sorted(sizes, reverse=True)
    allowed = [s for s in ordered if s >= words_only_below] or ordered
    found: dict[tuple[float, int, bool, int | None], list[tuple[int, int]] | None] = {}

    def paragraph(size: float) -> _Paragraph:
        para = paragraphs.get(size)
        if para is None:
            para = paragraphs[size] = _Paragraph(text, style_at(size), measure)
        return para

    def breaks(size: float, lines: int = max_lines, keep_groups: bool = True,
               worst: int | None = COMPOUND) -> list[tuple[int, int]] | None:
        """Breaks in at most `lines` lines at places graded `worst` or better (None: any place K1–K3
        allow), with keep_groups none inside quotes or brackets."""
        key = (size, lines, keep_groups, worst)
        if key not in found:
            para = paragraph(size)
            found[key] = _headline_breaks(para, _gap_levels(para, text, levels), lines, keep_groups, worst)
        return found[key]

    def fewer_lines_nearby(size: float, lines: int) -> bool:
        """Whether a slightly smaller size keeps words whole in fewer lines (a headline group is no
        taller than it must be). Skipped when even the smallest of them could not save a line."""
        para = paragraph(size)
        least = (para.E[-1] - para.X[0] - para.S[-1]) * _WORD_BREAK_SCALE  # fully reduced, at the smallest
        if lines == 1 or math.ceil(least / measure - _EPS) >= lines:
            return False
        return any((b := breaks(s)) is not None and len(b) < lines
                   for s in ordered if _WORD_BREAK_SCALE * size <= s < size and s >= words_only_below)

    for size in allowed:
        para = paragraph(size)
        if not para.kind:
            return size, ()
        if (lines := breaks(size)) is not None and not fewer_lines_nearby(size, len(lines)):
            return size, _set(para, lines, para.style.align)
    smaller = [s for s in ordered if s not in allowed]
    # As many lines as it takes, at the smallest size, before a word or a quoted term breaks: a long
    # headline in a narrow column stands taller (the planner weighs its height) but reads whole.
    least, every = allowed[-1:], len(text)
    passes = [(allowed[::-1], max_lines + 1, True, COMPOUND), (smaller, max_lines, True, COMPOUND),
              (least, every, True, COMPOUND), (allowed, max_lines + 1, False, IN_TERM),
              (least, every, False, IN_TERM), (allowed, max_lines, True, None), (allowed, max_lines, False, None)]
    for sizes_tried, lines_allowed, keep_groups, worst in passes:
        for size in sizes_tried:
            if (lines := breaks(size, lines_allowed, keep_groups, worst)) is not None:
                para = paragraph(size)
                return size, _set(para, lines, para.style.align)
    para = paragraph(allowed[-1])
    return allowed[-1], _set(para, para.breaks(), para.style.align)


def _gap_levels(para: _Paragraph, text: str, levels: tuple[int, ...]) -> list[int]:
    """The segmenter's grade of the gap after each atom: atoms and their spaces are the text
    minus its leading whitespace, in order."""
    pos = len(text) - len(text.lstrip())
    out = []
    for atom, space in zip(para.text, para.gtext):
        pos += len(atom)
        out.append(levels[pos])
        pos += len(space)
    return out


def _set(para: _Paragraph, breaks: list[tuple[int, int]], align: Align) -> tuple[Line, ...]:
    last = len(breaks) - 1
    return tuple(para.set_line(i, j, n == last, align) for n, (i, j) in enumerate(breaks))


def _headline_breaks(para: _Paragraph, levels: list[int], max_lines: int, keep_groups: bool,
                     worst: int | None) -> list[tuple[int, int]] | None:
    """Fewest lines first, then the most balanced breaks at the best places; None if > max_lines.

    With keep_groups, no break falls inside quotes or brackets; with worst, none at a place graded
    worse (levels: the segmenter's grade of the gap after each atom)."""
    n = len(para.kind)
    kind, gcls, pen = para.kind, para.gcls, para.pen
    inside = []  # whether the gap after each atom is inside quotes or brackets
    depth = 0
    for kd in kind:
        depth = depth + 1 if kd == OPEN else max(0, depth - 1) if kd == CLOSE else depth
        inside.append(depth > 0)
    ends = [j for j in range(n) if (pen[j] == 0.0 and not (keep_groups and inside[j])) or j == n - 1]
    if worst is not None:
        ends = [j for j in ends if j == n - 1 or levels[j] <= worst]

    def place_cost(j: int) -> float:
        """How bad a break after atom j is, in units of one em² of imbalance."""
        if j == n - 1:
            return 0.0
        cost = 6.0 if inside[j] else 0.0  # a quoted term or an aside is one unit
        if levels[j] == SPACE:
            return cost - _EDITORS_SPACE  # B4: where the editor wants the line to end
        if levels[j] > WORD:
            return cost + _IN_WORD_COST[levels[j]]
        if gcls[j] in (LSP, HSP) or kind[j] in _RIGHT_BLANK:
            return cost  # a space or after punctuation: where a reader pauses
        if kind[j + 1] == OPEN:
            return cost + 0.5
        return cost + _BETWEEN_WORDS

    inf = float("inf")
    # best[k]: (cost, lines) of setting atoms 0..k-1 in the current number of lines.
    best: dict[int, tuple[float, list[tuple[int, int]]]] = {0: (0.0, [])}
    for _ in range(max_lines):
        nxt: dict[int, tuple[float, list[tuple[int, int]]]] = {}
        for i, (cost, path) in best.items():
            for j in ends:
                if j < i:
                    continue
                if not para.fits(i, j):
                    break
                if j == n - 1 and i > 0 and para.c_chars[n] - para.c_chars[i] <= 1:
                    continue  # H2/I3: no orphan character on the last line
                # Imbalance as a share of the measure, so break places weigh the same at every size:
                # at a wide measure raw em² would outweigh breaking inside a word (委员|会).
                avail = para.avail(i)
                share = max(0.0, avail - (para.E[j] - para.X[i])) / avail
                c = cost + _BALANCE * share * share + place_cost(j)
                if c < nxt.get(j + 1, (inf,))[0]:
                    nxt[j + 1] = (c, path + [(i, j)])
        if n in nxt:
            return nxt[n][1]
        best = {k: v for k, v in nxt.items() if k < n}
    return None
