"""The digital edition (issue 15), read as a reader's browser reads it: Debian's Chromium through
Playwright opens web/ of the sample and of a 4-page issue with two jumps and a photo. Every 版 has
its page image, every module of layout.json a link zone over its rectangle, every article a page
with its headline and whole text; nothing is fetched from outside the folder, nothing scrolls
sideways on a phone; the W3C Nu Html Checker and axe-core find nothing; rebuilds give the same bytes."""
from __future__ import annotations

import functools
import http.server
import io
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml
from PIL import Image

from conftest import ARTICLE, ROOT, SAMPLE, built, run_layout, shared_folder, write_issue
from layout.build import plan_only
from layout.model import EditorsNote, Paragraph, Subhead

playwright = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
ZONE_TOLERANCE = 0.01  # of the image's width or height
SERIOUS = {"serious", "critical"}
DENSE = ROOT / "tests" / "corpus" / "xuhui-2026-12-11"
SECTIONS = {3: "社区", 4: "文化"}
PHOTO = {"caption": "蓝色的测试照片。", "credit": "记者 某某 摄", "alt": "一张蓝色的测试照片"}


def four_page_issue(root: Path) -> Path:
    """The sample on pages 1–2, and on pages 3–4 six more of its articles under new headlines, one
    with a photo: the planner jumps one of them from 第3版 to 第4版."""
    shutil.copytree(SAMPLE, root)
    toml = (root / "issue.toml").read_text("utf-8")
    toml = toml.replace("date = 2021-01-22", "date = 2021-01-29").replace("number = 3", "number = 4")
    toml += "".join(f'\n[[pages]]\nnumber = {n}\nsection = "{s}"\n' for n, s in SECTIONS.items())
    (root / "issue.toml").write_text(toml, "utf-8")
    photo = io.BytesIO()
    Image.new("RGB", (1200, 800), (40, 90, 160)).save(photo, "JPEG")
    (root / "images" / "photo.jpg").write_bytes(photo.getvalue())
    sources = sorted((SAMPLE / "articles").glob("*.md"))
    for page, picks in {3: (0, 1, 2), 4: (3, 4, 1)}.items():
        for k, i in enumerate(picks):
            _, front_text, body = sources[i].read_text("utf-8").split("---\n", 2)
            front = yaml.safe_load(front_text)
            front.update(headline=f"第{page}版稿件{k + 1}：{front['headline']}", page=page)
            if (page, k) == (3, 0):
                front["images"] = [{"file": "images/photo.jpg", **PHOTO}]
            text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body
            (root / "articles" / f"{page}{k}-{sources[i].stem[3:]}.md").write_text(text, "utf-8")
    return root


def _four_built_twice(base: Path) -> None:
    issue = four_page_issue(base / "issue")
    for out in (base / "out-1", base / "out-2"):
        built(issue)(out)


