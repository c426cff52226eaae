"""What a literary piece is (副刊: essays, poems, reviews): one definition, read by is_brief
(layout/plan/leaves.py): a literary piece keeps its own headline and module, never a 简讯 item.

A paper names its 副刊 as it likes (崇明报's is 瀛洲), and a piece may stand on it by its page
number alone, without `section:`. So a piece is literary by what it is as much as by where it
stands: its `section:` is one of `[briefs] literary_sections`, or it holds verse, or its byline
signs an author rather than a reporter (文/郁东升, 倪晓岚: no 记者, 通讯员 … and no 本报讯).
"""
from __future__ import annotations

from layout.house import house
from layout.model import Article, Verse
from layout.text.segment import REPORTER_ROLES, byline_names

__all__ = ["is_literary"]


def is_literary(article: Article) -> bool:
    """Whether the article is a literary piece: of a literary section, in verse, or signed by its author."""
    return (article.section in house()["briefs"]["literary_sections"]
            or any(isinstance(block, Verse) for block in article.blocks)
            or _signed_by_author(article))


def _signed_by_author(article: Article) -> bool:
    names = byline_names(article.byline)
    return bool(names) and article.byline_position != "dateline" and not article.dateline \
        and not any(role in REPORTER_ROLES for role, _ in names)
