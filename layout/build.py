"""`layout build`: the stages of DESIGN.md in order, I/O only at the two ends.

source → text → compose/plan → paint → PDF + EPUB + layout.json. Progress is reported
through a callback so the CLI decides how to show it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from layout.check.lint import lint
from layout.check.photo_resolution import check_photo_resolution, placed_photos
from layout.errors import BuildError, CopyOverflow
from layout.house import FONTS, STYLES, house
from layout.model import Issue, Pin, Plan
from layout.output import write_atomic
from layout.plan.fit import Fits
from layout.plan.grid import page_format
from layout.plan.planner import plan_issue
from layout.render.layout_json import dumps, layout_report
from layout.render.paint import paint
from layout.render.pdfx import finish_print_pdf, newsprint_warning, resolve_profile, split_pages
from layout.render.preview import page_pngs
from layout.render.weasy import render_pdf
from layout.source.importer import add_pages
from layout.source.issue_folder import load_issue, parse_toml, read_text
from layout.source.plan_pins import load_pins
from layout.text.issue_text import TextReport, normalise_issue

Progress = Callable[[str], None]
COVER_DPI = 120  # the EPUB cover is set over the front page at about 1290 px wide (epub_cover.WIDTH)


@dataclass
class BuildResult:
    issue: Issue
    plan: Plan
    text: TextReport
    problems: list[str]  # content lint: missing glyphs, cut text, empty pages
    outputs: list[Path] = field(default_factory=list)  # files written, in order


@dataclass(frozen=True)
class Planned:
    """An issue read, normalised and planned: everything the writers need."""

    issue: Issue
    plan: Plan
    fits: Fits
    text: TextReport
    pins: dict[str, Pin]


def plan_only(issue_dir: Path, progress: Progress = lambda _: None) -> Planned:
    issue = load_issue(issue_dir)
    progress(f"读入 {issue.paper.name} {issue.info.date:%Y-%m-%d}：{len(issue.articles)} 篇稿件，{len(issue.pages)} 个版")
    pins = load_pins(issue)
    issue, text = normalise_issue(issue)
    fits = Fits({a.id: a for a in issue.articles}, page_format(issue.format))
    progress("组版：计算每篇稿件在各栏宽下的行数，安排版面")
    return Planned(issue, plan_issue(issue, fits, pins), fits, text, pins)


@dataclass(frozen=True)
class BuildOptions:
    bleed_mm: float = 0.0
    crop_marks: bool = False
    previews_dpi: float = 0.0  # 0 = no preview PNGs
    epub_fonts: bool = True  # embed subset fonts in the EPUB; False relies on the reader's fonts


def _remove_stale_pages(out_dir: Path, prefix: str, written: set[Path]) -> None:
    """Per-page files of an earlier build of this issue that this build did not write (a page fewer,
    no previews) would otherwise travel to the print shop with the new ones."""
    for path in out_dir.glob(f"{prefix}[0-9][0-9].*"):
        if path.suffix in (".pdf", ".png") and path not in written:
            path.unlink()


def add_pages_until_it_fits(issue_dir: Path, progress: Progress = lambda _: None, limit: int = 24) -> int:
    """For an issue.toml that `layout import` just wrote: add pages until the planner places all the copy."""
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
            progress(f"稿件在 {pages} 个版放不下：issue.toml 增加第{pages + 1}版")


def build(issue_dir: Path, out_dir: Path, progress: Progress = lambda _: None,
          options: BuildOptions = BuildOptions()) -> BuildResult:
    planned = plan_only(issue_dir, progress)
    issue, plan, fits, text = planned.issue, planned.plan, planned.fits, planned.text
    profile = resolve_profile(issue, STYLES)  # before the slow part: a missing profile fails at once
    photos = check_photo_resolution(placed_photos(issue, plan, fits.fmt), house()["print"])  # refuses at once too
    result = BuildResult(issue, plan, text, lint(issue, plan, fits, text) + photos
                         + newsprint_warning(profile, house()["print"]["newsprint_profiles"]))
    outputs: dict[Path, bytes] = {}

    progress(f"输出印刷 PDF/X-4：{len(plan.pages)} 个版，输出特性 {profile.description}")
    html = paint(issue, plan, fits, profile)
    pdf = finish_print_pdf(render_pdf(html, issue.root, (issue.root, STYLES, FONTS)), issue, profile,
                           bleed_mm=options.bleed_mm, crop_marks=options.crop_marks, report=progress)
    outputs[out_dir / f"{issue.stem}.pdf"] = pdf
    date = f"{issue.info.date:%Y%m%d}"
    page_files = split_pages(pdf)
    if len(page_files) != len(plan.pages):
        raise BuildError(f"the print PDF has {len(page_files)} pages, the plan {len(plan.pages)}")
    previews = [(page.number - 1, options.previews_dpi) for page in plan.pages] if options.previews_dpi else []
    cover, *pngs = page_pngs(pdf, [(0, COVER_DPI), *previews])
    for n, (page, page_pdf) in enumerate(zip(plan.pages, page_files)):
        stem = f"{issue.paper.code}_{date}_{page.number:02d}"
        outputs[out_dir / f"{stem}.pdf"] = page_pdf
        if pngs:
            outputs[out_dir / f"{stem}.png"] = pngs[n]

    progress("输出 EPUB")
    from layout.render.epub import write_epub  # font subsetting is heavy to import: load on use

    outputs[out_dir / f"{issue.stem}.epub"] = write_epub(issue, plan, cover, embed_fonts=options.epub_fonts)
    outputs[out_dir / "layout.json"] = dumps(layout_report(issue, plan, fits, text))

    # Everything is produced before anything is written: a failed build leaves old outputs alone.
    try:
        for path, data in outputs.items():
            write_atomic(path, data)
            result.outputs.append(path)
        _remove_stale_pages(out_dir, f"{issue.paper.code}_{date}_", set(outputs))
    except OSError as e:
        raise BuildError(f"cannot write {e.filename or out_dir}: {e.strerror or e}") from e
    return result
