"""The EPUB cover: masthead, date, issue number and the front page's headlines as large type over the
cropped top of the printed front page.

A reading system shows the cover as a thumbnail in the library and full screen on opening: the front
page reduced to that size is unreadable, so the words that matter are set again here, large, in the
house faces, and the page itself only shows through behind them.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from layout.model import Issue
from layout.render.furniture import gregorian
from layout.text.fonts import resolve

WIDTH, HEIGHT = 1200, 1800  # px, 2:3 like a book cover; taller than the 1600 px stores ask for
MARGIN = 72
MASTHEAD_BAND = 380  # px from the top, on plain paper: the paper's name, the date and the issue number
FACTS_SIZE = 44
MASTHEAD_MAX = 190
LEAD_SIZE, LEAD_LINES = 100, 3
OTHER_SIZE, OTHER_LINES = 58, 2
OTHER_HEADLINES = 3  # after the 头条
LEADING = 1.25
PAGE_SHOW = 0.45  # how much of the front page shows through the paper colour behind the type
PANEL_ALPHA = 232  # the panel behind the headlines: nearly opaque, the type must read on any photo
INK = (20, 20, 20)
RED = (190, 20, 30)  # the masthead's red
PAPER = (255, 255, 255)
JPEG_QUALITY = 88
COVER_CACHE = 4
NO_LINE_START = set("，。、；：？！）》」』】〕…—·”’")
UNBREAKABLE = re.compile(r"[A-Za-z0-9.,%\-]+|.", re.S)


@dataclass(frozen=True)
class CoverText:
    """What the cover says, in the order it says it (also the image's alt text)."""

    masthead: str
    facts: str  # date and issue number
    headlines: tuple[str, ...]  # the 头条 first

    @property
    def alt(self) -> str:
        return "，".join((f"《{self.masthead}》封面", self.facts, *self.headlines))


def cover_text(issue: Issue, headlines: tuple[str, ...]) -> CoverText:
    info = issue.info
    return CoverText(issue.paper.name, f"{gregorian(info.date)}　第{info.number}期　总第{info.total}期",
                     headlines[:1 + OTHER_HEADLINES])


@lru_cache(maxsize=COVER_CACHE)
def cover_jpeg(text: CoverText, front_page_png: bytes) -> bytes:
    """The cover as JPEG bytes, the same for the same text and page (kept for rebuilds in one process)."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    with Image.open(io.BytesIO(front_page_png)) as page:
        page = page.convert("RGB")
        scale = WIDTH / page.width
        top = page.resize((WIDTH, round(page.height * scale)), Image.Resampling.LANCZOS)
    # The page from its top edge: the band over it hides the printed masthead, which the cover sets again.
    shown = canvas.copy()
    shown.paste(top.crop((0, 0, WIDTH, min(HEIGHT, top.height))), (0, 0))  # a short page ends on paper
    canvas = Image.blend(canvas, shown, PAGE_SHOW)
    draw = ImageDraw.Draw(canvas)
    _masthead(draw, text)
    _headlines(canvas, text.headlines)
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _font(role: str, size: int) -> ImageFont.FreeTypeFont:
    face = resolve(role)
    return ImageFont.truetype(face.path, size, index=face.index)


def _masthead(draw: ImageDraw.ImageDraw, text: CoverText) -> None:
    width = WIDTH - 2 * MARGIN
    size = min(MASTHEAD_MAX, width // max(1, len(text.masthead)))
    draw.rectangle((0, 0, WIDTH, MASTHEAD_BAND), fill=PAPER)
    draw.text((WIDTH / 2, MARGIN // 2), text.masthead, font=_font("masthead", size), fill=RED, anchor="mt")
    draw.text((WIDTH / 2, MASTHEAD_BAND - 36), text.facts, font=_font("headline", FACTS_SIZE), fill=INK, anchor="mb")
    draw.rectangle((MARGIN, MASTHEAD_BAND - 12, WIDTH - MARGIN, MASTHEAD_BAND - 6), fill=RED)


def _headlines(canvas: Image.Image, headlines: tuple[str, ...]) -> None:
    """The headlines on a light panel in the lower part of the cover, the 头条 largest."""
    width = WIDTH - 2 * MARGIN
    blocks = []
    for n, headline in enumerate(headlines):
        size, max_lines = (LEAD_SIZE, LEAD_LINES) if n == 0 else (OTHER_SIZE, OTHER_LINES)
        font = _font("headline", size)
        blocks.append((font, size, _wrap(headline, font, width, max_lines)))
    gap = OTHER_SIZE
    height = sum(round(size * LEADING) * len(lines) for _, size, lines in blocks) + gap * len(blocks)
    y = HEIGHT - MARGIN - height
    panel = Image.new("RGBA", (WIDTH, HEIGHT - y + gap), (*PAPER, PANEL_ALPHA))
    canvas.paste(panel, (0, y - gap), panel)
    draw = ImageDraw.Draw(canvas)
    for n, (font, size, lines) in enumerate(blocks):
        for line in lines:
            draw.text((MARGIN, y), line, font=font, fill=INK)
            y += round(size * LEADING)
        y += gap
        if n == 0 and len(blocks) > 1:
            draw.rectangle((MARGIN, y - gap * 0.6, MARGIN + width // 4, y - gap * 0.6 + 4), fill=RED)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Greedy lines of at most width px, broken between Han characters, never inside a Latin word or a
    number, never before a closing mark; '…' where text is left out."""
    lines: list[str] = []
    line = ""
    for unit in UNBREAKABLE.findall(text):
        if line and font.getlength(line + unit) > width and unit[0] not in NO_LINE_START:
            lines.append(line)
            line = ""
        line += unit
    lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last + "…"]
    return lines
