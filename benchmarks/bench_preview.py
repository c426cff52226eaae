"""How long an editor waits in `layout preview`: the first pages, then an edited headline on the page.

    .venv/bin/python benchmarks/bench_preview.py [--edits 3]

Serves a copy of the sample issue on a free loopback port, listens to the page's event stream and
prints seconds from start to the first pages and from each saved edit to the updated pages.
Prints figures; asserts nothing (speed is measured here, never in the test suite).
"""
from __future__ import annotations

import argparse
import http.client
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "xuhui-2021-01-22"
LEAD = "01-caijingwei.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _next_state(stream) -> int:
    """Read the event stream up to the next `state` event (a snapshot or an error is ready): its version."""
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("the preview closed its event stream")
        if line.strip() == b"event: state":
            return int(stream.readline().split(b":", 1)[1].strip().strip(b'"'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        issue = shutil.copytree(SAMPLE, Path(tmp) / "issue")
        port = _free_port()
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "layout.cli", "preview", str(issue), "--port", str(port),
                                   "--no-browser"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            server.stdout.readline()  # listening
            connection = http.client.HTTPConnection("127.0.0.1", port)
            connection.request("GET", "/events")
            stream = connection.getresponse()
            if _next_state(stream) == 0:  # the state when connecting: nothing built yet
                _next_state(stream)
            print(f"first pages: {time.perf_counter() - started:.2f} s")
            article = issue / "articles" / LEAD
            for n in range(1, args.edits + 1):
                text = article.read_text("utf-8")
                edited = re.sub(r"^headline: .*$", f"headline: 改过的标题之{n}", text, count=1, flags=re.M)
                saved = time.perf_counter()
                article.write_text(edited, "utf-8")
                _next_state(stream)
                print(f"edit {n}: pages updated {time.perf_counter() - saved:.2f} s after saving")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
