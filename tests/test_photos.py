"""Photos for the press (issue 14): TIFF accepted as desks send it, embedded ICC profiles honoured in the
conversion to the output profile with the house's rendering intent, effective resolution checked at build
time and named by file and article, and a warning when the output intent is not for newsprint."""
from __future__ import annotations

import io
import struct
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from conftest import ISSUE_TOML, run_layout, write_issue
from layout.build import plan_only
from layout.check.photo_resolution import photo_findings, placed_photos
from layout.errors import BuildError, InputError
from layout.house import house
from layout.model import Article, Figure, Paragraph, Verse
from layout.plan.fit import Fits
from layout.plan.grid import page_format
from layout.plan.leaves import is_brief
from layout.plan.photos import photo_rows, standing
from layout.render.pdfx import newsprint_warning, resolve_profile
from layout.render.print_images import OutputProfile, print_image, read_profile, rendering_intent
from layout.source.issue_folder import load_issue
from test_pdfx import decode

GS_ICC = Path("/usr/share/color/icc/ghostscript")
ONE_PAGE = ISSUE_TOML.split("[[pages]]\nnumber = 2")[0]
PHOTO_ARTICLE = """\
---
headline: 图片新闻标题
page: 1
priority: 1
images:
  - file: images/{name}
    caption: 图片说明。
    alt: 测试照片。
{extra}---
这是用于测试的正文段落，内容较长，用来填满版面的一部分。这是用于测试的正文段落，内容较长，用来填满版面的一部分。这是用于测试的正文段落，内容较长，用来填满版面的一部分。

这是用于测试的正文段落，内容较长，用来填满版面的一部分。这是用于测试的正文段落，内容较长，用来填满版面的一部分。这是用于测试的正文段落，内容较长，用来填满版面的一部分。

这是用于测试的正文段落，内容较长，用来填满版面的一部分。这是用于测试的正文段落，内容较长，用来填满版面的一部分。这是用于测试的正文段落，内容较长，用来填满版面的一部分。
"""  # body enough for the photo: the planner does not give a 19-character article a 6-column photo


def _article(name: str, extra: str = "") -> str:
    return PHOTO_ARTICLE.format(name=name, extra=extra)


