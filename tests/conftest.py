"""Shared fixtures: small issue folders written on the fly, and the sample issue built once.

Builds that do not test the EPUB's fonts pass --no-fonts (subsetting them is most of a small build's
time); tests that need the sample built use the session's `sample_build` (copy its folder to build on
it: its page cache comes along). Validator-heavy tests are marked `slow` (see pyproject.toml).

Builds that many tests read are made once per test run with `shared_folder`, however many xdist
workers the run has: the first worker to ask builds, the others wait for it and read the same files.
`run_layout` runs the CLI in the test's process; EPUBCheck and Ace see each EPUB's bytes once per run."""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from layout.check.kept import CACHE_VAR

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "xuhui-2021-01-22"
SEED = ROOT / "tests" / "fixtures" / "import" / "seed-page.txt"  # a copy of shared/seeds/000_7d77dde7ee23e916.txt
LAYOUT = [sys.executable, "-m", "layout.cli"]
HELP_COLUMNS = 80  # click's fallback terminal width, and its widest help
PROG_NAME = "python -m layout.cli"  # what click calls the program run as LAYOUT (its usage lines say it)
os.environ.pop("XDG_CACHE_HOME", None)  # builds keep their page cache in their own output folder

ISSUE_TOML = """\
format = "tabloid"

[paper]
name = "测试报"
code = "TST"

[issue]
date = 2021-01-22
number = 1
total = 100

[[pages]]
number = 1
section = "要闻"

[[pages]]
number = 2
section = "综合"
"""

ARTICLE = """\
---
headline: 测试标题
byline: 记者 某某
page: 1
priority: 1
---
第一段正文，内容用于测试。

第二段正文。
"""


def write_issue(root: Path, articles: dict[str, str] | None = None, toml: str = ISSUE_TOML,
                images: dict[str, bytes] | None = None) -> Path:
    """An issue folder at root with the given article files (name → text)."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "issue.toml").write_text(toml, encoding="utf-8")
    for name, text in (articles if articles is not None else {"01-test.md": ARTICLE}).items():
        data = text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8")
        (root / "articles" / name).write_bytes(data)
    for name, data in (images or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def run_layout(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`layout ARGS` run in this process, as the command line runs it: the exit code, stdout and stderr
    as a subprocess would give them (an uncaught exception is its traceback on stderr and exit code 1).
    A new interpreter costs its imports on every call, and each build its own fork server (WeasyPrint
    loaded again); the CLI is made to run more than once in one process (the preview does).
    run_layout_process is the real `python -m layout.cli`, for the few end-to-end tests."""
    from layout import messages
    from layout.cli import main

    argv = [*map(str, args)]
    chosen = list(messages._chosen)  # the CLI's --lang is the CLI's: a subprocess left this process's alone
    try:
        with _in_folder(cwd):
            result = CliRunner().invoke(main, argv, prog_name=PROG_NAME, terminal_width=_help_width())
    finally:
        messages._chosen[:] = chosen
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(traceback.format_exception(*result.exc_info)[1:])
    return subprocess.CompletedProcess([*LAYOUT, *argv], result.exit_code, result.stdout, stderr)


def run_layout_process(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m layout.cli ARGS` in a new interpreter: for the end-to-end tests of the exit-code path."""
    return subprocess.run([*LAYOUT, *map(str, args)], cwd=cwd, capture_output=True, text=True)


def _help_width() -> int:
    """The width click gives help in a subprocess whose stdout is a pipe: $COLUMNS, else 80, less 2
    (click's CliRunner would force 80)."""
    columns = int(os.environ.get("COLUMNS") or 0) or HELP_COLUMNS
    return max(min(columns, HELP_COLUMNS) - 2, 50)


@contextlib.contextmanager
def _in_folder(folder: Path):
    """The working folder changed for a block, as a subprocess's cwd (one test at a time per process)."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture(autouse=True, scope="session")
def english_messages():
    """The suite reads English messages, in process and in the CLI's subprocesses (which inherit the
    environment); a test that reads Chinese asks for it (--lang zh, or LC_MESSAGES=zh_CN.UTF-8).
    LC_MESSAGES leaves fontconfig's language, which follows LC_ALL/LC_CTYPE/LANG, alone.
    Session-wide, so module and session fixtures (a finished PDF and its report) are English too."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("LC_ALL", raising=False)
        env.setenv("LC_MESSAGES", "en_US.UTF-8")
        yield


@pytest.fixture(autouse=True, scope="session")
def validations_kept_per_run(tmp_path_factory):
    """EPUBCheck and Ace run once per file's bytes in a test run, on whichever worker asks first
    (layout/check/kept.py), the CLI's subprocesses included; the findings stay in the run's tmp folder."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(CACHE_VAR, str(_run_folder(tmp_path_factory) / "validations"))
        yield


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder: under xdist every worker's base temporary folder is inside it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by make(folder) once per test run: under xdist every worker's base
    temporary folder is inside the run's, so the workers find one another's folder there, and a lock
    makes the second to ask wait for the first to finish. Tests only read it (copy it to change it)."""
    root = _run_folder(tmp_path_factory) / "shared"
    root.mkdir(exist_ok=True)
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if make fails
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def built(issue: Path, *options: str) -> Callable[[Path], None]:
    """make for shared_folder: `layout build issue -o folder options`, which must succeed."""
    def make(out: Path) -> None:
        result = run_layout("build", issue, "-o", out, *options)
        assert result.returncode == 0, result.stderr
    return make


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample issue built once per test run; returns the output folder."""
    return shared_folder(tmp_path_factory, "sample-build", built(SAMPLE))


@pytest.fixture
def issue_dir(tmp_path) -> Path:
    return write_issue(tmp_path / "issue")


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    dst = tmp_path / "sample"
    shutil.copytree(SAMPLE, dst)
    return dst
