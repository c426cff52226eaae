"""`layout build`: the stages of docs/design.md in order, I/O only at the two ends.

source → text → compose/plan → paint → PDF + EPUB + layout.json. Progress is reported
through a callback so the CLI decides how to show it. Each stage's modules are imported where the stage
starts: a build says what it read before it loads the planner, the painter and the writers (start-up time,
benchmarks/bench_build.py --phases).
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from layout.errors import CopyOverflow
from layout.house import FONTS, STYLES, house
from layout.messages import language, t
from layout.model import Issue, Pin, Plan
from layout.output import OutputSet, write_atomic
from layout.plan.grid import PageFormat, page_format
from layout.render.page_cache import PageCache, cache_folder, file_fingerprint
from layout.source.issue_folder import load_issue, parse_toml, read_text
from layout.source.plan_pins import load_pins
from layout.text.issue_text import TextReport, normalise_issue

if TYPE_CHECKING:
    from layout.check.lint import Finding
    from layout.frame import IssueFrames
    from layout.render.pdfx import PrintPdf
    from layout.render.preview import ImageSpec
    from layout.render.print_pages import PrintedPages

Progress = Callable[[str], None]
COVER_DPI = 120  # the EPUB cover is set over the front page at about 1290 px wide (epub_cover.WIDTH)


@dataclass
class BuildResult:
    issue: Issue
    plan: Plan
    text: TextReport
    problems: list[Finding]  # content lint: missing glyphs, cut text, empty pages, placeholders …
    outputs: list[Path] = field(default_factory=list)  # files written, in order


@dataclass(frozen=True)
class Planned:
    """An issue read, normalised and planned: everything the writers need."""

    issue: Issue
    plan: Plan
    fmt: PageFormat
    frames: IssueFrames  # the plan placed on the pages: what every writer reads
    text: TextReport
    pins: dict[str, Pin]
    cache: PageCache | None = None  # the page cache, holding the articles composed before too


def plan_only(issue_dir: Path, progress: Progress = lambda _: None, out_dir: Path | None = None,
              cache_dir: Path | None = None) -> Planned:
    """The issue planned; with out_dir, through the page cache of a build into it (articles composed
    there before are not composed again); with cache_dir (the preview's own), through a page cache in
    cache_dir whatever XDG_CACHE_HOME says, so that the preview and the builds do not remove each other's
    entries."""
    issue = load_issue(issue_dir)
    progress(t("read {paper} {date}: {articles} articles, {pages} pages", paper=issue.paper.name,
               date=f"{issue.info.date:%Y-%m-%d}", articles=len(issue.articles), pages=len(issue.pages)))
    pins = load_pins(issue)
    issue, text = normalise_issue(issue)
    fmt = page_format(issue.format)
    cache = (PageCache(cache_dir / issue.stem) if cache_dir else
             PageCache(cache_folder(out_dir, issue.stem)) if out_dir else None)
    progress(t("planning: the lines of every article at every span, then the pages"))
    from layout.frame import plan_and_frame

    started = time.perf_counter()
    plan, frames = plan_and_frame(issue, fmt, pins, cache)
    progress(t("planned in {seconds:.2f} s", seconds=time.perf_counter() - started))
    return Planned(issue, plan, fmt, frames, text, pins, cache)


@dataclass(frozen=True)
class BuildOptions:
    bleed_mm: float = 0.0
    crop_marks: bool = False
    previews_dpi: float = 0.0  # 0 = no preview PNGs
    epub_fonts: bool = True  # embed subset fonts in the EPUB; False relies on the reader's fonts
    web: bool = True  # the digital edition in web/
    jobs: int = 0  # worker processes rendering pages; 0 = one per core
    cache: bool = True  # reuse the finished pages of earlier builds (layout.render.page_cache)


def page_file_names(prefix: str) -> re.Pattern[str]:
    """Per-page files of this issue, of any page number width: those of an earlier build that this one
    does not write (a page fewer, no previews) would otherwise travel to the print shop with the new."""
    return re.compile(rf"{re.escape(prefix)}\d+\.(pdf|png)")


def add_pages_until_it_fits(issue_dir: Path, progress: Progress = lambda _: None, limit: int = 24) -> int:
    """For an issue.toml that `layout import` just wrote: add pages until the planner places all the copy."""
    from layout.source.importer import add_pages  # the importer's patterns take a while to compile: on use

    toml_path = issue_dir / "issue.toml"
    while True:
        try:
            return len(plan_only(issue_dir).plan.pages)
        except CopyOverflow:
            text = read_text(toml_path)
            pages = len(parse_toml(text, toml_path)["pages"])  # plan_only validated it: numbered 1…N
            if pages >= limit:
                raise
            text, _ = add_pages(text, pages + 1, toml_path)
            write_atomic(toml_path, text.encode("utf-8"))
            progress(t("the copy does not fit on {pages} pages: 第{page}版 added to issue.toml", pages=pages,
                       page=pages + 1))


def print_pdfs(planned: Planned, progress: Progress = lambda _: None, options: BuildOptions = BuildOptions(),
               cache: PageCache | None = None, images: ImageSpec | None = None) -> tuple[PrintPdf, PrintedPages]:
    """The print PDF/X-4 of the issue and of each of its pages (the preview shows these too), with the
    page images asked for: each page rendered on its own, in parallel, unless the cache holds it (the pages
    rendered are staged there)."""
    from layout.render.paint import paint
    from layout.render.pdfx import PrintPdf, assemble_issue, resolve_profile
    from layout.render.print_pages import PrintSettings, cache_salt, print_faces, print_pages

    issue, plan = planned.issue, planned.plan
    profile = resolve_profile(issue, STYLES)  # before the slow part: a missing profile fails at once
    progress(t("print PDF/X-4: {pages} pages, output intent {profile}", pages=len(plan.pages),
               profile=profile.description))
    htmls = list(zip((page.number for page in plan.pages), paint(issue, planned.frames, planned.fmt, profile)))
    settings = PrintSettings(issue, profile, (issue.root, STYLES, FONTS), options.bleed_mm, options.crop_marks,
                             images)
    printed = print_pages(htmls, settings, cache, options.jobs)
    if cache:
        progress(t("pages rendered: {rendered}, taken from the page cache: {cached}",
                   rendered=printed.rendered, cached=len(htmls) - printed.rendered))
    for line in (line for page in printed.pages for line in page.report):
        progress(line)
    page_files = [page.pdf for page in printed.pages]
    # The issue's file is made of its pages and what cache_salt names (faces, profile, metadata, code) alone.
    issue_pdf = _made(cache, ("issue pdf", cache_salt(settings), *page_files),
                      lambda: assemble_issue(page_files, issue, print_faces()))
    return PrintPdf(issue_pdf, profile), printed


def build(issue_dir: Path, out_dir: Path, progress: Progress = lambda _: None,
          options: BuildOptions = BuildOptions()) -> BuildResult:
    from layout.render.print_pages import start_workers

    start_workers(options.jobs)
    planned = plan_only(issue_dir, progress, out_dir if options.cache else None)
    issue, plan, fmt, text, cache = planned.issue, planned.plan, planned.fmt, planned.text, planned.cache
    from layout.check.lint import Finding, lint
    from layout.check.photo_resolution import photo_findings, placed_photos
    from layout.render.furniture import check_furniture
    from layout.render.layout_json import dumps, layout_report
    from layout.render.pdfx import newsprint_warning
    from layout.render.preview import page_png
    from layout.render.web import WEB_DIR, WebSettings, write_site

    check_furniture(issue, fmt)  # before the slow part
    # Before the slow part too: a photo too coarse to print fails at once, naming its file and article.
    photos = photo_findings(placed_photos(issue, plan, fmt), house()["print"])
    result = BuildResult(issue, plan, text, lint(issue, plan, planned.frames, text) + photos)
    outputs: dict[Path, bytes] = {}

    web = WebSettings.from_house(house()["web"])
    pdf, printed = print_pdfs(planned, progress, options, cache, web.images if options.web else None)
    page_files = [page.pdf for page in printed.pages]
    result.problems += [Finding("not-newsprint", note)
                        for note in newsprint_warning(pdf.profile, house()["print"]["newsprint_profiles"])]
    outputs[out_dir / f"{issue.stem}.pdf"] = pdf
    date = f"{issue.info.date:%Y%m%d}"
    for page, page_pdf in zip(plan.pages, page_files):
        stem = f"{issue.paper.code}_{date}_{page.number:02d}"
        outputs[out_dir / f"{stem}.pdf"] = page_pdf
        if options.previews_dpi:
            outputs[out_dir / f"{stem}.png"] = _made(cache, ("preview", str(options.previews_dpi), page_pdf),
                                                     lambda pdf=page_pdf: page_png(pdf, options.previews_dpi))

    progress(t("EPUB"))
    inputs = _issue_inputs(planned)

    def epub() -> bytes:
        from layout.render.epub import FrontPage, write_epub  # EbookLib and the templates are heavy: on use

        # The page image is read back at once (the EPUB has a JPEG), and made only if the cover is.
        front = FrontPage(page_files[0], lambda: page_png(page_files[0], COVER_DPI, optimize=False))
        return write_epub(issue, planned.frames, front, options.epub_fonts, cache)

    outputs[out_dir / f"{issue.stem}.epub"] = _made(
        cache, ("epub", inputs, str(COVER_DPI), page_files[0], str(options.epub_fonts)), epub)
    report = layout_report(issue, plan, planned.frames, fmt, text)
    outputs[out_dir / "layout.json"] = dumps(report)
    if options.web:
        progress(t("digital edition: {pages} page views, {articles} articles", pages=len(plan.pages),
                   articles=len(issue.articles)))
        site = write_site(issue, planned.frames, report, printed.images, cache)  # page by page through the cache
        outputs.update({out_dir / WEB_DIR / path: data for path, data in site.items()})

    # All or nothing: a failed build leaves every earlier output byte-identical.
    with OutputSet(out_dir) as out:
        out.claim(page_file_names(f"{issue.paper.code}_{date}_"))
        if options.web:
            out.claim_tree(out_dir / WEB_DIR)
        for path, data in outputs.items():
            out.add(path, data)
    result.outputs += out.written
    if cache:
        commit_cache(cache, progress)
    return result


def _made(cache: PageCache | None, key: tuple[str | bytes, ...], make: Callable[[], bytes]) -> bytes:
    """An output made of the parts of key alone: from the page cache when an earlier build made it of the
    same (so a rebuild with nothing changed makes nothing), else made now."""
    return cache.made(cache.bytes_key(*key), make) if cache else make()


def _issue_inputs(planned: Planned) -> str:
    """A digest of what the EPUB is made of besides the print pages: the normalised issue, its
    plan, its photo files, the house style's files and the font files (layout.render.page_cache)."""
    from layout.render.print_pages import print_faces

    h = hashlib.sha256(f"{planned.issue!r}\0{planned.plan!r}\0{language()}\0".encode())
    for figure in (figure for article in planned.issue.articles for figure in article.figures):
        h.update(file_fingerprint(figure.file).encode() + b"\0")
    for path in sorted(p for folder in (STYLES, FONTS) for p in folder.rglob("*") if p.is_file()):
        h.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for face in print_faces():
        h.update(f"{file_fingerprint(Path(face.path))}#{face.index}".encode())
    return h.hexdigest()


def commit_cache(cache: PageCache, progress: Progress) -> None:
    """The pages this build rendered go into the cache; what it no longer needs goes. A cache that
    cannot be written costs the next build time, never an output: it is reported, not fatal."""
    try:
        cache.commit()
    except OSError as e:
        progress(t("the page cache in {folder} could not be written: {reason}", folder=cache.folder,
                   reason=e.strerror or e))
