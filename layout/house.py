"""Where the house style lives, and reading it: styles/ (formats, sizes, costs, CSS, templates)
and fonts/ (which face fills which role). A paper restyles itself there without touching Python."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "styles"
FONTS = ROOT / "fonts"
MM = 72 / 25.4  # points per millimetre


@cache
def house() -> dict:
    """styles/house.toml: sizes, spacing, planner costs and print limits."""
    with open(STYLES / "house.toml", "rb") as f:
        return tomllib.load(f)
