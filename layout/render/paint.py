"""Painting a plan to HTML: every element at its grid position, every body line as composed.

The HTML leaves WeasyPrint nothing to decide about body text (invariant 1): each line is an
absolutely placed, unbreakable box whose runs sit at the x the composer chose.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from layout.house import MM, STYLES, house
from layout.model import Issue, Line, Module, PlacedAd, Plan
from layout.plan.columns import module_columns
from layout.plan.fit import Fits
from layout.plan.grid import PageFormat
from layout.render.ad_images import ad_image
from layout.render.furniture import FURNITURE, masthead, page_header
from layout.render.print_images import OutputProfile, print_image
from layout.text.fonts import resolve

PRINT_ROLES = ("body", "headline", "caption", "masthead")  # the font roles the print stylesheet names


@dataclass(frozen=True)
class PaintedLine:
    cls: str
    x: float
    y: float
    runs: tuple
    article: str
    size: float = 0.0  # headline lines carry their own size
    h: float = 0.0


@cache
def _env() -> Environment:
    # HTML is escaped (article text is never markup); the CSS template holds only house settings.
    return Environment(loader=FileSystemLoader(STYLES), autoescape=lambda name: bool(name and name.endswith(".html.j2")),
                       keep_trailing_newline=True)


def _r(v: float) -> float:
    return round(v, 3)


def _line(line: Line, cls: str, x: float, y: float, article: str, size: float = 0.0, h: float = 0.0) -> PaintedLine:
    runs = tuple({"text": r.text, "x": _r(r.x), "letter_spacing": _r(r.letter_spacing), "features": r.features}
                 for r in line.runs)
    return PaintedLine(cls, _r(x), _r(y), runs, article, _r(size), _r(h))


def _pt(v: float) -> str:
    return f"{_r(v)}pt"


class _Classes:
    """Names for the values many lines of a page share (a column's x, a row's y, a feature set),
    so WeasyPrint parses each value once instead of in thousands of style attributes."""

    def __init__(self, prefix: str, css: str):
        self.prefix, self.css, self.names = prefix, css, {}

    def __call__(self, value) -> str:
        return self.names.setdefault(value, f"{self.prefix}{len(self.names)}")

    def rules(self) -> str:
        return "".join(f".{name}{{{self.css.format(value)}}}" for value, name in self.names.items())


def _line_markup(lines: list[PaintedLine]) -> dict:
    """The markup of a page's lines: one element for a line of one run (most lines), a line holding
    one span per run otherwise; shared values (a column's x, a row's y, feature sets) as classes."""
    xs, ys = _Classes("x", "left:{}"), _Classes("y", "top:{}")
    features = _Classes("f", "font-feature-settings:{}")
    out = []
    for line in lines:
        size = (f"font-size:{_pt(line.size)};height:{_pt(line.h)};line-height:{_pt(line.h)}",) if line.size else ()
        if len(line.runs) == 1:  # the run's own x and spacing go on the line itself
            run = line.runs[0]
            cls, style = _run_style(run, features, xs(_pt(line.x + run["x"])))
            out.append({"cls": f"ln {line.cls} {cls} {ys(_pt(line.y))}", "style": ";".join(size + style),
                        "article": line.article, "text": run["text"], "runs": ()})
            continue
        runs = []
        for run in line.runs:
            cls, style = _run_style(run, features)
            runs.append({"cls": cls, "style": ";".join((f"left:{_pt(run['x'])}",) + style), "text": run["text"]})
        out.append({"cls": f"ln {line.cls} {xs(_pt(line.x))} {ys(_pt(line.y))}", "style": ";".join(size),
                    "article": line.article, "text": None, "runs": runs})
    return {"lines": out, "line_css": xs.rules() + ys.rules() + features.rules()}


def _run_style(run: dict, features: _Classes, *classes: str) -> tuple[str, tuple[str, ...]]:
    """A run's classes and inline declarations: its letter-spacing is its own (justification)."""
    cls = classes + ((features(run["features"]),) if run["features"] else ())
    style = (f"letter-spacing:{_pt(run['letter_spacing'])}",) if run["letter_spacing"] else ()
    return " ".join(cls), style


