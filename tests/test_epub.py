"""The EPUB edition (issue 6): reading order by page, page-list, subset fonts, accessibility
metadata, byte-identical rebuilds; checked with EPUBCheck 5.3 and Ace by DAISY."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw

from conftest import ISSUE_TOML, SAMPLE, write_issue
from layout.check.epub_validate import ACE, ace_check, validate_epub
from layout.frame import Cells, Furniture, IssueFrames, PageFrame, Rect, Zone
from layout.model import EditorsNote, Issue, Paragraph, Subhead
from layout.render.epub import FrontPage, write_epub
from layout.render.epub_cover import cover_jpeg, cover_text
from layout.source.issue_folder import load_issue
from layout.text.parts import parts

NS = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

# A small issue with every byline form, an editor's note, a subhead, a CMYK photo and a jump.
FIXTURE_ARTICLES = {
    "01-lead.md": """\
        ---
        kicker: 引题文字
        headline: 头条新闻标题
        subtitle: 副题文字
        byline: 记者 甲乙
        byline_position: dateline
        dateline: 本报讯
        images:
          - file: images/photo.jpg
            caption: 图片说明文字。
            credit: 记者 丙丁 摄
            alt: 一张测试照片，蓝色底。
        ---
        > 这是一段编者按的文字。

        第一段正文，讲述事情的经过。

        ## 小标题在此

        第二段正文，补充更多细节。
        """,
    "02-jumped.md": """\
        ---
        headline: 跨版转接的稿件
        byline: 文/记者 庚辛
        byline_position: end
        photo:
          caption: 没有图片文件的照片说明。
          credit: 壬癸
        ---
        转版稿件的第一段。

        转版稿件的第二段，在印刷版上转到第2版。

        转版稿件的第三段，最后一段。
        """,
    "03-top.md": """\
        ---
        headline: 署名在上的稿件
        byline: 子丑
        ---
        署名在标题下方的稿件正文。
        """,
}


def _photo() -> bytes:
    image = Image.new("CMYK", (2400, 1600), (200, 80, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _cover() -> bytes:
    """A stand-in for the rendered front page."""
    image = Image.new("RGB", (1092, 1560), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1032, 220), fill="black")
    for y in range(300, 1500, 24):
        draw.line((60, y, 1032, y), fill="gray", width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _frames(pages: dict[int, list[Zone]]) -> IssueFrames:
    """Frames holding only where each module is: all the reader editions read of them."""
    return IssueFrames(tuple(PageFrame(n, (), (), (), (), tuple(zones), Furniture("header", Rect(0, 0, 0, 0), ()))
                             for n, zones in pages.items()), ())


def _zone(article: str, column: int, line: int, span: int, height: int, part: int = 0) -> Zone:
    return Zone(article, part, Cells(column, line, span, height), Rect(0, 0, 0, 0))


def sample_frames(issue: Issue) -> IssueFrames:
    """Articles 1–3 on page 1, 4–5 on page 2, stacked in file order."""
    pages: dict[int, list[Zone]] = {1: [], 2: []}
    for i, article in enumerate(issue.articles):
        page = 1 if i < 3 else 2
        pages[page].append(_zone(article.id, 0, 20 * len(pages[page]), 6, 20))
    return _frames(pages)


def fixture_frames() -> IssueFrames:
    """02 jumps from page 1 to page 2 and sits above 01 on page 1 (line before column)."""
    return _frames({1: [_zone("01-lead", 0, 30, 6, 40), _zone("02-jumped", 3, 0, 3, 30)],
                    2: [_zone("03-top", 0, 0, 6, 20), _zone("02-jumped", 0, 20, 3, 10, part=1)]})


def _front(png: bytes) -> FrontPage:
    return FrontPage(png, lambda: png)


@pytest.fixture(scope="module")
def sample() -> Issue:
    return load_issue(SAMPLE)


@pytest.fixture(scope="module")
def fixture_issue(tmp_path_factory) -> Issue:
    root = write_issue(tmp_path_factory.mktemp("epub") / "issue", FIXTURE_ARTICLES, ISSUE_TOML,
                       {"images/photo.jpg": _photo()})
    return load_issue(root)


@pytest.fixture(scope="module")
def builds(sample, fixture_issue, tmp_path_factory) -> dict[str, Path]:
    """Each EPUB built once, written where the validators can read it."""
    out = tmp_path_factory.mktemp("epubs")
    data = {
        "sample": write_epub(sample, sample_frames(sample), _front(_cover())),
        "jumped": write_epub(fixture_issue, fixture_frames(), None),
        "no-fonts": write_epub(sample, sample_frames(sample), None, embed_fonts=False),
    }
    paths = {}
    for name, epub in data.items():
        paths[name] = out / f"{name}.epub"
        paths[name].write_bytes(epub)
    return paths


def _zip(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(path)


OPF = "EPUB/content.opf"  # where EbookLib puts the package document


def _opf(book: zipfile.ZipFile) -> Element:
    container = ElementTree.fromstring(book.read("META-INF/container.xml"))
    rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
    assert rootfile == OPF
    return ElementTree.fromstring(book.read(rootfile))


def _documents(book: zipfile.ZipFile) -> dict[str, Element]:
    """Spine documents by href (relative to EPUB/), in reading order."""
    opf = _opf(book)
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind("opf:manifest/opf:item", NS)}
    return {hrefs[r.get("idref")]: ElementTree.fromstring(book.read(f"EPUB/{hrefs[r.get('idref')]}"))
            for r in opf.iterfind("opf:spine/opf:itemref", NS)}


def _pages(book: zipfile.ZipFile) -> dict[str, Element]:
    return {href: doc for href, doc in _documents(book).items() if href.startswith("page-")}


def _local(element: Element) -> str:
    return element.tag.rpartition("}")[2]


def _text(element: Element) -> str:
    return "".join(element.itertext())


def _own_text(element: Element) -> str:
    """A block's text without the furniture that opens it (本报讯（…）, 编者按：)."""
    furniture = {"dateline", "label"}
    return (element.text or "") + "".join(
        ("" if child.get("class") in furniture else _text(child)) + (child.tail or "") for child in element)