def _gradient(mode: str, size: tuple[int, int]) -> Image.Image:
    img = Image.new("RGB", size)
    img.putdata([(255 * x // size[0], 60, 255 - 255 * y // size[1]) for y in range(size[1]) for x in range(size[0])])
    return img.convert(mode)


def _tiff(img: Image.Image, compression: str, icc: Path | None = None) -> bytes:
    out = io.BytesIO()
    img.save(out, "TIFF", compression=compression, **({"icc_profile": icc.read_bytes()} if icc else {}))
    return out.getvalue()


def _tiff16_rgb(w: int, h: int) -> bytes:
    """An uncompressed 16-bit RGB TIFF (Pillow cannot write one): a horizontal ramp."""
    pixels = b"".join(struct.pack("<3H", x * 65535 // (w - 1), 30000, 65535 - x * 65535 // (w - 1))
                      for _ in range(h) for x in range(w))
    entries = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, 3, 0), (259, 3, 1, 1), (262, 3, 1, 2), (273, 4, 1, 0),
               (277, 3, 1, 3), (278, 3, 1, h), (279, 4, 1, len(pixels)), (284, 3, 1, 1)]
    bits_at = 8 + 2 + 12 * len(entries) + 4
    out = b"II*\x00" + struct.pack("<IH", 8, len(entries))
    for tag, kind, count, value in entries:
        value = {258: bits_at, 273: bits_at + 6}.get(tag, value)
        out += struct.pack("<HHIHH" if kind == 3 and count == 1 else "<HHII", tag, kind, count, value,
                           *((0,) if kind == 3 and count == 1 else ()))
    return out + struct.pack("<I3H", 0, 16, 16, 16) + pixels


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> OutputProfile:
    root = write_issue(tmp_path_factory.mktemp("p") / "issue")
    return resolve_profile(load_issue(root), tmp_path_factory.mktemp("styles"))


# --- TIFF ------------------------------------------------------------------------------------

TIFFS = {
    "rgb8-lzw.tif": lambda: _tiff(_gradient("RGB", (300, 200)), "tiff_lzw"),
    "cmyk8-deflate.tiff": lambda: _tiff(_gradient("CMYK", (300, 200)), "tiff_adobe_deflate"),
    "grey16-lzw.tif": lambda: _tiff(Image.new("I;16", (300, 200), 40000), "tiff_lzw"),
    "grey8-deflate.tif": lambda: _tiff(_gradient("L", (300, 200)), "tiff_adobe_deflate"),
    "rgb16.tif": lambda: _tiff16_rgb(300, 200),
}


@pytest.mark.parametrize("name", TIFFS)
def test_tiff_is_accepted_and_converted_for_the_press(name, profile, tmp_path):
    """8- and 16-bit, RGB, CMYK and grey, LZW and Deflate: read at load, separated like PNG and JPEG."""
    root = write_issue(tmp_path / "issue", {"01-a.md": _article(name)}, ONE_PAGE, {f"images/{name}": TIFFS[name]()})
    figure = load_issue(root).articles[0].figures[0]
    assert figure.size == (300, 200)
    out = decode(print_image(figure.file, profile, 200, 133))
    assert out.mode == ("L" if "grey" in name else "CMYK")
    if name == "grey16-lzw.tif":  # 16-bit grey scaled, not clipped to white
        assert 0 < out.getpixel((5, 5)) < 250


def test_a_tiff_that_is_not_one_is_refused_naming_the_line(tmp_path):
    root = write_issue(tmp_path / "issue", {"01-a.md": _article("bad.tif")}, ONE_PAGE,
                       {"images/bad.tif": b"II*\x00 not really a tiff"})
    with pytest.raises(InputError, match=r"image 'images/bad.tif' (is not a PNG, JPEG or TIFF|is damaged)") as e:
        load_issue(root)
    assert e.value.line == 6  # the "- file:" line


# --- ICC profiles and the rendering intent ----------------------------------------------------

def _converted(tmp_path: Path, name: str, data: bytes, profile: OutputProfile) -> Image.Image:
    path = tmp_path / name
    path.write_bytes(data)
    return decode(print_image(path, profile, 200, 133))


def test_embedded_profiles_are_used_in_the_conversion(profile, tmp_path):
    """The same pixels tagged with another RGB (ROMM) or CMYK (press) profile print differently from
    untagged ones: the profile travels with the photo into the separation."""
    rgb = _gradient("RGB", (300, 200))
    plain = _converted(tmp_path, "plain.tif", _tiff(rgb, "tiff_lzw"), profile)
    romm = _converted(tmp_path, "romm.tif", _tiff(rgb, "tiff_lzw", GS_ICC / "rommrgb.icc"), profile)
    assert ImageChops.difference(plain, romm).getbbox() is not None
    cmyk = _gradient("CMYK", (300, 200))
    untagged = _converted(tmp_path, "cmyk.tif", _tiff(cmyk, "tiff_lzw"), profile)
    tagged = _converted(tmp_path, "cmyk-ps.tif", _tiff(cmyk, "tiff_lzw", GS_ICC / "ps_cmyk.icc"), profile)
    assert ImageChops.difference(untagged, tagged).getbbox() is not None


def test_the_house_names_the_rendering_intent():
    assert house()["print"]["rendering_intent"] == "relative_colorimetric"
    assert rendering_intent("perceptual") != rendering_intent("relative_colorimetric")
    with pytest.raises(BuildError, match="rendering_intent must be one of perceptual"):
        rendering_intent("vivid")


# --- Output intent ---------------------------------------------------------------------------

def test_output_intent_that_is_not_newsprint_is_named_in_a_warning(profile):
    markers = house()["print"]["newsprint_profiles"]
    (warning,) = newsprint_warning(profile, markers)
    assert profile.description in warning and "WAN-IFRA" in warning and "styles/output.icc" in warning
    newsprint = replace(profile, description="WAN-IFRAnewspaper26v5", path=Path("WAN-IFRAnewspaper26v5.icc"))
    assert newsprint_warning(newsprint, markers) == []
    assert newsprint_warning(replace(profile, path=Path("ISOnewspaper26v4.icc")), markers) == []


# --- Effective resolution --------------------------------------------------------------------

def _issue_with_photo(root: Path, size: tuple[int, int], extra: str = "", name: str = "photo.jpg") -> Path:
    buf = io.BytesIO()
    if name.endswith(".jpg"):
        _gradient("RGB", size).save(buf, "JPEG")
    else:
        _gradient("RGB", size).save(buf, "TIFF", compression="tiff_lzw")
    return write_issue(root, {"01-a.md": _article(name, extra)}, ONE_PAGE, {f"images/{name}": buf.getvalue()})


def _size_for(tmp_path: Path, ppi: float) -> tuple[int, int]:
    """Pixel size of a 3:2 photo that prints at ppi and a fraction where the planner places it in the test issue
    (resolutions are said rounded down: this one is said as ppi)."""
    planned = plan_only(_issue_with_photo(tmp_path / "probe", (1500, 1000)))
    (photo,) = placed_photos(planned.issue, planned.plan, planned.fmt)
    k = (ppi + 0.5) / photo.ppi
    return round(1500 * k / 3) * 3, round(1500 * k / 3) * 2


def test_photo_under_100_ppi_fails_the_build_naming_file_and_article(tmp_path):
    root = _issue_with_photo(tmp_path / "issue", _size_for(tmp_path, 90))
    result = run_layout("build", root, "-o", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("·")]  # not progress
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert "01-a.md" in errors[0] and "images/photo.jpg" in errors[0] and "《图片新闻标题》" in errors[0]
    assert "90 ppi" in errors[0] and "lowres_ok" in errors[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_lowres_ok_lets_a_low_resolution_photo_print_with_a_warning(tmp_path):
    planned = plan_only(_issue_with_photo(tmp_path / "issue", _size_for(tmp_path, 90), "lowres_ok: true\n"))
    photos = placed_photos(planned.issue, planned.plan, planned.fmt)
    (note,) = photo_findings(photos, house()["print"])
    assert note.code == "low-ppi" and not note.error and note.article == "01-a" and note.page == 1
    assert "images/photo.jpg" in note.message and "《图片新闻标题》" in note.message and "第1版" in note.message
    with pytest.raises(InputError):
        photo_findings([replace(photos[0], article=replace(photos[0].article, lowres_ok=False))],
                               house()["print"])


def test_tiff_photo_at_150_ppi_builds_with_a_warning_and_check_says_the_same(tmp_path):
    """A TIFF builds (issue 14); at 150 ppi the build warns, naming the file and the article, and
    `layout check` of the issue prints the same words."""
    root = _issue_with_photo(tmp_path / "issue", _size_for(tmp_path, 150), name="photo.tif")
    result = run_layout("build", root, "-o", tmp_path / "out", "--no-fonts", "--no-web")
    assert result.returncode == 0, result.stderr
    flat = result.stderr.replace("\n", "")
    warning = next(line for line in flat.split("注意") if "photo.tif" in line)
    assert "《图片新闻标题》" in warning and "150 ppi" in warning and "200 ppi" in warning
    check = run_layout("check", root)
    assert "images/photo.tif" in check.stdout and "150 ppi" in check.stdout
    assert (tmp_path / "out" / "TST-20210122.pdf").is_file()


def test_epub_photo_from_a_cmyk_tiff_goes_to_srgb_through_its_profile(tmp_path):
    """The reader's copy: a TIFF photo becomes an RGB JPEG, its CMYK converted with the embedded profile
    (not Pillow's naive formula), at most 1600 px."""
    import zipfile

    from layout.render.epub import write_epub

    cmyk = _gradient("CMYK", (1800, 1200))
    root = write_issue(tmp_path / "issue", {"01-a.md": _article("photo.tif")}, ONE_PAGE,
                       {"images/photo.tif": _tiff(cmyk, "tiff_lzw", GS_ICC / "ps_cmyk.icc")})
    planned = plan_only(root)
    with zipfile.ZipFile(io.BytesIO(write_epub(planned.issue, planned.frames, None, embed_fonts=False))) as book:
        (name,) = [n for n in book.namelist() if n.startswith("EPUB/images/")]
        photo = Image.open(io.BytesIO(book.read(name)))
    assert name.endswith(".jpg") and photo.mode == "RGB" and photo.size == (1600, 1067)
    naive = cmyk.convert("RGB").resize(photo.size)
    assert max(ImageChops.difference(photo, naive).getextrema(), key=lambda e: e[1])[1] > 30


@pytest.mark.parametrize("ppi, said", [(199.6, 199), (200.0, 200), (150.99, 150)])
def test_a_resolution_under_the_limit_is_never_said_as_the_limit(ppi, said):
    """'199.6 ppi' read as '200 ppi, print needs 200' told the editor nothing was wrong."""
    from layout.check.photo_resolution import shown_ppi
    assert shown_ppi(ppi) == said


# --- Photo sizes by the story's kind (issue 10 item 1; docs/planner.md "Shapes") -------------

TABLOID = page_format("tabloid")
TABLOID_FREE = TABLOID.lines - TABLOID.reserved_lines(2)  # an inner page's free lines


def _story(chars: int, priority: int, size: tuple[int, int] | None = None, byline: str = "",
           byline_position: str = "top", section: str = "", blocks: tuple = ()) -> Article:
    figures = (Figure(Path("images/p.jpg"), "图片说明，记者在现场拍摄。", "记者 甲 摄", "示意图", size),) if size else ()
    text = ("区里今年新建的社区服务站点陆续开放，居民在家门口就能办事。" * (chars // 29 + 1))[:chars]
    return Article(id="a", path=Path("a.md"), headline="标题", blocks=blocks or (Paragraph(text, 5),),
                   priority=priority, figures=figures, byline=byline, byline_position=byline_position,
                   section=section)


def _widths(article: Article, span: int, lead: bool = False) -> list[int]:
    """The photo's width in columns of every shape the planner weighs, cheapest first."""
    fits = Fits({"a": article}, TABLOID)
    rows = photo_rows(article, fits, span, standing(article, lead), TABLOID_FREE)
    return [row.boxes[0].span for row in rows]


def test_a_panorama_takes_its_module_full_width():
    """A 3:1 panorama is as wide as its module at every span from half the page's columns (a minor
    story's: at the spans where it stays a tenth of the page, 4 columns among them), never in a
    module of one or two columns (黄浦 第1版: a 3:1 panorama in a one-column module), and a module
    under 4 columns costs more."""
    half = -(-TABLOID.columns // 2)
    for lead, priority in ((True, 1), (False, 2), (False, 5)):
        article = _story(600, priority, (3000, 1000))
        for span in range(1, 7):
            wide = span >= half and (priority < 4 or span <= 4)
            assert set(_widths(article, span, lead)) == ({span} if wide else set()), (lead, priority, span)
    fits = Fits({"a": _story(600, 2, (3000, 1000))}, TABLOID)
    cost = {span: photo_rows(fits.articles["a"], fits, span, "major", TABLOID_FREE)[0].cost for span in (3, 4)}
    assert cost[3] >= cost[4] + house()["planner"]["narrow_panorama"]


def test_a_photo_news_is_photo_led():
    """图片新闻 (a photo with a line or two of text): its cheapest photo is at least 3 of the page's 6
    columns, and a one-column photo costs more than a wide one; a portrait stays two columns wide."""
    article = _story(30, 3, (1600, 1200))
    assert standing(article, lead=False) == "news"
    for span in (3, 4, 6):
        assert _widths(article, span)[0] >= 3
    fits = Fits({"a": article}, TABLOID)
    one = photo_rows(article, fits, 1, "news", TABLOID_FREE)[0].cost
    assert one > photo_rows(article, fits, 3, "news", TABLOID_FREE)[0].cost + house()["planner"]["narrow_photo"]
    portrait = _story(30, 3, (1200, 1800))
    assert _widths(portrait, 6)[0] == 2 and max(_widths(portrait, 6)) == 2
    assert standing(_story(300, 3, (1600, 1200)), lead=False) == "major"  # 300 characters: a story with a photo


def test_a_minor_story_photo_is_small():
    """A priority 4–5 story's photo: at most half its module's columns and a tenth of the page."""
    article = _story(600, 5, (1200, 1200))
    fits = Fits({"a": article}, TABLOID)
    for span in (2, 4, 6):
        for row in photo_rows(article, fits, span, standing(article, lead=False), TABLOID_FREE):
            (box,) = row.boxes
            assert box.span <= span // 2
            assert box.span * box.lines <= 0.1 * TABLOID.columns * TABLOID_FREE


def test_a_short_story_photo_is_small_whatever_its_priority():
    """A 150-character story ranked 3 with a square photo (黄浦 第2版: 4 of 6 columns, 30 lines) is a
    minor story for its photo: at most half its module and a tenth of the page at every span."""
    article = _story(150, 3, (1200, 1200))
    assert standing(article, lead=False) == "minor"
    assert standing(_story(house()["module"]["photo_minor_chars"] + 1, 3, (1200, 1200)), lead=False) == "major"
    fits = Fits({"a": article}, TABLOID)
    for span in (2, 4, 6):
        for row in photo_rows(article, fits, span, standing(article, lead=False), TABLOID_FREE):
            (box,) = row.boxes
            assert box.span <= span // 2
            assert box.span * box.lines <= house()["module"]["photo_area_minor"] * TABLOID.columns * TABLOID_FREE


# --- What a brief is (issue 10 item 4: 简讯) ---------------------------------------------------

def test_a_brief_is_a_short_low_priority_item_without_byline():
    assert is_brief(_story(90, 5))
    assert is_brief(_story(180, 4, byline="记者 甲", byline_position="dateline"))  # 本报讯（记者 甲）
    assert not is_brief(_story(180, 3))  # a story ranked 1–3 has its own place
    assert not is_brief(_story(180, 4, byline="记者 甲", byline_position="top"))  # ■ 记者 甲: a reporter's story
    assert not is_brief(_story(180, 4, byline="通讯员 乙", byline_position="end"))
    # the fallback plans (planner.plan_issue): a short bylined story may stand among the briefs
    assert is_brief(_story(180, 4, byline="记者 甲", byline_position="top"), bylined=True)
    assert not is_brief(_story(180, 3, byline="记者 甲", byline_position="top"), bylined=True)
    assert not is_brief(_story(250, 5))  # too long
    assert not is_brief(_story(90, 5, (1600, 1200)))  # a photo
    assert not is_brief(_story(90, 5, section="副刊"))  # a literary page's piece
    assert not is_brief(_story(60, 5, blocks=(Verse(("江水从闵行流过", "带着上游的落叶", "和下游的汽笛"), 5),)))
