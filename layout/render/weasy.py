"""The one module that talks to WeasyPrint.

Everything WeasyPrint loads goes through `GuardedFetcher`: only files inside the allowed
folders (the issue folder, styles/, fonts/) are served. No network, no file:// elsewhere,
no ../ escape. A refused or failed fetch fails the build instead of leaving a hole.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from layout.errors import BuildError
from layout.messages import t


class GuardedFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to files under roots; any other fetch stops the render."""

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)
        self.roots = tuple(r.resolve() for r in roots)
        self.refused: list[str] = []

    def allows(self, url: str) -> bool:
        parsed = urlparse(url)
        if parsed.scheme == "data":  # inline bytes the painter made: nothing is read
            return True
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parsed.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots) and path.is_file()

    def fetch(self, url: str, headers=None):
        if not self.allows(url):
            self.refused.append(url)
            raise ValueError(_refusal(url))
        return super().fetch(url, headers)


def _refusal(url: str) -> str:
    return t("refused to load {url}: only files inside the issue folder, styles/ and fonts/", url=url)


def render_pdf(html: str, base: Path, roots: tuple[Path, ...]) -> bytes:
    """PDF bytes for an HTML document whose resources lie under roots."""
    fetcher = GuardedFetcher(roots)
    try:
        return HTML(string=html, base_url=base.resolve().as_uri() + "/", url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as e:
        raise BuildError(t("a resource could not be loaded safely: {reason}",
                           reason=_refusal(fetcher.refused[0]) if fetcher.refused else e))
