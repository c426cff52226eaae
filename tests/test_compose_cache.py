"""The compose cache (issue 11, item 5) in process on the sample: what it reads back is exactly what the
composer gives afresh, an edited article is composed again and only it, and a damaged entry is ignored."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from conftest import SAMPLE
from layout.model import Paragraph
from layout.plan.compose_cache import StoredFits
from layout.plan.fit import Fits
from layout.plan.grid import page_format
from layout.plan.planner import plan_issue
from layout.render.page_cache import COMPOSED_SUFFIX, PageCache
from layout.source.issue_folder import load_issue
from layout.source.plan_pins import load_pins
from layout.text.issue_text import normalise_issue


@pytest.fixture(scope="module")
def sample():
    issue, _ = normalise_issue(load_issue(SAMPLE))
    return issue, page_format(issue.format), load_pins(issue)


def _planned_into(folder, issue, fmt, pins) -> StoredFits:
    """A build's use of the cache: plan through it, then commit."""
    cache = PageCache(folder)
    fits = StoredFits({a.id: a for a in issue.articles}, fmt, cache)
    plan_issue(issue, fits, pins)
    cache.commit()
    return fits


def _fresh(issue, fmt, like: Fits) -> Fits:
    """A plain Fits asked for everything `like` holds, composed now."""
    fresh = Fits({a.id: a for a in issue.articles}, fmt)
    for aid in like.articles:
        held = like.composed(aid)
        if held.body is not None:
            fresh.body(aid)
        for span, cap, continuation in held.shapes:
            fresh.shape(aid, span, cap, continuation)
        for figure, span in held.captions:
            fresh.caption(aid, figure, span)
    return fresh


def test_read_back_is_what_composing_afresh_gives(sample, tmp_path):
    issue, fmt, pins = sample
    first = _planned_into(tmp_path, issue, fmt, pins)
    again = StoredFits({a.id: a for a in issue.articles}, fmt, PageCache(tmp_path))
    assert again.loaded == {aid: first.composed(aid).count for aid in first.articles}  # every article read back
    fresh = _fresh(issue, fmt, again)
    for aid in issue.articles:
        aid = aid.id
        read, composed = again.composed(aid), fresh.composed(aid)
        assert read.body == composed.body, aid  # the same lines, runs, positions and widths
        assert read.shapes == composed.shapes, aid
        assert read.captions == composed.captions, aid
        assert [type(s.headline_size) for s in read.shapes.values()] == \
               [type(s.headline_size) for s in composed.shapes.values()]  # 15 stays 15, not 15.0, in the HTML


def test_an_edited_article_alone_is_composed_again(sample, tmp_path):
    issue, fmt, pins = sample
    _planned_into(tmp_path, issue, fmt, pins)
    edited_id = issue.articles[2].id
    article = issue.articles[2]
    first = next(i for i, b in enumerate(article.blocks) if isinstance(b, Paragraph))
    blocks = list(article.blocks)
    blocks[first] = replace(blocks[first], text=blocks[first].text + "记者从区有关部门获悉，这项工作将在年内全面推开。")
    edited = replace(issue, articles=tuple(replace(a, blocks=tuple(blocks)) if a.id == edited_id else a
                                           for a in issue.articles))
    fits = StoredFits({a.id: a for a in edited.articles}, fmt, PageCache(tmp_path))
    assert set(fits.loaded) == {a.id for a in issue.articles} - {edited_id}
    assert fits.body(edited_id) == Fits({edited_id: edited.article(edited_id)}, fmt).body(edited_id)


def test_a_damaged_entry_is_composed_again(sample, tmp_path):
    issue, fmt, pins = sample
    _planned_into(tmp_path, issue, fmt, pins)
    entries = sorted(tmp_path.glob(f"*{COMPOSED_SUFFIX}"))
    assert len(entries) == len(issue.articles)
    entries[0].write_bytes(entries[0].read_bytes().replace(b"]", b"}", 1))
    fits = StoredFits({a.id: a for a in issue.articles}, fmt, PageCache(tmp_path))
    assert len(fits.loaded) == len(issue.articles) - 1
