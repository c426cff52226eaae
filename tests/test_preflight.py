"""Preflight: each generated PDF breaks one print rule, and preflight names that rule on that page."""
from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from layout.check.preflight import Violation, preflight
from layout.errors import InputError
from layout.house import MM
from layout.render.print_images import print_image
from test_pdfx import (colour_photo, finish_print_pdf, make_issue, page_html, profile,  # noqa: F401 (a fixture)
                       render)


def data_uri(img: Image.Image) -> str:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture(scope="module")
def finish(profile, tmp_path_factory):
    issue = make_issue(tmp_path_factory.mktemp("issue"))
    return lambda pdf: finish_print_pdf(pdf, issue, profile)


@pytest.fixture(scope="module")
def clean(finish, profile, tmp_path_factory) -> bytes:
    """Two pages the way a build makes them: CJK text in K, a photo through print_image, finished as PDF/X."""
    photo = print_image(colour_photo(tmp_path_factory.mktemp("photo") / "p.jpg"), profile, 40 * MM, 30 * MM)
    return finish(render(page_html(
        f'<p>本报讯　区领导走访慰问困难群众。</p><img src="{photo}" style="width:40mm;height:30mm;object-fit:cover">',
        "<p>第二版正文，没有图片。</p>")))


def check(tmp_path: Path, data: bytes) -> list[Violation]:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    return preflight(path)


def rules(found: list[Violation]) -> set[tuple[str, int | None]]:
    return {(v.rule, v.page) for v in found}


def edited(data: bytes, edit) -> bytes:
    """data after edit(pdf) changed it with pikepdf: a file broken after finishing."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        edit(pdf)
        buf = io.BytesIO()
        pdf.save(buf)
    return buf.getvalue()


def test_clean_file_has_no_violations(clean, tmp_path):
    assert check(tmp_path, clean) == []


def test_rgb_black_text(tmp_path):
    found = check(tmp_path, render(page_html('<p style="color:#000">黑色文字</p>')))
    assert {("rgb", 1), ("black-text", 1)} <= rules(found)
    text = next(v for v in found if v.rule == "black-text")
    assert "RGB black 0 0 0" in text.message and text.object.startswith("text ")


def test_rich_black_text(finish, tmp_path):
    found = check(tmp_path, finish(render(page_html('<p style="color:device-cmyk(0.6 0.4 0.4 1)">富黑文字</p>'))))
    assert rules(found) == {("black-text", 1)}
    assert "rich black C60 M40 Y40 K100" in found[0].message


def test_no_output_intent_and_no_pdfx_identification(tmp_path):
    found = check(tmp_path, render(page_html("<p>正文</p>")))
    assert {("no-output-intent", None), ("no-pdfx-id", None), ("trapped", None)} <= rules(found)


def test_output_intent_removed_from_a_finished_file(clean, tmp_path):
    broken = edited(clean, lambda pdf: pdf.Root.__delitem__("/OutputIntents"))
    assert rules(check(tmp_path, broken)) == {("no-output-intent", None)}


def test_low_resolution_image(finish, tmp_path):
    grey = Image.linear_gradient("L").resize((72, 72))
    found = check(tmp_path, finish(render(page_html(f'<img src="{data_uri(grey)}" style="width:72pt;height:72pt">'))))
    assert rules(found) == {("low-ppi", 1)}
    # Named by where it stands, which an editor can find: a 72 pt (25 mm) square
    assert re.search(r": 72 ppi effective at its placed size of 25 × 25 mm, \d+ mm from the left and \d+ mm from the "
                     r"foot of the page \(min 200\)$", str(found[0])), found[0]
    assert str(found[0]).startswith("p.1 image ")


def test_total_area_coverage_over_the_limit(finish, tmp_path):
    box = '<div style="width:30mm;height:30mm;background:device-cmyk(1 1 1 0)"></div>'  # 300%
    found = check(tmp_path, finish(render(page_html("<p>第一版</p>", box))))
    assert rules(found) == {("tac", 2)}
    assert "total area coverage 300% (max 240%)" in found[0].message  # styles/house.toml [print] max_tac
    path = tmp_path / "t.pdf"
    assert preflight(path, max_tac=320) == []  # the limit can be set per call


def test_not_a_pdf_is_an_input_error(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_text("no PDF here\n" * 20, encoding="utf-8")
    with pytest.raises(InputError, match=r"garbage\.pdf: not a readable PDF \(") as e:
        preflight(path)
    assert "\n" not in str(e.value)


def test_link_annotation(tmp_path):
    found = check(tmp_path, render(page_html('<p><a href="https://example.org/">链接</a></p>')))
    assert ("annotation", 1) in rules(found)
    assert any(v.object == "annotation /Link" for v in found)


def test_page_without_trim_box(clean, tmp_path):
    broken = edited(clean, lambda pdf: pdf.pages[1].obj.__delitem__("/TrimBox"))
    assert rules(check(tmp_path, broken)) == {("no-trimbox", 2)}


def test_unembedded_font(finish, tmp_path):
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding))
    page = pdf.add_blank_page(page_size=(200, 100))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 0 g 20 40 Td (Hello) Tj ET")
    buf = io.BytesIO()
    pdf.save(buf)
    found = check(tmp_path, finish(buf.getvalue()))
    assert rules(found) == {("font-not-embedded", 1)}
    assert str(found[0]) == "p.1 font Helvetica: font is not embedded"


def test_rgb_inside_a_form_xobject(clean, tmp_path):
    def add_form(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[1]
        form = pdf.make_stream(b"1 0 0 rg 0 0 10 10 re f", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                               BBox=[0, 0, 10, 10])
        page.resources.XObject = pikepdf.Dictionary(Fx=form)
        page.contents_add(pdf.make_stream(b"q 1 0 0 1 50 50 cm /Fx Do Q"))

    found = check(tmp_path, edited(clean, add_form))
    assert rules(found) == {("rgb", 2)}
    assert str(found[0]) == "p.2 form Fx: DeviceRGB colour (rg 1 0 0)"


def test_rgb_image(tmp_path):
    photo = Image.new("RGB", (600, 600), (200, 30, 30))
    found = check(tmp_path, render(page_html(f'<img src="{data_uri(photo)}" style="width:20mm;height:20mm">')))
    assert any(v.rule == "rgb" and v.page == 1 and v.object.startswith("image ") for v in found)
