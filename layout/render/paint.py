"""Painting page frames to HTML: every element where its frame puts it, every line as composed.

The HTML leaves WeasyPrint nothing to decide about body text (invariant 1): each line is an
absolutely placed, unbreakable box whose runs sit at the x the composer chose.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from layout.frame import AdFrame, FigureFrame, IssueFrames, LineFrame, PageFrame, Rect
from layout.house import STYLES, house
from layout.model import Issue
from layout.plan.grid import PageFormat
from layout.render.ad_images import ad_image
from layout.render.furniture import FURNITURE
from layout.render.print_images import OutputProfile, print_image
from layout.text.fonts import resolve
from layout.text.parts import part, parts, sized_by_headline

PRINT_ROLES = ("body", "headline", "masthead")  # the roles print.css.j2 names itself; the parts table names the rest


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


def _line(line: LineFrame) -> PaintedLine:
    """A framed line as the line markup takes it: a headline group's line carries its own size."""
    runs = tuple({"text": r.text, "x": r.x, "end": r.end, "letter_spacing": _r(r.letter_spacing),
                  "features": r.features} for r in line.runs)
    cls, size, h = (f"hl {line.part}", line.size, line.height) if line.head else (line.part, 0.0, 0.0)
    return PaintedLine(cls, _r(line.x), _r(line.y), runs, line.article, _r(size), _r(h))


def _box(rect: Rect) -> dict[str, float]:
    return {"x": _r(rect.x), "y": _r(rect.y), "w": _r(rect.w), "h": _r(rect.h)}


def _pt(v: float) -> str:
    return f"{_r(v)}pt"


class _Classes:
    """Names for the values many lines of a page share (a column's x, a block's y, a feature set),
    so WeasyPrint parses each value once instead of in thousands of style attributes."""

    def __init__(self, prefix: str, css: str):
        self.prefix, self.css, self.names = prefix, css, {}

    def __call__(self, value) -> str:
        return self.names.setdefault(value, f"{self.prefix}{len(self.names)}")

    def rules(self) -> str:
        return "".join(f".{name}{{{self.css.format(value)}}}" for value, name in self.names.items())


LINE_SLACK = 0.01  # pt: lines this close to one pitch apart are consecutive (positions are rounded to 0.001)


def _line_markup(lines: list[PaintedLine], pitch: float) -> dict:
    """The markup of a page's lines: one absolutely placed block for each stack of consecutive lines
    of one class (a column of a module's body, a headline), its lines as preformatted text one pitch
    apart. A run is plain text where it follows on from the one before it in the same style (most lines
    are one run); else an inline span with its own spacing and features, moved to its x by a left margin
    from where the run before it ends. Shared values (a block's x and y, feature sets) are classes."""
    xs, ys = _Classes("x", "left:{}"), _Classes("y", "top:{}")
    features = _Classes("f", "font-feature-settings:{}")
    blocks: list[dict] = []
    previous: PaintedLine | None = None
    for line in lines:
        step = line.h or pitch  # a 简讯 label (two pitches) is never followed in its block: one per stack
        if not (previous and (previous.cls, previous.x, previous.size, previous.article)
                == (line.cls, line.x, line.size, line.article) and abs(line.y - previous.y - step) < LINE_SLACK):
            size = f"font-size:{_pt(line.size)};line-height:{_pt(line.h)}" if line.size else ""
            blocks.append({"cls": f"ln {line.cls} {xs(_pt(line.x))} {ys(_pt(line.y))}", "style": size,
                           "article": line.article, "lines": []})
        blocks[-1]["lines"].append(tuple(_run_style(run, line.runs[i - 1]["end"] if i else 0.0, features)
                                         for i, run in enumerate(line.runs)))
        previous = line
    return {"blocks": blocks, "line_css": xs.rules() + ys.rules() + features.rules()}


