"""One check for every text and value that enters: file contents, parsed strings, numbers, nesting.

Every input file (issue.toml, plan.toml, the articles) goes through check_characters as raw
text, and every parsed table through check_values after TOML or YAML unescaping, so a
character written as an escape ("\\u0007") is caught as surely as a literal one. The rules
(docs/input.md, "Characters"):

- refused: C0 and C1 control characters and DEL (tab and line feed excepted), noncharacters
  (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF), lone surrogates, direction controls (they reorder the
  text invisibly), U+2028/U+2029 (a new line says that) and the other invisible format
  characters: zero width space, soft hyphen, word joiner, BOM inside the text… The composer
  gives them no meaning (it neither breaks at a zero width space nor hyphenates at a soft
  hyphen), so each is an error with its line rather than a silent change;
- kept: the zero width joiner U+200D (it joins emoji sequences) and variation selectors.

Numbers are whole numbers of at most MAX_DIGITS digits and nesting is at most MAX_DEPTH deep:
a field needs neither more, and a parser or Python's int() fails beyond them.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Callable

from layout.errors import InputError
from layout.messages import t

MAX_DEPTH = 6  # issue.toml [[pages]] entries and front matter images: 3 levels; room for more
MAX_DIGITS = 7  # page, priority, issue numbers: far below; far above Python's int() limit too
MAX_NUMBER = 10 ** MAX_DIGITS - 1

LineOfPath = Callable[[tuple], int]  # (key, index, key…) of a value → its 1-based line

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_DIRECTION = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SEPARATORS = "\u2028\u2029"
# Format characters (Cf) but the zero width joiner, from Unicode 15's list.
_INVISIBLE = ("\u00ad\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c\u2060-\u2064\u206a-\u206f"
              "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
              "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}"
                                           for p in range(17))
_SURROGATES = "\ud800-\udfff"
_REFUSED = re.compile(f"[{_CONTROLS}{_DIRECTION}{_SEPARATORS}{_INVISIBLE}{_NONCHARACTERS}{_SURROGATES}]")


def _describe(c: str) -> str:
    """What the character is and what to do, in the editor's words."""
    code = f"U+{ord(c):04X}"
    name = unicodedata.name(c, "")
    if c == "\x00":
        return t("a NUL character; remove it (the file may not be text)")
    if re.match(f"[{_CONTROLS}]", c):
        return t("the control character {code}; remove it", code=code)
    if re.match(f"[{_NONCHARACTERS}]", c):
        return t("{code}, which is not a character (the file was damaged or wrongly converted); remove it", code=code)
    if re.match(f"[{_SURROGATES}]", c):
        return t("a lone surrogate {code} (a broken escape); remove it", code=code)
    if c in _SEPARATORS:
        return t("the separator {code} {name}; start a new line instead (a blank line for a new paragraph)",
                 code=code, name=name)
    if re.match(f"[{_DIRECTION}]", c):
        return t("the invisible direction control {code} {name}, which reorders the text; remove it",
                 code=code, name=name)
    return t("the invisible character {code} {name}, which the layout gives no meaning; remove it",
             code=code, name=name)


def first_refused(text: str) -> tuple[int, str] | None:
    """(offset, description) of the first character no input may contain, or None."""
    m = _REFUSED.search(text)
    return (m.start(), _describe(m[0])) if m else None


def check_characters(text: str, path: Path, first_line: int = 1) -> None:
    """Refuse text that holds a character of the refused kinds, naming its line."""
    if found := first_refused(text):
        offset, what = found
        raise InputError(t("the text contains {what}", what=what), path, first_line + text.count("\n", 0, offset))


def check_values(data: Any, path: Path, line_of: LineOfPath) -> None:
    """Refuse parsed values (after unescaping) that break the character, number or nesting rules."""
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack:  # iterative: the depth is what is being checked
        value, where = stack.pop()
        if len(where) > MAX_DEPTH:
            raise InputError(t("values are nested more than {depth} levels deep", depth=MAX_DEPTH), path,
                             line_of(where[:MAX_DEPTH]))
        if isinstance(value, str):
            if found := first_refused(value):
                raise InputError(t("the value contains {what}", what=found[1]), path, line_of(where))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            raise InputError(t("the number has more than {digits} digits", digits=MAX_DIGITS), path, line_of(where))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and (found := first_refused(key)):
                    raise InputError(t("the key contains {what}", what=found[1]), path, line_of(where + (key,)))
                stack.append((item, where + (key,)))
        elif isinstance(value, list):
            stack += [(item, where + (i,)) for i, item in enumerate(value)]