def _print_image(path: Path, profile: OutputProfile, w: float, h: float) -> str:
    """The photo converted for the press (grey or CMYK through the output profile) at its placed size."""
    return _converted(path, path.stat().st_mtime_ns, profile, w, h)


@cache
def _converted(path: Path, mtime_ns: int, profile: OutputProfile, w: float, h: float) -> str:
    # Keyed on the file's mtime too: a photo replaced between builds in one process is converted anew.
    return print_image(path, profile, w, h)


def _module(module: Module, issue: Issue, fits: Fits, fmt: PageFormat, profile: OutputProfile, lines: list,
            figures: list, rules: list) -> None:
    shape = fits.shape(module.article_id, module.head_columns, module.headline_size, module.part > 0)
    x0, y0, pitch = fmt.column_x(module.column), fmt.line_y(module.line), fmt.line_pitch
    if module.label_lines:
        lines.append(_label(house()["briefs"]["label"], x0, y0, fmt, module.article_id))
    # Slack given to the headline group is shared above and below it; a photo may stand beside it.
    head_y = y0 + (module.head_top + (module.head_lines - shape.head_lines) / 2) * pitch
    head_x = fmt.column_x(module.column + module.head_column) + fmt.body_size
    for hl in shape.head if module.head_lines else ():  # a brief going on in the next column has none
        h = hl.size * house()["headline"]["line_height"]
        lines.append(_line(hl.line, f"hl {hl.role}", head_x, head_y + hl.y, module.article_id, hl.size, h))
    figures_of = issue.article(module.article_id).figures
    for box in module.photos:
        figure = figures_of[box.figure]
        x, y = fmt.column_x(module.column + box.column), y0 + box.line * pitch
        w, h = _r(fmt.span_width(box.span)), _r(box.lines * pitch - 2)
        figures.append({"src": _print_image(figure.file, profile, w, h), "alt": figure.alt,
                        "x": _r(x), "y": _r(y), "w": w, "h": h})
        y += box.lines * pitch
        for line in fits.caption(module.article_id, box.figure, box.span):
            lines.append(_line(line, "caption", x, y, module.article_id))
            y += pitch
    for k, column in enumerate(module_columns(module, fits)):
        cx, y = fmt.column_x(module.column + k), y0 + module.body_tops[k] * pitch
        for i, slot in enumerate(column):
            lines.append(_line(slot.line, slot.role, cx, y + i * pitch, module.article_id))
        rules.extend(_note_rules(column, cx, y, fmt))


def _note_rules(column: list, x: float, y: float, fmt: PageFormat) -> list[dict]:
    """The 编者按 set apart by a rule above and below its lines in each column, as the house style asks
    ([note] frame = "rules"; "" sets it apart by its face only)."""
    if house()["note"]["frame"] != "rules":
        return []
    width, w = house()["module"]["rule_width_mm"] * MM, _r(fmt.span_width(1))
    out = []
    for i, slot in enumerate(column):
        before = column[i - 1].role if i else ""
        after = column[i + 1].role if i + 1 < len(column) else ""
        # On the edges of the note's line boxes: as far from its glyphs as the grid allows.
        if slot.role == "note" and before != "note":
            out.append({"x": _r(x), "y": _r(y + i * fmt.line_pitch - width / 2), "w": w, "h": _r(width)})
        if slot.role == "note" and after != "note":
            out.append({"x": _r(x), "y": _r(y + (i + 1) * fmt.line_pitch - width / 2), "w": w, "h": _r(width)})
    return out


def _label(text: str, x: float, y: float, fmt: PageFormat, article: str) -> PaintedLine:
    """The 简讯 label over a stack of briefs, on its first line."""
    runs = ({"text": text, "x": 0.0, "letter_spacing": 0.0, "features": ""},)
    return PaintedLine("label", _r(x), _r(y), runs, article)


