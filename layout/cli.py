"""The command line: argument handling, progress and messages only.

Every deliberate failure is one line on stderr: InputError (the editor's files) exits 2,
BuildError (the issue cannot be produced as asked) exits 1. No tracebacks for either.
Every message comes from the catalog (layout.messages) in one language: `--lang en|zh`, else the
locale. Help texts are marked with N_ and translated when help is shown, after --lang is known.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Sequence

import click

from layout import __version__
from layout.errors import BuildError, InputError
from layout.messages import N_, language, set_language, t

if TYPE_CHECKING:
    from rich.console import Console

LANGUAGES = ("zh", "en")
MAX_PAGES = 64  # 版 of a new issue: more than any weekly prints


@functools.cache
def _terminal() -> Console:  # rich takes a while to import: loaded only when stderr is a terminal
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _say(label: str, style: str, message: str) -> None:
    """One line on stderr: coloured where stderr is a terminal, plain and never wrapped elsewhere."""
    if sys.stderr.isatty():
        from rich.markup import escape

        _terminal().print(f"[{style}]{escape(label)}[/{style}] {escape(message)}")  # editors' text, not markup
    else:
        click.echo(f"{label} {message}", err=True)


def _progress(message: str) -> None:
    _say("·", "dim", message)


def _fail(e: Exception) -> NoReturn:
    click.echo(f"layout: {e}", err=True)
    sys.exit(2 if isinstance(e, InputError) else 1)


class _Formatter(click.HelpFormatter):
    """click's own headings in the catalog's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=t("Usage:") + " ")

    def section(self, name: str):
        return super().section({"Options": t("Options"), "Commands": t("Commands")}.get(name, name))

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{t('{heading}:', heading=heading)}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for paragraph in text.split("\n\n"):
            lines = _wrap(paragraph, max(self.width - self.current_indent, 11))
            self.write("".join(f"{indent}{line}\n" for line in lines))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        """click's definition list, wrapped by display width: a Han character takes two columns of the
        terminal, and click counts it as one, so its Chinese lines ran far past the window."""
        rows = list(rows)
        first_col = min(max((len(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if len(first) > first_col - col_spacing:
                self.write("\n" + indent)
            else:
                self.write(" " * (first_col - len(first)))
            lines = _wrap(second, max(self.width - first_col - 2, 10)) or [""]
            self.write(lines[0] + "\n" + "".join(f"{indent}{line}\n" for line in lines[1:]))


# A piece that a help line may not break inside: a run of Latin or digits, else one character, with the
# punctuation that sticks to it (no line ends with （《 nor starts with ，。、）》: K1, K2).
_PIECE = re.compile(r"\s+|[（《「『“]*(?:[!-~]+|.)[，。、；：？！）》」』”]*")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Greedy lines of at most `width` terminal columns, broken between Han characters or at spaces."""
    lines, line = [], ""
    for piece in _PIECE.findall(" ".join(text.split())):
        if line and _width(line + piece.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if piece.isspace() else piece
        else:
            line += piece
    return lines + [line.rstrip()] if line.strip() else lines


def _help_record(option: click.Option, ctx: click.Context) -> tuple[str, str] | None:
    """click's line for an option, its [env var: …; default: …; range; required] in the catalog's language:
    click writes those words itself, through Python's gettext, which follows neither --lang nor our catalog."""
    record = option.get_help_record(ctx)
    if record is None:
        return record
    extra = option.get_help_extra(ctx)
    items = [t("env var: {var}", var=", ".join(extra["envvars"])) if "envvars" in extra else "",
             t("default: {default}", default=extra["default"]) if "default" in extra else "",
             extra.get("range", ""), t("required") if "required" in extra else ""]
    shown = "; ".join(filter(None, items))
    if not shown:
        return record
    return record[0], f"{option.help}  [{shown}]" if option.help else f"[{shown}]"


def _lang_in(args: Sequence[str]) -> str | None:
    """The --lang of a command line, read before click parses it, so help texts are in that language."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
    return None


def _localise(group: click.Group) -> None:
    """Help texts in the chosen language. Each keeps its English id beside it: a process may run the
    CLI more than once, in either language."""
    for command in (group, *group.commands.values()):
        for item in (command, *command.params):
            english = item.__dict__.setdefault("_english_help", item.help)
            item.help = t(english) if english else english


class _Context(click.Context):
    formatter_class = _Formatter


class _Command(click.Command):
    context_class = _Context

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [row for param in self.get_params(ctx) if isinstance(param, click.Option)
                and (row := _help_record(param, ctx)) is not None]
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = t("Show this message and exit.")
        return option


class _Layout(_Command, click.Group):
    command_class = _Command

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)  # _Command's (it precedes click.Group's): the options
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with the first sentence of its help, whole: click's own summary cuts Chinese mid-phrase
        (it looks for ". " and counts characters, not their width)."""
        rows = [(name, _first_sentence(command.help or "")) for name, command in sorted(self.commands.items())
                if not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(self, args: Sequence[str] | None = None, *rest, **extra):
        args = list(sys.argv[1:] if args is None else args)
        lang = _lang_in(args)
        set_language(lang if lang in LANGUAGES else None)
        _localise(self)
        try:
            code = super().main(args, *rest, standalone_mode=False, **extra)
        except click.UsageError as e:
            if language() == "en":
                e.show()
            else:
                click.echo(f"layout: {_usage_error(e)}", err=True)
            sys.exit(e.exit_code)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo(t("stopped"), err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s")


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0].strip()


def _usage_error(e: click.UsageError) -> str:
    """A mistake on the command line in the editor's words (click's own are English)."""
    param = getattr(e, "param", None)
    name = (param.opts[0] if isinstance(param, click.Option) else param.human_readable_name) if param else ""
    see = f"{e.ctx.command_path} --help" if e.ctx else "layout --help"
    if isinstance(e, click.MissingParameter) and name:
        return t("{name} is missing; see {help}", name=name, help=see)
    if isinstance(e, click.BadParameter) and name:
        return t("the value of {name} is not valid; see {help}", name=name, help=see)
    if isinstance(e, click.NoSuchOption):
        return t("there is no option {option}; see {help}", option=e.option_name, help=see)
    return t("the command line is not valid; see {help}", help=see)


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(t("layout, version {version}", version=__version__))
        ctx.exit()


@click.group(cls=_Layout, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Lay out a Chinese newspaper issue: Markdown articles in, print-ready PDF and an EPUB out."))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help=N_("Language of the messages: zh (the default) or en; otherwise the locale (LANG) decides."))
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help=N_("Show the version and exit."))
def main(lang: str | None) -> None:
    pass  # --lang is read by _Layout.main before parsing, so that help texts are in that language too


@main.command(help=N_("Build ISSUE (an issue folder) into the print PDF/X-4 of the issue and of each page "
                        "(<code>_<yyyymmdd>_<NN>.pdf), the EPUB, layout.json and the digital edition (web/)."))
@click.argument("issue", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help=N_("Folder for the PDFs, the EPUB and layout.json."))
@click.option("--bleed", type=click.FloatRange(0, 3.5), default=0.0, show_default=True,
              help=N_("Bleed in mm around every page (BleedBox); at most 3.5 mm."))
@click.option("--crop-marks", is_flag=True, help=N_("Draw crop marks in registration colour outside the trim."))
@click.option("--previews", "previews_dpi", type=click.FloatRange(10, 600), default=None,
              help=N_("Also write a PNG preview of every page at this resolution (dpi)."))
@click.option("--no-fonts", is_flag=True, help=N_("Build an EPUB without embedded fonts: it uses the reader's own."))
@click.option("--no-web", is_flag=True, help=N_("Leave out the digital edition (web/)."))
@click.option("-j", "--jobs", type=click.IntRange(0), default=0, envvar="LAYOUT_JOBS", show_default=True,
              help=N_("Processes rendering pages at once (or LAYOUT_JOBS); 0 = one per core."))
@click.option("--no-cache", is_flag=True, help=N_("Render every page again instead of reusing unchanged pages."))
def build(issue: Path, out_dir: Path, bleed: float, crop_marks: bool, previews_dpi: float | None,
          no_fonts: bool, no_web: bool, jobs: int, no_cache: bool) -> None:
    from layout.build import BuildOptions, build as run_build

    try:
        result = run_build(issue, out_dir, _progress,
                           BuildOptions(bleed, crop_marks, previews_dpi or 0.0, not no_fonts, not no_web, jobs,
                                        not no_cache))
    except (InputError, BuildError) as e:
        _fail(e)
    for line in result.text.summary():
        _say(t("normalised"), "dim", line)
    for finding in result.problems:
        _say(t("error") if finding.error else t("note"), "red" if finding.error else "yellow", str(finding))
    for path in result.outputs:
        click.echo(str(path))



@main.command(help=N_("Write the automatic plan of ISSUE to ISSUE/plan.toml for the editor to adjust."))
@click.argument("issue", type=click.Path(path_type=Path))
def plan(issue: Path) -> None:
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



@main.command(name="import", help=N_("Turn RAW newspaper text into articles of an issue folder, with a report "
                                     "of every decision."))
@click.argument("raw", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help=N_("Issue folder to create or add to (default: a folder named after the raw file)."))
@click.option("--date", type=click.DateTime(["%Y-%m-%d"]), default=None, help=N_("Issue date, YYYY-MM-DD."))
@click.option("--page", type=int, default=1, show_default=True, help=N_("The page (版) the imported articles go on."))
@click.option("--dry-run", is_flag=True, help=N_("Print the report and write nothing."))
def import_(raw: Path, out_dir: Path | None, date: dt.datetime | None, page: int, dry_run: bool) -> None:
    from layout.build import add_pages_until_it_fits
    from layout.source.importer import run_import

    try:
        result = run_import(raw, out_dir, date.date() if date else None, page, dry_run,
                            settle=lambda folder: add_pages_until_it_fits(folder, _progress))
        for line in result.report:
            click.echo(line)
    except (InputError, BuildError) as e:
        _fail(e)


@main.command(name="web-index", help=N_("Write an archive page listing the digital editions built in EDITIONS (output "
                                          "folders of `layout build`) by date, newest first, each linking to its front 版."))
@click.argument("editions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("index.html"),
              show_default=True, help=N_("The archive page to write; it links the editions relative to its folder."))
def web_index(editions: tuple[Path, ...], out: Path) -> None:
    from layout.archive import write_web_index

    try:
        path = write_web_index(list(editions), out)
    except (InputError, BuildError) as e:
        _fail(e)
    _progress(t("Wrote the archive of {count} digital editions: {path}", count=len(editions), path=path))
    click.echo(str(path))


def _names(value: str | None) -> tuple[str, ...]:
    """A comma-separated list (half- or full-width commas) of sections or editors."""
    return tuple(part.strip() for part in re.split(r"[,，、]", value)) if value else ()


@main.command(help=N_("Start an issue in FOLDER: issue.toml, articles/ with one example article, images/. "
                        "It builds as it is."))
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--paper", required=True, help=N_("The paper's name as the masthead prints it (报名)."))
@click.option("--code", required=True, help=N_("The paper's short ASCII code; it names the output files."))
@click.option("--date", type=click.DateTime(["%Y-%m-%d"]), required=True, help=N_("Issue date, YYYY-MM-DD."))
@click.option("--pages", type=click.IntRange(1, MAX_PAGES), required=True, help=N_("Number of pages (版)."))
@click.option("--sections", default=None, help=N_("Section names (版名) of pages 1, 2, …, separated by commas."))
@click.option("--editors", default=None, help=N_("Editors (责任编辑) of pages 1, 2, …, separated by commas."))
def new(folder: Path, paper: str, code: str, date: dt.datetime, pages: int, sections: str | None,
        editors: str | None) -> None:
    from layout.source.new_issue import NewIssue, write_new_issue

    try:
        written = write_new_issue(folder, NewIssue(paper, code, date.date(), pages, _names(sections),
                                                   _names(editors)))
    except (InputError, BuildError) as e:
        _fail(e)
    for path in written:
        click.echo(str(path))



@main.command(help=N_("Check TARGET: a print PDF (preflight), an EPUB (EPUBCheck and Ace), or an issue folder "
                        "(built, both checked and its content linted). One line per error or note; exit code 1 on "
                        "an error, and on a note under --strict."))
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help=N_("Notes fail the check too (exit code 1)."))
@click.option("--allow", "allowed", multiple=True, metavar="CODE",
              help=N_("Accept a kind of note, named by the code at its end, e.g. --allow I4 (repeatable)."))
def check(target: Path, strict: bool, allowed: tuple[str, ...]) -> None:
    import tempfile

    from layout.check.report import check_outputs, checkable

    findings = []
    try:
        if target.is_dir():
            from layout.build import build as run_build

            with tempfile.TemporaryDirectory() as tmp:
                result = run_build(target, Path(tmp), _progress)
                findings = result.problems
                errors = check_outputs([p for p in result.outputs if checkable(p)], _progress)
        else:
            errors = check_outputs([target], _progress)
    except (InputError, BuildError) as e:
        _fail(e)
    errors += [str(f) for f in findings if f.error]
    notes = [str(f) for f in findings if not f.error and f.code not in allowed]
    for line in errors:
        click.echo(f"{t('error')} {line}")
    for line in notes:
        click.echo(f"{t('note')} {line}")
    if errors or notes:
        _say(t("summary"), "bold", t("{errors} errors, {notes} notes", errors=len(errors), notes=len(notes)))
    else:
        _say("✓", "green", t("no problems found"))
    if errors or (strict and notes):
        sys.exit(1)



@main.command(help=N_("Show ISSUE's pages in the browser while you work: rebuilt when a file changes, "
                        "articles to hover and click, the lint notes on the page. Listens on 127.0.0.1 only; "
                        "Ctrl+C stops it."))
@click.argument("issue", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help=N_("Port on 127.0.0.1 to listen on (0 = any free port)."))
@click.option("--no-browser", is_flag=True, help=N_("Do not open a browser."))
def preview(issue: Path, port: int, no_browser: bool) -> None:
    from layout.serve.app import serve

    if not (issue / "issue.toml").is_file():
        _fail(InputError(t("no issue folder here: give the folder that holds issue.toml"), issue))
    try:
        serve(issue, port, open_browser=not no_browser, say=_progress)
    except BuildError as e:
        _fail(e)



if __name__ == "__main__":
    main()
