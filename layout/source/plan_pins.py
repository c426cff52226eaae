"""Reading plan.toml, the editor's pins (written by layout.plan.plan_file): validated here, like
every other input, so a wrong pin is one line naming plan.toml and its line."""
from __future__ import annotations

from layout.errors import InputError
from layout.messages import t
from layout.model import Issue, Pin
from layout.plan.grid import page_format
from layout.source.fields import Field, check_fields
from layout.source.issue_folder import parse_toml, read_text

_ENTRY = {"id": Field(str, True), "headline": Field(str), "pin": Field(bool), "page": Field(int),
          "column": Field(int), "line": Field(int), "span": Field(int), "part": Field(int)}


def load_pins(issue: Issue) -> dict[str, Pin]:
    """Pins of the issue's plan.toml ({} when there is none), validated against the issue."""
    path = issue.root / "plan.toml"
    if not (path.exists() or path.is_symlink()):
        return {}
    text = read_text(path, issue.root)
    data = parse_toml(text, path)
    starts = [n + 1 for n, line in enumerate(text.split("\n")) if line.strip().startswith("[[article]]")]
    check_fields(data, {"article": Field(list)}, path, lambda k: 1, "plan.toml")
    fmt = page_format(issue.format)
    ids = {a.id for a in issue.articles}
    pages = {p.number for p in issue.pages}
    pins: dict[str, tuple[Pin, int]] = {}
    for n, entry in enumerate(data.get("article", [])):
        line = starts[n] if n < len(starts) else 1
        check_fields(entry, _ENTRY, path, lambda k, line=line: line, f"[[article]] #{n + 1}")
        if not entry.get("pin") or entry.get("part"):
            continue
        aid = entry["id"]
        if aid not in ids:
            raise InputError(t("no article '{id}' in articles/", id=aid), path, line)
        if aid in pins:
            raise InputError(t("article '{id}' is pinned twice (first at line {first})", id=aid, first=pins[aid][1]),
                             path, line)
        page, span = entry.get("page"), entry.get("span")
        column = entry["column"] - 1 if "column" in entry else None
        row = entry["line"] - 1 if "line" in entry else None
        if page is not None and page not in pages:
            raise InputError(t("page {page} is not defined in issue.toml", page=page), path, line)
        if span is not None and not 1 <= span <= fmt.columns:
            raise InputError(t("span must be 1…{columns}: the page has {columns} columns (got {span}, wider than the "
                               "page)", columns=fmt.columns, span=span) if span > fmt.columns
                             else t("span must be 1…{columns}, got {span}", columns=fmt.columns, span=span), path, line)
        if column is not None and not (0 <= column and column + (span or 1) <= fmt.columns):
            raise InputError(t("column {column} with span {span} runs off the page's {columns} columns",
                               column=column + 1, span=span or 1, columns=fmt.columns), path, line)
        # Without a page, a line must fit the smallest free area (page 1's, below the 报头).
        free = fmt.lines - fmt.reserved_lines(page if page is not None else 1)
        if row is not None and not 0 <= row < free:
            raise InputError(t("line must be 1…{free} on 第{page}版", free=free, page=page) if page is not None
                             else t("line must be 1…{free}", free=free), path, line)
        pin = Pin(page, column, row, span, f"{path}:{line}")
        for other_id, (other, other_line) in pins.items():
            if _same_cells(pin, other):
                raise InputError(t("'{id}' and '{other}' (line {other_line}) are pinned to the same cells", id=aid,
                                   other=other_id, other_line=other_line), path, line)
        pins[aid] = (pin, line)
    return {aid: pin for aid, (pin, _) in pins.items()}


def _same_cells(a: Pin, b: Pin) -> bool:
    """Two pins that certainly overlap: same page and start line, overlapping columns."""
    if None in (a.page, a.column, a.line, b.page, b.column, b.line) or a.page != b.page or a.line != b.line:
        return False
    return a.column < b.column + (b.span or 1) and b.column < a.column + (a.span or 1)
