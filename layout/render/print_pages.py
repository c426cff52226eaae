"""The print pages: each page's HTML rendered by WeasyPrint and finished as PDF/X-4 on its own, the pages
not in the page cache spread over a pool of worker processes, then the issue's file assembled from them.

A page is rendered alone, so its bytes depend on its own HTML only: the same whatever the number of
workers, the order they finish in, or whether the page came from the cache (docs/design.md, invariant 5).
A worker also rasterises the page it finished when the build asks for page images (the digital edition's),
and the pool does the same for cached pages whose images the cache does not hold.

The workers come from a fork server that has loaded WeasyPrint once: forked from the build itself they
would each start with a copy of the planned issue (the composed lines of every article), and a build whose
pages all come from the cache never loads WeasyPrint at all. The build starts the fork server first thing,
so this module loads the painter and the PDF/X finishing only when it first needs them.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.forkserver
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from layout.errors import BuildError
from layout.messages import language, set_language, t
from layout.model import Issue
from layout.render.page_cache import CachedPage, PageCache, code_version, file_fingerprint
from layout.render.preview import ImageSpec, PageImage, page_images
from layout.render.print_images import OutputProfile
from layout.text.fonts import FontFace, match, resolve
from layout.text import parts as part_table

WEIGHTS = (400, 700)  # besides each role's own: the stylesheet's regular and bold (furniture)
WORKER_MODULES = ["layout.render.weasy", "layout.render.pdfx", __name__]  # loaded once by the fork server


@dataclass(frozen=True)
class PrintSettings:
    """What every page of one build is finished with, besides its own HTML."""

    issue: Issue
    profile: OutputProfile
    roots: tuple[Path, ...]  # the folders WeasyPrint may read from
    bleed_mm: float = 0.0
    crop_marks: bool = False
    images: ImageSpec | None = None  # the images to make of every page, if any (not part of a page's key)


@dataclass(frozen=True)
class PrintedPages:
    pages: tuple[CachedPage, ...]  # in page order
    rendered: int  # pages rendered (the rest came from the cache)
    images: tuple[tuple[PageImage, ...], ...] = ()  # of each page, in page order, when settings ask for them


def default_jobs() -> int:
    """One worker per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def print_faces() -> tuple[FontFace, ...]:
    """The font files the print pages may be set in: each part's face (the parts table) and every role the
    stylesheet names itself (furniture, ad labels) at its own weight, regular and bold."""
    from layout.render.paint import PRINT_ROLES

    roles = {match(resolve(role).family, w) for role in PRINT_ROLES for w in (*WEIGHTS, resolve(role).weight)}
    return tuple(sorted(roles | {p.face for p in part_table.parts().values()}, key=lambda f: (f.path, f.index)))


def cache_salt(settings: PrintSettings) -> str:
    """Everything besides the HTML that a finished page's bytes depend on (see layout.render.page_cache)."""
    from layout.render.pdfx import issue_meta

    faces = print_faces()
    meta = issue_meta(settings.issue, "", "")
    parts = [code_version(), language(),  # an entry keeps its report lines in the language they were said in
             hashlib.sha256(settings.profile.data).hexdigest(),
             repr((settings.bleed_mm, settings.crop_marks, meta.title, meta.created.isoformat(), str(meta.document))),
             *(f"{file_fingerprint(Path(f.path))}#{f.index}" for f in faces)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _workers() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_MODULES)
    return context


def start_workers(jobs: int = 0) -> None:
    """Start the fork server now (unless the pages are printed in this process, jobs = 1), so that it loads
    WeasyPrint on another core while this one plans the issue."""
    if (jobs or default_jobs()) > 1:
        _workers()
        multiprocessing.forkserver.ensure_running()


def print_pages(htmls: list[tuple[int, str]], settings: PrintSettings, cache: PageCache | None = None,
                jobs: int = 0) -> PrintedPages:
    """Every (page number, HTML) as its PDF/X-4 file, and its images if settings ask: from the cache where it
    holds them, else made by up to jobs worker processes (0 = one per core) and staged in the cache."""
    salt = cache_salt(settings) if cache else ""
    keys = [PageCache.key(salt, n, html) for n, html in htmls]
    found = {k: page for k in keys if cache and (page := cache.get(k)) is not None}
    spec = settings.images
    images = {k: got for k, page in found.items()
              if spec and cache and (got := cache.get_images(PageCache.images_key(page.pdf, spec))) is not None}
    # A job: the page's HTML to render, or (the page in the cache) its file to rasterise only.
    todo = [(k, (n, None, found[k].pdf) if k in found else (n, html, None)) for (n, html), k in zip(htmls, keys)
            if k not in found or (spec and k not in images)]
    jobs = jobs or default_jobs()
    workers = min(jobs, len(todo))
    if jobs > 1 and todo:  # even one page goes to a worker: the fork server has WeasyPrint loaded
        try:
            with ProcessPoolExecutor(workers, mp_context=_workers(), initializer=set_language,
                                     initargs=(language(),)) as pool:
                done = list(pool.map(_finish, [job for _, job in todo], [settings] * len(todo)))
        except BrokenProcessPool:
            raise BuildError(t("a process rendering pages stopped unexpectedly (out of memory?); "
                               "{workers} were running: try --jobs 1", workers=workers)) from None
    else:
        done = [_finish(job, settings) for _, job in todo]
    fresh = {}
    for (key, _), (page, made) in zip(todo, done):
        if page is not None:
            fresh[key] = page
            if cache:
                cache.stage(key, page)
        if spec:
            images[key] = made
            if cache:
                cache.stage_images(PageCache.images_key((page or found[key]).pdf, spec), made)
    pages = tuple(found.get(k) or fresh[k] for k in keys)
    return PrintedPages(pages, len(fresh), tuple(images[k] for k in keys) if spec else ())


def _finish(job: tuple[int, str | None, bytes | None], settings: PrintSettings
            ) -> tuple[CachedPage | None, tuple[PageImage, ...]]:
    """The page rendered from its HTML (None for a page the cache holds: its file is given), and its
    images if settings ask for them."""
    number, html, pdf = job
    page = _print_page((number, html), settings) if html is not None else None
    return page, page_images(page.pdf if page else pdf, settings.images) if settings.images else ()


def _print_page(job: tuple[int, str], settings: PrintSettings) -> CachedPage:
    from layout.render.pdfx import finish_page
    from layout.render.weasy import render_pdf  # WeasyPrint loads on use: the fork server has it loaded

    number, html = job
    report: list[str] = []
    pdf = render_pdf(html, settings.issue.root, settings.roots)
    page = finish_page(pdf, settings.issue, settings.profile, number, settings.bleed_mm, settings.crop_marks,
                       report.append)
    return CachedPage(page, tuple(report))
