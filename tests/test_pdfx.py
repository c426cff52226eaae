"""PDF/X-4 finishing per page, the issue file assembled from the pages, and print images, on real WeasyPrint
output read back by real tools."""
from __future__ import annotations

import base64
import datetime as dt
import io
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image, ImageCms, ImageDraw, ImageMath
from weasyprint import HTML

from layout.errors import BuildError
from layout.house import MM, house
from layout.model import Issue, IssueInfo, Paper
from layout.render.pdfx import assemble_issue, finish_page, resolve_profile
from layout.render.print_images import MAX_TAC, OutputProfile, print_image, read_profile

TRIM_MM = (120, 90)
PDFXID = "{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"


def make_issue(root: Path, icc_profile: str = "") -> Issue:
    return Issue(root, Paper("测试报", "TST", icc_profile=icc_profile), IssueInfo(dt.date(2021, 1, 22), 1, 100),
                 "tabloid", (), ())


def page_html(*bodies: str, extra_css: str = "") -> str:
    """One page per body, trim TRIM_MM, CJK text in K only as the house stylesheet sets it."""
    pages = "".join(f'<div class="page">{b}</div>' for b in bodies)
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: {TRIM_MM[0]}mm {TRIM_MM[1]}mm; margin: 0 }}
html {{ color: device-cmyk(0 0 0 1) }}
body {{ margin: 0; font-family: "Noto Serif CJK SC"; font-size: 10pt; line-height: 14pt }}
.page {{ padding: 10mm; page-break-after: always }}
.page:last-child {{ page-break-after: auto }}
{extra_css}</style></head><body>{pages}</body></html>"""


def render(html: str) -> bytes:
    return HTML(string=html).write_pdf()


def one_page_files(pdf: bytes) -> list[bytes]:
    """Each page of a WeasyPrint PDF as a file of its own, as the build renders each page alone."""
    out = []
    with pikepdf.open(io.BytesIO(pdf)) as src:
        for page in src.pages:
            with pikepdf.new() as dst:
                dst.pages.append(page)
                buf = io.BytesIO()
                dst.save(buf, static_id=True)  # no random file ID: the same pages give the same bytes
                out.append(buf.getvalue())
    return out


def finish_pages_of(pdf: bytes, issue: Issue, profile: OutputProfile, **options) -> list[bytes]:
    """Every page of pdf finished as its page's PDF/X-4 file (第1版, 第2版 …)."""
    return [finish_page(page, issue, profile, n, **options) for n, page in enumerate(one_page_files(pdf), 1)]


def finish_print_pdf(pdf: bytes, issue: Issue, profile: OutputProfile, **options) -> bytes:
    """The issue's PDF/X-4 file as the build makes it: each page finished, then assembled."""
    return assemble_issue(finish_pages_of(pdf, issue, profile, **options), issue)