# --- Validators -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sample", "jumped", "no-fonts"])
def test_epubcheck_clean(builds, name):
    assert validate_epub(builds[name]) == []


@pytest.mark.slow
@pytest.mark.skipif(not ACE.exists(), reason="Ace by DAISY not installed: run scripts/setup.sh (npm ci)")
@pytest.mark.parametrize("name", ["sample", "jumped"])
def test_ace_no_serious_violation(builds, name):
    assert ace_check(builds[name]) == []


def _rewrite(path: Path, out: Path, name: str, edit) -> Path:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, edit(data) if info.filename == name else data)
    return out


@pytest.mark.slow
def test_validators_report_problems(builds, tmp_path):
    """A clean result must mean clean, not "the validator did not run"."""
    broken = _rewrite(builds["jumped"], tmp_path / "broken.epub", OPF,
                      lambda d: d.replace(b"<dc:language>zh-CN</dc:language>", b""))
    assert any(" RSC-005 " in m or " OPF-" in m for m in validate_epub(broken))
    if ACE.exists():
        no_alt = _rewrite(builds["jumped"], tmp_path / "no-alt.epub", "EPUB/page-01.xhtml",
                          lambda d: d.replace(b'alt="', b'data-alt="'))
        assert any("image-alt" in m for m in ace_check(no_alt))


# --- Content and reading order ---------------------------------------------------------


@pytest.mark.parametrize("name, issue_fixture", [("sample", "sample"), ("jumped", "fixture_issue")])
def test_every_block_once(builds, name, issue_fixture, request):
    issue = request.getfixturevalue(issue_fixture)
    with _zip(builds[name]) as book:
        pages = _pages(book)
    texts = [_own_text(e) for doc in pages.values() for e in doc.iterfind(".//h:article//*", NS)
             if _local(e) in ("p", "h3")]
    for article in issue.articles:
        for block in article.blocks:
            assert texts.count(block.text) == 1, (article.id, block.text[:20])
    all_text = "".join(_text(doc) for doc in pages.values())
    assert "下转" not in all_text and "上接" not in all_text


