"""`layout new`: the files of a fresh issue folder, ready to build.

issue.toml with the paper, the issue and one [[pages]] table per 版, an empty images/, and one
example article that shows the front matter and body an editor writes. Pure: new_issue_files
returns the texts; the CLI writes them.
"""
from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from layout.errors import InputError
from layout.messages import t
from layout.output import write_atomic
from layout.source.issue_folder import load_issue

EXAMPLE_ID = "01-example"
IMAGES_KEEP = "images/.gitkeep"  # keeps the empty folder in version control
EXAMPLE_HEADLINE = "用您的稿件替换这篇示例"  # `layout check` flags the example until it is replaced
# What an issue.toml written by `layout import` says until the editor fills it in (`layout check` flags them).
PLACEHOLDER_NAME = "未命名"
PLACEHOLDER_CODE = "PAPER"
# Copy, not a message: the paper is Chinese whatever language the editor reads messages in.
EXAMPLE_ARTICLE = f"""\
---
kicker: 示例稿件
headline: {EXAMPLE_HEADLINE}
byline: 记者 王芳
byline_position: dateline
dateline: 本报讯
page: 1
priority: 1
---
每篇稿件是一个文件，文件名就是稿件的编号。开头两行短横线之间写引题、主题、副题、作者和电头，下面是正文，段与段之间空一行。

头条的优先级写1，并固定在第1版；其余稿件按优先级由版面规划安排，放不下的转到后面的版，并自动加上“下转”“上接”。

## 小标题以两个井号开头

正文里的数字、英文和标点照常输入即可，汉字与数字之间不必加空格，排版时会自动处理。

稿件改好后生成版面，就能得到付印的文件和电子书；打开预览，可以一边写一边看版面，每篇稿件的位置、栏数和行数一目了然。
"""


@dataclass(frozen=True)
class NewIssue:
    paper: str  # 报名
    code: str  # ASCII, names the output files
    date: dt.date
    pages: int
    sections: tuple[str, ...] = ()  # 版名 of pages 1, 2, …; missing ones stay "" for the editor to fill in
    editors: tuple[str, ...] = ()  # 责任编辑, likewise


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _issue_toml(new: NewIssue) -> str:
    head = [
        t("# Written by `layout new`. Fill in the registration, publisher and website, the issue numbers and"),
        t("# the section (版名) and editor (责任编辑) of every page. See the README: the issue folder."),
        'format = "tabloid"',
        "",
        "[paper]",
        f"name = {_toml_string(new.paper)}",
        f"code = {_toml_string(new.code)}",
        'registration = ""',
        'publisher = ""',
        'website = ""',
        "",
        "[issue]",
        f"date = {new.date.isoformat()}",
        "number = 1",
        "total = 1",
    ]
    pages = []
    for n in range(1, new.pages + 1):
        section = new.sections[n - 1] if n <= len(new.sections) else ""
        editor = new.editors[n - 1] if n <= len(new.editors) else ""
        pages += ["", "[[pages]]", f"number = {n}", f"section = {_toml_string(section)}",
                  f"editor = {_toml_string(editor)}"]
    return "\n".join(head + pages) + "\n"


def new_issue_files(new: NewIssue) -> dict[str, str]:
    """Relative path → text of every file of the new issue folder."""
    return {"issue.toml": _issue_toml(new), f"articles/{EXAMPLE_ID}.md": EXAMPLE_ARTICLE, IMAGES_KEEP: ""}


def write_new_issue(folder: Path, new: NewIssue) -> list[Path]:
    """Write the new issue folder, validated as the build reads it, or nothing: the files are loaded
    from a temporary folder beside it, which is then renamed into place."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(t("the folder exists and is not empty: give a new folder"), folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{folder.name}.", dir=folder.parent) as tmp:
        staging = Path(tmp) / folder.name
        for name, text in new_issue_files(new).items():
            write_atomic(staging / name, text.encode("utf-8"))
        try:
            load_issue(staging)
        except InputError as e:  # name the file the editor will have, not the staging copy
            raise InputError(e.message, folder / e.path.relative_to(staging), e.line) from None
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    return sorted(folder / name for name in new_issue_files(new))
