"""Reading an issue folder: issue.toml, articles/*.md, images/.

Everything the editor wrote is validated here, once; every problem is an InputError with
the file and line. Later stages trust the Issue they are given.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from layout.errors import BuildError, InputError
from layout.messages import N_, t
from layout.model import Article, Figure, Issue, IssueInfo, PageSpec, Paper
from layout.plan.grid import preset_names
from layout.render.furniture import FIRST_DATE, LAST_DATE
from layout.render.print_images import read_profile
from layout.source.ads import load_ads
from layout.source.fields import Field, check_fields
from layout.source.front_matter import line_finder, load_front_matter
from layout.source.input_files import NamedFile, article_files, inside, named_file, read_text
from layout.source.markdown_body import parse_body
from layout.source.slips import toml_slip
from layout.source.validate import MAX_DIGITS, check_values

__all__ = ["load_issue", "load_article", "parse_toml", "read_text"]

_PAPER = {
    "name": Field(str, True), "code": Field(str, True), "registration": Field(str),
    "publisher": Field(str), "website": Field(str), "icc_profile": Field(str), "a11y_certifier": Field(str),
}
_ISSUE = {"date": Field(dt.date, True), "number": Field(int, True), "total": Field(int, True)}
_PAGE = {"number": Field(int, True), "section": Field(str, True), "editor": Field(str)}
_TOP = {"format": Field(str), "paper": Field(dict, True), "issue": Field(dict, True),
        "pages": Field(list, True), "ads": Field(list)}

_FRONT = {
    "headline": Field(str, True), "kicker": Field(str), "subtitle": Field(str),
    "short_headline": Field(str), "byline": Field(str), "byline_position": Field(str),
    "dateline": Field(str), "page": Field(int), "priority": Field(int), "images": Field(list),
    "photo": Field(dict), "allow_cut": Field(bool), "lowres_ok": Field(bool), "source_jumps": Field(list),
    "section": Field(str),
}
_IMAGE = {"file": Field(str, True), "caption": Field(str), "credit": Field(str), "alt": Field(str, True)}
_PHOTO = {"caption": Field(str), "credit": Field(str)}
_BYLINE_POSITIONS = ("top", "dateline", "end")
_CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")
_IMAGE_FILE = NamedFile(
    frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"}),  # desks send TIFF: 8/16-bit, RGB/CMYK/grey
    N_("image '{name}' lies outside the issue folder"),
    N_("image '{name}' not found in the issue folder"),
    N_("image '{name}': {problem}"),
    N_("image '{name}' must be PNG, JPEG or TIFF"))
_IMAGE_FORMATS = ("PNG", "JPEG", "TIFF")
_SIDEWAYS = {5, 6, 7, 8}  # EXIF orientations that turn the picture a quarter: width and height swap


# --- issue.toml -------------------------------------------------------------------------


def _toml_line_of(text: str, table: str | None, index: int = 0):
    """key → line of `key =` inside [table] (or the index-th [[table]]); header line for ''."""
    lines = text.split("\n")

    def line_of(key: str) -> int:
        start, seen = 0, -1
        if table:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?\s*(#.*)?$")
            for n, line in enumerate(lines):
                if header.match(line):
                    seen += 1
                    if seen == index:
                        start = n
                        break
            if not key:
                return start + 1
        elif not key:
            return 1
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for n in range(start + (1 if table else 0), len(lines)):
            if table and n > start and re.match(r"^\s*\[", lines[n]):
                break
            if pattern.match(lines[n]):
                return n + 1
        return start + 1

    return line_of


def _toml_line_of_path(text: str):
    """(table, [index,] key…) of a parsed value → the line of its key (the nearest one known)."""
    def line_of(where: tuple) -> int:
        if not where:
            return 1
        if len(where) == 1:
            return _toml_line_of(text, None)(str(where[0]))
        index = where[1] if isinstance(where[1], int) else 0
        keys = [k for k in where[1:] if not isinstance(k, int)]
        return _toml_line_of(text, str(where[0]), index)(str(keys[0]) if keys else "")
    return line_of


def _line_at(text: str, pattern: str) -> int | None:
    m = re.search(pattern, text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """TOML text of path, its values checked (validate.check_values); a syntax error names its line
    and, for a typist's slip, the fix."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        line = int(m.group(1)) if m else None
        lines = text.split("\n")
        if line and line <= len(lines) and (slip := toml_slip(lines[line - 1], line)):
            raise InputError(slip, path, line) from None
        raise InputError(t("invalid TOML: {problem}", problem=re.sub(r" [(]at line.*", "", str(e))), path,
                         line) from None
    except ValueError:  # Python's int() refuses thousands of digits
        raise InputError(t("the number has more than {digits} digits", digits=MAX_DIGITS), path,
                         _line_at(text, rf"\d{{{MAX_DIGITS + 1},}}")) from None
    except RecursionError:
        raise InputError(t("values are nested too deeply"), path, _line_at(text, r"[\[{](\s*[\[{]){8}")) from None
    check_values(data, path, _toml_line_of_path(text))
    return data