def test_jumped_article_is_one_piece_under_its_first_page(builds, fixture_issue):
    with _zip(builds["jumped"]) as book:
        pages = _pages(book)
    page1, page2 = pages["page-01.xhtml"], pages["page-02.xhtml"]
    articles = page1.findall(".//h:article", NS)
    # 02 starts at line 0, 01 at line 30: line before column.
    assert [a.get("id") for a in articles] == ["a-02-jumped", "a-01-lead"]
    assert [a.get("id") for a in page2.findall(".//h:article", NS)] == ["a-03-top"]
    jumped = [_text(p) for p in articles[0].iterfind("h:p", NS)]
    body = [b.text for b in fixture_issue.article("02-jumped").blocks]
    # The closing line print sets (article_parts): end byline, then the imported photo's caption and credit.
    assert jumped == [*body, "文/记者 庚辛\u3000没有图片文件的照片说明。\u3000图/壬癸"]


def test_headline_group_bylines_and_note(builds):
    with _zip(builds["jumped"]) as book:
        lead = _pages(book)["page-01.xhtml"].find(".//h:article[@id='a-01-lead']", NS)
        top = _pages(book)["page-02.xhtml"].find(".//h:article[@id='a-03-top']", NS)
        photo = book.read("EPUB/images/a-01-lead-1.jpg")
    hgroup = lead.find("h:hgroup", NS)
    assert [(_local(e), e.get("class"), _text(e)) for e in hgroup] == [
        ("p", "kicker", "引题文字"), ("h2", None, "头条新闻标题"), ("p", "subtitle", "副题文字")]
    note = lead.find("h:div[@class='editors-note']", NS)
    assert note.get("role") == "note" and _text(note).strip() == "编者按：这是一段编者按的文字。"
    first = lead.find("h:p", NS)
    assert _text(first).startswith("本报讯（记者 甲乙）第一段正文")
    assert [_text(h) for h in lead.iterfind("h:h3", NS)] == ["小标题在此"]
    figure = lead.find("h:figure", NS)
    assert figure.find("h:img", NS).get("alt") == "一张测试照片，蓝色底。"
    assert _text(figure.find("h:figcaption", NS)) == "图片说明文字。　记者 丙丁 摄"
    with Image.open(io.BytesIO(photo)) as image:  # CMYK print photo → RGB, at most 1600 px
        assert image.mode == "RGB" and max(image.size) == 1600
    byline = top.find("h:p[@class='byline']", NS)
    assert _text(byline) == "■ 子丑" and byline.find("h:span", NS).get("aria-hidden") == "true"


def test_page_list_and_toc(builds, sample):
    frames = sample_frames(sample)
    with _zip(builds["sample"]) as book:
        nav = ElementTree.fromstring(book.read("EPUB/nav.xhtml"))
        pages = _pages(book)
    page_list = nav.find(".//h:nav[@epub:type='page-list']", NS)
    links = page_list.findall(".//h:a", NS)
    assert [a.text for a in links] == [f"第{p.number}版" for p in frames.pages]
    for a in links:
        href, _, target = a.get("href").partition("#")
        body = pages[href].find("h:body", NS)
        marker = body.find(f".//*[@id='{target}']")
        assert marker is not None and marker.get(EPUB_TYPE) == "pagebreak"
        assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == a.text
        assert list(body)[0] is marker  # before the page's heading and first article

    toc = nav.find(".//h:nav[@epub:type='toc']/h:ol", NS)
    groups = [(_text(li.find("h:a", NS)), [_text(a) for a in li.iterfind("h:ol/h:li/h:a", NS)])
              for li in toc.iterfind("h:li", NS)]
    heads = [a.headline for a in sample.articles]
    assert groups == [("第1版　要闻", heads[:3]), ("第2版　综合", heads[3:])]
    landmarks = [a.get(EPUB_TYPE) for a in nav.iterfind(".//h:nav[@epub:type='landmarks']//h:a", NS)]
    assert landmarks == ["cover", "toc", "bodymatter"]


def test_language_on_every_document(builds):
    with _zip(builds["sample"]) as book:
        assert _opf(book).get(XML_LANG) == "zh-CN"
        for href, doc in _documents(book).items():
            assert doc.get("lang") == "zh-CN" and doc.get(XML_LANG) == "zh-CN", href


# --- Metadata ---------------------------------------------------------------------------


