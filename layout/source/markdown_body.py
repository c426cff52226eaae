"""Markdown article bodies → blocks (Paragraph, Subhead, EditorsNote, Verse).

A newspaper article has a small vocabulary: paragraphs, `##` subheads, one editor's note
written as a blockquote, and verse: a paragraph whose lines end in a hard break (a trailing
backslash or two spaces) or a fenced block marked `verse`, set line by line. Other structure (lists, tables, code, rules, `#` and `###`…
headings) is refused with the line it stands on, rather than silently flattened. Images,
links and raw HTML are kept as literal text and never interpreted: markdown-it runs with
html disabled, so `<b>` stays the four characters `<b>`.
"""
from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from layout.errors import InputError
from layout.messages import t
from layout.model import Block, EditorsNote, Paragraph, Subhead, Verse

# The commonmark preset has no table rule: without it a pipe table reads as one run-together
# paragraph, so it is enabled only to be refused.
_md = MarkdownIt("commonmark", {"html": False}).enable("table").disable(
    ["image", "link", "autolink", "html_inline", "html_block"])  # kept as literal text, never lost
_LATIN_END = re.compile(r"[A-Za-z0-9.,;:!?%)]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")


VERSE_FENCE = "verse"


def _verse_lines(token: Token) -> list[str]:
    """The lines of an inline token split at its hard breaks; [] when it has none (prose)."""
    children = token.children or []
    if not any(child.type == "hardbreak" for child in children):
        return []
    lines, start = [], 0
    for i, child in enumerate([*children, Token("hardbreak", "", 0)]):
        if child.type == "hardbreak":
            lines.append(_inline_text(Token("inline", "", 0, children=children[start:i])))
            start = i + 1
    return lines


def _inline_text(token: Token) -> str:
    """Plain text of an inline token; a soft line break joins Chinese without a space."""
    out: list[str] = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            out.append("\n")  # resolved below once the next text is known
        elif child.type in ("text", "code_inline"):
            out.append(child.content)
        # em/strong open/close tokens carry no text: their content arrives as text tokens.
    text = ""
    for i, piece in enumerate(out):
        if piece == "\n":
            nxt = out[i + 1] if i + 1 < len(out) else ""
            text += " " if _LATIN_END.search(text) and _LATIN_START.search(nxt) else ""
        else:
            text += piece
    return text.strip()


# Called when a message is made, so that it is in the language of the moment.
_UNSUPPORTED = {
    "bullet_list_open": lambda: t("a list is not part of an article body; use paragraphs, ## subheads and a "
                                  "> 编者按 blockquote"),
    "ordered_list_open": lambda: t("a numbered list is not part of an article body; use paragraphs, ## subheads "
                                   "and a > 编者按 blockquote"),
    "fence": lambda: t("a code block is not part of an article body (a poem goes in a ```verse block); use "
                       "paragraphs, ## subheads and a > 编者按 blockquote"),
    "code_block": lambda: t("an indented code block is not part of an article body: remove the leading spaces"),
    "hr": lambda: t("a horizontal rule is not part of an article body; use paragraphs, ## subheads and a > 编者按 "
                    "blockquote"),
    "table_open": lambda: t("a table is not part of an article body; use paragraphs, ## subheads and a > 编者按 "
                            "blockquote"),
}


def parse_body(markdown: str, path: Path, first_line: int) -> tuple[Block, ...]:
    """Parse an article body that starts at line first_line of path."""
    blocks: list[Block] = []
    tokens = _md.parse(markdown)
    in_quote = 0
    for i, tok in enumerate(tokens):
        line = first_line + (tok.map[0] if tok.map else 0)
        if tok.type == "fence" and tok.info.strip() == VERSE_FENCE:
            lines = [text.strip() for text in tok.content.strip("\n").split("\n")]
            if any(lines):
                blocks.append(Verse(tuple(lines), line + 1))
            continue
        if tok.type in _UNSUPPORTED:
            raise InputError(_UNSUPPORTED[tok.type](), path, line)
        if tok.type == "blockquote_open":
            in_quote += 1
        elif tok.type == "blockquote_close":
            in_quote -= 1
        elif tok.type == "heading_open":
            if tok.tag == "h1":
                raise InputError(t("a # heading is not allowed in the body; the headline goes in the "
                                   "front matter as 'headline', subheads are ##"), path, line)
            if tok.tag != "h2":
                level = int(tok.tag[1])
                raise InputError(t("a {marks} heading (level {level}) is not allowed in the body; use ## for a subhead",
                                   marks="#" * level, level=level), path, line)
            blocks.append(Subhead(_inline_text(tokens[i + 1]), line))
        elif tok.type == "paragraph_open":
            lines = [] if in_quote else _verse_lines(tokens[i + 1])
            text = _inline_text(tokens[i + 1])
            if lines:
                blocks.append(Verse(tuple(lines), line))
            elif text:
                blocks.append(EditorsNote(text, line) if in_quote else Paragraph(text, line))
    return tuple(blocks)