def _load_issue_toml(path: Path) -> tuple[dict[str, Any], str]:
    if not (path.exists() or path.is_symlink()):  # a folder or a broken link: read_text says which
        raise InputError(t("no issue.toml: an issue folder needs one (see README: the issue folder)"), path)
    text = read_text(path)
    return parse_toml(text, path), text


def _load_pages(raw: list, path: Path, text: str) -> tuple[PageSpec, ...]:
    pages: list[PageSpec] = []
    for i, entry in enumerate(raw):
        line_of = _toml_line_of(text, "pages", i)
        check_fields(entry, _PAGE, path, line_of, f"[[pages]] #{i + 1}")
        if entry["number"] < 1 or any(p.number == entry["number"] for p in pages):
            raise InputError(t("page number {number} is not a new positive number", number=entry["number"]), path,
                             line_of("number"))
        pages.append(PageSpec(entry["number"], entry["section"], entry.get("editor", "")))
    if not pages:
        raise InputError(t("the issue defines no pages: add [[pages]] tables"), path, 1)
    numbers = sorted(p.number for p in pages)
    if numbers != list(range(1, len(numbers) + 1)):
        raise InputError(t("pages must be numbered 1…{count} without gaps, got {numbers}", count=len(numbers),
                           numbers=", ".join(map(str, numbers))), path,
                         _toml_line_of(text, "pages")(""))
    return tuple(sorted(pages, key=lambda p: p.number))


# --- articles/*.md ----------------------------------------------------------------------


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """(yaml, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise InputError(t("an article starts with YAML front matter between '---' lines"), path, 1)
    for n in range(1, len(lines)):
        if lines[n].strip() in ("---", "..."):
            return "\n".join(lines[1:n]), "\n".join(lines[n + 1:]), n + 2
    raise InputError(t("the front matter is not closed by a '---' line"), path, 1)


def _figures(entries: list, root: Path, path: Path, line_of) -> tuple[Figure, ...]:
    figures = []
    for i, entry in enumerate(entries):
        check_fields(entry, _IMAGE, path, lambda k, i=i: line_of(f"images.{i}.{k}" if k else f"images.{i}"),
                     f"images #{i + 1}")
        file_line = line_of(f"images.{i}.file")
        file = _image_path(entry["file"], root, path, file_line)
        figures.append(Figure(file, entry.get("caption", ""), entry.get("credit", ""), entry["alt"],
                              _image_size(entry["file"], file, path, file_line)))
    return tuple(figures)


def _image_path(name: str, root: Path, path: Path, line: int) -> Path:
    """Images are files inside the issue folder: no URLs, no absolute paths, no ../ escape."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", name):
        raise InputError(t("image '{name}' is a URL; images must be files inside the issue folder", name=name),
                         path, line)
    return named_file(name, root, _IMAGE_FILE, path, line)


_MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485  # Pillow's decompression bomb guard: 0.25 GB of RGBA


def _pixels(file: Path) -> int:
    """Pixel count from the header alone, with Pillow's guard off for this one read."""
    guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(file, formats=_IMAGE_FORMATS) as im:
            return im.width * im.height
    finally:
        Image.MAX_IMAGE_PIXELS = guard