def _run_style(run: dict, start: float, features: _Classes) -> dict:
    """A run's classes and inline declarations, given where the text before it ends (start): plain text
    when it needs neither; its letter-spacing is its own (justification)."""
    cls = (features(run["features"]),) if run["features"] else ()
    gap = _r(run["x"] - start)
    style = ((f"letter-spacing:{_pt(run['letter_spacing'])}",) if run["letter_spacing"] else ()) + (
        (f"margin-left:{_pt(gap)}",) if gap else ())
    return {"cls": " ".join(cls), "style": ";".join(style), "text": run["text"]}


def _print_image(path: Path, profile: OutputProfile, w: float, h: float) -> str:
    """The photo converted for the press (grey or CMYK through the output profile) at its placed size."""
    return _converted(path, path.stat().st_mtime_ns, profile, w, h)


@cache
def _converted(path: Path, mtime_ns: int, profile: OutputProfile, w: float, h: float) -> str:
    # Keyed on the file's mtime too: a photo replaced between builds in one process is converted anew.
    return print_image(path, profile, w, h)


def _figure(figure: FigureFrame, profile: OutputProfile) -> dict:
    box = _box(figure.rect)
    return {"src": _print_image(figure.source, profile, box["w"], box["h"]), "alt": figure.alt, **box}


def _ad(ad: AdFrame, profile: OutputProfile) -> dict:
    """An ad at its rectangle, under a small 广告 label."""
    w, h = ad.fill_size
    return {"src": print_image(ad_image(ad.source), profile, _r(w), _r(h)), "alt": "广告", **_box(ad.image),
            "label": {"x": _r(ad.label_at[0]), "y": _r(ad.label_at[1]), "text": ad.label}}


def stylesheet(fmt: PageFormat) -> str:
    """The print stylesheet: the house's CSS with the format's sizes and each part's face (styles/house.toml
    [parts], the faces the composer measured with)."""
    # The families the composer measured with (fontconfig-resolved), so paint and metrics agree.
    roles = {role: resolve(role) for role in PRINT_ROLES}
    # A part sized from the 主题 gets its size on each line; the others here.
    faces = [{"selector": f".hl.{p.name}" if sized_by_headline(p) else f".{p.name}", "family": p.face.family,
              "weight": p.face.weight, "size": 0.0 if sized_by_headline(p) else _r(p.size(fmt.body_size))}
             for p in parts().values()]
    trim_w, trim_h = fmt.trim
    return _env().get_template("print.css.j2").render(
        trim_w=_r(trim_w), trim_h=_r(trim_h), pitch=fmt.line_pitch, body_size=fmt.body_size,
        type_width=_r(fmt.type_width), caption_size=_r(part("caption").size(fmt.body_size)), fonts=roles,
        parts=faces, label_lines=house()["briefs"]["label_lines"], masthead_size=FURNITURE.name_size(fmt),
        furniture=FURNITURE)


def _page(frame: PageFrame, profile: OutputProfile) -> dict:
    page = {"number": frame.number, "lines": [_line(line) for line in frame.lines],
            "figures": [_figure(f, profile) for f in frame.figures],
            "ads": [_ad(ad, profile) for ad in frame.ads], "rules": [_box(rule.rect) for rule in frame.rules]}
    page[frame.furniture.kind] = {**_box(frame.furniture.box), **dict(frame.furniture.fields)}
    return page


def paint(issue: Issue, frames: IssueFrames, fmt: PageFormat, profile: OutputProfile) -> list[str]:
    """One HTML document per page frame, in order; photos are converted for the press through the
    output profile. Each page renders on its own, so pages can render in parallel and be cached."""
    css = stylesheet(fmt)
    title = f"{issue.paper.name} {issue.info.date:%Y-%m-%d}"
    template = _env().get_template("templates/page.html.j2")
    pages = [_page(frame, profile) for frame in frames.pages]
    return [template.render(title=f"{title} 第{page['number']}版", css=css, page=page,
                            **_line_markup(page["lines"], fmt.line_pitch)) for page in pages]
