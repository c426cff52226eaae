"""The line composer: a paragraph, a style and a measure in; justified Lines out.

Rule IDs refer to reference/cjk-typography.md. Outline:

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
family, size and `lang`. Every character of a run advances by its HarfBuzz advance plus
letter_spacing, so the x of each glyph is known here to the hundredth of a point.
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal, Sequence

from layout.model import Line, Run
from layout.text.fonts import FontFace, Metrics
from layout.text.normalise import is_cjk, is_han

__all__ = ["TextStyle", "compose", "compose_headline", "DEFAULT_HEADLINE_SIZES"]

Align = Literal["justify", "left", "center"]


@dataclass(frozen=True)
class TextStyle:
    face: FontFace
    size: float  # pt
    indent: float = 2.0  # em, first line (I1)
    align: Align = "justify"
    w1_gap: float = 0.25  # em between Han and Latin/digits (W1: ⅛–¼)
    lang: str = "zh-Hans"  # the painter's lang attribute: it changes glyphs (fonts.Metrics)


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

# Break penalties (added to the total cost): rules are broken only when nothing else fits.
_FORBIDDEN = 1e7  # K1–K3
_IN_WORD = 1e6  # K5, only for a word wider than the line
_I3 = 1e5  # last line of one character
_LINE = 1.0  # per line: fewer lines when otherwise equal
_UNJUSTIFIABLE = 1e8  # a line with no gap at all to expand
_OVERFULL = 1e9  # a single atom wider than the measure: it overflows

# J3: reduction order with a cost per em; J4: expansion costs.
_SHRINK_COST = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0)  # END LSP HSP DOT BRK PAU W1 STP
_EPS = 1e-6
# WeasyPrint 70 paints letter-spaced glyphs slightly off: every glyph after a span's first
# moves by 1.2% of the letter-spacing (draw/text.py divides Pango's x_offset by the font
# size without the 1000/1024 scale), and each glyph's spacing is truncated to 1/1000 em,
# which adds up along the span. Spacing above 2 pt gets spans of its own, and a
# letter-spaced span holds at most as many glyphs as keeps the drift under 0.04 pt.
_MAX_LETTER_SPACING = 2.0
_MAX_DRIFT = 0.04


def _is_mark_combining(c: str) -> bool:
    return unicodedata.category(c) in ("Mn", "Me", "Mc", "Cf")


# --- Paragraph analysis ---------------------------------------------------------------


class _Paragraph:
    """Atoms and gaps of one paragraph, with prefix sums for O(1) line measurements."""

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
        self.hsp = em / 2  # a separator space between Han words (记者 姚丽敏)

        # Atoms: parallel lists (faster than objects in the hot loops).
        self.text: list[str] = []
        self.kind: list[int] = []
        self.w: list[float] = []  # box width (pt) after P1/P3/P6
        self.adv: list[float] = []  # painted advance of the glyphs (pt)
        self.comp: list[bool] = []  # P3 already took its blank half
        self.word: list[int] = []  # Latin word id for fragments of a split word, else -1
        self.nchar: list[int] = []  # characters counting for I3
        # Gap after each atom.
        self.gtext: list[str] = []  # whitespace kept in the source
        self.gcls: list[int] = []
        self.gw: list[float] = []
        self.pen: list[float] = []
        self._atomise(text)
        self._compress_pairs()
        self._gaps()
        self._prefix()

    # Atoms ------------------------------------------------------------------------------

    def _add(self, text: str, kind: int, w: float, adv: float, nchar: int, word: int = -1) -> None:
        self.text.append(text)
        self.kind.append(kind)
        self.w.append(w)
        self.adv.append(adv)
        self.comp.append(False)
        self.word.append(word)
        self.nchar.append(nchar)
        self.gtext.append("")

    def _atomise(self, text: str) -> None:
        m, em, half = self.metrics, self.em, self.half
        char_em = m.char_em
        size = self.em
        n = len(text)
        min_avail = self.measure - self.indent
        word_id = 0
        i = 0
        while i < n:
            c = text[i]
            if "\u4e00" <= c <= "\u9fff":  # the common case first
                a = char_em.get(c)
                if a is None:
                    a = m.char_advance_em(c)
                a *= size
                self._add(c, HAN, a, a, 1)
                i += 1
                continue
            if c.isspace():
                j = i
                while j < n and text[j].isspace():
                    j += 1
                if self.text:  # leading whitespace has nothing to separate
                    self.gtext[-1] += text[i:j]
                i = j
                continue
            if self.text and _is_mark_combining(c) and not self.gtext[-1]:
                self.text[-1] += c  # combining marks, selectors, joiners ride on their base
                i += 1
                continue
            kind = _KIND.get(c)
            if kind is not None:
                a = m.advance(c)
                if kind in _MARKS:
                    self._add(c, kind, max(a, em), a, 0)  # P1: a 1 em box
                elif kind == DOT:
                    self._add(c, DOT, half, a, 0)  # P6: ½ em
                else:
                    self._add(c, CONN, a, a, 0)
                i += 1
                continue
            if c in "—…":
                j = i
                while j < n and text[j] == c:
                    j += 1
                feats = '"fwid"' if c == "—" else ""
                for k in range(i, j - 1, 2):  # P1: pairs are one 2 em unit, never split
                    w = m.width(c + c, feats)
                    self._add(c + c, DASH, w, w, 0)
                if (j - i) % 2:
                    w = m.width(c, feats)
                    # A lone — is the 一字线 connector; a lone … still never starts a line.
                    self._add(c, CONN if c == "—" else DASH, w, w, 0)
                i = j
                continue
            if is_cjk(c):
                a = m.advance(c)
                self._add(c, HAN if is_han(c) else SYM, a, a, 1)
                i += 1
                continue
            nxt = text[i + 1] if i + 1 < n else " "
            if c in "-/" and (nxt.isspace() or is_cjk(nxt)):
                a = m.advance(c)  # P6: a connector or solidus in Chinese text takes ½ em
                self._add(c, CONN, half, a, 0)
                i += 1
                continue
            # A Latin run: everything up to the next space or CJK character (K5).
            j = i + 1
            while j < n and not text[j].isspace() and not is_cjk(text[j]):
                j += 1
            word = text[i:j]
            advs = m.advances(word)
            width = sum(advs)
            nchar = sum(ch.isalnum() for ch in word)
            if width <= min_avail:
                self._add(word, LATIN, width, width, nchar)
            else:  # wider than a line: may be broken between characters, as a last resort
                for ch, a in _clusters(word, advs):
                    self._add(ch, LATIN, a, a, sum(x.isalnum() for x in ch), word_id)
                word_id += 1
            i = j

    def _compress_pairs(self) -> None:
        """P3: of two adjacent marks, one loses its blank half (brackets stay on their text)."""
        kind, comp, w, gtext, half = self.kind, self.comp, self.w, self.gtext, self.half
        for k in range(len(kind) - 1):
            a, b = kind[k], kind[k + 1]
            if a in _MARKS and b in _MARKS and not gtext[k]:
                if a in _RIGHT_BLANK and not comp[k]:
                    comp[k] = True
                    w[k] -= half
                elif b == OPEN:
                    comp[k + 1] = True
                    w[k + 1] -= half

    def _gaps(self) -> None:
        kind, text = self.kind, self.text
        n = len(kind)
        for k in range(n):
            if k == n - 1:
                self.gcls.append(NOEXP)
                self.gw.append(0.0)
                self.pen.append(0.0)
                continue
            a, b = kind[k], kind[k + 1]
            forbidden = b in _NO_START or a == OPEN or text[k] in _SOLIDI
            if self.gtext[k]:
                cls, gw = (LSP, self.lsp) if a == LATIN and b == LATIN else (HSP, self.hsp)
                pen = _FORBIDDEN if forbidden else 0.0
            elif a == LATIN and b == LATIN:  # fragments of one split word
                cls, gw, pen = INWORD, 0.0, _IN_WORD
            elif (a == LATIN and b == HAN) or (a == HAN and b == LATIN):
                cls, gw, pen = W1, self.w1, 0.0
            elif (a == LATIN and b == SYM) or (a == SYM and b == LATIN):
                cls, gw, pen = KEEP, 0.0, _FORBIDDEN  # K5: 30℃, ±5 are one number
            elif forbidden:
                cls, gw, pen = (NOEXP if a in (CONN, DOT) or b in (CONN, DOT) else KEEP), 0.0, _FORBIDDEN
            else:
                cls, gw, pen = (NOEXP if a in (CONN, DOT) or b in (CONN, DOT) else PLAIN), 0.0, 0.0
            self.gcls.append(cls)
            self.gw.append(gw)
            self.pen.append(pen)

    def _prefix(self) -> None:
        """Prefix sums: X = start of each atom, E = end, class counts (atoms and gaps)."""
        n = len(self.kind)
        kind, comp, w, gw, gcls = self.kind, self.comp, self.w, self.gw, self.gcls
        X = [0.0] * (n + 1)
        E = [0.0] * n
        brk = [0] * (n + 1)
        pau = [0] * (n + 1)
        stp = [0] * (n + 1)
        dot = [0] * (n + 1)
        chars = [0] * (n + 1)
        g = [[0] * (n + 1) for _ in range(7)]
        x = 0.0
        cb = cp = cs = cd = ch = 0
        counts = [0] * 7
        for k in range(n):
            E[k] = x + w[k]
            x = E[k] + gw[k]
            X[k + 1] = x
            kd = kind[k]
            if not comp[k]:
                if kd == OPEN or kd == CLOSE:
                    cb += 1
                elif kd == PAUSE:
                    cp += 1
                elif kd == STOP:
                    cs += 1
            if kd == DOT:
                cd += 1
            ch += self.nchar[k]
            brk[k + 1], pau[k + 1], stp[k + 1], dot[k + 1], chars[k + 1] = cb, cp, cs, cd, ch
            counts[gcls[k]] += 1
            for c in range(7):
                g[c][k + 1] = counts[c]
        self.X, self.E = X, E
        self.c_brk, self.c_pau, self.c_stp, self.c_dot, self.c_chars = brk, pau, stp, dot, chars
        self.c_gap = g
        # Whether an opening bracket may lose its blank half at the line start (P5):
        # only where the glyph then still starts inside the line.
        m = self.metrics
        self.p5 = [
            kd == OPEN and not comp[k] and (_halt_ok(m, self.text[k]) or self.adv[k] <= self.half + _EPS)
            for k, kd in enumerate(kind)
        ]

    # Lines ------------------------------------------------------------------------------

    def avail(self, i: int) -> float:
        return self.measure - (self.indent if i == 0 else 0.0)

    def shrink_caps(self, i: int, j: int) -> list[float]:
        """Reducible amount per J3 class, in order: END LSP HSP DOT BRK PAU W1 STP."""
        kind, half = self.kind, self.half
        kj = kind[j]
        end = kj in _RIGHT_BLANK and not self.comp[j]
        g = self.c_gap
        brk = self.c_brk[j + 1] - self.c_brk[i] - (end and kj == CLOSE)
        if kind[i] == OPEN and not self.comp[i] and not self.p5[i]:
            brk -= 1
        return [
            half if end else 0.0,
            (g[LSP][j] - g[LSP][i]) * (self.lsp - self.lsp_min),
            (g[HSP][j] - g[HSP][i]) * (self.hsp - self.em / 4),
            (self.c_dot[j + 1] - self.c_dot[i]) * self.em / 4,
            brk * half,
            (self.c_pau[j + 1] - self.c_pau[i] - (end and kj == PAUSE)) * half,
            (g[W1][j] - g[W1][i]) * (self.w1 - self.w1_min),
            (self.c_stp[j + 1] - self.c_stp[i] - (end and kj == STOP)) * half,
        ]

    def line_cost(self, i: int, j: int, justify: bool) -> float:
        """Cost of a line of atoms i..j (inclusive); infinite if it cannot be set."""
        nat = self.E[j] - self.X[i]
        d = self.avail(i) - nat
        last = j == len(self.kind) - 1
        cost = 0.0
        if last and i > 0 and self.c_chars[j + 1] - self.c_chars[i] <= 1:
            cost += _I3
        if d < -_EPS:  # J2/J3: reduce, in order
            r = -d
            em = self.em
            for cap, weight in zip(self.shrink_caps(i, j), _SHRINK_COST):
                if cap > 0:
                    take = cap if cap < r else r
                    cost += weight * take / em
                    r -= take
                    if r <= _EPS:
                        return cost
            return _OVERFULL * (1.0 + r / em)
        if d <= _EPS or last or not justify:
            return cost + (0.0 if justify or last else (d / self.em) ** 2 * 0.1)
        return cost + self._stretch_cost(i, j, d)

    def _stretch_cost(self, i: int, j: int, e: float) -> float:
        """J4: word spaces, then Han–Latin gaps, then even inter-character spacing."""
        g, em = self.c_gap, self.em
        n_lsp = g[LSP][j] - g[LSP][i]
        n_w1 = g[W1][j] - g[W1][i]
        n_plain = g[PLAIN][j] - g[PLAIN][i]
        cost = 0.0
        for count, room, weight in ((n_lsp, em / 2 - self.lsp, 1.0), (n_w1, em / 3 - self.w1, 2.0)):
            if count and room > 0:
                take = min(e, count * room)
                cost += weight * take / em
                e -= take
        if e <= _EPS:
            return cost
        if n_plain:
            per = e / n_plain / em
            return cost + 8.0 * e / em + 50.0 * per * per * n_plain
        # Fallbacks, each far worse: space classes past their limit, then no-break gaps,
        # then inside a word wider than the line.
        for classes, weight in (((LSP, HSP, W1), 30.0), ((KEEP, NOEXP), 200.0), ((INWORD,), 1000.0)):
            if sum(g[c][j] - g[c][i] for c in classes):
                return cost + weight * e / em
        return _UNJUSTIFIABLE

    def fits(self, i: int, j: int) -> bool:
        nat = self.E[j] - self.X[i]
        over = nat - self.avail(i)
        return over <= _EPS or over <= sum(self.shrink_caps(i, j)) + _EPS

    def candidates(self, i: int) -> list[int]:
        """Line ends worth trying from atom i: the fullest lines that can be set."""
        n = len(self.kind)
        E, X, pen = self.E, self.X, self.pen
        j = bisect_right(E, X[i] + self.avail(i) + _EPS) - 1
        j = max(j, i)
        while j + 1 < n and self.fits(i, j + 1):
            j += 1
        found: list[int] = []
        k = j
        while k >= i and len(found) < 3:
            if pen[k] == 0.0 or k == n - 1:
                found.append(k)
            k -= 1
        if not found or found[0] != j:
            found.insert(0, j)  # the fullest line even if it breaks a rule: a last resort
        return found

    def breaks(self) -> list[tuple[int, int]]:
        """Total fit: the line ends minimising the summed line costs and penalties."""
        n = len(self.kind)
        justify = self.style.align == "justify"
        inf = float("inf")
        best = [inf] * (n + 1)
        back = [0] * (n + 1)
        best[0] = 0.0
        pen = self.pen
        for i in range(n):
            bi = best[i]
            if bi == inf:
                continue
            for j in self.candidates(i):
                c = bi + self.line_cost(i, j, justify) + _LINE + (pen[j] if j < n - 1 else 0.0)
                if c < best[j + 1]:
                    best[j + 1] = c
                    back[j + 1] = i
        lines = []
        k = n
        while k > 0:
            i = back[k]
            lines.append((i, k - 1))
            k = i
        lines.reverse()
        return lines

    # Setting a line ---------------------------------------------------------------------

    def set_line(self, i: int, j: int, last: bool, align: Align) -> Line:
        """Distribute the line's adjustment (P4, P5, J3–J5) and paint it as Runs."""
        kind, half, em = self.kind, self.half, self.em
        box = self.w[i : j + 1]
        gap = self.gw[i:j]
        gcls = self.gcls[i:j]
        x0 = self.indent if i == 0 else 0.0
        avail = self.avail(i)
        d = avail - (self.E[j] - self.X[i])
        if d < -_EPS:
            self._reduce(i, j, -d, box, gap, gcls)
        elif d > _EPS and align == "justify" and not last:
            self._expand(e=d, box=box, gap=gap, gcls=gcls)
        width = sum(box) + sum(gap)
        if align == "center":
            x0 += (avail - width) / 2
        runs = self._paint(i, j, x0, box, gap)
        return Line(runs=runs, width=round(x0 + width, 4), last=last)

    def _reduce(self, i: int, j: int, r: float, box: list[float], gap: list[float], gcls: list[int]) -> None:
        """J3 order, each class reduced evenly (J5) until r is taken up."""
        kind, comp, half, em = self.kind, self.comp, self.half, self.em
        caps = self.shrink_caps(i, j)
        amounts = []
        for cap in caps:
            take = cap if cap < r else r
            amounts.append(take)
            r -= take
        end_take, lsp_take, hsp_take, dot_take, brk_take, pau_take, w1_take, stp_take = amounts
        kj = kind[j]
        end = kj in _RIGHT_BLANK and not comp[j]
        if end_take:
            box[-1] -= end_take
        members = {OPEN: [], CLOSE: [], PAUSE: [], STOP: [], DOT: []}
        for k in range(i, j + 1):
            kd = kind[k]
            if kd in members and (kd == DOT or not comp[k]) and not (end and k == j):
                if kd == OPEN and k == i and not self.p5[k]:
                    continue
                members[kd].append(k - i)
        brackets = members[OPEN] + members[CLOSE]
        for take, idx in (
            (dot_take, members[DOT]),
            (brk_take, brackets),
            (pau_take, members[PAUSE]),
            (stp_take, members[STOP]),
        ):
            if take:
                each = take / len(idx)
                for t in idx:
                    box[t] -= each
        for take, cls in ((lsp_take, LSP), (hsp_take, HSP), (w1_take, W1)):
            if take:
                idx = [t for t, c in enumerate(gcls) if c == cls]
                each = take / len(idx)
                for t in idx:
                    gap[t] -= each

    def _expand(self, e: float, box: list[float], gap: list[float], gcls: list[int]) -> None:
        """J4 order: word spaces to ½ em, Han–Latin gaps to ⅓ em, then even spacing."""
        em = self.em
        for cls, room in ((LSP, em / 2 - self.lsp), (W1, em / 3 - self.w1)):
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
                each = e / len(idx)
                for t in idx:
                    gap[t] += each
                return
        # A single atom: nothing can be spread, the line stays flush left.

    def _paint(self, i: int, j: int, x0: float, box: list[float], gap: list[float]) -> tuple[Run, ...]:
        """Group atoms into Runs: a run goes on while each glyph lands where the previous
        glyph's advance plus the run's one letter-spacing puts it."""
        kind, text, adv, word, gtext = self.kind, self.text, self.adv, self.word, self.gtext
        m, half, em = self.metrics, self.half, self.em
        runs: list[Run] = []
        # The open run: its text parts, x, letter-spacing (known from its second glyph on),
        # merge group, and origin and advance of its last glyph.
        parts: list[str] = []
        run_x = run_ls = last_x = last_adv = 0.0
        run_group: object = None
        has_ls = False
        max_spaced = 1 + max(1, int(_MAX_DRIFT * 1000 / em))  # glyphs in a letter-spaced run

        def close() -> None:
            nonlocal run_group
            if parts:
                runs.append(Run("".join(parts), round(run_x, 4), round(run_ls, 4)))
                parts.clear()
            run_group = None

        x = x0
        for k in range(i, j + 1):
            t = k - i
            kd, b, a, s = kind[k], box[t], adv[k], text[k]
            feats = ""
            origin = x
            group: object = None  # None: a run of its own
            if kd == HAN or kd == SYM:
                if len(s) == 1:
                    group = "cjk"
            elif kd in _MARKS:
                if max(em, a) - b <= _EPS:  # full box
                    if kd == OPEN:
                        origin = x + b - a  # a narrow opening mark sits on its text
                    if abs(a - b) <= _EPS:
                        group = "cjk"
                elif _halt_ok(m, s):
                    feats, a = '"halt"', half
                    if kd == OPEN:
                        origin = x + b - half
                elif kd == OPEN:
                    origin = x + b - a
            elif kd == DOT or (kd == CONN and s in "-/"):
                origin = x + (b - a) / 2  # P6: centred in its ½ em
            elif kd == LATIN:
                if word[k] >= 0:
                    group = ("word", word[k])
            elif "—" in s:
                feats = '"fwid"'  # the full-width dash whatever script Pango gives the span
            if feats:
                close()
                runs.append(Run(s, round(origin, 4), 0.0, feats))
            else:
                joined = False
                if group is not None and group == run_group:
                    ls = origin - (last_x + last_adv)
                    if ls > _MAX_LETTER_SPACING:
                        pass
                    elif not has_ls and ls >= -_EPS:
                        run_ls, has_ls, joined = max(ls, 0.0), True, True
                    elif has_ls and abs(ls - run_ls) <= _EPS:
                        joined = run_ls <= _EPS or len(parts) < max_spaced
                if joined:
                    parts.append(s)
                else:
                    close()
                    parts.append(s)
                    run_x, run_ls, has_ls, run_group = origin, 0.0, False, group
                last_x, last_adv = origin, a
            x += b
            if k < j:
                x += gap[t]
                if gtext[k]:  # a kept space stays in the text, at the end of its run
                    if parts:
                        parts.append(gtext[k])
                        close()
                    else:
                        r = runs[-1]
                        runs[-1] = Run(r.text + gtext[k], r.x, r.letter_spacing, r.features)
        close()
        return tuple(runs)


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


