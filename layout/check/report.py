"""`layout check`: run the right checks for each output file and collect one line per problem."""
from __future__ import annotations

from pathlib import Path
from typing import Callable


def check_outputs(paths: list[Path], progress: Callable[[str], None]) -> list[str]:
    problems: list[str] = []
    for path in paths:
        if path.suffix == ".pdf":
            from layout.check.preflight import preflight

            progress(f"印前检查 {path.name}")
            problems += [f"{path.name}: {v}" for v in preflight(path)]
        elif path.suffix == ".epub":
            from layout.check.epub_validate import ace_check, validate_epub

            progress(f"EPUBCheck / Ace {path.name}")
            problems += [f"{path.name}: {m}" for m in validate_epub(path) + ace_check(path)]
    return problems
