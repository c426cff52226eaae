"""The plan memo (issue 11, item 5) in process on the sample: a rebuild with nothing changed reads the plan
back, and it is exactly the plan made afresh; an edit, a new pin or a damaged entry plans again."""
from __future__ import annotations

from dataclasses import replace

import pytest

import layout.plan.plan_memo as plan_memo
import layout.plan.planner as planner
from benchmarks.make_issue import make_issue
from conftest import SAMPLE
from layout.model import Paragraph, Pin
from layout.plan.compose_cache import StoredFits
from layout.plan.fit import Fits
from layout.plan.grid import page_format
from layout.plan.planner import plan_issue
from layout.render.page_cache import PLAN_SUFFIX, PageCache
from layout.source.issue_folder import load_issue
from layout.source.plan_pins import load_pins
from layout.text.issue_text import normalise_issue


@pytest.fixture(scope="module")
def sample():
    issue, _ = normalise_issue(load_issue(SAMPLE))
    return issue, page_format(issue.format), load_pins(issue)


@pytest.fixture(scope="module")
def fresh(sample):
    issue, fmt, pins = sample
    return plan_issue(issue, Fits({a.id: a for a in issue.articles}, fmt), pins)


class _Counted:
    """plan_issue, counting the plans it makes."""

    def __init__(self):
        self.calls = 0

    def __call__(self, *args):
        self.calls += 1
        return plan_issue(*args)


def _build(folder, issue, fmt, pins, monkeypatch) -> tuple[object, int]:
    """A build's use of the cache (plan through it, then commit): the plan and how many plans were made."""
    counted = _Counted()
    monkeypatch.setattr(plan_memo, "plan_issue", counted)
    cache = PageCache(folder)
    plan = plan_memo.memo_plan(issue, StoredFits({a.id: a for a in issue.articles}, fmt, cache), pins, cache)
    cache.commit()
    return plan, counted.calls


def test_a_rebuild_with_nothing_changed_reads_the_plan_made_afresh(sample, fresh, tmp_path, monkeypatch):
    issue, fmt, pins = sample
    first, planned = _build(tmp_path, issue, fmt, pins, monkeypatch)
    assert planned == 1 and first == fresh
    again, planned = _build(tmp_path, issue, fmt, pins, monkeypatch)
    assert planned == 0  # read back, not planned
    assert again == fresh  # every page, module, rectangle, headline size, slot range and note
    assert [type(m.headline_size) for p in again.pages for m in p.modules] == \
           [type(m.headline_size) for p in fresh.pages for m in p.modules]  # 15 stays 15 in the HTML


def test_an_edit_or_a_pin_plans_again(sample, tmp_path, monkeypatch):
    issue, fmt, pins = sample
    _build(tmp_path, issue, fmt, pins, monkeypatch)
    article = issue.articles[2]
    first = next(i for i, b in enumerate(article.blocks) if isinstance(b, Paragraph))
    blocks = list(article.blocks)
    blocks[first] = replace(blocks[first], text=blocks[first].text + "记者从区有关部门获悉，这项工作将在年内全面推开。")
    edited = replace(issue, articles=tuple(replace(a, blocks=tuple(blocks)) if a.id == article.id else a
                                           for a in issue.articles))
    plan, planned = _build(tmp_path, edited, fmt, pins, monkeypatch)
    assert planned == 1
    assert plan == plan_issue(edited, Fits({a.id: a for a in edited.articles}, fmt), pins)
    pinned = {**pins, article.id: Pin(page=issue.pages[-1].number)}
    _, planned = _build(tmp_path, edited, fmt, pinned, monkeypatch)
    assert planned == 1


def test_a_damaged_entry_plans_again(sample, fresh, tmp_path, monkeypatch):
    issue, fmt, pins = sample
    _build(tmp_path, issue, fmt, pins, monkeypatch)
    key = plan_memo.plan_key(issue, Fits({a.id: a for a in issue.articles}, fmt), pins)
    entry = tmp_path / (key + PLAN_SUFFIX)
    entry.write_bytes(entry.read_bytes().replace(b"[", b"{", 3))
    plan, planned = _build(tmp_path, issue, fmt, pins, monkeypatch)
    assert planned == 1 and plan == fresh


def _edited(issue, article):
    first = next(i for i, b in enumerate(article.blocks) if isinstance(b, Paragraph))
    blocks = list(article.blocks)
    blocks[first] = replace(blocks[first], text=blocks[first].text + "记者从区有关部门获悉，这项工作将在年内全面推开。")
    return replace(issue, articles=tuple(replace(a, blocks=tuple(blocks)) if a.id == article.id else a
                                         for a in issue.articles))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The benchmark's 8-page issue of 40 articles (benchmarks/make_issue.py, a fixed seed)."""
    issue, _ = normalise_issue(load_issue(make_issue(tmp_path_factory.mktemp("generated"))))
    return issue, page_format(issue.format), load_pins(issue)


def test_an_edit_searches_again_only_the_pages_whose_inputs_changed(generated, tmp_path, monkeypatch):
    issue, fmt, pins = generated
    first, _ = _build(tmp_path, issue, fmt, pins, monkeypatch)
    _build(tmp_path, issue, fmt, pins, monkeypatch)  # read back: its pages must stay for the edit
    searched = []  # the page number of every search
    choose = planner._Planner.choose
    monkeypatch.setattr(planner._Planner, "choose", lambda self, *args, **kw: (searched.append(args[2]),
                                                                               choose(self, *args, **kw))[1])
    article = sorted(issue.articles, key=lambda a: a.id)[len(issue.articles) // 2]  # as bench_build.py edits
    page = next(p.number for p in first.pages for m in p.modules if m.article_id == article.id)
    edited = _edited(issue, article)
    plan, planned = _build(tmp_path, edited, fmt, pins, monkeypatch)
    assert planned == 1
    assert page in searched
    edit_searches, searched[:] = len(searched), []
    clean, _ = _build(tmp_path / "clean", edited, fmt, pins, monkeypatch)  # a clean build: every page searched
    assert plan == clean
    assert edit_searches < len(searched) / 2  # pages whose inputs did not change are read back
