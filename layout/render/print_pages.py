"""The print pages: each page's HTML rendered by WeasyPrint and finished as PDF/X-4 on its own, the pages
not in the page cache spread over a pool of worker processes, then the issue's file assembled from them.

A page is rendered alone, so its bytes depend on its own HTML only: the same whatever the number of
workers, the order they finish in, or whether the page came from the cache (docs/design.md, invariant 5).
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from layout.errors import BuildError
from layout.messages import language, t
from layout.model import Issue
from layout.render.page_cache import CachedPage, PageCache, code_version, file_fingerprint
from layout.render.paint import PRINT_ROLES
from layout.render.pdfx import finish_page, issue_meta
from layout.render.print_images import OutputProfile
from layout.render.weasy import render_pdf
from layout.text.fonts import FontFace, match, resolve

WEIGHTS = (400, 700)  # besides each role's own: the stylesheet's regular and bold (furniture, kicker)


@dataclass(frozen=True)
class PrintSettings:
    """What every page of one build is finished with, besides its own HTML."""

    issue: Issue
    profile: OutputProfile
    roots: tuple[Path, ...]  # the folders WeasyPrint may read from
    bleed_mm: float = 0.0
    crop_marks: bool = False


@dataclass(frozen=True)
class PrintedPages:
    pages: tuple[CachedPage, ...]  # in page order
    rendered: int  # pages rendered (the rest came from the cache)


def default_jobs() -> int:
    """One worker per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def print_faces() -> tuple[FontFace, ...]:
    """The font files the print pages may be set in: every role of the stylesheet at its own weight,
    regular and bold."""
    return tuple(sorted({match(resolve(role).family, w) for role in PRINT_ROLES for w in (*WEIGHTS, resolve(role).weight)},
                        key=lambda f: (f.path, f.index)))


def cache_salt(settings: PrintSettings) -> str:
    """Everything besides the HTML that a finished page's bytes depend on (see layout.render.page_cache)."""
    faces = print_faces()
    meta = issue_meta(settings.issue, "", "")
    parts = [code_version(), language(),  # an entry keeps its report lines in the language they were said in
             hashlib.sha256(settings.profile.data).hexdigest(),
             repr((settings.bleed_mm, settings.crop_marks, meta.title, meta.created.isoformat(), str(meta.document))),
             *(f"{file_fingerprint(Path(f.path))}#{f.index}" for f in faces)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def print_pages(htmls: list[tuple[int, str]], settings: PrintSettings, cache: PageCache | None = None,
                jobs: int = 0) -> PrintedPages:
    """Every (page number, HTML) as its PDF/X-4 file: from the cache where it holds the page, else rendered
    by up to jobs worker processes (0 = one per core) and staged in the cache."""
    salt = cache_salt(settings) if cache else ""
    keys = [PageCache.key(salt, n, html) for n, html in htmls]
    found = {k: page for k in keys if cache and (page := cache.get(k)) is not None}
    todo = [(n, html, k) for (n, html), k in zip(htmls, keys) if k not in found]
    workers = min(jobs or default_jobs(), len(todo))
    if workers > 1:
        # fork: the workers start with WeasyPrint and the fonts already loaded instead of importing them again
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                done = list(pool.map(_print_page, [(n, html) for n, html, _ in todo], [settings] * len(todo)))
        except BrokenProcessPool:
            raise BuildError(t("a process rendering pages stopped unexpectedly (out of memory?); "
                               "{workers} were running: try --jobs 1", workers=workers)) from None
    else:
        done = [_print_page((n, html), settings) for n, html, _ in todo]
    fresh = {k: page for (_, _, k), page in zip(todo, done)}
    if cache:
        for key, page in fresh.items():
            cache.stage(key, page)
    return PrintedPages(tuple(found.get(k) or fresh[k] for k in keys), len(todo))


def _print_page(job: tuple[int, str], settings: PrintSettings) -> CachedPage:
    number, html = job
    report: list[str] = []
    pdf = render_pdf(html, settings.issue.root, settings.roots)
    page = finish_page(pdf, settings.issue, settings.profile, number, settings.bleed_mm, settings.crop_marks,
                       report.append)
    return CachedPage(page, tuple(report))
