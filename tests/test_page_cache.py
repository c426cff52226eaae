"""The page cache on its own, in process: where it lives, what makes a key, and that nothing it
cannot trust is ever used (the builds that use it are tested in test_print.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from layout.render.page_cache import CACHE_FOLDER, CachedPage, PageCache, cache_folder

PAGE = CachedPage(b"%PDF-1.6 page\n%%EOF\n", ("p.1: RGB fill 0 0 0 → CMYK 0 0 0 1",))


def test_in_the_output_folder_unless_xdg_cache_home_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_folder(tmp_path / "out", "XHB-20210122") == tmp_path / "out" / CACHE_FOLDER / "XHB-20210122"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder(tmp_path / "out", "XHB-20210122") == tmp_path / "xdg" / "layout" / "XHB-20210122"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid by the XDG spec: ignored
    assert cache_folder(tmp_path / "out", "XHB-20210122") == tmp_path / "out" / CACHE_FOLDER / "XHB-20210122"


def test_an_entry_comes_back_as_it_was_put(tmp_path):
    cache = PageCache(tmp_path)
    key = cache.key("salt", 1, "<p>第一版</p>")
    assert cache.get(key) is None
    cache.put(key, PAGE)
    assert cache.get(key) == PAGE
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]  # written through a rename


def test_the_key_follows_the_page_html_number_and_salt(tmp_path):
    keys = {PageCache.key(salt, n, html) for salt in ("a", "b") for n in (1, 2) for html in ("<p>甲</p>", "<p>乙</p>")}
    assert len(keys) == 8
    assert PageCache.key("a", 1, "<p>甲</p>") == PageCache.key("a", 1, "<p>甲</p>")


@pytest.mark.parametrize("damage", [
    lambda d: d[:-5],  # cut short
    lambda d: d.replace(b"page", b"pagf"),  # a byte changed in the PDF
    lambda d: d.replace(b"RGB", b"RGX"),  # or in the report
    lambda d: b"",  # empty
    lambda d: b"not a cache entry at all",
    lambda d: d.replace(b"cache 1", b"cache 9"),  # another format
])
def test_a_damaged_entry_is_ignored(tmp_path, damage):
    cache = PageCache(tmp_path)
    key = cache.key("salt", 1, "<p>第一版</p>")
    cache.put(key, PAGE)
    path = next(tmp_path.glob("*.page"))
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get(key) is None
    cache.put(key, PAGE)  # rendered again, it replaces the damaged entry
    assert cache.get(key) == PAGE


def test_commit_writes_what_was_rendered_and_removes_what_the_build_did_not_use(tmp_path):
    earlier = PageCache(tmp_path)
    kept, old, new = (PageCache.key("salt", 1, html) for html in ("kept", "old", "new"))
    for key in (kept, old):
        earlier.put(key, PAGE)
    (tmp_path / "notes.txt").write_text("not ours")
    build = PageCache(tmp_path)
    assert build.get(kept) == PAGE
    build.stage(new, PAGE)
    assert not (tmp_path / f"{new}.page").exists()  # nothing is written before the build's outputs are
    build.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{kept}.page", f"{new}.page", "notes.txt"])
    PageCache(tmp_path / "missing").commit()  # no folder yet: nothing to do


def test_the_salt_follows_the_profile_the_options_and_the_issue(tmp_path):
    """Everything besides the HTML that a page file's bytes depend on changes the keys."""
    from dataclasses import replace

    from layout.house import STYLES
    from layout.render.pdfx import resolve_profile
    from layout.render.print_pages import PrintSettings, cache_salt
    from test_pdfx import make_issue

    issue = make_issue(tmp_path)
    profile = resolve_profile(issue, STYLES)
    base = PrintSettings(issue, profile, (tmp_path,))
    variants = [base, replace(base, bleed_mm=3.0), replace(base, crop_marks=True),
                replace(base, profile=replace(profile, data=profile.data + b"\0")),
                replace(base, issue=replace(issue, info=replace(issue.info, number=2)))]
    assert len({cache_salt(s) for s in variants}) == len(variants)
    assert cache_salt(base) == cache_salt(PrintSettings(issue, profile, (tmp_path,)))


class _Killer:
    """Unpickled in a worker, it ends the process as the kernel's OOM killer would stop it."""

    def __reduce__(self):
        return os._exit, (1,)


def test_a_worker_that_dies_is_a_build_error_not_a_traceback(tmp_path):
    from layout.errors import BuildError
    from layout.render import print_pages

    settings = print_pages.PrintSettings(_Killer(), None, (tmp_path,))  # each job carries its settings
    with pytest.raises(BuildError, match="stopped unexpectedly .* try --jobs 1"):
        print_pages.print_pages([(1, "<p>一</p>"), (2, "<p>二</p>")], settings, jobs=2)


def test_page_images_come_back_as_they_were_staged(tmp_path):
    from layout.render.preview import ImageSpec, PageImage

    images = (PageImage(2, 3, b"RIFF small", "image/webp", "webp"), PageImage(4, 6, b"RIFF large", "image/webp", "webp"))
    spec = ImageSpec((2, 4), 80)
    key = PageCache.images_key(PAGE.pdf, spec)
    assert key != PageCache.images_key(PAGE.pdf, ImageSpec((2, 4), 70))  # another encoding, another entry
    assert key != PageCache.images_key(PAGE.pdf + b" ", spec)  # another page file too
    build = PageCache(tmp_path)
    assert build.get_images(key) is None
    build.stage_images(key, images)
    build.commit()
    again = PageCache(tmp_path)
    assert again.get_images(key) == images
    path = next(tmp_path.glob("*.images"))
    path.write_bytes(path.read_bytes().replace(b"large", b"largE"))
    assert again.get_images(key) is None  # damaged: rendered again
    again.commit()  # the next build used it (it asked): the entry stays for it to replace
    assert path.exists()
    PageCache(tmp_path).commit()
    assert not path.exists()  # a build that did not use it removes it


def test_made_bytes_keep_the_entries_they_were_made_of(tmp_path):
    """An output taken from the cache (an EPUB) keeps the entries it was made of (its font subsets) in
    the cache, so the next build that has to make it again finds them."""
    build = PageCache(tmp_path)
    subset_key, book_key = build.bytes_key("subset"), build.bytes_key("epub")
    made = []
    book = build.made(book_key, lambda: made.append(1) or b"book of " + build.made(subset_key, lambda: b"subset"))
    assert book == b"book of subset" and made == [1]
    build.commit()
    again = PageCache(tmp_path)
    assert again.made(book_key, lambda: made.append(2) or b"") == b"book of subset" and made == [1]
    again.commit()
    assert len(list(tmp_path.glob("*.bytes"))) == 2  # the subset stayed, though this build did not read it
    assert PageCache(tmp_path).made(subset_key, lambda: b"") == b"subset"


def test_made_files_come_back_whole_or_are_made_again(tmp_path):
    site = {"index.html": "<p>第1版</p>".encode(), "images/page-01-900.webp": b"RIFF", "empty.txt": b""}
    build = PageCache(tmp_path)
    key = build.bytes_key("digital edition")
    assert build.made_files(key, lambda: site) == site
    build.commit()
    assert PageCache(tmp_path).made_files(key, dict) == site  # read back: nothing made
    path = next(tmp_path.glob("*.bytes"))
    path.write_bytes(path.read_bytes()[:-3])  # cut short
    assert PageCache(tmp_path).made_files(key, lambda: {"made": b"again"}) == {"made": b"again"}
