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

LineOf = Callable[[str], int]  # key → line number (best effort)


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = False


_KIND_NAMES = {str: "text", int: "a whole number", dt.date: "a date (YYYY-MM-DD)", list: "a list",
               dict: "a table", bool: "true or false"}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)


def check_fields(data: Any, spec: dict[str, Field], path: Path, line_of: LineOf, where: str) -> dict:
    """Return data unchanged if it has only known keys of the right kinds and all required ones."""
    if not isinstance(data, dict):
        raise InputError(f"{where} must be a table of keys, not {type(data).__name__}", path, line_of(""))
    for key, value in data.items():
        if key not in spec:
            known = ", ".join(spec)
            raise InputError(f"unknown key '{key}' in {where} (known keys: {known})", path, line_of(str(key)))
        kind = spec[key].kind
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int and datetime is a date in Python: a number field must not accept true/false,
        # nor a date field a date-time (TOML's 2021-01-22T08:00:00).
        narrower = any(isinstance(value, sub) and sub not in kinds for sub in (bool, dt.datetime))
        if narrower or not isinstance(value, kind):
            raise InputError(f"'{key}' in {where} must be {_kind_name(kind)}, got {value!r}", path, line_of(key))
    for key, field in spec.items():
        if field.required and key not in data:
            raise InputError(f"missing required field '{key}' in {where}", path, line_of(""))
    return data
