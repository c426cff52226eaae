"""`layout check`: run the right checks for each output file and collect one line per problem."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from layout.errors import InputError
from layout.messages import t

_CHECKED = (".pdf", ".epub")


def checkable(path: Path) -> bool:
    """Whether check_outputs has checks for the file (a print PDF or an EPUB, whatever the case)."""
    return path.suffix.lower() in _CHECKED


def check_outputs(paths: list[Path], progress: Callable[[str], None]) -> list[str]:
    """One line per problem found in the print PDFs and EPUBs at paths.

    InputError for a file that is no PDF or EPUB (by name or by content); a validator that is not
    installed is a BuildError (epub_validate.ToolMissing): "not checked" must never read as "clean".
    """
    for path in paths:
        if not checkable(path):
            raise InputError(t("layout check takes a print PDF (.pdf), an EPUB (.epub) or an issue folder"), path)
        if not path.is_file():  # a FIFO would block the reader, a device never end
            raise InputError(t("not a regular file (a pipe, device or socket); put a saved file here"), path)
    problems: list[str] = []
    for path in paths:
        if path.suffix.lower() == ".pdf":
            from layout.check.preflight import preflight

            progress(t("preflight of {file}", file=path.name))
            problems += [f"{path.name}: {v}" for v in preflight(path)]
        else:
            from layout.check.epub_validate import ace_check, unsafe_entries, validate_epub

            unsafe = unsafe_entries(path)  # refused before any validator unpacks the book
            if unsafe:
                problems += [f"{path.name}: {m}" for m in unsafe]
                continue
            progress(t("EPUBCheck and Ace on {file}", file=path.name))
            problems += [f"{path.name}: {m}" for m in validate_epub(path) + ace_check(path)]
    return problems
