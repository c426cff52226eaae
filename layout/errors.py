"""The two ways a build stops on purpose.

InputError: the editor's files are wrong (exit code 2). BuildError: the files are fine but
the issue cannot be produced as asked, e.g. text that does not fit (exit code 1).
Both carry a one-line message; the CLI prints it without a traceback.
"""
from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    def __init__(self, message: str, path: Path | str, line: int | None = None):
        self.message = message
        self.path = Path(path)
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


class BuildError(Exception):
    pass


class CopyOverflow(BuildError):
    """The articles do not fit on the issue's pages."""
