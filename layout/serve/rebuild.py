"""One preview build, run in a worker process: the issue planned and printed, each page as an image
with its zones, each article's details and lint notes, all as plain data the page shows.

The page PDFs go through a page cache of the preview's own (layout.render.page_cache, in a folder the
server keeps while it runs) and page images are cached by the page PDF's digest, so a change on one page
renders one page and one image.
Errors come back as data with the CLI's words (path:line: message): exceptions with their own
constructors do not cross a process boundary.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Queue

from layout.errors import BuildError, InputError
from layout.messages import Language, set_language, t

PAGE_WIDTH_PX = 1000  # a page image about as wide as a laptop screen is high
CACHE_PAGES = 64  # page images kept; a few rebuilds of a large issue

_progress_queue: Queue | None = None
_images: dict[str, tuple[bytes, int, int]] = {}


def start_worker(progress: Queue, lang: Language | None) -> None:
    """Process initialiser: where progress lines go, and the editor's language."""
    global _progress_queue
    _progress_queue = progress
    set_language(lang)


def _progress(message: str) -> None:
    if _progress_queue is not None:
        _progress_queue.put(message)


@dataclass(frozen=True)
class Snapshot:
    ok: bool
    error: str = ""  # the CLI's one line, when not ok
    edition: str = ""  # the paper and the date, for the page's title
    pages: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # every lint finding
    plan_seconds: float = 0.0
    build_seconds: float = 0.0
    images: dict[str, bytes] = field(default_factory=dict)  # digest → PNG, for the pages above


def _image(page_pdf: bytes) -> tuple[str, bytes, int, int]:
    """(digest, PNG, width, height) of a page, rendered only when this page PDF was not seen before."""
    from layout.render.preview import ImageSpec, page_images

    digest = hashlib.sha256(page_pdf).hexdigest()[:32]
    if digest not in _images:
        if len(_images) >= CACHE_PAGES:
            _images.pop(next(iter(_images)))
        image = page_images(page_pdf, ImageSpec((PAGE_WIDTH_PX,)))[0]  # PNG: the editor's screen, no second width
        _images[digest] = (image.data, image.width, image.height)
    return digest, *_images[digest]


def _details(article, modules: list[dict], notes: list[str]) -> list[str]:
    """What a zone says about its article: headline, priority, shape, jumps, notes."""
    lines = [t("《{headline}》", headline=article.headline), t("priority {priority}", priority=article.priority)]
    for m in modules:
        lines.append(t("第{page}版: {span} columns, {lines} lines", page=m["plan"]["page"], span=m["plan"]["span"],
                       lines=m["grid"]["height"]))
        if m["jump_to"]:
            lines.append(t("continued on 第{page}版 (下转)", page=m["jump_to"]))
        if m["jump_from"]:
            lines.append(t("continued from 第{page}版 (上接)", page=m["jump_from"]))
    return lines + notes


def snapshot(issue_dir: str, cache_dir: str = "") -> dict:
    """The preview of the issue at issue_dir now, as the dict of a Snapshot. With cache_dir, through the
    page cache there: an edit re-renders only the pages it changed."""
    from layout.build import commit_cache, plan_only, print_pdfs
    from layout.check.lint import lint
    from layout.render.layout_json import layout_report
    from layout.render.preview import page_zones

    started = time.perf_counter()
    try:
        planned = plan_only(Path(issue_dir), _progress, cache_dir=Path(cache_dir) if cache_dir else None)
        plan_seconds = time.perf_counter() - started
        findings = lint(planned.issue, planned.plan, planned.frames, planned.text)
        _, printed = print_pdfs(planned, _progress, cache=planned.cache)
    except (InputError, BuildError) as e:
        return asdict(Snapshot(False, error=str(e)))
    if planned.cache:
        commit_cache(planned.cache, _progress)
    report = layout_report(planned.issue, planned.plan, planned.frames, planned.fmt, planned.text)
    _progress(t("page images"))
    issue = planned.issue
    by_article: dict[str, list[dict]] = {}
    for page in report["pages"]:
        for m in page["modules"]:
            by_article.setdefault(m["article"], []).append(m)
    pages, images = [], {}
    for page, printed_page in zip(report["pages"], printed.pages):
        digest, images[digest], width, height = _image(printed_page.pdf)
        zones = []
        for zone, m in zip(page_zones(page, report["grid"]["trim_mm"]), page["modules"]):
            article = issue.article(zone.article_id)
            notes = [str(f) for f in findings if f.article == zone.article_id]
            zones.append({**asdict(zone), "headline": article.headline, "notes": len(notes),
                          "details": _details(article, by_article[zone.article_id], notes)})
        pages.append({"number": page["number"], "label": t("第{page}版", page=page["number"]),
                      "section": page["section"], "image": digest, "width": width, "height": height,
                      "zones": zones, "notes": [str(f) for f in findings if f.page == page["number"]
                                                and not f.article]})
    edition = f"{issue.paper.name} {issue.info.date:%Y-%m-%d}"
    return asdict(Snapshot(True, edition=edition, pages=pages, notes=[str(f) for f in findings],
                           plan_seconds=plan_seconds, build_seconds=time.perf_counter() - started, images=images))
