"""One catalog for every message an editor sees: written in English in the code, Chinese by default.

Code says `t("第{page}版: {title} does not fit", page=…, title=…)`: the English text is the message id
and the English message; `locale/zh_CN/LC_MESSAGES/layout.po` (read with Babel) holds the Chinese.
Chinese is used unless `--lang en` or the locale (LC_ALL, then LC_MESSAGES, then LANG) asks for
English. An article is named by its headline in 《…》 and a page as 第N版 in both languages.
A test asserts that every message id in the code has a Chinese entry, so no sentence mixes the two.
"""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Literal, Mapping

from babel.messages.pofile import read_po

Language = Literal["zh", "en"]
LOCALE = Path(__file__).resolve().parent.parent / "locale"
CATALOG = LOCALE / "zh_CN" / "LC_MESSAGES" / "layout.po"

_chosen: list[Language] = []  # set once by the CLI (--lang); empty = from the environment


def language_from_env(env: Mapping[str, str] = os.environ) -> Language:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def set_language(lang: Language | None) -> None:
    """The CLI's --lang; None goes back to the environment's choice."""
    _chosen[:] = [lang] if lang else []


def language() -> Language:
    return _chosen[0] if _chosen else language_from_env()


@cache
def catalog() -> dict[str, str]:
    """English message id → Chinese message."""
    with open(CATALOG, "rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and m.string}


def N_(msgid: str, /) -> str:
    """Marks a message that is translated later with t(msgid): click reads help texts at import,
    before --lang is known."""
    return msgid


def t(msgid: str, /, **fields: object) -> str:
    """The message in the current language, its {fields} filled in."""
    text = catalog().get(msgid, msgid) if language() == "zh" else msgid
    return text.format(**fields) if fields else text
