"""The message catalog: every message the code can say exists in Chinese, with the same fields."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from layout import messages
from layout.messages import catalog, language_from_env, set_language, t

CODE = Path(messages.__file__).parent


def _message_ids() -> list[tuple[str, str]]:
    found = []
    for path in sorted(CODE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append((f"{path.relative_to(CODE)}:{node.lineno}", node.args[0].value))
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_chinese_with_the_same_fields():
    missing = [f"{where}: {msgid!r}" for where, msgid in _message_ids() if msgid not in catalog()]
    assert not missing, "messages without a Chinese entry in locale/zh_CN/LC_MESSAGES/layout.po:\n" + "\n".join(missing)
    wrong = [msgid for msgid, zh in catalog().items() if _fields(msgid) != _fields(zh)]
    assert not wrong, f"Chinese entries whose fields differ from the English: {wrong}"


@pytest.mark.parametrize("env, lang", [
    ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "zh_CN.UTF-8"}, "zh"), ({}, "zh"), ({"LANG": "C"}, "zh"),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"), ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US"}, "zh"),
])
def test_language_follows_the_locale(env, lang):
    assert language_from_env(env) == lang


def test_one_language_at_a_time():
    try:
        set_language("en")
        assert t("no problems found") == "no problems found"
        set_language("zh")
        assert t("no problems found") == "无问题"
    finally:
        set_language(None)
