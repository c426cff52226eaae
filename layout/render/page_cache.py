"""The page cache: each finished print page (PDF/X-4) kept on disk, so a rebuild renders only changed pages.

Where: `$XDG_CACHE_HOME/layout/<issue stem>/` when XDG_CACHE_HOME is set (a user who names a cache folder
gets it used), else `.layout-cache/<issue stem>/` inside the output folder, so deleting the output folder
clears it and rebuilding into the same folder finds it. The cache keeps the pages of the last build of each
issue: entries that build did not use are removed.

An entry is keyed by a digest of everything its bytes depend on: the page's painted HTML (photos are
inside it, converted), the font files the roles resolve to (path, size, mtime), the output profile, bleed
and crop marks, the issue's metadata, and the versions of WeasyPrint, pikepdf/qpdf and this program's code.
Entries are written atomically (a temporary file, then a rename) and carry a checksum; an entry that is
unreadable, truncated or altered is ignored and rendered again. The cache never changes an output: a page
comes out byte-identical whether rendered now or read back (docs/design.md, invariant 5).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

from layout.output import write_atomic

CACHE_FOLDER = ".layout-cache"
SUFFIX = ".page"
MAGIC = b"layout page cache 1\n"
_CODE = Path(__file__).resolve().parents[1]  # the layout package: its sources are part of every key


@dataclass(frozen=True)
class CachedPage:
    """A finished page as the cache keeps it: the PDF/X-4 file and what finishing it reported."""

    pdf: bytes
    report: tuple[str, ...] = ()


def cache_folder(out_dir: Path, stem: str) -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG base directory spec: a relative path is invalid and to be ignored.
    base = Path(xdg) / "layout" if os.path.isabs(xdg) else out_dir / CACHE_FOLDER
    return base / stem


@cache
def code_version() -> str:
    """A digest of this program's sources and the libraries that make page files: any change is a new key."""
    h = hashlib.sha256()
    for name in ("weasyprint", "pikepdf", "pydyf", "fonttools"):
        h.update(f"{name} {version(name)}\n".encode())
    for path in sorted(_CODE.rglob("*.py")):
        h.update(path.relative_to(_CODE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def file_fingerprint(path: Path) -> str:
    """Which file, as it is now: a replaced or updated font gives another fingerprint."""
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


class PageCache:
    """Finished pages under folder, keyed by their HTML plus a build's salt (see key).

    A build reads entries as it goes and stages the pages it rendered; commit() writes those and
    removes the entries the build did not use, once the build's outputs are written."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()
        self.staged: dict[str, CachedPage] = {}

    @staticmethod
    def key(salt: str, number: int, html: str) -> str:
        return hashlib.sha256(f"{salt}\0{number}\0".encode() + html.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str) -> CachedPage | None:
        """The entry, or None when there is none or it cannot be trusted (it is then rendered anew)."""
        self.used.add(key)
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        head, _, rest = data.partition(b"\n")
        checksum, _, payload = rest.partition(b"\n")
        if head + b"\n" != MAGIC or hashlib.sha256(payload).hexdigest().encode() != checksum:
            return None
        meta, _, pdf = payload.partition(b"\n")
        try:
            report = json.loads(meta)
        except ValueError:
            return None
        if not isinstance(report, list) or not all(isinstance(r, str) for r in report):
            return None
        return CachedPage(pdf, tuple(report))

    def stage(self, key: str, page: CachedPage) -> None:
        self.used.add(key)
        self.staged[key] = page

    def put(self, key: str, page: CachedPage) -> None:
        payload = json.dumps(list(page.report), ensure_ascii=False).encode() + b"\n" + page.pdf
        write_atomic(self._path(key), MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)

    def commit(self) -> None:
        """Write the staged pages; remove the entries of earlier builds that this build did not use."""
        for key, page in self.staged.items():
            self.put(key, page)
        self.staged = {}
        self.keep_only(self.used)

    def keep_only(self, keys: set[str]) -> None:
        if not self.folder.is_dir():
            return
        for path in self.folder.glob(f"*{SUFFIX}"):
            if path.name.removesuffix(SUFFIX) not in keys:
                path.unlink(missing_ok=True)