def test_metadata(builds):
    with _zip(builds["sample"]) as book:
        meta = _opf(book).find("opf:metadata", NS)
    props: dict[str, list[str]] = {}
    for m in meta.iterfind("opf:meta[@property]", NS):
        props.setdefault(m.get("property"), []).append(m.text)
    assert meta.findtext("dc:title", namespaces=NS) == "徐汇报 2021年1月22日 第3期"
    assert meta.findtext("dc:language", namespaces=NS) == "zh-CN"
    assert meta.findtext("dc:identifier", namespaces=NS) == "urn:uuid:73818e21-bdaf-5240-aa26-429cc01db93c"
    assert meta.findtext("dc:date", namespaces=NS) == "2021-01-22"
    assert props["dcterms:modified"] == ["2021-01-22T00:00:00Z"]
    assert "印刷版" in meta.findtext("dc:source", namespaces=NS)
    assert props["source-of"] == ["pagination"]
    assert set(props["schema:accessMode"]) == {"textual", "visual"}
    assert {"structuralNavigation", "alternativeText", "printPageNumbers", "readingOrder",
            "tableOfContents"} <= set(props["schema:accessibilityFeature"])
    assert props["schema:accessibilityHazard"] == ["none"]
    assert props["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert "版" in props["schema:accessibilitySummary"][0]
    # Nobody audited the claim: naming the publisher line as certifier would be untrue.
    assert "a11y:certifiedBy" not in props and "a11y:certifierCredential" not in props


def test_a_certifier_named_in_issue_toml_is_the_certifier(sample, tmp_path):
    certified = replace(sample, paper=replace(sample.paper, a11y_certifier="某无障碍评测机构"))
    path = tmp_path / "certified.epub"
    path.write_bytes(write_epub(certified, sample_frames(certified), None, embed_fonts=False))
    with _zip(path) as book:
        meta = _opf(book).find("opf:metadata", NS)
    assert [m.text for m in meta.iterfind("opf:meta[@property='a11y:certifiedBy']", NS)] == ["某无障碍评测机构"]
    assert validate_epub(path) == []


def test_cover(builds, sample):
    """The cover is designed for a reading system's library and start screen: at least 1600 px tall,
    the masthead, date and issue number and the front page's headlines set large (issue 14)."""
    with _zip(builds["sample"]) as book:
        opf = _opf(book)
        cover = ElementTree.fromstring(book.read("EPUB/cover.xhtml"))
        item = opf.find("opf:manifest/opf:item[@properties='cover-image']", NS)
        image = Image.open(io.BytesIO(book.read(f"EPUB/{item.get('href')}")))
    assert item.get("media-type") == "image/jpeg"
    assert image.height >= 1600 and image.width / image.height == pytest.approx(2 / 3)
    alt = cover.find(".//h:img", NS).get("alt")
    front = [a.headline for a in sample.articles[:3]]  # sample_frames puts articles 1–3 on page 1
    assert alt.startswith("《徐汇报》封面") and "第3期" in alt and all(h in alt for h in front)
    with _zip(builds["jumped"]) as book:
        assert "EPUB/cover.xhtml" not in book.namelist()
        assert _opf(book).find("opf:manifest/opf:item[@properties='cover-image']", NS) is None


def test_cover_sets_masthead_and_lead_headline_as_type(sample):
    """The words are drawn into the image: changing the masthead changes only the top band, changing
    the lead's headline only the headline panel below the page, and each is dark ink on light paper."""
    page = io.BytesIO()
    Image.new("RGB", (1300, 1860), "white").save(page, "PNG")
    base = cover_text(sample, ("头条标题在这里", "第二篇"))

    def render(text) -> Image.Image:
        return Image.open(io.BytesIO(cover_jpeg(text, page.getvalue()))).convert("L")

    plain = render(base)
    masthead = ImageChops.difference(plain, render(replace(base, masthead="另一报"))).point(lambda v: 255 * (v > 64))
    lead = ImageChops.difference(plain, render(replace(base, headlines=("完全不同的头条", "第二篇")))).point(
        lambda v: 255 * (v > 64))
    m_box, l_box = masthead.getbbox(), lead.getbbox()
    assert m_box and m_box[3] < 0.25 * plain.height  # the masthead in the top band
    assert l_box and l_box[1] > 0.5 * plain.height  # the lead's headline in the lower panel
    assert (l_box[3] - l_box[1]) > 80  # large type: taller than 80 px
    assert min(plain.crop(l_box).getextrema()) < 60  # dark ink


# --- Fonts ------------------------------------------------------------------------------


# Where the templates set each part of an article (tag, class): what a reader sees as that part.
PART_ELEMENTS = {"body": ("body", ""), "kicker": ("p", "kicker"), "headline": ("h2", ""), "subtitle": ("p", "subtitle"),
                 "byline": ("p", "byline"), "subhead": ("h3", ""), "note": ("div", "editors-note"),
                 "verse": ("p", "verse"), "caption": ("figcaption", "")}
NOT_IN_EPUB = {"jump", "label"}  # no jump lines (a jumped article is one piece), no 简讯 label
CSS_RULE = re.compile(r"([^{}]+?)\s*\{([^}]*)\}")


def _css_rules(css: str) -> list[tuple[list[str], dict[str, str]]]:
    """(selectors, declarations) of each rule, comments and @-rules' names left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [([sel.strip() for sel in selectors.split(",")],
             {k.strip(): v.strip() for k, _, v in (d.partition(":") for d in body.split(";")) if k.strip()})
            for selectors, body in CSS_RULE.findall(css)]


def _matches(selector: str, tag: str, classes: set[str]) -> bool:
    """A simple selector (tag, .class or tag.class) matches the element."""
    want_tag, _, want_class = selector.partition(".")
    return (not want_tag or want_tag == tag) and (not want_class or want_class in classes)


def _faces(book: zipfile.ZipFile) -> tuple[dict[str, tuple[str, int]], dict[tuple[str, int], str]]:
    """The EPUB's stylesheet as a reading system applies it: (family, weight) of every simple selector that
    sets a face, and the embedded file of every (family, weight)."""
    faces: dict[str, tuple[str, int]] = {}
    for selectors, decls in _css_rules(book.read("EPUB/css/epub.css").decode()):
        if "font-family" in decls or "font-weight" in decls:
            assert "font-family" in decls and "font-weight" in decls, selectors  # a face is both
            family = decls["font-family"].split(",")[0].strip('"')
            faces.update({sel: (family, int(decls["font-weight"])) for sel in selectors})
    files = {}
    if "EPUB/css/fonts.css" in book.namelist():
        for selectors, decls in _css_rules(book.read("EPUB/css/fonts.css").decode()):
            assert selectors == ["@font-face"]
            url = re.search(r'url\("\.\./(fonts/[^"]+)"\)', decls["src"]).group(1)
            files[decls["font-family"].strip('"'), int(decls["font-weight"])] = url
    return faces, files


def _face_of(faces: dict[str, tuple[str, int]], tag: str, classes: set[str]) -> tuple[str, int] | None:
    found = [face for sel, face in faces.items() if _matches(sel, tag, classes)]
    assert len(set(found)) <= 1, (tag, classes, found)  # one face per element, whatever the cascade order
    return found[0] if found else None


def _characters(book: zipfile.ZipFile, faces: dict[str, tuple[str, int]]) -> dict[tuple[str, int], set[str]]:
    """The characters each (family, weight) sets, CSS inheritance followed; the body's face takes every
    character shown (what a face lacks falls back to it)."""
    chars: dict[tuple[str, int], set[str]] = {}

    def walk(e: Element, inherited: tuple[str, int]) -> None:
        own = _face_of(faces, _local(e), set(e.get("class", "").split())) or inherited
        chars.setdefault(own, set()).update(e.text or "")
        for child in e:
            walk(child, own)
            chars[own].update(child.tail or "")

    for doc in _documents(book).values():
        body = doc.find("h:body", NS)
        walk(body, faces["body"])
        chars[faces["body"]].update(_text(body))
    return {face: found - set("\n\t\r") for face, found in chars.items()}


def test_every_part_in_the_parts_tables_face(builds):
    """The EPUB sets each part of an article in the face the parts table gives it (issue 11: one parts
    table read by the composer and the stylesheet alike), and embeds that very face."""
    with _zip(builds["sample"]) as book:
        faces, files = _faces(book)
        fonts = {face: TTFont(io.BytesIO(book.read(f"EPUB/{href}"))) for face, href in files.items()}
    assert set(PART_ELEMENTS) | NOT_IN_EPUB == set(parts())
    for name, (tag, cls) in PART_ELEMENTS.items():
        p = parts()[name]
        family, weight = _face_of(faces, tag, {cls} if cls else set())
        assert (family, weight) == (f"layout-{p.role}", p.weight), name
        font = fonts[family, weight]
        assert font["name"].getDebugName(1).startswith(p.face.family), name
        assert font["OS/2"].usWeightClass == p.weight, name
    static = (SAMPLE.parents[1] / "styles" / "epub.css").read_text(encoding="utf-8")
    assert "font-family" not in static and "font-weight" not in static  # no second place for a face


@pytest.mark.parametrize("name", ["sample", "jumped"])
def test_embedded_fonts_cover_the_text(builds, name):
    """Four faces, as in print: Song for the body, Hei (regular for the 引题 and 副题, bold for the 主题 and
    subheads), Kai for captions, bylines and the 编者按, each subset to exactly the characters it sets."""
    with _zip(builds[name]) as book:
        faces, files = _faces(book)
        chars = _characters(book, faces)
        fonts = {face: TTFont(io.BytesIO(book.read(f"EPUB/{href}"))) for face, href in files.items()}
        names = book.namelist()
        manifest = {i.get("href"): i.get("media-type") for i in _opf(book).iterfind("opf:manifest/opf:item", NS)}
        options = book.read("META-INF/com.apple.ibooks.display-options.xml")
        css = book.read("EPUB/css/fonts.css").decode()
    assert files == {("layout-body", 400): "fonts/body-400.otf", ("layout-headline", 400): "fonts/headline-400.otf",
                     ("layout-headline", 700): "fonts/headline-700.otf",
                     ("layout-caption", 400): "fonts/caption-400.ttf"}
    assert set(chars) == set(files)
    for face, font in fonts.items():
        cmap = font.getBestCmap()
        assert chars[face] and not {c for c in chars[face] if ord(c) not in cmap}, face
        assert font["name"].getDebugName(13), face  # the OFL notice travels with the subset
    body, kai = fonts["layout-body", 400].getBestCmap(), fonts["layout-caption", 400].getBestCmap()
    assert len(kai) < len(body)  # a subset, not the face
    assert manifest["fonts/caption-400.ttf"] == "font/ttf" and manifest["fonts/body-400.otf"] == "font/otf"
    assert 'url("../fonts/caption-400.ttf") format("truetype")' in css
    assert set(files.values()) | {"fonts/LICENSE-OFL.txt"} <= set(manifest)
    assert "EPUB/fonts/LICENSE-OFL.txt" in names
    assert b'<option name="specified-fonts">true</option>' in options


def test_without_fonts(builds):
    with _zip(builds["no-fonts"]) as book:
        names = book.namelist()
        page = book.read("EPUB/page-01.xhtml")
        css = book.read("EPUB/css/epub.css").decode()
    assert not [n for n in names if n.startswith("EPUB/fonts/") or n.endswith("fonts.css")]
    assert b"fonts.css" not in page
    assert '"layout-body", serif' in css and '"layout-headline", sans-serif' in css
    assert '"layout-caption", serif' in css


def test_sample_size(builds):
    assert builds["sample"].stat().st_size < 3 * 1024 * 1024


def _epub_css(builds) -> str:
    """The stylesheet the reading system gets: the parts' faces, then the house's styles/epub.css."""
    with _zip(builds["sample"]) as book:
        return book.read("EPUB/css/epub.css").decode()


def test_css_leaves_size_and_theme_to_the_reader(builds):
    css = _epub_css(builds)
    body = css.split("body {", 1)[1].split("}", 1)[0]
    assert "px" not in css and "pt;" not in css and "color" not in css
    assert "font-size" not in body and "line-height" not in body
    assert "text-indent: 2em" in css and "text-align: justify" in css


def _rule(css: str, selector: str) -> str:
    """The declarations of every rule for exactly selector, in order."""
    return "".join(body for selectors, body in re.findall(r"\n([^{}\n]+) \{([^}]*)\}", css) if selectors == selector)


def test_css_keeps_images_on_screen_and_headlines_with_their_text(builds):
    """A portrait photo fits the screen with its aspect kept; a kicker or headline never ends a page
    on its own (issue 14: Calibre left a kicker alone at a page foot)."""
    css = _epub_css(builds)
    img = _rule(css, "figure img")
    assert "max-height: 90vh" in img and "max-width: 100%" in img
    assert "height: auto" in img and "width: auto" in img
    keep = _rule(css, "h1, h2, h3, hgroup, hgroup > *, .byline")
    assert "break-after: avoid" in keep and "page-break-after: avoid" in keep
    assert "break-inside: avoid" in _rule(css, "hgroup")
    assert "text-indent: 0" in _rule(css, "p.verse")


# --- Reproducible container ------------------------------------------------------------


def test_rebuild_is_byte_identical(builds, sample):
    assert write_epub(sample, sample_frames(sample), _front(_cover())) == builds["sample"].read_bytes()


def test_the_page_cache_changes_no_byte(builds, sample, tmp_path):
    """Cover, photos, documents and font subsets made into the cache, then read back from it: the same EPUB as
    made without."""
    from layout.render.page_cache import BYTES_SUFFIX, PageCache

    first = PageCache(tmp_path)
    assert write_epub(sample, sample_frames(sample), _front(_cover()), cache=first) == builds["sample"].read_bytes()
    first.commit()
    # The cover, four faces, the photo, and six documents: cover, nav, two pages, fonts.css and the faces' CSS.
    assert len(list(tmp_path.glob(f"*{BYTES_SUFFIX}"))) == 12
    again = PageCache(tmp_path)
    assert write_epub(sample, sample_frames(sample), _front(_cover()), cache=again) == builds["sample"].read_bytes()
    assert not again.staged  # all read back, nothing made again


def test_container_layout(builds):
    with _zip(builds["sample"]) as book:
        infos = book.infolist()
        manifest = {i.get("href") for i in _opf(book).iterfind("opf:manifest/opf:item", NS)}
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b""
    assert {i.date_time for i in infos} == {(2021, 1, 22, 0, 0, 0)}
    assert {i.create_system for i in infos} == {3} and {i.external_attr >> 16 for i in infos} == {0o100644}
    assert [i.filename for i in infos[1:3]] == ["META-INF/container.xml", OPF]
    assert "META-INF/com.apple.ibooks.display-options.xml" in {i.filename for i in infos}
    assert not {m for m in manifest if m.startswith("META-INF")}


def test_ebooklib_writes_the_package(builds):
    """EbookLib writes the package, the NCX and the zip (issue 14): no hand-made OPF or zip code is
    left in the writer, and the OPF is EbookLib's, with xml:lang added on <package>."""
    import layout.render.epub as writer

    source = Path(writer.__file__).read_text(encoding="utf-8")
    assert "from ebooklib import epub" in source and "epub.EpubWriter" in source
    assert "<package xmlns" not in source and "<manifest" not in source and "<rootfile" not in source
    assert "navMap" not in source and "navPoint" not in source
    templates = SAMPLE.parents[1] / "styles" / "templates" / "epub"
    assert not {p.name for p in templates.iterdir()} & {"package.opf.j2", "toc.ncx.j2", "container.xml"}
    with _zip(builds["sample"]) as book:
        opf = _opf(book)
        ncx = ElementTree.fromstring(book.read("EPUB/toc.ncx"))
    assert opf.find("opf:metadata/opf:meta[@name='generator']", NS).get("content").startswith("Ebook-lib")
    assert opf.get(XML_LANG) == "zh-CN" and opf.get("unique-identifier") == "id"
    ncx_ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    points = [p.findtext("n:navLabel/n:text", namespaces=ncx_ns) for p in ncx.iterfind(".//n:navPoint", ncx_ns)]
    assert points[0] == "第1版　要闻" and len(points) == 2 + 5  # two pages, five articles


def test_block_kinds_in_fixture_match_model(fixture_issue):
    """Guards the fixture itself: it exercises every block kind the writer handles."""
    kinds = {type(b) for a in fixture_issue.articles for b in a.blocks}
    assert kinds == {Paragraph, Subhead, EditorsNote}


def test_built_sample_opens_in_ebooklib(sample_build):
    """The EPUB that `layout build` writes (with the rendered front page as cover) as a reading system
    sees it: EbookLib opens it, every print page is a document (EPUBCheck and Ace pass it in test_check.py)."""
    import ebooklib
    from ebooklib import epub

    path = sample_build / "XHB-20210122.epub"
    book = epub.read_epub(str(path))
    assert book.get_metadata("DC", "language")[0][0] == "zh-CN"
    assert book.get_metadata("DC", "title")[0][0].startswith("徐汇报")
    documents = [item.get_name() for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT)]
    assert sum("page" in name for name in documents) == 2, documents
    assert list(book.get_items_of_type(ebooklib.ITEM_COVER)) or any(
        "cover" in item.get_name() for item in book.get_items_of_type(ebooklib.ITEM_IMAGE))
