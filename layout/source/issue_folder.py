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

import yaml
from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from layout.errors import InputError
from layout.model import Article, Figure, Issue, IssueInfo, PageSpec, Paper
from layout.plan.grid import preset_names
from layout.source.fields import Field, check_fields
from layout.source.markdown_body import parse_body

_PAPER = {
    "name": Field(str, True), "code": Field(str, True), "registration": Field(str),
    "publisher": Field(str), "website": Field(str), "icc_profile": Field(str), "a11y_certifier": Field(str),
}
_ISSUE = {"date": Field(dt.date, True), "number": Field(int, True), "total": Field(int, True)}
_PAGE = {"number": Field(int, True), "section": Field(str, True), "editor": Field(str)}
_TOP = {"format": Field(str), "paper": Field(dict, True), "issue": Field(dict, True),
        "pages": Field(list, True)}

_FRONT = {
    "headline": Field(str, True), "kicker": Field(str), "subtitle": Field(str),
    "short_headline": Field(str), "byline": Field(str), "byline_position": Field(str),
    "dateline": Field(str), "page": Field(int), "priority": Field(int), "images": Field(list),
    "photo": Field(dict), "allow_cut": Field(bool), "lowres_ok": Field(bool), "source_jumps": Field(list),
}
_IMAGE = {"file": Field(str, True), "caption": Field(str), "credit": Field(str), "alt": Field(str, True)}
_PHOTO = {"caption": Field(str), "credit": Field(str)}
_BYLINE_POSITIONS = ("top", "dateline", "end")
_CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")
_IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # desks send TIFF: 8/16-bit, RGB/CMYK/grey
_IMAGE_FORMATS = ("PNG", "JPEG", "TIFF")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # C0 controls but tab and newline (CR is gone by then)
_SIDEWAYS = {5, 6, 7, 8}  # EXIF orientations that turn the picture a quarter: width and height swap


def read_text(path: Path) -> str:
    """A file as UTF-8 text (a BOM is allowed); anything else is the editor's error."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError("a folder where a file is expected; rename or remove it", path) from None
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte 0x{data[e.start]:02x}); save the file as UTF-8", path, line)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A stray control character would reach the page (markdown-it even turns NUL into U+FFFD).
    if bad := _CONTROL.search(text):
        name = "a NUL character" if bad[0] == "\x00" else f"the control character U+{ord(bad[0]):04X}"
        raise InputError(f"the text contains {name}; remove it", path, text.count("\n", 0, bad.start()) + 1)
    return text


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


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """TOML text of path; a syntax error names its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        raise InputError(f"invalid TOML: {re.sub(r' [(]at line.*', '', str(e))}", path,
                         int(m.group(1)) if m else None)


def _load_issue_toml(path: Path) -> tuple[dict[str, Any], str]:
    if not (path.exists() or path.is_symlink()):  # a folder or a broken link: read_text says which
        raise InputError("no issue.toml: an issue folder needs one (see README: the issue folder)", path)
    text = read_text(path)
    return parse_toml(text, path), text


def _load_pages(raw: list, path: Path, text: str) -> tuple[PageSpec, ...]:
    pages: list[PageSpec] = []
    for i, entry in enumerate(raw):
        line_of = _toml_line_of(text, "pages", i)
        check_fields(entry, _PAGE, path, line_of, f"[[pages]] #{i + 1}")
        if entry["number"] < 1 or any(p.number == entry["number"] for p in pages):
            raise InputError(f"page number {entry['number']} is not a new positive number", path,
                             line_of("number"))
        pages.append(PageSpec(entry["number"], entry["section"], entry.get("editor", "")))
    if not pages:
        raise InputError("the issue defines no pages: add [[pages]] tables", path, 1)
    numbers = sorted(p.number for p in pages)
    if numbers != list(range(1, len(numbers) + 1)):
        raise InputError(f"pages must be numbered 1…{len(numbers)} without gaps, got {numbers}", path,
                         _toml_line_of(text, "pages")(""))
    return tuple(sorted(pages, key=lambda p: p.number))


# --- articles/*.md ----------------------------------------------------------------------


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """(yaml, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise InputError("an article starts with YAML front matter between '---' lines", path, 1)
    for n in range(1, len(lines)):
        if lines[n].strip() in ("---", "..."):
            return "\n".join(lines[1:n]), "\n".join(lines[n + 1:]), n + 2
    raise InputError("the front matter is not closed by a '---' line", path, 1)


def _yaml_positions(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """Dotted key path → 1-based line in the front matter, e.g. 'images.0.file'."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            out[key] = key_node.start_mark.line + 1
            out.update(_yaml_positions(value_node, key + "."))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[f"{prefix}{i}"] = item.start_mark.line + 1
            out.update(_yaml_positions(item, f"{prefix}{i}."))
    return out


def _front_matter(source: str, path: Path) -> tuple[dict, dict[str, int]]:
    # Parsed once: the node tree gives the lines, the same tree is constructed into data
    # (what yaml.safe_load does inside).
    try:
        loader = yaml.SafeLoader(source)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        positions = _yaml_positions(node)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).split("\n")[0]
        raise InputError(f"invalid YAML in the front matter: {problem}", path,
                         mark.line + 2 if mark else 1)
    # Front matter lines count from the '---' on line 1.
    return data if data is not None else {}, {k: v + 1 for k, v in positions.items()}


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
        raise InputError(f"image '{name}' is a URL; images must be files inside the issue folder", path, line)
    candidate = (root / name).resolve()
    if Path(name).is_absolute() or not candidate.is_relative_to(root.resolve()):
        raise InputError(f"image '{name}' lies outside the issue folder", path, line)
    if not candidate.is_file():
        raise InputError(f"image '{name}' not found in the issue folder", path, line)
    if candidate.suffix.lower() not in _IMAGE_TYPES:
        raise InputError(f"image '{name}' must be PNG, JPEG or TIFF", path, line)
    return candidate


