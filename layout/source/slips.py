"""The typists' everyday slips in YAML front matter and issue.toml, named in plain words.

A full-width colon after a key, a missing space after the colon, a tab, full-width quotation
marks, a key written in Chinese: the parsers report these in their own jargon ("mapping values
are not allowed here"), often a line late. Each slip here gives the line it is on and the fix.
Pure functions over the lines of a file; the loaders call them.
"""
from __future__ import annotations

import re

from layout.messages import t

# What typists call the fields, so a Chinese key can be answered with the English one.
_KEY_NAMES = {
    "标题": "headline", "主标题": "headline", "主题": "headline", "引题": "kicker", "肩题": "kicker",
    "副题": "subtitle", "副标题": "subtitle", "短标题": "short_headline", "作者": "byline", "署名": "byline",
    "记者": "byline", "电头": "dateline", "版": "page", "版面": "page", "版次": "page", "优先级": "priority",
    "图片": "images", "照片": "photo", "图说": "caption", "栏目": "section", "报名": "name", "日期": "date",
    "期号": "number", "总期号": "total", "责任编辑": "editor", "编辑": "editor",
}
_LEAD = r"^(?P<lead>[ ]*(?:-[ ]+)?)"
_KEY = r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*)"
_YAML_FULL_COLON = re.compile(_LEAD + _KEY + r"[ \u3000]*：")
_YAML_FULL_SPACE = re.compile(_LEAD + _KEY + r"(?P<colon>:?)\u3000")
_YAML_NO_SPACE = re.compile(_LEAD + _KEY + r":(?=[^\s:])")
_YAML_TAB_AFTER = re.compile(_LEAD + _KEY + r":[ ]*\t")
_YAML_HAN_KEY = re.compile(r"^(?P<lead>(?:-[ ]+)?)(?P<key>[^\x00-\x7f\s:：][^:：\s]{0,7})[ \u3000]*[:：]")
_FULL_QUOTES = (("“", "”"), ("‘", "’"), ("＂", "＂"), ("「", "」"))
_VALUE = re.compile(_LEAD + _KEY + r":[ ]+(?P<value>.*?)\s*$")


def _han_key(key: str) -> str:
    english = _KEY_NAMES.get(key)
    if english:
        return t("“{key}” is a key in Chinese; keys are written in English: write “{english}”", key=key,
                 english=english)
    return t("“{key}” is a key in Chinese; keys are written in English (headline, byline, page …)", key=key)


def han_key_slip(key: str, number: int) -> str | None:
    """A key read from YAML that holds Han characters: the typist wrote the field's Chinese name."""
    if re.search(r"[\u3400-\u9fff]", key):
        return t("line {n}: {problem}", n=number, problem=_han_key(key))
    return None


def yaml_slip(line: str, number: int) -> str | None:
    """The slip on one front matter line that YAML would misread, as the message to show; None if none."""
    if re.match(r"^[ ]*\t", line):
        return t("line {n}: the line is indented with a tab; indent with spaces", n=number)
    if m := _YAML_FULL_COLON.match(line):
        return t("line {n}: after “{key}” comes a full-width colon “：”; write a half-width colon and a space “: ”",
                 n=number, key=m["key"])
    if m := _YAML_FULL_SPACE.match(line):
        if m["colon"]:
            return t("line {n}: after “{key}:” comes a full-width space; write a half-width space", n=number,
                     key=m["key"])
        return t("line {n}: after “{key}” comes a full-width space; write a half-width colon and a space “: ”",
                 n=number, key=m["key"])
    if m := _YAML_TAB_AFTER.match(line):
        return t("line {n}: after “{key}:” comes a tab; write a space", n=number, key=m["key"])
    if m := _YAML_NO_SPACE.match(line):
        return t("line {n}: after “{key}:” the space is missing; write a space after the colon", n=number,
                 key=m["key"])
    if m := _YAML_HAN_KEY.match(line):
        return t("line {n}: {problem}", n=number, problem=_han_key(m["key"]))
    if (m := _VALUE.match(line)) and m["value"].startswith("＂"):
        return _quotes_message(number, m["key"])
    return None


def _quotes_message(number: int, key: str) -> str:
    return t("line {n}: the value of “{key}” is in full-width quotation marks; to quote a value use half-width "
             "quotation marks \"…\"", n=number, key=key)


def yaml_quote_slip(line: str, number: int) -> str | None:
    """A value in “…” on a line YAML could not read: the typist meant "…" (“…” is text to YAML)."""
    m = _VALUE.match(line)
    if m and any(m["value"].startswith(a) and m["value"].endswith(b) for a, b in _FULL_QUOTES):
        return _quotes_message(number, m["key"])
    return None


_TOML_KEY = r"^\s*(?P<key>[A-Za-z0-9_-]+)"
_TOML_FULL_EQUALS = re.compile(_TOML_KEY + r"[ \u3000]*＝")
_TOML_COLON = re.compile(_TOML_KEY + r"[ \u3000]*(?P<colon>[:：])")
_TOML_FULL_SPACE = re.compile(_TOML_KEY + r"[ ]*\u3000")
_TOML_VALUE = re.compile(_TOML_KEY + r"\s*=\s*(?P<value>.*?)\s*$")
_TOML_HAN_KEY = re.compile(r"^\s*(?P<key>[^\x00-\x7f\s=＝\[][^=＝\s]{0,7})[ \u3000]*[=＝]")


def toml_slip(line: str, number: int) -> str | None:
    """The slip on a TOML line the parser refused, as the message to show; None if it is none of them."""
    if m := _TOML_FULL_EQUALS.match(line):
        return t("line {n}: after “{key}” comes a full-width equals sign “＝”; write “ = ”", n=number, key=m["key"])
    if m := _TOML_COLON.match(line):
        return t("line {n}: after “{key}” comes a colon “{colon}”; issue.toml writes “ = ” between a key and its "
                 "value", n=number, key=m["key"], colon=m["colon"])
    if m := _TOML_FULL_SPACE.match(line):
        return t("line {n}: after “{key}” comes a full-width space; write a half-width space", n=number, key=m["key"])
    if m := _TOML_HAN_KEY.match(line):
        return t("line {n}: {problem}", n=number, problem=_han_key(m["key"]))
    if (m := _TOML_VALUE.match(line)) and any(m["value"].startswith(a) for a, _ in _FULL_QUOTES):
        return _quotes_message(number, m["key"])
    return None
