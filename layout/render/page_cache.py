"""The page cache: each finished print page (PDF/X-4) kept on disk, so a rebuild renders only changed pages.

Where: `$XDG_CACHE_HOME/layout/<issue stem>/` when XDG_CACHE_HOME is set (a user who names a cache folder
gets it used), else `.layout-cache/<issue stem>/` inside the output folder, so deleting the output folder
clears it and rebuilding into the same folder finds it. The cache keeps the pages of the last build of each
issue: entries that build did not use are removed.

An entry is keyed by a digest of everything its bytes depend on: the page's painted HTML (photos are
inside it, converted), the font files the roles resolve to (path, size, mtime), the output profile, bleed
and crop marks, the issue's metadata, and the versions of WeasyPrint, pikepdf/qpdf and this program's code.
Beside each page it keeps the page's images (the digital edition's), keyed by a digest of the page file and
of the widths and encoding asked for, so a page the cache holds is not rasterised again either. Bytes made of
few inputs (bytes_key: an EPUB font subset, the cover) and the outputs made of a build's pages (the issue's PDF,
the EPUB, the digital edition's files: layout.build keys them) are kept as `.bytes` entries (made, made_files).

Entries are written atomically (a temporary file, then a rename; not flushed to disk one by one, as outputs
are: a torn entry fails its checksum) and carry a checksum; an entry that is
unreadable, truncated or altered is ignored and rendered again. The cache never changes an output: a page
comes out byte-identical whether rendered now or read back (docs/design.md, invariant 5).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

from layout.render.preview import ImageSpec, PageImage

CACHE_FOLDER = ".layout-cache"
SUFFIX = ".page"
IMAGES_SUFFIX = ".images"
COMPOSED_SUFFIX = ".compose"  # an article's composed lines (layout.plan.compose_cache)
BYTES_SUFFIX = ".bytes"  # a file of an output made of its inputs alone: an EPUB font subset, the EPUB cover
PLAN_SUFFIX = ".plan"  # the plan (layout.plan.plan_memo)
ENTRY_SUFFIXES = (SUFFIX, IMAGES_SUFFIX, COMPOSED_SUFFIX, BYTES_SUFFIX, PLAN_SUFFIX)  # what commit() may remove: nothing else is ours
PART_SUFFIX = ".part"  # an entry being written
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
    from importlib.metadata import version  # slow to import: not before the first key is made

    h = hashlib.sha256()
    for name in ("weasyprint", "pikepdf", "pydyf", "fonttools", "pypdfium2", "pillow"):
        h.update(f"{name} {version(name)}\n".encode())
    for path in sorted(_CODE.rglob("*.py")):
        h.update(path.relative_to(_CODE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def file_fingerprint(path: Path) -> str:
    """Which file, as it is now: a replaced or updated font gives another fingerprint."""
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


class PageCache:
    """Finished pages under folder, keyed by their HTML plus a build's salt (see key), and their images.

    A build reads entries as it goes and stages the pages and images it made; commit() writes those and
    removes the entries the build did not use, once the build's outputs are written."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()  # file names
        self.staged: dict[str, bytes] = {}  # file name → payload
        self._before_commit: list[Callable[[], None]] = []

    @staticmethod
    def key(salt: str, number: int, html: str) -> str:
        return hashlib.sha256(f"{salt}\0{number}\0".encode() + html.encode("utf-8")).hexdigest()

    @staticmethod
    def images_key(pdf: bytes, spec: ImageSpec) -> str:
        return hashlib.sha256(f"{code_version()}\0{spec!r}\0".encode() + hashlib.sha256(pdf).digest()).hexdigest()

    def get(self, key: str) -> CachedPage | None:
        """The entry, or None when there is none or it cannot be trusted (it is then rendered anew)."""
        entry = self.read(key + SUFFIX)
        if entry is None or not all(isinstance(r, str) for r in entry[0]):
            return None
        return CachedPage(entry[1], tuple(entry[0]))

    def get_images(self, key: str) -> tuple[PageImage, ...] | None:
        """A page's images as images_key named them, or None (they are then rendered anew)."""
        entry = self.read(key + IMAGES_SUFFIX)
        if entry is None:
            return None
        meta, data = entry
        images, start = [], 0
        try:
            for width, height, media_type, extension, size in meta:
                images.append(PageImage(width, height, data[start:start + size], media_type, extension))
                start += size
        except (TypeError, ValueError):
            return None
        return tuple(images) if start == len(data) else None

    @staticmethod
    def bytes_key(*parts: str | bytes) -> str:
        """The key of bytes made of these parts (and this program's code) alone."""
        h = hashlib.sha256(code_version().encode())
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            h.update(len(data).to_bytes(8, "big") + data)
        return h.hexdigest()

    def made(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The bytes under key, made now (and staged) if the cache does not hold them. The entry names the
        entries make() read (an EPUB's font subsets): they stay in the cache with it, for the next build
        that has to make it again."""
        entry = self.read(key + BYTES_SUFFIX)
        if entry is not None and all(isinstance(name, str) and name.endswith(ENTRY_SUFFIXES) for name in entry[0]):
            self.used.update(entry[0])
            return entry[1]
        before = set(self.used)
        data = make()
        self.stage_entry(key + BYTES_SUFFIX, sorted(self.used - before), data)
        return data

    def made_files(self, key: str, make: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        """The files ({path: bytes}) under key, made now (and staged) if the cache does not hold them whole."""
        name = key + BYTES_SUFFIX
        entry = self.read(name)
        if entry is not None:
            files, (meta, data), start = {}, entry, 0
            try:
                for path, size in meta:
                    files[path] = data[start:start + size]
                    start += size
            except (TypeError, ValueError):
                start = -1
            if start == len(data):
                return files
        files = make()
        self.stage_entry(name, [[path, len(data)] for path, data in files.items()], b"".join(files.values()))
        return files

    def stage(self, key: str, page: CachedPage) -> None:
        self.stage_entry(key + SUFFIX, list(page.report), page.pdf)

    def stage_images(self, key: str, images: tuple[PageImage, ...]) -> None:
        meta = [[i.width, i.height, i.media_type, i.extension, len(i.data)] for i in images]
        self.stage_entry(key + IMAGES_SUFFIX, meta, b"".join(i.data for i in images))

    def put(self, key: str, page: CachedPage) -> None:
        self.stage(key, page)
        self.commit_staged()

    def before_commit(self, stage: Callable[[], None]) -> None:
        """Have stage() called first thing in commit(): for entries made of what the whole build computed."""
        self._before_commit.append(stage)

    def commit(self) -> None:
        """Write the staged entries; remove the entries of earlier builds that this build did not use."""
        for stage in self._before_commit:
            stage()
        self.commit_staged()
        self.keep_only(self.used)

    def commit_staged(self) -> None:
        if self.staged:
            self.folder.mkdir(parents=True, exist_ok=True)
        for name, payload in self.staged.items():
            fd, part = tempfile.mkstemp(prefix=f".{name}.", suffix=PART_SUFFIX, dir=self.folder)
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
            os.replace(part, self.folder / name)
        self.staged = {}

    def keep_only(self, names: set[str]) -> None:
        if not self.folder.is_dir():
            return
        for suffix in ENTRY_SUFFIXES:
            for path in self.folder.glob(f"*{suffix}"):
                if path.name not in names:
                    path.unlink(missing_ok=True)
        for path in self.folder.glob(f".*{PART_SUFFIX}"):  # what a build stopped while committing left
            path.unlink(missing_ok=True)

    def stage_entry(self, name: str, meta: list, data: bytes = b"") -> None:
        """An entry to write on commit: JSON-able meta and bytes, under a file name ending in ENTRY_SUFFIXES."""
        self.used.add(name)
        self.staged[name] = json.dumps(meta, ensure_ascii=False).encode() + b"\n" + data

    def read(self, name: str) -> tuple[list, bytes] | None:
        """(meta, data) of an entry whose checksum holds, else None."""
        self.used.add(name)
        try:
            raw = (self.folder / name).read_bytes()
        except OSError:
            return None
        head, _, rest = raw.partition(b"\n")
        checksum, _, payload = rest.partition(b"\n")
        if head + b"\n" != MAGIC or hashlib.sha256(payload).hexdigest().encode() != checksum:
            return None
        meta, _, data = payload.partition(b"\n")
        try:
            decoded = json.loads(meta)
        except ValueError:
            return None
        return (decoded, data) if isinstance(decoded, list) else None
