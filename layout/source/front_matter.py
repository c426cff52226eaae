"""An article's YAML front matter → (data, line of every key), safely.

Front matter is a small flat table, so YAML's riskier features are refused before anything is
built: anchors and aliases (an alias bomb of a few hundred bytes expands to gigabytes), nesting
deeper than validate.MAX_DEPTH (PyYAML's composer recurses), duplicate keys (YAML keeps the last
silently), and numbers longer than validate.MAX_DIGITS (Python's int() fails on 4,300 digits).
The event stream is read first, without building anything; the node tree is walked without
recursion; only then is it constructed into Python values.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from layout.errors import InputError
from layout.messages import t
from layout.source.slips import han_key_slip, yaml_quote_slip, yaml_slip
from layout.source.validate import MAX_DEPTH, MAX_DIGITS, check_values

FIRST_LINE = 2  # the front matter starts below the '---' on line 1
_INT_TAG = "tag:yaml.org,2002:int"
_SIMPLE_KEY = "could not find expected ':'"  # reported at the line after the slip: use the key's line


def _line(mark: yaml.Mark) -> int:
    return mark.line + FIRST_LINE


def _refuse_features(source: str, path: Path) -> None:
    """Anchors, aliases and deep nesting, from the event stream (nothing is built yet)."""
    depth = 0
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise InputError(t("the front matter uses an alias (*{name}); write the value out in full",
                               name=event.anchor), path, _line(event.start_mark))
        if getattr(event, "anchor", None):
            raise InputError(t("the front matter uses an anchor (&{name}); write the value out in full",
                               name=event.anchor), path, _line(event.start_mark))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(t("values are nested more than {depth} levels deep", depth=MAX_DEPTH), path,
                                 _line(event.start_mark))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _positions(root: yaml.Node | None, path: Path) -> dict[str, int]:
    """Dotted key path → line, e.g. 'images.0.file'; refuses duplicate keys and overlong numbers."""
    out: dict[str, int] = {}
    stack: list[tuple[yaml.Node | None, str]] = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                name = str(key_node.value)
                line = _line(key_node.start_mark)
                if name in seen:
                    raise InputError(t("the key “{key}” appears twice (first on line {first}); keep one",
                                       key=name, first=seen[name]), path, line)
                seen[name] = out[f"{prefix}{name}"] = line
                stack.append((value_node, f"{prefix}{name}."))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                out[f"{prefix}{i}"] = _line(item.start_mark)
                stack.append((item, f"{prefix}{i}."))
        elif isinstance(node, yaml.ScalarNode) and node.tag == _INT_TAG:
            if sum(c.isdigit() for c in node.value) > MAX_DIGITS:
                raise InputError(t("the number has more than {digits} digits", digits=MAX_DIGITS), path,
                                 _line(node.start_mark))
    return out


def _slip(source: str, path: Path, error_line: int | None = None) -> None:
    """Raise the typist's slip on a line of the front matter, if there is one."""
    for n, line in enumerate(source.split("\n"), FIRST_LINE):
        message = yaml_slip(line, n) or (yaml_quote_slip(line, n) if n == error_line else None)
        if message:
            raise InputError(message, path, n)


def line_finder(positions: dict[str, int]):
    """key path (dotted text or a tuple) → its line; the nearest enclosing key's line; else 1."""
    def line_of(key: str | tuple) -> int:
        parts = [str(p) for p in key] if isinstance(key, tuple) else key.split(".") if key else []
        while parts:
            if (line := positions.get(".".join(parts))) is not None:
                return line
            parts.pop()
        return 1
    return line_of


def load_front_matter(source: str, path: Path) -> tuple[Any, dict[str, int]]:
    """(data, dotted key path → 1-based line of the article file).

    The typists' slips are looked for where YAML fails or reads no table (a slip makes it do one or the
    other, and only then can a line be a slip rather than, say, text in a block scalar), and among the
    keys read (a key in Chinese is read without complaint)."""
    try:
        _refuse_features(source, path)
        loader = yaml.SafeLoader(source)
        try:
            node = loader.get_single_node()
            positions = _positions(node, path)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).split("\n")[0]
        if problem == _SIMPLE_KEY and getattr(e, "context_mark", None):
            mark = e.context_mark
        line = _line(mark) if mark else 1
        _slip(source, path, line)
        raise InputError(t("invalid YAML in the front matter: {problem}", problem=problem), path, line) from None
    except (ValueError, RecursionError) as e:  # a construction failure the checks above did not foresee
        raise InputError(t("invalid YAML in the front matter: {problem}", problem=type(e).__name__), path) from None
    if data is not None and not isinstance(data, dict):
        _slip(source, path)
    for key, line in positions.items():
        name = key.rsplit(".", 1)[-1]
        if not name.isascii() and (message := han_key_slip(name, line)):
            raise InputError(message, path, line)
    check_values(data, path, line_finder(positions))
    return (data if data is not None else {}), positions
