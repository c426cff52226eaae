"""[[ads]] in issue.toml: reserved blocks (广告) the planner places before the copy.

Each has a page, a file (PDF, PNG or JPEG inside the issue folder), a width in columns and a
height in lines, and optionally the column and line of its top-left (columns and lines count
from 1, as in plan.toml; default: the foot of the page, flush right). Validated here, so a wrong
ad is one line naming issue.toml and its line.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from layout.errors import InputError
from layout.messages import N_, t
from layout.model import Ad, PageSpec
from layout.plan.grid import page_format
from layout.source.fields import Field, check_fields
from layout.source.input_files import NamedFile, named_file

_AD = {"page": Field(int, True), "file": Field(str, True), "columns": Field(int, True), "lines": Field(int, True),
       "column": Field(int), "line": Field(int)}
AD_FILE = NamedFile(
    frozenset({".pdf", ".png", ".jpg", ".jpeg"}),
    N_("ad file '{name}' lies outside the issue folder"),
    N_("ad file '{name}' not found in the issue folder"),
    N_("ad file '{name}': {problem}"),
    N_("ad file '{name}' must be PDF, PNG or JPEG"))


def load_ads(raw: list, root: Path, path: Path, line_of: Callable[[int], Callable[[str], int]],
             pages: tuple[PageSpec, ...], format_key: str) -> tuple[Ad, ...]:
    """The ads of issue.toml; line_of(i) gives the key → line function of the i-th [[ads]] table."""
    fmt = page_format(format_key)
    numbers = {p.number for p in pages}
    ads: list[Ad] = []
    for i, entry in enumerate(raw):
        where = line_of(i)
        check_fields(entry, _AD, path, where, f"[[ads]] #{i + 1}")
        page = entry["page"]
        if page not in numbers:
            raise InputError(t("page {page} is not defined in issue.toml", page=page), path, where("page"))
        free = fmt.lines - fmt.reserved_lines(page)
        columns, lines = entry["columns"], entry["lines"]
        if not 1 <= columns <= fmt.columns:
            raise InputError(t("an ad's columns must be 1…{most}, got {got}", most=fmt.columns, got=columns), path,
                             where("columns"))
        if not 1 <= lines <= free:
            raise InputError(t("an ad's lines must be 1…{most} on 第{page}版, got {got}", most=free, page=page, got=lines),
                             path, where("lines"))
        column = entry["column"] - 1 if "column" in entry else None
        line = entry["line"] - 1 if "line" in entry else None
        if column is not None and not (0 <= column and column + columns <= fmt.columns):
            raise InputError(t("an ad at column {column}, {columns} columns wide, runs off the page's {most} columns",
                               column=column + 1, columns=columns, most=fmt.columns), path, where("column"))
        if line is not None and not (0 <= line and line + lines <= free):
            raise InputError(t("an ad at line {line}, {lines} lines high, runs off the {most} lines of 第{page}版",
                               line=line + 1, lines=lines, most=free, page=page), path, where("line"))
        ad = Ad(page, named_file(entry["file"], root, AD_FILE, path, where("file")), columns, lines, column, line,
                f"{path}:{where('')}")
        for other in ads:
            if other.page == page and _overlap(ad, other, fmt.columns, free):
                raise InputError(t("the ad overlaps another ad on 第{page}版 ({where})", page=page, where=other.where),
                                 path, where(""))
        ads.append(ad)
    return tuple(ads)


def _rect(ad: Ad, columns: int, free: int) -> tuple[int, int, int, int]:
    column = columns - ad.columns if ad.column is None else ad.column
    line = free - ad.lines if ad.line is None else ad.line
    return column, line, ad.columns, ad.lines


def _overlap(a: Ad, b: Ad, columns: int, free: int) -> bool:
    ax, ay, aw, ah = _rect(a, columns, free)
    bx, by, bw, bh = _rect(b, columns, free)
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