@pytest.fixture(scope="module")
def four_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The 4-page issue built twice, into two folders."""
    base = shared_folder(tmp_path_factory, "web-four", _four_built_twice)
    return base / "out-1", base / "out-2"


@pytest.fixture(scope="module")
def dense_build(tmp_path_factory) -> Path:
    """A dense corpus issue whose front page jumps two articles to 第2版."""
    return shared_folder(tmp_path_factory, "web-dense", built(DENSE, "--no-fonts"))


@pytest.fixture(scope="module")
def builds(sample_build, four_builds, dense_build) -> dict[str, Path]:
    return {"sample": sample_build, "four": four_builds[0], "dense": dense_build}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served(builds):
    """Each build output folder over HTTP on loopback: the edition is at /web/, so a request for
    anything else (the PDFs beside it, another host) is outside the edition's folder."""
    servers, urls = [], {}
    for name, out in builds.items():
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}/web/"
    yield urls
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def visit(browser):
    """A fresh browser page at a viewport, recording every URL it requests."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        return page

    yield open_page
    for context in contexts:
        context.close()


def report(out: Path) -> dict:
    return json.loads((out / "layout.json").read_text("utf-8"))


def page_hrefs(page) -> list[str]:
    """The 版 list of the page open in the browser, as absolute URLs."""
    return page.eval_on_selector_all("nav.pages a", "links => links.map(a => a.href)")


def article_hrefs(page) -> list[str]:
    return page.eval_on_selector_all(".contents a", "links => links.map(a => a.href)")


def every_page_of(page, start: str) -> list[str]:
    """Every HTML page of the edition a reader can reach from start: the 版 views, then the articles."""
    page.goto(start)
    views = page_hrefs(page)
    articles = []
    for url in views:
        page.goto(url)
        articles += [a for a in article_hrefs(page) if a not in articles]
    return views + articles


def geometry(page) -> dict:
    """The page image's box and each zone's box, link and name, in CSS pixels."""
    return page.evaluate("""() => {
        const img = document.querySelector('.sheet img');
        const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
        return {img: box(img), natural: img.naturalWidth, current: img.currentSrc,
                zones: [...document.querySelectorAll('.sheet a.zone')].map(a => ({...box(a), href: a.href,
                        label: a.getAttribute('aria-label')}))};
    }""")


@pytest.mark.parametrize("name", ["sample", "four"])
def test_every_page_has_its_image_in_two_widths(served, builds, visit, name):
    page = visit()
    page.goto(served[name] + "index.html")
    pages = report(builds[name])["pages"]
    views = page_hrefs(page)
    assert len(views) == len(pages)
    labels = page.eval_on_selector_all("nav.pages a", "links => links.map(a => a.textContent)")
    assert labels == [f"第{p['number']}版　{p['section']}" for p in pages]  # the 版 list names the sections
    for url, spec in zip(views, pages):
        page.goto(url)
        assert page.locator("main h1").inner_text().split() == [f"第{spec['number']}版", spec["section"]]
        image = geometry(page)
        assert image["natural"] > 0, f"第{spec['number']}版: the page image did not load"
        srcset = page.get_attribute(".sheet img", "srcset")
        widths = sorted(int(w) for w in re.findall(r" (\d+)w", srcset))
        assert len(widths) == 2 and widths[1] >= 2 * widths[0] - 1, srcset
        for href in re.findall(r"(\S+) \d+w", srcset):  # both widths are there and are images
            response = page.request.get(served[name] + href)
            assert response.ok and response.headers["content-type"] == "image/webp"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", ["sample", "four"])
def test_every_module_has_a_zone_over_its_rectangle(served, builds, visit, name, viewport):
    data = report(builds[name])
    trim_w, trim_h = data["grid"]["trim_mm"]
    headlines = {a["id"]: a["headline"] for a in data["articles"]}
    page = visit(viewport)
    page.goto(served[name] + "index.html")
    for url, spec in zip(page_hrefs(page), data["pages"]):
        page.goto(url)
        g = geometry(page)
        img, zones = g["img"], g["zones"]
        assert img["w"] <= viewport["width"]
        assert len(zones) == len(spec["modules"]), f"第{spec['number']}版"
        for module in spec["modules"]:
            mm = module["mm"]
            want = (img["x"] + mm["x"] / trim_w * img["w"], img["y"] + mm["y"] / trim_h * img["h"],
                    mm["width"] / trim_w * img["w"], mm["height"] / trim_h * img["h"])
            near = [z for z in zones if all(abs(a - b) <= ZONE_TOLERANCE * size for a, b, size in
                                            zip((z["x"], z["y"], z["w"], z["h"]), want,
                                                (img["w"], img["h"], img["w"], img["h"])))]
            assert len(near) == 1, f"第{spec['number']}版 {module['article']}: no zone within 1% of {mm}"
            zone = near[0]
            assert headlines[module["article"]] in zone["label"]  # the zone names its article
            page.goto(zone["href"])
            assert page.locator("article h1").inner_text() == headlines[module["article"]]
            page.go_back()


def _block_texts(article) -> list[str]:
    return [b.text for b in article.blocks if isinstance(b, (Paragraph, Subhead, EditorsNote))]


@pytest.mark.parametrize("name", ["sample", "four"])
def test_every_article_has_a_page_with_its_headline_and_whole_text(served, builds, visit, name, tmp_path):
    data = report(builds[name])
    issue_dir = SAMPLE if name == "sample" else builds[name].parent / "issue"
    issue = plan_only(issue_dir).issue  # the normalised text, as printed
    page = visit()
    page.goto(served[name] + "index.html")
    found = {}
    for url in every_page_of(page, served[name] + "index.html"):
        page.goto(url)
        if page.locator("article").count():
            found[page.locator("article h1").inner_text()] = url
    assert sorted(found) == sorted(a["headline"] for a in data["articles"])
    for entry in data["articles"]:
        page.goto(found[entry["headline"]])
        blocks = page.eval_on_selector_all(".text > p, .text > h2, .text > .editors-note > p",
                                           "els => els.map(e => e.textContent)")
        # Characters in = characters out: as many as print set in its body lines (layout.json)…
        assert sum(len(b) for b in blocks) == entry["chars"], entry["id"]
        # …and every block of the source whole and in order (a dateline or label may open it).
        source = _block_texts(issue.article(entry["id"]))
        assert len(blocks) >= len(source)
        for shown, text in zip(blocks, source):
            assert shown.endswith(text), (entry["id"], text[:20])


def test_jumped_article_is_whole_with_its_print_pages(served, builds, visit):
    """Each article the planner jumps: its page says where print set it, and both 版 views link it."""
    name = "dense"
    data = report(builds[name])
    jumped = [a for a in data["articles"] if len(a["parts"]) == 2]
    assert jumped, "the dense issue jumps an article"
    article, pages = jumped[0]["id"], tuple(p["page"] for p in jumped[0]["parts"])
    page = visit()
    page.goto(served[name] + f"a-{article}.html")
    note = page.locator(".printed")
    assert note.inner_text() == f"刊于印刷版第{pages[0]}版，下转第{pages[1]}版"
    targets = note.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert targets == ["index.html" if n == 1 else f"page-{n:02d}.html" for n in pages]
    # Both 版 views link the article: the first part and the continuation (上接).
    labels = []
    for target in targets:
        page.goto(served[name] + target)
        labels += page.eval_on_selector_all(f'a.zone[href="a-{article}.html"]', "z => z.map(a => a.ariaLabel)")
    assert len(labels) == 2 and labels[1].endswith(f"（上接第{pages[0]}版）")


def test_photo_with_caption_credit_and_alt(served, visit):
    page = visit()
    page.goto(served["four"] + "a-30-caijingwei.html")
    figure = page.locator("article figure")
    assert figure.locator("img").get_attribute("alt") == PHOTO["alt"]
    assert figure.locator("img").evaluate("img => img.naturalWidth") > 0
    assert figure.locator("figcaption").inner_text() == f"{PHOTO['caption']}　{PHOTO['credit']}"


@pytest.mark.parametrize("name", ["sample", "four"])
def test_next_article_links_read_every_article_once(served, builds, visit, name):
    page = visit()
    page.goto(served[name] + "index.html")
    page.goto(article_hrefs(page)[0])
    seen = [page.url]
    while page.locator('.turn a[rel="next"]').count():
        page.locator('.turn a[rel="next"]').click()
        assert page.locator('.turn a[rel="prev"]').get_attribute("href") == seen[-1].rsplit("/", 1)[1]
        seen.append(page.url)
    assert len(seen) == len(set(seen)) == len(report(builds[name])["articles"])
    back = page.locator(".crumbs a")
    assert back.inner_text().startswith("返回第")
    back.click()
    assert page.locator(".sheet img").count() == 1


@pytest.mark.parametrize("name", ["sample", "four"])
def test_nothing_requested_outside_the_folder_and_no_script(served, visit, name):
    page = visit()
    urls = every_page_of(page, served[name] + "index.html")
    for url in urls:
        page.goto(url)
        assert page.locator("script").count() == 0
    outside = [u for u in page.requested if not u.startswith(served[name])]
    assert not outside
    assert any(u.endswith(".webp") for u in page.requested) and any(u.endswith(".css") for u in page.requested)


@pytest.mark.parametrize("name", ["sample", "four"])
def test_no_page_scrolls_sideways_on_a_phone(served, visit, name):
    page = visit(PHONE)
    for url in every_page_of(page, served[name] + "index.html"):
        page.goto(url)
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{url}: {scroll} px wide on a {client} px screen"


def test_front_page_works_from_the_file_system(sample_build, visit):
    page = visit(PHONE)
    page.goto((sample_build / "web" / "index.html").as_uri())
    assert geometry(page)["natural"] > 0
    # The article list comes below the image on a phone.
    assert page.locator(".contents").bounding_box()["y"] > page.locator(".sheet").bounding_box()["y"]
    page.locator("a.zone").first.click()
    assert page.locator("article h1").count() == 1


def test_zones_show_keyboard_focus(served, visit):
    page = visit()
    page.goto(served["sample"] + "index.html")
    zone = page.locator("a.zone").first
    before = zone.evaluate("z => getComputedStyle(z).outlineStyle")
    for _ in range(20):  # tab from the top until a zone has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('zone')"):
            break
    focused = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.className, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert before == "none" and focused[0] == "zone" and focused[1] != "none" and focused[2] >= 2


@pytest.mark.parametrize("name", ["sample", "four"])
def test_axe_finds_nothing_serious(served, visit, name):
    page = visit()
    axe = Axe()
    problems = []
    for url in every_page_of(page, served[name] + "index.html"):
        page.goto(url)
        assert page.get_attribute("html", "lang") == "zh-CN"
        assert page.locator("main").count() == 1 and page.locator("h1").count() == 1
        violations = axe.run(page).response["violations"]
        problems += [f"{url}: {v['id']} ({v['impact']})" for v in violations if v["impact"] in SERIOUS]
    assert not problems


def test_nu_html_checker_finds_no_errors(builds, tmp_path):
    archive = tmp_path / "index.html"
    assert run_layout("web-index", *builds.values(), "-o", archive).returncode == 0
    files = sorted(f for out in builds.values() for f in (out / "web").glob("*.html")) + [archive]
    result = subprocess.run(["java", "-jar", VNU, "--errors-only", "--also-check-css", "--format", "json",
                             *map(str, files), *map(str, (out / "web" / "style.css" for out in builds.values()))],
                            capture_output=True, text=True)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert not messages, [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages]
    assert result.returncode == 0


def test_rebuild_gives_the_same_bytes(four_builds):
    first, second = (sorted(p.relative_to(out) for p in (out / "web").rglob("*") if p.is_file()) for out in four_builds)
    assert first == second
    different = [p for p in first if (four_builds[0] / p).read_bytes() != (four_builds[1] / p).read_bytes()]
    assert not different


def test_archive_lists_editions_newest_first(builds, visit, tmp_path):
    archive = tmp_path / "site" / "index.html"
    result = run_layout("web-index", builds["sample"], builds["four"], "-o", archive)
    assert result.returncode == 0, result.stderr
    page = visit()
    page.goto(archive.as_uri())
    entries = page.eval_on_selector_all("main li time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert entries == ["2021-01-29", "2021-01-22"]
    for n, date in enumerate(entries):
        page.locator("main li a").nth(n).click()
        y, m, d = (int(v) for v in date.split("-"))
        assert f"{y}年{m}月{d}日" in page.title() and page.locator(".sheet img").count() == 1
        page.go_back()
    assert all(u.startswith("file://") for u in page.requested)


def test_web_index_of_a_folder_without_an_edition_is_refused(sample_build, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_layout("web-index", sample_build, empty, "-o", tmp_path / "index.html")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and str(empty) in result.stderr
    assert not (tmp_path / "index.html").exists()


def test_page_images_show_the_trim_without_bleed_or_marks(tmp_path):
    issue = write_issue(tmp_path / "issue")
    out = tmp_path / "out"
    result = run_layout("build", issue, "-o", out, "--bleed", "3", "--crop-marks")
    assert result.returncode == 0, result.stderr
    trim_w, trim_h = report(out)["grid"]["trim_mm"]
    for path in (out / "web" / "images").glob("page-*.webp"):
        with Image.open(path) as image:
            assert abs(image.height - image.width * trim_h / trim_w) <= 1, path.name
            corners = [image.getpixel(xy) for xy in ((0, 0), (image.width - 1, 0), (0, image.height - 1))]
        assert all(min(c) > 240 for c in corners), f"{path.name}: crop marks or bleed in the corners {corners}"


def test_rebuild_removes_pages_of_dropped_articles(tmp_path):
    second = ARTICLE.replace("测试标题", "第二篇").replace("page: 1", "page: 2")
    issue = write_issue(tmp_path / "issue", {"01-test.md": ARTICLE, "02-second.md": second})
    out = tmp_path / "out"
    assert run_layout("build", issue, "-o", out).returncode == 0
    assert (out / "web" / "a-02-second.html").exists()
    (issue / "articles" / "02-second.md").unlink()
    assert run_layout("build", issue, "-o", out).returncode == 0
    assert not (out / "web" / "a-02-second.html").exists()
    assert (out / "web" / "a-01-test.html").exists() and (out / "web" / "page-02.html").exists()


def test_no_web_leaves_it_out(issue_dir, tmp_path):
    out = tmp_path / "out"
    result = run_layout("build", issue_dir, "-o", out, "--no-web")
    assert result.returncode == 0, result.stderr
    assert (out / "layout.json").exists() and not (out / "web").exists()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_edit_rebuilt_through_the_cache_is_a_clean_build(sample_copy, tmp_path):
    """An edit of one article rebuilt into the same folder (its EPUB documents, web pages, photos and font
    subsets taken from the page cache where the edit left them alone) gives the bytes of a clean build of
    the edited issue, EPUB and web/ alike; and the reader sees the edit in both."""
    import zipfile

    out, clean = tmp_path / "out", tmp_path / "clean"
    assert run_layout("build", sample_copy, "-o", out).returncode == 0
    article = sample_copy / "articles" / "05-yingshang-xin5tiao.md"
    added = "记者从区有关部门获悉，这项工作将在年内全面推开。"
    text = article.read_text("utf-8")
    first_end = text.index("\n", text.index("日前"))
    article.write_text(text[:first_end] + added + text[first_end:], "utf-8")
    for folder, options in ((out, ()), (clean, ("--no-cache",))):
        result = run_layout("build", sample_copy, "-o", folder, *options)
        assert result.returncode == 0, result.stderr
    epub = "XHB-20210122.epub"
    assert (out / epub).read_bytes() == (clean / epub).read_bytes()
    assert _files(out / "web") == _files(clean / "web")
    with zipfile.ZipFile(out / epub) as book:
        assert any(added in book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert any(added in data.decode() for path, data in _files(out / "web").items() if path.endswith(".html"))
