"""Reading a built PDF back the way a reader sees it: the characters inside each module's
rectangle (from layout.json), column by column, line by line."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pdfplumber

MM = 72 / 25.4
COLUMN_SLACK = 1.0  # pt: a mark hung half an em left (P5) is centred on its column's edge


def load_layout(out: Path) -> dict:
    return json.loads((out / "layout.json").read_text(encoding="utf-8"))


def module_chars(page, module: dict) -> list[dict]:
    """Characters whose centre lies in the module's rectangle."""
    r = module["mm"]
    x0, y0, x1, y1 = r["x"] * MM, r["y"] * MM, (r["x"] + r["width"]) * MM, (r["y"] + r["height"]) * MM
    return [c for c in page.chars
            if x0 - 0.5 <= (c["x0"] + c["x1"]) / 2 <= x1 + 0.5 and y0 - 0.5 <= (c["top"] + c["bottom"]) / 2 <= y1 + 0.5]


def reading_text(chars: list[dict], module: dict, layout: dict, body_only: bool = False) -> str:
    """Text in reading order: the lines above each column's body (headline group, photo captions) top to
    bottom, then the body column by column, each top to bottom."""
    grid = layout["grid"]
    size, line_pitch = grid["body_size_pt"], grid["line_pitch_pt"]
    column_pitch = (grid["chars_per_column"] + 1) * size
    left, top = module["mm"]["x"] * MM, module["mm"]["y"] * MM
    tops = module["body_tops"]  # each column's body starts under what stands above it (a photo beside the headline)
    keyed = []
    # Within a line, content-stream order is the reading order (as a PDF viewer copies text):
    # x0 alone is ambiguous where a compressed mark pair overlaps its blank halves (P3).
    for n, c in enumerate(chars):
        middle = (c["top"] + c["bottom"]) / 2
        column = max(0, int(((c["x0"] + c["x1"]) / 2 - left + COLUMN_SLACK) // column_pitch))  # P5 hangs a blank half-em left
        body_top = top + tops[min(column, len(tops) - 1)] * line_pitch
        if middle < body_top:
            if not body_only:
                keyed.append(((0, round(c["top"]), n), c["text"]))
        else:
            row = int((middle - body_top) // line_pitch)
            keyed.append(((1 + column, row, n), c["text"]))
    return "".join(t for _, t in sorted(keyed))


def article_texts(pdf_path: Path, layout: dict) -> dict[str, str]:
    """article id → its text in reading order over all its parts."""
    texts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with pdfplumber.open(pdf_path) as pdf:
        for page_info in layout["pages"]:
            page = pdf.pages[page_info["number"] - 1]
            for m in page_info["modules"]:
                texts[m["article"]].append((m["part"], reading_text(module_chars(page, m), m, layout)))
    return {aid: "".join(t for _, t in sorted(parts)) for aid, parts in texts.items()}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
