"""The command line: argument handling, progress and messages only.

Every deliberate failure is one line on stderr: InputError (the editor's files) exits 2,
BuildError (the issue cannot be produced as asked) exits 1. No tracebacks for either.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape

from layout import __version__
from layout.errors import BuildError, InputError
from layout.messages import t

err = Console(stderr=True, highlight=False)


def _progress(message: str) -> None:
    err.print(f"[dim]·[/dim] {escape(message)}")  # names and headlines are the editors' text, not markup


def _fail(e: Exception) -> NoReturn:
    click.echo(f"layout: {e}", err=True)
    sys.exit(2 if isinstance(e, InputError) else 1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="layout")
def main() -> None:
    """Lay out a Chinese newspaper issue: Markdown articles in, print-ready PDF and an EPUB out."""


@main.command()
@click.argument("issue", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Folder for the PDFs, the EPUB and layout.json.")
@click.option("--bleed", type=click.FloatRange(0, 3.5), default=0.0, show_default=True,
              help="Bleed in mm around every page (BleedBox); at most 3.5 mm.")
@click.option("--crop-marks", is_flag=True, help="Draw crop marks in registration colour outside the trim.")
@click.option("--previews", "previews_dpi", type=click.FloatRange(10, 600), default=None,
              help="Also write a PNG preview of every page at this resolution (dpi).")
@click.option("--no-fonts", is_flag=True, help="Build an EPUB without embedded fonts: it uses the reader's own.")
def build(issue: Path, out_dir: Path, bleed: float, crop_marks: bool, previews_dpi: float | None,
          no_fonts: bool) -> None:
    """Build ISSUE (an issue folder) into the print PDF/X-4 of the issue and of each page
    (<code>_<yyyymmdd>_<NN>.pdf), the EPUB and layout.json."""
    from layout.build import BuildOptions, build as run_build

    try:
        result = run_build(issue, out_dir, _progress, BuildOptions(bleed, crop_marks, previews_dpi or 0.0, not no_fonts))
    except (InputError, BuildError) as e:
        _fail(e)
    for line in result.text.summary():
        err.print(f"[dim]规范化[/dim] {escape(line)}")
    for line in result.problems:
        err.print(f"[yellow]注意[/yellow] {escape(line)}")
    for path in result.outputs:
        click.echo(str(path))


@main.command()
@click.argument("issue", type=click.Path(path_type=Path))
def plan(issue: Path) -> None:
    """Write the automatic plan of ISSUE to ISSUE/plan.toml for the editor to adjust."""
    from layout.build import plan_only
    from layout.output import write_atomic
    from layout.plan.plan_file import dumps_plan

    path = issue / "plan.toml"
    try:
        planned = plan_only(issue, _progress)
        write_atomic(path, dumps_plan(planned.issue, planned.plan, planned.pins).encode("utf-8"))
    except (InputError, BuildError) as e:
        _fail(e)
    click.echo(str(path))


@main.command(name="import")
@click.argument("raw", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Issue folder to create or add to (default: a folder named after the raw file).")
@click.option("--date", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Issue date, YYYY-MM-DD.")
@click.option("--page", type=int, default=1, show_default=True, help="版 the imported articles go on.")
@click.option("--dry-run", is_flag=True, help="Print the report and write nothing.")
def import_(raw: Path, out_dir: Path | None, date: dt.datetime | None, page: int, dry_run: bool) -> None:
    """Turn RAW newspaper text into articles of an issue folder, with a report of every decision."""
    from layout.build import add_pages_until_it_fits
    from layout.source.importer import run_import

    try:
        result = run_import(raw, out_dir, date.date() if date else None, page, dry_run,
                            settle=lambda folder: add_pages_until_it_fits(folder, _progress))
        for line in result.report:
            click.echo(line)
    except (InputError, BuildError) as e:
        _fail(e)


@main.command()
@click.argument("target", type=click.Path(exists=True, path_type=Path))
def check(target: Path) -> None:
    """Check TARGET: a print PDF (preflight), an EPUB (EPUBCheck and Ace), or an issue folder (built and
    both checked). One line per problem; exit code 1 when any is found."""
    import tempfile

    from layout.check.report import check_outputs, checkable

    try:
        if target.is_dir():
            from layout.build import build as run_build

            with tempfile.TemporaryDirectory() as tmp:
                result = run_build(target, Path(tmp), _progress)
                problems = result.problems + check_outputs([p for p in result.outputs if checkable(p)], _progress)
        else:
            problems = check_outputs([target], _progress)
    except (InputError, BuildError) as e:
        _fail(e)
    for line in problems:
        click.echo(line)
    if problems:
        sys.exit(1)
    err.print(f"[green]{escape(t('no problems found'))}[/green]")


if __name__ == "__main__":
    main()
