"""The printed wording of an article's parts that the editor gives as data: the dateline opening
the first paragraph, where the byline goes, the photo credit and the closing line. Print and
EPUB both set these words from here, so the two editions say the same thing."""
from __future__ import annotations

from dataclasses import dataclass

from layout.model import Article


def credit_text(credit: str) -> str:
    """A photo credit as printed: 图/X, unless the editor wrote the form (记者 X 摄, 图/X, 资料图片)."""
    if not credit or "摄" in credit or "图" in credit:
        return credit
    return f"图/{credit}"


@dataclass(frozen=True)
class ArticleParts:
    top_byline: str  # under the headline, after ■
    opening: str  # opens the first paragraph: 本报讯（记者 X） or 本报讯 + an ideographic space
    closing: str  # after the body: an end byline and an imported photo's caption and credit


def article_parts(article: Article) -> ArticleParts:
    top = article.byline if article.byline_position == "top" else ""
    opening = article.dateline
    if article.byline_position == "dateline" and article.byline:
        if article.dateline:
            opening = f"{article.dateline}（{article.byline}）"
        else:  # nothing to hang it on: a byline line instead
            top = article.byline
    if opening and not opening.endswith("）"):
        opening += "\u3000"
    closing = [article.byline] if article.byline and article.byline_position == "end" else []
    if not article.figures:  # an imported photo with no image file yet: its words are kept
        closing += [part for part in (article.photo_caption, credit_text(article.photo_credit)) if part]
    return ArticleParts(top, opening, "\u3000".join(closing))
