"""Page formats and the line grid (G1–G3).

A format preset from styles/formats.toml fixes everything else: module widths are whole
characters (G1), the type area is columns × characters + gutters wide (G3) and a whole
number of line pitches high (G2). All geometry is in points from the trim's top-left.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from layout.house import MM, STYLES
from pathlib import Path



@dataclass(frozen=True)
class PageFormat:
    key: str
    name: str  # 四开, 对开
    trim_mm: tuple[float, float]
    columns: int
    chars_per_column: int
    gutter_chars: int
    body_size: float  # pt
    line_pitch: float  # pt
    lines: int  # body lines in the type area
    margin_top_mm: float
    masthead_lines: int
    header_lines: int

    @property
    def trim(self) -> tuple[float, float]:
        return self.trim_mm[0] * MM, self.trim_mm[1] * MM

    def span_chars(self, span: int) -> int:
        """Width of an n-column module in body characters (G1)."""
        return span * self.chars_per_column + (span - 1) * self.gutter_chars

    def span_width(self, span: int) -> float:
        return self.span_chars(span) * self.body_size

    @property
    def type_width(self) -> float:
        return self.span_width(self.columns)

    @property
    def origin(self) -> tuple[float, float]:
        """Top-left of the type area: centred across, a set margin from the top."""
        return (self.trim[0] - self.type_width) / 2, self.margin_top_mm * MM

    def column_x(self, column: int) -> float:
        """Left edge of a column, from the trim's left edge."""
        return self.origin[0] + column * (self.chars_per_column + self.gutter_chars) * self.body_size

    def line_y(self, line: int) -> float:
        return self.origin[1] + line * self.line_pitch

    def reserved_lines(self, page: int) -> int:
        """Lines at the top of the type area taken by 报头 (page 1) or 报眉 (other pages)."""
        return self.masthead_lines if page == 1 else self.header_lines


@cache
def _presets() -> dict[str, dict]:
    with open(STYLES / "formats.toml", "rb") as f:
        return tomllib.load(f)


def preset_names() -> tuple[str, ...]:
    return tuple(_presets())


def page_format(key: str) -> PageFormat:
    raw = dict(_presets()[key])
    raw["trim_mm"] = tuple(raw["trim_mm"])
    return PageFormat(key=key, **{k.removesuffix("_pt"): v for k, v in raw.items()})
