"""Checking a parsed table (TOML or YAML) against the keys it may have.

Every problem becomes an InputError naming the file and the line of the offending key, so
the editor can go straight to it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from layout.errors import InputError
from layout.messages import t

LineOf = Callable[[str], int]  # key → line number (best effort)


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = False


# Called when a message is made, so the name is in the language of the moment.
_KIND_NAMES: dict[type, Callable[[], str]] = {
    str: lambda: t("text"), int: lambda: t("a whole number"), dt.date: lambda: t("a date (YYYY-MM-DD)"),
    list: lambda: t("a list"), dict: lambda: t("a table"), bool: lambda: t("true or false"),
}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return t(" or ").join(_KIND_NAMES[k]() if k in _KIND_NAMES else k.__name__ for k in kinds)


def _shown(value: Any, limit: int = 40) -> str:
    """A wrong value as the message quotes it: short, one line."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def check_fields(data: Any, spec: dict[str, Field], path: Path, line_of: LineOf, where: str) -> dict:
    """Return data unchanged if it has only known keys of the right kinds and all required ones."""
    if not isinstance(data, dict):
        raise InputError(t("{where} must be a table of keys, not {kind}", where=where, kind=type(data).__name__), path,
                         line_of(""))
    for key, value in data.items():
        if key not in spec:
            raise InputError(t("unknown key '{key}' in {where} (known keys: {known})", key=key, where=where,
                               known=", ".join(spec)), path, line_of(str(key)))
        kind = spec[key].kind
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int and datetime is a date in Python: a number field must not accept true/false,
        # nor a date field a date-time (TOML's 2021-01-22T08:00:00).
        narrower = any(isinstance(value, sub) and sub not in kinds for sub in (bool, dt.datetime))
        if narrower or not isinstance(value, kind):
            raise InputError(t("'{key}' in {where} must be {kind}, got {value}", key=key, where=where,
                               kind=_kind_name(kind), value=_shown(value)), path, line_of(key))
    for key, field in spec.items():
        if field.required and key not in data:
            raise InputError(t("missing required field '{key}' in {where}", key=key, where=where), path, line_of(""))
    return data
