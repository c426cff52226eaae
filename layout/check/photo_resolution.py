"""Photo resolution at build time: the effective ppi of every printed photo at its placed size.

A photo enlarged on the page prints soft: newspaper presses want 170–200 ppi or better. The build
knows what preflight of the PDF cannot: which file and which article each photo is, so it names
them, warns under the house's min_ppi and refuses under refuse_ppi unless the article says
`lowres_ok: true` (styles/house.toml [print]).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from layout.check.lint import Finding
from layout.errors import InputError
from layout.house import MM
from layout.messages import t
from layout.model import Article, Figure, Issue, Plan
from layout.plan.grid import PageFormat

POINTS_PER_INCH = 72


def shown_ppi(ppi: float) -> int:
    """A resolution as a whole number that never reaches a limit it is under: 199.6 is said as 199, not as
    the 200 the press asks for."""
    return math.floor(ppi)


@dataclass(frozen=True)
class PlacedPhoto:
    article: Article
    figure: Figure
    file: str  # as the editor names it: relative to the issue folder
    page: int
    width_pt: float
    height_pt: float

    @property
    def ppi(self) -> float:
        """Pixels per inch on the page: the box is filled as object-fit: cover fills it, so the side that
        decides the scale decides the resolution."""
        w, h = self.figure.size
        scale = max(self.width_pt / w, self.height_pt / h)  # pt per pixel
        return POINTS_PER_INCH / scale

    def describe(self, limit: float) -> str:
        return t("photo {file} in 《{headline}》 (第{page}版): {ppi} ppi at its printed size of {width} × {height} mm; "
                 "print needs {limit} ppi", file=self.file,
                 headline=self.article.headline, page=self.page, ppi=shown_ppi(self.ppi),
                 width=round(self.width_pt / MM), height=round(self.height_pt / MM), limit=round(limit))


def placed_photos(issue: Issue, plan: Plan, fmt: PageFormat) -> list[PlacedPhoto]:
    """Every printed photo with the box it fills: its columns and the lines given to it (as painted, less
    the hairline the painter leaves under it, which does not change the resolution by a ppi)."""
    articles = {a.id: a for a in issue.articles}
    root = issue.root.resolve()
    placed = []
    for page in plan.pages:
        for module in page.modules:
            article = articles[module.article_id]
            for box in module.photos:
                figure = article.figures[box.figure]
                placed.append(PlacedPhoto(article, figure, figure.file.relative_to(root).as_posix(), page.number,
                                          fmt.span_width(box.span), box.lines * fmt.line_pitch))
    return placed


def photo_findings(photos: list[PlacedPhoto], limits: dict) -> list[Finding]:
    """A note (low-ppi) for each photo under limits["min_ppi"]; InputError, naming the file and the
    article, for the first photo under limits["refuse_ppi"] whose article does not say lowres_ok."""
    for photo in photos:
        if photo.ppi < limits["refuse_ppi"] and not photo.article.lowres_ok:
            raise InputError(photo.describe(limits["refuse_ppi"]) + t(
                "; give a larger photo, print it smaller, or set lowres_ok: true"), photo.article.path)
    return [Finding("low-ppi", photo.describe(limits["min_ppi"]), article=photo.article.id, page=photo.page)
            for photo in photos if photo.ppi < limits["min_ppi"]]