def _image_size(name: str, file: Path, path: Path, line: int) -> tuple[int, int]:
    """Upright pixel size of a PNG, JPEG or TIFF that Pillow reads completely; else the editor's error."""
    try:
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
        raise InputError(f"image '{name}' is not a PNG, JPEG or TIFF image, or its header is damaged",
                         path, line) from None
    # Pillow reports damage as OSError, SyntaxError (bad PNG chunks) or ValueError.
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        reason = (e.strerror if isinstance(e, OSError) else None) or str(e)
        raise InputError(f"image '{name}' is damaged or unreadable ({reason})", path, line) from None
    return (height, width) if sideways else (width, height)


def load_article(path: Path, root: Path, page_numbers: set[int]) -> Article:
    front_src, body_src, body_line = _split_front_matter(read_text(path), path)
    front, positions = _front_matter(front_src, path)

    def line_of(key: str) -> int:
        return positions.get(key, 1)

    check_fields(front, _FRONT, path, line_of, "the front matter")
    for key in ("headline", "kicker", "subtitle", "short_headline", "byline", "dateline"):
        if key in front and ("\n" in front[key].strip() or (key == "headline" and not front[key].strip())):
            raise InputError(f"'{key}' must be one non-empty line", path, line_of(key))
    position = front.get("byline_position", "top")
    if position not in _BYLINE_POSITIONS:
        raise InputError(f"'byline_position' must be one of {', '.join(_BYLINE_POSITIONS)}, got {position!r}",
                         path, line_of("byline_position"))
    page = front.get("page")
    if page is not None and page not in page_numbers:
        raise InputError(f"page {page} is not defined in issue.toml (pages: "
                         f"{', '.join(map(str, sorted(page_numbers)))})", path, line_of("page"))
    if front.get("priority", 5) < 1:
        raise InputError("'priority' must be 1 (most important) or more", path, line_of("priority"))
    photo = front.get("photo", {})
    check_fields(photo, _PHOTO, path, lambda k: line_of(f"photo.{k}" if k else "photo"), "photo")
    jumps = front.get("source_jumps", [])
    if not all(isinstance(j, str) for j in jumps):
        raise InputError("'source_jumps' must be a list of text", path, line_of("source_jumps"))

    blocks = parse_body(body_src, path, body_line)
    if not blocks:
        raise InputError("the article has no body text", path, body_line - 1)
    figures = _figures(front.get("images", []), root, path, line_of)
    return Article(
        id=path.stem, path=path, headline=front["headline"].strip(), blocks=blocks,
        kicker=front.get("kicker", "").strip(), subtitle=front.get("subtitle", "").strip(),
        short_headline=front.get("short_headline", "").strip(), byline=front.get("byline", "").strip(),
        byline_position=position, dateline=front.get("dateline", "").strip(), page=page,
        priority=front.get("priority", 5), figures=figures, allow_cut=front.get("allow_cut", False),
        lowres_ok=front.get("lowres_ok", False),
        source_jumps=tuple(jumps), photo_caption=photo.get("caption", ""),
        photo_credit=photo.get("credit", ""),
    )


def _natural(path: Path) -> tuple[list[int | str], str]:
    """Sort key: numbers in the name compare as numbers (11.md before 100.md), then the name itself."""
    parts = re.split(r"(\d+)", path.name)
    return [int(p) if i % 2 else p for i, p in enumerate(parts)], path.name


def load_issue(root: Path) -> Issue:
    root = Path(root)
    if not root.is_dir():
        raise InputError("not an issue folder", root)
    toml_path = root / "issue.toml"
    data, text = _load_issue_toml(toml_path)
    top_line = _toml_line_of(text, None)
    check_fields(data, _TOP, toml_path, top_line, "issue.toml")
    if data.get("format", "tabloid") not in preset_names():
        raise InputError(f"unknown format '{data['format']}' (presets in styles/formats.toml: "
                         f"{', '.join(preset_names())})", toml_path, top_line("format"))
    paper = check_fields(data["paper"], _PAPER, toml_path, _toml_line_of(text, "paper"), "[paper]")
    if not _CODE.match(paper["code"]):
        raise InputError("paper 'code' must be 1–16 ASCII letters or digits (it names the files)", toml_path,
                         _toml_line_of(text, "paper")("code"))
    info = check_fields(data["issue"], _ISSUE, toml_path, _toml_line_of(text, "issue"), "[issue]")
    pages = _load_pages(data["pages"], toml_path, text)

    article_paths = sorted((root / "articles").glob("*.md"), key=_natural)
    if not article_paths:
        raise InputError("no articles: put Markdown files in articles/", root / "articles")
    numbers = {p.number for p in pages}
    articles = tuple(load_article(p, root, numbers) for p in article_paths)
    return Issue(
        root=root.resolve(),
        paper=Paper(**{k: v.strip() for k, v in paper.items()}),
        info=IssueInfo(info["date"], info["number"], info["total"]),
        format=data.get("format", "tabloid"),
        pages=pages,
        articles=articles,
    )