def _image_size(name: str, file: Path, path: Path, line: int) -> tuple[int, int]:
    """Upright pixel size of a PNG, JPEG or TIFF that Pillow reads completely; else the editor's error."""
    try:
        pixels = _pixels(file)
        if pixels > _MAX_PIXELS:  # Pillow would only warn (or fail) in its own words
            raise InputError(t("image '{name}' has {megapixels} million pixels, more than the {limit} million a page "
                               "can use; scale it down", name=name, megapixels=pixels // 10 ** 6,
                               limit=_MAX_PIXELS // 10 ** 6), path, line)
        with Image.open(file, formats=_IMAGE_FORMATS) as im:
            im.verify()  # structure and checksums
        # verify() does not decode, so it misses a truncated JPEG: load() it, with Pillow's
        # tolerance of truncated files off (WeasyPrint turns it on for the whole process on import).
        tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            with Image.open(file, formats=_IMAGE_FORMATS) as im:
                im.load()
                width, height = im.size
                sideways = im.getexif().get(ExifTags.Base.Orientation) in _SIDEWAYS
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    except UnidentifiedImageError:
        raise InputError(t("image '{name}' is not a PNG, JPEG or TIFF image, or its header is damaged", name=name),
                         path, line) from None
    # Pillow reports damage as OSError, SyntaxError (bad PNG chunks) or ValueError.
    except (OSError, SyntaxError, ValueError) as e:
        reason = (e.strerror if isinstance(e, OSError) else None) or str(e)
        raise InputError(t("image '{name}' is damaged or unreadable ({reason})", name=name, reason=reason), path,
                         line) from None
    return (height, width) if sideways else (width, height)


def load_article(path: Path, root: Path, page_numbers: set[int], sections: frozenset[str] | None = None) -> Article:
    front_src, body_src, body_line = _split_front_matter(read_text(path, root), path)
    front, positions = load_front_matter(front_src, path)
    line_of = line_finder(positions)

    check_fields(front, _FRONT, path, line_of, t("the front matter"))
    for key in ("headline", "kicker", "subtitle", "short_headline", "byline", "dateline"):
        if key in front and ("\n" in front[key].strip() or (key == "headline" and not front[key].strip())):
            raise InputError(t("'{key}' must be one non-empty line", key=key), path, line_of(key))
    position = front.get("byline_position", "top")
    if position not in _BYLINE_POSITIONS:
        raise InputError(t("'byline_position' must be one of {choices}, got {value}",
                           choices=", ".join(_BYLINE_POSITIONS), value=repr(position)), path, line_of("byline_position"))
    page = front.get("page")
    if page is not None and page not in page_numbers:
        raise InputError(t("page {page} is not defined in issue.toml (pages: {pages})", page=page,
                           pages=", ".join(map(str, sorted(page_numbers)))), path, line_of("page"))
    section = front.get("section", "").strip()
    if section and sections is not None and section not in sections:
        raise InputError(t("no page of section '{section}' in issue.toml (sections: {sections})", section=section,
                           sections="、".join(sorted(sections))), path, line_of("section"))
    if front.get("priority", 5) < 1:
        raise InputError(t("'priority' must be 1 (most important) or more"), path, line_of("priority"))
    photo = front.get("photo", {})
    check_fields(photo, _PHOTO, path, lambda k: line_of(f"photo.{k}" if k else "photo"), "photo")
    jumps = front.get("source_jumps", [])
    if not all(isinstance(j, str) for j in jumps):
        raise InputError(t("'source_jumps' must be a list of text"), path, line_of("source_jumps"))

    blocks = parse_body(body_src, path, body_line)
    if not blocks:
        raise InputError(t("the article has no body text"), path, body_line - 1)
    figures = _figures(front.get("images", []), root, path, line_of)
    return Article(
        id=path.stem, path=path, headline=front["headline"].strip(), blocks=blocks,
        kicker=front.get("kicker", "").strip(), subtitle=front.get("subtitle", "").strip(),
        short_headline=front.get("short_headline", "").strip(), byline=front.get("byline", "").strip(),
        byline_position=position, dateline=front.get("dateline", "").strip(), page=page,
        priority=front.get("priority", 5), figures=figures, allow_cut=front.get("allow_cut", False),
        lowres_ok=front.get("lowres_ok", False),
        source_jumps=tuple(jumps), photo_caption=photo.get("caption", ""),
        photo_credit=photo.get("credit", ""), section=section,
    )


def _check_profile(name: str, root: Path, path: Path, line: int) -> None:
    """paper.icc_profile: a CMYK printer profile inside the issue folder, refused at its line."""
    try:
        read_profile(inside(root / name, root))
    except (InputError, BuildError) as e:
        raise InputError(t("icc_profile '{name}': {problem}", name=name,
                           problem=e.message if isinstance(e, InputError) else str(e)), path, line) from None


def _check_issue_info(info: dict, path: Path, line_of) -> None:
    """The masthead prints the lunar date, known from FIRST_DATE to LAST_DATE, and 第N期 with N ≥ 1."""
    if not FIRST_DATE <= info["date"] <= LAST_DATE:
        raise InputError(t("the date must be from {first} to {last}, the years the masthead's lunar calendar covers",
                           first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat()), path, line_of("date"))
    for key in ("number", "total"):
        if info[key] < 1:
            raise InputError(t("'{key}' in [issue] must be 1 or more, got {value}", key=key, value=info[key]), path,
                             line_of(key))
    if info["number"] > info["total"]:
        raise InputError(t("the issue number {number} is larger than the total number {total}",
                           number=info["number"], total=info["total"]), path, line_of("number"))


def _natural(path: Path) -> tuple[list[int | str], str]:
    """Sort key: numbers in the name compare as numbers (11.md before 100.md), then the name itself."""
    parts = re.split(r"(\d+)", path.name)
    return [int(p) if i % 2 else p for i, p in enumerate(parts)], path.name


def load_issue(root: Path) -> Issue:
    root = Path(root)
    if not root.is_dir():
        raise InputError(t("not an issue folder"), root)
    toml_path = root / "issue.toml"
    data, text = _load_issue_toml(toml_path)
    top_line = _toml_line_of(text, None)
    check_fields(data, _TOP, toml_path, top_line, "issue.toml")
    if data.get("format", "tabloid") not in preset_names():
        raise InputError(t("unknown format '{name}' (presets in styles/formats.toml: {presets})", name=data["format"],
                           presets=", ".join(preset_names())), toml_path, top_line("format"))
    paper = check_fields(data["paper"], _PAPER, toml_path, _toml_line_of(text, "paper"), "[paper]")
    if not _CODE.match(paper["code"]):
        raise InputError(t("paper 'code' must be 1–16 ASCII letters or digits (it names the files)"), toml_path,
                         _toml_line_of(text, "paper")("code"))
    if paper.get("icc_profile"):
        _check_profile(paper["icc_profile"], root, toml_path, _toml_line_of(text, "paper")("icc_profile"))
    info = check_fields(data["issue"], _ISSUE, toml_path, _toml_line_of(text, "issue"), "[issue]")
    _check_issue_info(info, toml_path, _toml_line_of(text, "issue"))
    pages = _load_pages(data["pages"], toml_path, text)

    article_paths = sorted(article_files(root), key=_natural)
    if not article_paths:
        raise InputError(t("no articles: put Markdown files in articles/"), root / "articles")
    numbers = {p.number for p in pages}
    sections = frozenset(p.section for p in pages)
    articles = tuple(load_article(p, root, numbers, sections) for p in article_paths)
    ads = load_ads(data.get("ads", []), root, toml_path, lambda i: _toml_line_of(text, "ads", i), pages,
                   data.get("format", "tabloid"))
    return Issue(
        root=root.resolve(),
        paper=Paper(**{k: v.strip() for k, v in paper.items()}),
        info=IssueInfo(info["date"], info["number"], info["total"]),
        format=data.get("format", "tabloid"),
        pages=pages,
        articles=articles,
        ads=ads,
    )