_HALT: dict[tuple[object, str], bool] = {}


def _halt_ok(m: Metrics, c: str) -> bool:
    """Whether the face's `halt` sets this mark at exactly ½ em (Noto CJK: yes; WenKai: no)."""
    key = (m._shaper, c)
    got = _HALT.get(key)
    if got is None:
        got = _HALT[key] = abs(m.char_advance_em(c, '"halt"') - 0.5) < 1e-9
    return got


# --- Public API -----------------------------------------------------------------------


def compose(text: str, style: TextStyle, measure: float) -> tuple[Line, ...]:
    """Break one paragraph into lines of `measure` pt and set each line (see module doc).

    `text` should have been through normalise(); any text is accepted and no character
    but the spaces at line breaks is dropped.
    """
    para = _Paragraph(text, style, measure)
    if not para.kind:
        return ()
    breaks = para.breaks()
    last = len(breaks) - 1
    return tuple(para.set_line(i, j, n == last, style.align) for n, (i, j) in enumerate(breaks))


def compose_headline(
    text: str,
    face: FontFace,
    span_measure: float,
    max_lines: int = 3,
    sizes: Sequence[float] = DEFAULT_HEADLINE_SIZES,
    align: Align = "center",
    lang: str = "zh-Hans",
) -> tuple[float, tuple[Line, ...]]:
    """The largest size of `sizes` at which the headline fits in `max_lines` lines (H2).

    Breaks only where K1/K2 allow, preferring spaces and punctuation, then the Han–Latin
    boundary, balancing line lengths and never leaving one character alone on the last
    line. If no size fits, the smallest size is returned with as many lines as it needs.
    """
    for size in sorted(sizes, reverse=True):
        para = _Paragraph(text, TextStyle(face, size, indent=0.0, align=align, lang=lang), span_measure)
        if not para.kind:
            return size, ()
        breaks = _headline_breaks(para, max_lines)
        if breaks is not None:
            return size, _set(para, breaks, align)
    size = min(sizes)
    para = _Paragraph(text, TextStyle(face, size, indent=0.0, align=align, lang=lang), span_measure)
    return size, _set(para, para.breaks(), align)


