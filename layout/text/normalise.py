"""Punctuation and spacing normalisation of Chinese body text (W1–W3, P1, I1).

The source text is brought into the form the composer expects: full-width punctuation in
Chinese context, half-width Latin letters and digits, paired dashes and ellipses, and no
spaces that only stand in for the Han–Latin gap (the composer adds that gap itself).

Every edit is reported as a Change so an editor can see what was touched; positions are
code point indices into the text given to normalise().
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Change", "normalise", "is_han", "is_cjk", "is_latin"]


@dataclass(frozen=True)
class Change:
    position: int  # code point index in the original text
    before: str
    after: str
    rule: str  # rule id from docs/rules.md, e.g. "W3"


# --- Character classes ----------------------------------------------------------------

_HAN_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3005, 0x3005),  # 々
    (0x3007, 0x3007),  # 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3038, 0x303B),
    (0x3040, 0x30FA),  # kana (30FB ・ is an interpunct)
    (0x30FC, 0x30FF),
    (0x3100, 0x312F),  # bopomofo
    (0x3130, 0x318F),  # hangul compatibility jamo
    (0x31A0, 0x31BF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xA960, 0xA97F),
    (0xAC00, 0xD7AF),  # hangul syllables
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x3FFFF),  # extensions B and later
)

# Punctuation that belongs to Chinese text although some of it is "ambiguous width".
_CJK_PUNCT_EXTRA = frozenset("“”‘’—―…·‧")


@lru_cache(maxsize=8192)
def is_han(c: str) -> bool:
    """A Han character (or kana/hangul): a letter of CJK text."""
    o = ord(c)
    return any(lo <= o <= hi for lo, hi in _HAN_RANGES)


@lru_cache(maxsize=8192)
def is_cjk(c: str) -> bool:
    """Han characters and full-width/CJK punctuation: whatever makes the context Chinese."""
    if c in _CJK_PUNCT_EXTRA or is_han(c):
        return True
    eaw = unicodedata.east_asian_width(c)
    # Ambiguous-width symbols (℃ ① ■ × ±) are full-width in CJK fonts and Chinese text.
    return eaw in ("W", "F") or (eaw == "A" and unicodedata.category(c) in ("So", "Sm", "No"))


@lru_cache(maxsize=8192)
def is_latin(c: str) -> bool:
    """Anything that is part of a Latin run: not CJK, not whitespace."""
    return not c.isspace() and not is_cjk(c)


# --- Steps ----------------------------------------------------------------------------
# Each step reads the whole text and returns non-overlapping edits (start, end, new, rule)
# in ascending order. normalise() applies them and repeats all steps until nothing
# changes, which makes the result idempotent by construction. One step's edit can give
# another step new context (a converted bracket makes its neighbour's comma Chinese, a
# removed space joins 。。 and 。); the loop ends because every edit removes something
# no step creates: full-width letters, ASCII marks in Chinese context, spaces, odd dashes.

Edit = tuple[int, int, str, str]

_CONVERT = ",():;?!\"'"  # half-width marks that W3 may turn full-width
_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_SPACES = " \t\n\r\f\v"


def _w2_fullwidth_latin(text: str) -> list[Edit]:
    """W2: full-width Latin letters and digits become proportional half-width ones."""
    edits = []
    for i, c in enumerate(text):
        if "０" <= c <= "９" or "Ａ" <= c <= "Ｚ" or "ａ" <= c <= "ｚ":
            edits.append((i, i + 1, chr(ord(c) - 0xFEE0), "W2"))
    return edits


class _Context:
    """Nearest meaningful neighbours of a position, skipping spaces and convertible ASCII marks.

    Text edges count as Chinese context when the paragraph contains Han at all: a `?` that
    ends a Chinese paragraph after a Latin word is still Chinese punctuation.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.edge_cjk = any(is_han(c) for c in text)

    def left(self, i: int, skip: str = _SPACES + _CONVERT) -> str | None:
        while i > 0:
            i -= 1
            if self.text[i] not in skip:
                return self.text[i]
        return None

    def right(self, i: int, skip: str = _SPACES + _CONVERT) -> str | None:
        n = len(self.text)
        while i < n - 1:
            i += 1
            if self.text[i] not in skip:
                return self.text[i]
        return None

    def cjk(self, c: str | None) -> bool:
        return self.edge_cjk if c is None else is_cjk(c)


def _p1_dashes(text: str) -> list[Edit]:
    """P1: `...`/`。。。` → `……`, `--` → `——`, odd runs of `—`/`…` completed to pairs.

    A lone `—` between two Han characters or digits is the 一字线 connector of
    GB/T 15834-2011 (区—街镇—居民区, 1031—1095) and is kept; elsewhere it is a dash.
    """
    ctx = _Context(text)
    edits: list[Edit] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        j = i
        while j < n and text[j] == c:
            j += 1
        run = j - i
        chinese = ctx.cjk(ctx.left(i, _SPACES)) or ctx.cjk(ctx.right(j - 1, _SPACES))
        if c == "." and run >= 3 and chinese:
            edits.append((i, j, "……", "P1"))
        elif c == "。" and run >= 3:
            edits.append((i, j, "……", "P1"))
        elif c in "-－―" and run >= 2 and chinese:
            edits.append((i, j, "——", "P1"))
        elif c == "…" and run % 2 and chinese:
            edits.append((i, j, "…" * (run + 1), "P1"))
        elif c == "—" and run % 2 and chinese:
            connector = run == 1 and 0 < i and j < n and all(
                is_han(x) or x.isdigit() for x in (text[i - 1], text[j])
            )
            if not connector:
                edits.append((i, j, "—" * (run + 1), "P1"))
        i = j
    return edits


