"""A build reads nothing outside the issue folder, styles/ and fonts/, and never the network
(invariant 4, issue 2)."""
from __future__ import annotations

import http.server
import threading

import pytest

from conftest import ARTICLE, ROOT, run_layout, write_issue
from layout.errors import BuildError
from layout.render.weasy import GuardedFetcher, render_pdf


@pytest.fixture
def loopback_server():
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (stdlib name)
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def _with_image(name: str) -> str:
    return ARTICLE.replace("priority: 1", f"priority: 1\nimages:\n  - file: \"{name}\"\n    alt: 图")


@pytest.mark.parametrize("name, words", [
    ("../../etc/passwd", "outside the issue folder"),
    ("/etc/passwd", "outside the issue folder"),
    ("file:///etc/passwd", "is a URL"),
])
def test_image_outside_issue_is_refused(tmp_path, name, words):
    issue = write_issue(tmp_path / "i", {"01-a.md": _with_image(name)})
    result = run_layout("build", issue, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert f"01-a.md:7: image '{name}'" in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr


def test_image_url_on_loopback_never_fetched(tmp_path, loopback_server):
    port, hits = loopback_server
    url = f"http://127.0.0.1:{port}/x.png"
    issue = write_issue(tmp_path / "i", {"01-a.md": _with_image(url)})
    result = run_layout("build", issue, "-o", tmp_path / "out")
    assert result.returncode == 2 and "is a URL" in result.stderr
    assert hits == []


def test_fetcher_refuses_network_and_escapes(tmp_path, loopback_server):
    """Defence in depth: even HTML that names a URL gets nothing past the fetcher."""
    port, hits = loopback_server
    inside = tmp_path / "issue"
    inside.mkdir()
    html = (f'<img src="http://127.0.0.1:{port}/a.png"><img src="file:///etc/passwd">'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css"><img src="../x.png">')
    with pytest.raises(BuildError, match="could not be loaded safely"):
        render_pdf(html, inside, (inside,))
    assert hits == []
    fetcher = GuardedFetcher((inside, ROOT / "styles"))
    assert not fetcher.allows("file:///etc/passwd")
    assert not fetcher.allows((inside / ".." / "x").as_uri())
    assert fetcher.allows((ROOT / "styles" / "formats.toml").as_uri())