def _set(para: _Paragraph, breaks: list[tuple[int, int]], align: Align) -> tuple[Line, ...]:
    last = len(breaks) - 1
    return tuple(para.set_line(i, j, n == last, align) for n, (i, j) in enumerate(breaks))


def _headline_breaks(para: _Paragraph, max_lines: int) -> list[tuple[int, int]] | None:
    """Fewest lines first, then the most balanced breaks at the best places; None if > max_lines."""
    n = len(para.kind)
    kind, gcls, pen, em = para.kind, para.gcls, para.pen, para.em
    ends = [j for j in range(n) if pen[j] == 0.0 or j == n - 1]

    def place_cost(j: int) -> float:
        if j == n - 1 or gcls[j] in (LSP, HSP) or kind[j] in _RIGHT_BLANK:
            return 0.0  # a space or after punctuation: where a reader pauses
        if kind[j + 1] == OPEN:
            return 0.5
        return 1.0 if gcls[j] == W1 else 3.0  # between two Han: perhaps inside a word

    inf = float("inf")
    # best[k]: (cost, previous start) of setting atoms 0..k-1 in the current number of lines.
    best: dict[int, tuple[float, list[tuple[int, int]]]] = {0: (0.0, [])}
    for lines in range(1, max_lines + 1):
        nxt: dict[int, tuple[float, list[tuple[int, int]]]] = {}
        for i, (cost, path) in best.items():
            for j in ends:
                if j < i:
                    continue
                if not para.fits(i, j):
                    break
                if j == n - 1 and i > 0 and para.c_chars[n] - para.c_chars[i] <= 1:
                    continue  # H2/I3: no orphan character on the last line
                slack = max(0.0, para.avail(i) - (para.E[j] - para.X[i])) / em
                c = cost + slack * slack + place_cost(j)
                if c < nxt.get(j + 1, (inf,))[0]:
                    nxt[j + 1] = (c, path + [(i, j)])
        if n in nxt:
            return nxt[n][1]
        best = {k: v for k, v in nxt.items() if k < n}
    return None