def _pair_indices(text: str, opener: str, closer: str) -> dict[int, int]:
    """Matching ASCII bracket pairs, both directions."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, c in enumerate(text):
        if c == opener:
            stack.append(i)
        elif c == closer and stack:
            o = stack.pop()
            pairs[o] = i
            pairs[i] = o
    return pairs


def _w3_punctuation(text: str) -> list[Edit]:
    """W3: half-width , ( ) : ; ? ! and straight quotes become full-width in Chinese context.

    A mark stays half-width inside a Latin run (3.5, 1,200, 12:30, f(x), e.g.). A bracket
    or quote pair is converted as a whole: when its content contains CJK, or when both
    outer neighbours are Chinese.
    """
    ctx = _Context(text)
    out: dict[int, str] = {}

    def pair_is_chinese(o: int, c: int) -> bool:
        if any(is_cjk(x) for x in text[o + 1 : c]):
            return True
        return ctx.cjk(ctx.left(o)) and ctx.cjk(ctx.right(c))

    def single_is_chinese(i: int) -> bool:
        return ctx.cjk(ctx.left(i)) or ctx.cjk(ctx.right(i))

    brackets = _pair_indices(text, "(", ")")
    for i, c in enumerate(text):
        if c in ",:;?!" and single_is_chinese(i):
            out[i] = _FULL[c]
        elif c in "()":
            mate = brackets.get(i)
            if mate is None:
                chinese = single_is_chinese(i)
            else:
                chinese = pair_is_chinese(min(i, mate), max(i, mate))
            if chinese:
                out[i] = _FULL[c]

    for quote, (op, cl) in (('"', "“”"), ("'", "‘’")):
        # An apostrophe between two Latin letters (don't, Xi'an) is not a quote.
        marks = [
            i
            for i, c in enumerate(text)
            if c == quote
            and not (0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
                     and is_latin(text[i - 1]) and is_latin(text[i + 1]))
        ]
        for k in range(0, len(marks) - 1, 2):
            o, c = marks[k], marks[k + 1]
            if pair_is_chinese(o, c):
                out[o], out[c] = op, cl
        if len(marks) % 2:
            i = marks[-1]
            if single_is_chinese(i):
                nxt = text[i + 1] if i + 1 < len(text) else ""
                closing = not nxt or nxt.isspace() or unicodedata.category(nxt)[0] == "P"
                out[i] = cl if closing else op
    return [(i, i + 1, out[i], "W3") for i in sorted(out)]


def _w1_spaces(text: str) -> list[Edit]:
    """W1: spaces the composer replaces by its own spacing go; separators stay, as one space.

    Kept: one space between two Han characters (记者 姚丽敏: a name separator) and between
    two Latin words. Removed: spaces between Han and Latin/digits (the composer sets the
    W1 gap), spaces next to full-width punctuation (the mark has its own blank half), and
    leading/trailing whitespace, ideographic spaces included (the composer sets the I1 indent).
    """
    edge = _SPACES + "\u3000"
    body_start = len(text) - len(text.lstrip(edge))
    body_end = len(text.rstrip(edge))
    if body_start >= body_end:
        return [(0, len(text), "", "I1")] if text else []
    edits: list[Edit] = []
    if body_start:
        edits.append((0, body_start, "", "I1"))
    i = body_start
    while i < body_end:
        if text[i] not in _SPACES:
            i += 1
            continue
        j = i
        while text[j] in _SPACES:  # body_end is never a space, so this stops inside
            j += 1
        lt, rt = text[i - 1], text[j]
        if (is_han(lt) and is_han(rt)) or (is_latin(lt) and is_latin(rt)):
            if text[i:j] != " ":
                edits.append((i, j, " ", "W1"))
        else:
            edits.append((i, j, "", "W1"))
        i = j
    if body_end < len(text):
        edits.append((body_end, len(text), "", "W1"))
    return edits


_STEPS = (_w2_fullwidth_latin, _p1_dashes, _w3_punctuation, _w1_spaces)
_MAX_PASSES = 8  # a fixed point is reached in two or three passes


def normalise(text: str) -> tuple[str, list[Change]]:
    """Normalise one paragraph; return the new text and every change made, by position."""
    size = len(text)
    origin = list(range(size))  # origin[k]: index in the input of current char k
    changes: list[Change] = []
    for _ in range(_MAX_PASSES):
        start = text
        for step in _STEPS:
            edits = step(text)
            if edits:
                text, origin = _apply(text, origin, edits, changes, size)
        if text == start:
            changes.sort(key=lambda ch: ch.position)  # stable: same-place edits keep their order
            return text, changes
    raise RuntimeError("normalise did not reach a fixed point")  # a bug, not bad input


def _apply(text: str, origin: list[int], edits: list[Edit], changes: list[Change],
           end: int) -> tuple[str, list[int]]:
    parts: list[str] = []
    new_origin: list[int] = []
    pos = 0
    for start, stop, new, rule in edits:
        parts.append(text[pos:start])
        new_origin.extend(origin[pos:start])
        where = origin[start] if start < len(origin) else end
        changes.append(Change(where, text[start:stop], new, rule))
        parts.append(new)
        new_origin.extend([where] * len(new))
        pos = stop
    parts.append(text[pos:])
    new_origin.extend(origin[pos:])
    return "".join(parts), new_origin
