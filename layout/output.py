"""Writing outputs (invariant 6): all of a run's files appear together, or none does.

OutputSet is the transaction every writer uses:

    with OutputSet(out_dir) as out:
        out.claim(re.compile(r"XHB_20210122_\\d+\\.(pdf|png)"))  # old files of this kind go, unless re-added
        out.claim_tree(out_dir / "web")                         # so do old files anywhere under web/
        out.add(out_dir / "XHB-20210122.pdf", pdf_bytes)       # written now, to a temporary beside it
        out.add(out_dir / "web" / "index.html", html_bytes)    # subfolders are fine
    # leaving the block normally: every temporary is renamed into place, then claimed files that were
    # not added are removed. Leaving it by an exception: the temporaries are removed and every file
    # that was there before is byte-identical (a failed rename midway is rolled back).

Temporaries are named `.<name>.<random>.part` in the target's own folder (so the rename is atomic,
same file system); entering an OutputSet removes those a killed earlier run left in out_dir and its
subfolders (and the `.old` copies of a commit it interrupted). Write errors become BuildError naming the file and the reason. out.written lists the
targets in the order added, once committed. A target that already holds exactly the bytes added is left as it
is (nothing to write, flush or rename): a rebuild after a small edit rewrites only the files that changed.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from types import TracebackType

from layout.errors import BuildError
from layout.messages import t

_PART = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.(part|old|link)")  # tempfile.mkstemp's names, as OutputSet makes them
_MODE = 0o644


def _temporary(path: Path, kind: str = "part") -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".{kind}", dir=path.parent)
    os.close(fd)
    return Path(name)


def _failed(path: Path, e: OSError) -> BuildError:
    return BuildError(t("cannot write {path}: {reason}", path=e.filename or path, reason=e.strerror or e))


class OutputSet:
    """The files of one run, renamed into place together when the with-block ends without an error."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.written: list[Path] = []
        self._parts: dict[Path, Path] = {}  # target → its temporary
        self._order: dict[Path, None] = {}  # every target added, in order: those in _parts and those already right
        self._claims: list[re.Pattern[str]] = []
        self._trees: list[Path] = []

    def __enter__(self) -> OutputSet:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            for leftover in self.out_dir.rglob(".*.*"):
                if _PART.fullmatch(leftover.name) and leftover.is_file():
                    leftover.unlink()
        except OSError as e:
            raise _failed(self.out_dir, e) from e
        return self

    def add(self, path: Path, data: bytes) -> None:
        """Write data for path now, to a temporary; it replaces path when the set is committed."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():  # found now rather than after other files were replaced
                raise IsADirectoryError(21, t("a folder has the output's name"), str(path))
            self._order[path] = None
            if path not in self._parts and _holds(path, data):
                return
            part = self._parts.get(path) or _temporary(path)
            self._parts[path] = part
            with open(part, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(part, _MODE)
        except OSError as e:
            raise _failed(path, e) from e

    def claim(self, pattern: re.Pattern[str]) -> None:
        """Files in out_dir whose whole name matches pattern belong to this run: at commit, those
        not added are removed (a page fewer, no previews this time, three-digit page numbers)."""
        self._claims.append(pattern)

    def claim_tree(self, folder: Path) -> None:
        """Every file under folder belongs to this run: at commit, those not added are removed (the
        pages of an article dropped from the digital edition)."""
        self._trees.append(Path(folder))

    def _stale(self) -> list[Path]:
        if not self.out_dir.is_dir():
            return []
        claimed = {p for p in self.out_dir.iterdir() if p.is_file() and any(c.fullmatch(p.name) for c in self._claims)}
        claimed.update(p for tree in self._trees if tree.is_dir() for p in tree.rglob("*")
                       if p.is_file() and not _PART.fullmatch(p.name))
        return sorted(p for p in claimed if p not in self._order)

    def _commit(self) -> None:
        backups: dict[Path, Path | None] = {}  # target → copy of what was there (None: nothing was)
        moved: list[tuple[Path, Path]] = []  # (stale file, where it waits until the end)
        stale = self._stale()
        try:
            for target in self._parts:
                if target.exists():
                    backup = _temporary(target, "old")
                    try:
                        os.link(target, backup.with_suffix(".link"))  # same bytes, no copy
                        os.replace(backup.with_suffix(".link"), backup)
                    except OSError:
                        shutil.copy2(target, backup)
                    backups[target] = backup
                else:
                    backups[target] = None
            for path in stale:
                hold = _temporary(path, "old")
                os.replace(path, hold)
                moved.append((path, hold))
            done: list[Path] = []
            try:
                for target, part in self._parts.items():
                    os.replace(part, target)
                    done.append(target)
            except OSError:
                for target in done:  # put back what was there
                    backup = backups[target]
                    if backup is None:
                        target.unlink(missing_ok=True)
                    else:
                        os.replace(backup, target)
                        backups[target] = None
                for stale, hold in moved:
                    os.replace(hold, stale)
                moved.clear()
                raise
            self.written = list(self._order)
            self._parts.clear()
        except OSError as e:
            raise _failed(self.out_dir, e) from e
        finally:
            for backup in backups.values():
                if backup is not None:
                    backup.unlink(missing_ok=True)
            for _, hold in moved:
                hold.unlink(missing_ok=True)

    def _discard(self) -> None:
        for part in self._parts.values():
            part.unlink(missing_ok=True)
        self._parts.clear()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if kind is None:
                self._commit()
        finally:
            self._discard()


def _holds(path: Path, data: bytes) -> bool:
    """path is a file of ours (not a link, our mode) with exactly these bytes."""
    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode) or stat.S_IMODE(st.st_mode) != _MODE or st.st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_atomic(path: Path, data: bytes) -> None:
    """One file written as a set of one: the old file stays whole until the new one is complete."""
    with OutputSet(Path(path).parent) as out:
        out.add(Path(path), data)
