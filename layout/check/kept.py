"""Findings of a validator kept by the checked file's digest, when $LAYOUT_CHECK_CACHE names a folder.

A test run sets it to a folder inside the run's temporary folder: the same bytes checked twice (an issue
checked again with other options, on any xdist worker) are validated once, by really running the
validator; nothing is kept without it, nor when the validator gave no report (run raises). The findings
are the validators' own words (EPUBCheck's and Ace's, in English), whatever the language. A lock per
entry makes a second process asking for the same file wait for the first. A validator that is not
installed raises before it is asked (ToolMissing): "not checked" is never taken from here. The print preflight is not kept: its findings are in the
catalog's language, and it takes a second or two.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Callable

CACHE_VAR = "LAYOUT_CHECK_CACHE"


def kept(tool: str, path: Path, run: Callable[[], list[str]]) -> list[str]:
    """run(), the findings of `tool` on the file at path, or what it found in the same bytes before."""
    folder = os.environ.get(CACHE_VAR)
    if not folder:
        return run()
    entry = Path(folder) / f"{tool}-{hashlib.sha256(path.read_bytes()).hexdigest()}.json"
    entry.parent.mkdir(parents=True, exist_ok=True)
    with open(entry.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if run() fails
        if entry.is_file():
            return json.loads(entry.read_text(encoding="utf-8"))
        found = run()
        entry.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    return found