def colour_photo(path: Path, size: tuple[int, int] = (900, 600)) -> Path:
    """A saturated RGB 'photo': gradients and dark coloured shapes (the worst case for ink)."""
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for x in range(size[0]):
        draw.line((x, 0, x, size[1]), fill=(255 * x // size[0], 40, 255 - 255 * x // size[0]))
    for i in range(12):
        draw.ellipse((i * 70, i * 40, i * 70 + 150, i * 40 + 120), fill=((i * 20) % 90, 10, (90 - i * 7) % 90))
    img.save(path, quality=95)
    return path


def grey_photo(path: Path) -> Path:
    img = Image.new("RGB", (600, 400))
    draw = ImageDraw.Draw(img)
    for x in range(600):
        draw.line((x, 0, x, 400), fill=(x * 255 // 599,) * 3)
    img.save(path)
    return path


def decode(uri: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def max_tac(img: Image.Image) -> float:
    c, m, y, k = img.split()
    return ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k).getextrema()[1] / 2.55


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> OutputProfile:
    return resolve_profile(make_issue(tmp_path_factory.mktemp("issue")), tmp_path_factory.mktemp("styles"))


@pytest.fixture(scope="module")
def source_pdf(tmp_path_factory, profile) -> bytes:
    """Two pages as the lead's pipeline makes them, plus what finishing must remove: a link and RGB black."""
    folder = tmp_path_factory.mktemp("photos")
    photo = print_image(colour_photo(folder / "photo.jpg"), profile, 40 * MM, 30 * MM)
    return render(page_html(
        f'<p>本报讯　徐汇区举行新春慰问活动。</p><img src="{photo}" style="width:40mm;height:30mm;object-fit:cover">',
        '<p>第二版正文。<a href="https://example.org/">链接</a><span style="color:#000">黑色</span></p>'))


@pytest.fixture(scope="module")
def finished(source_pdf, profile, tmp_path_factory) -> tuple[bytes, list[str], list[bytes]]:
    """(the issue's file, what finishing reported, the pages' files)."""
    reports: list[str] = []
    issue = make_issue(tmp_path_factory.mktemp("issue"))
    pages = finish_pages_of(source_pdf, issue, profile, report=reports.append)
    return assemble_issue(pages, issue), reports, pages


def write(tmp_path: Path, data: bytes, name: str = "out.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rgb_uses(pdf: pikepdf.Pdf) -> list[str]:
    """Every RGB colour space or RGB operator anywhere in the file."""
    found = []
    for obj in pdf.objects:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        for key in ("/ColorSpace", "/CS"):
            space = obj.get(key)
            if space in (pikepdf.Name.DeviceRGB, pikepdf.Name.CalRGB) or (isinstance(space, pikepdf.Array) and (
                    space[0] == pikepdf.Name.CalRGB or (space[0] == pikepdf.Name.ICCBased and int(space[1].N) == 3))):
                found.append(f"{obj.objgen} {key}")
    contents = [page.obj for page in pdf.pages] + [o for o in pdf.objects if isinstance(o, pikepdf.Stream)
                                                   and o.get("/Subtype") == pikepdf.Name.Form]
    for owner in contents:
        for _, op in pikepdf.parse_content_stream(owner):
            if str(op) in ("rg", "RG"):
                found.append(f"{owner.objgen} {op}")
    return found


def check_pdfx(data: bytes, profile: OutputProfile, tmp_path: Path) -> None:
    """Everything a PDF/X-4 file for this press must have, read back with pikepdf, qpdf, Ghostscript, pdffonts."""
    assert data.startswith(b"%PDF-1.6")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == pikepdf.Name.GTS_PDFX
        assert intent.DestOutputProfile.read_bytes() == profile.data
        assert intent.DestOutputProfile.N == 4
        assert str(intent.OutputConditionIdentifier) == profile.description
        info = pdf.docinfo
        assert str(info.GTS_PDFXVersion) == "PDF/X-4"
        assert info.Trapped == pikepdf.Name("/False")
        xmp = ET.fromstring(pdf.Root.Metadata.read_bytes())
        assert [e.text for e in xmp.iter(PDFXID)] == ["PDF/X-4"]
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            assert trim[2] - trim[0] == pytest.approx(TRIM_MM[0] * MM, abs=0.01)
            assert trim[3] - trim[1] == pytest.approx(TRIM_MM[1] * MM, abs=0.01)
            assert "/Annots" not in page.obj
        assert "/Names" not in pdf.Root and "/AcroForm" not in pdf.Root
        assert rgb_uses(pdf) == []
    path = write(tmp_path, data, "check.pdf")
    qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert qpdf.returncode == 0 and "No syntax or stream encoding errors" in qpdf.stdout, qpdf.stdout + qpdf.stderr
    gs = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dPDFSTOPONERROR", "-sDEVICE=nullpage",
                         str(path)], capture_output=True, text=True)
    assert gs.returncode == 0 and "rror" not in gs.stdout + gs.stderr, gs.stdout + gs.stderr
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


def test_finished_file_is_pdfx4(finished, profile, tmp_path):
    check_pdfx(finished[0], profile, tmp_path)


def test_info_and_xmp_from_the_issue(finished, monkeypatch):
    with pikepdf.open(io.BytesIO(finished[0])) as pdf:
        assert str(pdf.docinfo.Title) == "测试报 2021年1月22日 第1期"
        assert str(pdf.docinfo.CreationDate) == "D:20210122000000+08'00'"
        assert str(pdf.docinfo.ModDate) == "D:20210122000000+08'00'"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<xmp:CreateDate>2021-01-22T00:00:00+08:00</xmp:CreateDate>" in xmp
        assert "<pdf:Trapped>False</pdf:Trapped>" in xmp
        doc_id, instance = (uuid.UUID(bytes=bytes(v)) for v in pdf.trailer.ID)
        assert f"uuid:{doc_id}" in xmp and f"uuid:{instance}" in xmp


def test_source_date_epoch_sets_the_dates(source_pdf, profile, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1611273600")  # 2021-01-22 00:00 UTC
    pdf = pikepdf.open(io.BytesIO(finish_print_pdf(source_pdf, make_issue(tmp_path), profile)))
    assert str(pdf.docinfo.CreationDate) == "D:20210122000000+00'00'"


@pytest.mark.parametrize("epoch", ["yesterday", "1.5", "99999999999999999999", "-99999999999999"])
def test_source_date_epoch_out_of_range_is_a_build_error(source_pdf, profile, tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(BuildError, match=r"^SOURCE_DATE_EPOCH must be a whole number of seconds"):
        finish_print_pdf(source_pdf, make_issue(tmp_path), profile)


def test_same_input_same_bytes_and_ids_follow_issue_and_content(source_pdf, finished, profile, tmp_path):
    issue = make_issue(tmp_path)
    again = finish_print_pdf(source_pdf, issue, profile)
    assert again == finished[0]
    other = finish_print_pdf(render(page_html("<p>另一期</p>")), issue, profile)
    ids = [pikepdf.open(io.BytesIO(d)).trailer.ID for d in (again, other)]
    assert bytes(ids[0][0]) == bytes(ids[1][0])  # same paper and date: the same document
    assert bytes(ids[0][1]) != bytes(ids[1][1])  # different content: another instance
    assert b"31415926535897932384626433832795" not in again  # qpdf's placeholder was replaced


def test_rgb_left_by_the_stylesheet_is_converted_and_reported(finished):
    pdf, reports, _ = finished
    assert "第2版: RGB fill 0 0 0 → CMYK 0 0 0 1" in reports
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        fills = [[float(v) for v in operands] for operands, op in pikepdf.parse_content_stream(doc.pages[1])
                 if str(op) == "k"]
        assert [0, 0, 0, 1] in fills


def test_rgb_images_shadings_and_groups_are_converted(profile, tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 30, 30)).save(buf, format="PNG")
    photo = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    reports: list[str] = []
    pdf = finish_print_pdf(render(page_html(
        '<div style="width:40mm;height:10mm;background:linear-gradient(to right, #c00, #00c, #0a0)"></div>'
        '<div style="width:40mm;height:10mm;opacity:0.5;background:device-cmyk(0 1 0 0)">透明</div>'
        f'<img src="{photo}" style="width:20mm">')), make_issue(tmp_path), profile, report=reports.append)
    check_pdfx(pdf, profile, tmp_path)  # no RGB left: operators, image, shading, transparency group
    assert any("RGB image" in r for r in reports) and any("RGB shading" in r for r in reports)


def test_photo_is_cmyk_at_300_ppi(finished):
    with pikepdf.open(io.BytesIO(finished[0])) as pdf:
        images = [x for x in pdf.pages[0].resources.XObject.values() if x.Subtype == pikepdf.Name.Image]
        assert len(images) == 1
        assert images[0].ColorSpace == pikepdf.Name.DeviceCMYK and images[0].Filter == pikepdf.Name.DCTDecode
        # 900×600 covering 40×30 mm: the height decides (30 mm → 600 px scaled to 45 mm wide at 300 ppi)
        assert int(images[0].Width) == pytest.approx(45 / 25.4 * 300, abs=1)


def test_print_image_caps_ink_and_keeps_grey_k_only(profile, tmp_path):
    assert MAX_TAC * 100 == house()["print"]["max_tac"]  # the house's limit, not one of our own
    colour = decode(print_image(colour_photo(tmp_path / "c.jpg"), profile, 60 * MM))
    assert colour.mode == "CMYK" and colour.format == "JPEG"
    assert max_tac(colour) <= house()["print"]["max_tac"]
    assert max_tac(decode(print_image(colour_photo(tmp_path / "c.jpg"), profile, 60 * MM, max_tac=2.0))) <= 200
    grey = decode(print_image(grey_photo(tmp_path / "g.png"), profile, 100 * MM))
    assert grey.mode == "L" and grey.format == "PNG"
    assert grey.size == (600, 400)  # 600 px across 100 mm is 152 ppi: never upsampled
    assert grey.getpixel((0, 0)) == 0 and grey.getpixel((599, 0)) == 255  # black → solid K, white → paper


def test_bleed_moves_the_page_into_a_larger_media_box(source_pdf, finished, profile, tmp_path):
    bled = finish_print_pdf(source_pdf, make_issue(tmp_path), profile, bleed_mm=3)
    check_pdfx(bled, profile, tmp_path)
    with pikepdf.open(io.BytesIO(bled)) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            assert [b - t for b, t in zip(bleed, trim)] == pytest.approx([-3 * MM, -3 * MM, 3 * MM, 3 * MM], abs=0.01)
            assert [float(v) for v in page.obj.MediaBox] == pytest.approx([0, 0, bleed[2], bleed[3]], abs=0.01)
    # The text sits at the same place relative to the trim as without bleed.
    with pdfplumber.open(io.BytesIO(bled)) as b, pdfplumber.open(io.BytesIO(finished[0])) as plain:
        assert b.pages[0].chars[0]["x0"] - 3 * MM == pytest.approx(plain.pages[0].chars[0]["x0"], abs=0.01)
        assert b.pages[0].chars[0]["top"] - 3 * MM == pytest.approx(plain.pages[0].chars[0]["top"], abs=0.01)


def test_crop_marks_in_registration_colour_outside_the_bleed(source_pdf, profile, tmp_path):
    marked = finish_print_pdf(source_pdf, make_issue(tmp_path), profile, bleed_mm=3, crop_marks=True)
    check_pdfx(marked, profile, tmp_path)  # includes: no RGB anywhere
    path = write(tmp_path, marked)
    with pikepdf.open(path) as pdf:
        media = [float(v) for v in pdf.pages[0].obj.MediaBox]
        bleed = [float(v) for v in pdf.pages[0].obj.BleedBox]
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc", "-r72", "-dFirstPage=1",
                    "-dLastPage=1", f"-sOutputFile={tmp_path}/p.tif", str(path)], check=True)
    tif = Image.open(tmp_path / "p.tif")
    registration = [(x, y) for y in range(tif.height) for x in range(tif.width)
                    if tif.getpixel((x, y)) == (255, 255, 255, 255)]
    assert len(registration) >= 8 * 10  # eight 5 mm (14 pt) marks
    top = media[3]
    for x, y in registration:  # every mark pixel lies outside the bleed box (2 pt for pixel rounding)
        inside = bleed[0] + 2 < x < bleed[2] - 2 and bleed[1] + 2 < top - y < bleed[3] - 2
        assert not inside, (x, y)


def test_one_complete_pdfx_per_page(finished, source_pdf, profile, tmp_path):
    pages = finished[2]
    assert len(pages) == 2
    issue = make_issue(tmp_path)
    assert finish_pages_of(source_pdf, issue, profile) == pages  # deterministic
    ids = set()
    for n, data in enumerate(pages, 1):
        check_pdfx(data, profile, tmp_path)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) == 1
            assert str(pdf.docinfo.Title) == f"测试报 2021年1月22日 第1期 第{n}版"
            assert str(pdf.docinfo.CreationDate) == "D:20210122000000+08'00'"
            ids.add(bytes(pdf.trailer.ID[0]))
    assert len(ids) == 2
    with pdfplumber.open(io.BytesIO(pages[1])) as pdf:
        assert "第二版正文" in pdf.pages[0].extract_text()


def test_issue_file_holds_the_pages_in_order(finished):
    """The issue's file is the pages' files put together: same page content, one output intent."""
    with pikepdf.open(io.BytesIO(finished[0])) as issue:
        assert len(issue.pages) == 2 and len(issue.Root.OutputIntents) == 1
        for page, data in zip(issue.pages, finished[2]):
            with pikepdf.open(io.BytesIO(data)) as own:
                assert page.Contents.read_bytes() == own.pages[0].Contents.read_bytes()
    with pdfplumber.open(io.BytesIO(finished[0])) as pdf:
        assert "第二版正文" in pdf.pages[1].extract_text()


def test_a_page_file_is_made_from_one_page_only(source_pdf, profile, tmp_path):
    with pytest.raises(BuildError, match="2 PDF pages instead of one"):
        finish_page(source_pdf, make_issue(tmp_path), profile, 1)


def test_resolve_profile_prefers_issue_then_house_then_system(profile, tmp_path):
    (tmp_path / "press.icc").write_bytes(profile.data)
    assert resolve_profile(make_issue(tmp_path, "press.icc"), tmp_path / "styles").path == tmp_path / "press.icc"
    styles = tmp_path / "styles"
    styles.mkdir()
    shutil.copy(profile.path, styles / "output.icc")
    assert resolve_profile(make_issue(tmp_path), styles).path == styles / "output.icc"
    system = tmp_path / "gs" / "9.56" / "iccprofiles"
    system.mkdir(parents=True)
    shutil.copy(profile.path, system / "default_cmyk.icc")
    pattern = str(tmp_path / "gs" / "*" / "iccprofiles" / "default_cmyk.icc")
    found = resolve_profile(make_issue(tmp_path), tmp_path, (pattern,))
    assert found == read_profile(system / "default_cmyk.icc")
    assert found.data == profile.data and found.description == profile.description != ""


def test_resolve_profile_errors_clearly(tmp_path):
    with pytest.raises(BuildError, match=r"^PDF/X needs a CMYK output profile: .*missing\.icc .*does not exist"):
        resolve_profile(make_issue(tmp_path, "missing.icc"), tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BuildError, match=r"^PDF/X needs a CMYK output profile: set paper\.icc_profile"):
        resolve_profile(make_issue(tmp_path), empty, (str(empty / "*.icc"),))
    (tmp_path / "rgb.icc").write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    with pytest.raises(BuildError, match=r"^PDF/X needs a CMYK output profile: .*rgb\.icc is not one \(colour space RGB"):
        resolve_profile(make_issue(tmp_path, "rgb.icc"), empty)