def _ad(placed: PlacedAd, fmt: PageFormat, profile: OutputProfile) -> dict:
    """An ad at its rectangle, under a small 广告 label (the label takes the block's first line)."""
    x, y = fmt.column_x(placed.column), fmt.line_y(placed.line)
    w, h = fmt.span_width(placed.ad.columns), placed.ad.lines * fmt.line_pitch
    label = house()["ads"]["label_lines"] * fmt.line_pitch
    return {"src": print_image(ad_image(placed.ad.file), profile, _r(w), _r(h - label)), "alt": "广告",
            "x": _r(x), "y": _r(y + label), "w": _r(w), "h": _r(h - label - fmt.line_pitch / 2),
            "label": {"x": _r(x), "y": _r(y), "text": house()["ads"]["label"]}}


def _rules(modules: tuple[Module, ...], ads: tuple[PlacedAd, ...], fmt: PageFormat) -> list[dict]:
    """Thin rules between modules and ads: under each that has one below, beside each that has one right."""
    width = house()["module"]["rule_width_mm"] * MM
    gutter = fmt.gutter_chars * fmt.body_size
    rects = [(m.column, m.line, m.span, m.height) for m in modules]
    rects += [(a.column, a.line, a.ad.columns, a.ad.lines) for a in ads]
    rules = []
    for column, line, span, height in rects:
        bottom = line + height
        if bottom < fmt.lines:
            y = fmt.line_y(bottom) - fmt.line_pitch / 2
            rules.append({"x": _r(fmt.column_x(column)), "y": _r(y - width / 2),
                          "w": _r(fmt.span_width(span)), "h": _r(width)})
        if column + span < fmt.columns:
            x = fmt.column_x(column) + fmt.span_width(span) + gutter / 2
            rules.append({"x": _r(x - width / 2), "y": _r(fmt.line_y(line)),
                          "w": _r(width), "h": _r((height - 1) * fmt.line_pitch)})
    return rules


def paint(issue: Issue, plan: Plan, fits: Fits, profile: OutputProfile) -> list[str]:
    """One HTML document per page of the plan, in order; photos are converted for the press through
    the output profile. Each page renders on its own, so pages can render in parallel and be cached."""
    fmt = fits.fmt
    # The families the composer measured with (fontconfig-resolved), so paint and metrics agree.
    roles = {role: resolve(role) for role in PRINT_ROLES}
    trim_w, trim_h = fmt.trim
    css = _env().get_template("print.css.j2").render(
        trim_w=_r(trim_w), trim_h=_r(trim_h), pitch=fmt.line_pitch, body_size=fmt.body_size,
        type_width=_r(fmt.type_width), caption_size=house()["caption"]["size"], fonts=roles,
        masthead_size=FURNITURE.name_size(fmt), furniture=FURNITURE)
    painted = []
    for page_plan in plan.pages:
        lines: list[PaintedLine] = []
        figures: list[dict] = []
        note_rules: list[dict] = []
        for module in page_plan.modules:
            _module(module, issue, fits, fmt, profile, lines, figures, note_rules)
        reserved = fmt.reserved_lines(page_plan.number)
        box = {"x": _r(fmt.origin[0]), "y": _r(fmt.origin[1]), "w": _r(fmt.type_width),
               "h": _r(reserved * fmt.line_pitch - fmt.line_pitch / 2)}
        furniture_rule = {"x": box["x"], "y": _r(fmt.line_y(reserved) - fmt.line_pitch / 2), "w": box["w"], "h": 1.0}
        page = {"number": page_plan.number, "lines": lines, "figures": figures,
                "ads": [_ad(placed, fmt, profile) for placed in page_plan.ads],
                "rules": [furniture_rule] + _rules(page_plan.modules, page_plan.ads, fmt) + note_rules}
        if page_plan.number == 1:
            page["masthead"] = {**box, **masthead(issue)}
        else:
            page["header"] = {**box, **page_header(issue, issue.page(page_plan.number))}
        painted.append(page)
    title = f"{issue.paper.name} {issue.info.date:%Y-%m-%d}"
    template = _env().get_template("templates/page.html.j2")
    return [template.render(title=f"{title} 第{page['number']}版", css=css, page=page, **_line_markup(page["lines"]))
            for page in painted]
