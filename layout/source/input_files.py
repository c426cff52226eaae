"""Opening the files of an issue folder: regular files inside the folder, read as checked text.

Every input (issue.toml, plan.toml, articles, images, ads) is opened only once links are
resolved and the target is known to lie inside the issue folder, and only if it is a regular
file: a link to /etc/passwd is not printed, a FIFO does not block the build (it is never
opened), a device is not read. Files in articles/ that look like articles but are not read
(`.hidden.md`, `x.MD`) are named rather than skipped in silence.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from layout.errors import InputError
from layout.messages import t
from layout.source.validate import check_characters

MAX_TEXT_BYTES = 8 * 1024 * 1024  # an article or issue.toml is a few kB; a bigger "text" is a mistake
ARTICLE_SUFFIX = ".md"
_NO_BLOCK = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)


def inside(path: Path, root: Path) -> Path:
    """The resolved path of an existing regular file inside root; else the editor's error."""
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        message = (t("cannot read the file: it is a link to a file that does not exist") if path.is_symlink()
                   else t("no such file"))
        raise InputError(message, path) from None
    except (OSError, RuntimeError) as e:  # a loop of links
        raise InputError(t("cannot read the file: {reason}", reason=getattr(e, "strerror", None) or e), path) from None
    if not real.is_relative_to(Path(root).resolve()):
        raise InputError(t("the file is a link to {target}, outside the issue folder; copy the file into the folder",
                           target=real), path)
    mode = real.stat().st_mode
    if stat.S_ISDIR(mode):
        raise InputError(t("a folder where a file is expected; rename or remove it"), path)
    if not stat.S_ISREG(mode):
        raise InputError(t("not a regular file (a pipe, device or socket); put a saved file here"), path)
    return real


def read_input(path: Path, root: Path) -> bytes:
    """The bytes of a regular file inside root (see inside)."""
    real = inside(path, root)
    try:
        fd = os.open(real, _NO_BLOCK)
    except OSError as e:
        raise InputError(t("cannot read the file: {reason}", reason=e.strerror or e), path) from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped between the check and the open
            raise InputError(t("not a regular file (a pipe, device or socket); put a saved file here"), path)
        data = f.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(t("the file is larger than {mb} MB; is it really text?", mb=MAX_TEXT_BYTES // 2 ** 20), path)
    return data


def read_text(path: Path, root: Path | None = None) -> str:
    """An input file inside root (default: its own folder) as UTF-8 text (a BOM is allowed),
    line ends made LF and every character checked (validate.check_characters)."""
    data = read_input(path, root if root is not None else path.parent)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(t("not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8", byte=data[e.start]), path,
                         line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_characters(text, path)
    return text


def article_files(root: Path) -> list[Path]:
    """The articles/*.md of the issue folder at root, in no particular order.

    articles/ must be a folder inside root; a name that looks like an article but would not be
    read (a leading dot, another case of .md) is refused with the fix."""
    folder = root / "articles"
    if not (folder.exists() or folder.is_symlink()):
        return []
    real = folder.resolve()
    if not real.is_relative_to(root.resolve()):
        raise InputError(t("articles/ is a link to {target}, outside the issue folder; put the articles in the folder",
                           target=real), folder)
    if not real.is_dir():
        raise InputError(t("articles/ is not a folder"), folder)
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.lower().endswith(ARTICLE_SUFFIX) and (name.startswith(".") or not name.endswith(ARTICLE_SUFFIX)):
            raise InputError(t("looks like an article but would not be read: articles are named *.md, in lower case "
                               "and without a leading dot; rename or remove it"), entry)
        if name.endswith(ARTICLE_SUFFIX):
            found.append(entry)
    return found


@dataclass(frozen=True)
class NamedFile:
    """What kind of file a front matter or issue.toml field names, and how the editor hears it is wrong.
    Messages are catalog ids (marked with N_), each with a {name} field."""

    types: frozenset[str]  # suffixes accepted, lower case
    outside: str
    missing: str
    problem: str  # with {problem}: what `inside` found wrong
    wrong_type: str


def named_file(name: str, root: Path, kind: NamedFile, path: Path, line: int) -> Path:
    """The regular file inside the issue folder that `name` (relative to root) names, of an accepted type;
    else the editor's error at path:line. No absolute paths, no ../ escape, no link out of the folder."""
    candidate = (root / name).resolve()
    if Path(name).is_absolute() or not candidate.is_relative_to(root.resolve()):
        raise InputError(t(kind.outside, name=name), path, line)
    if not (candidate.exists() or (root / name).is_symlink()):
        raise InputError(t(kind.missing, name=name), path, line)
    try:
        candidate = inside(root / name, root)  # a regular file: a FIFO would block the renderer
    except InputError as e:  # a folder, a pipe: said at the line that names it
        raise InputError(t(kind.problem, name=name, problem=e.message), path, line) from None
    if candidate.suffix.lower() not in kind.types:
        raise InputError(t(kind.wrong_type, name=name), path, line)
    return candidate
