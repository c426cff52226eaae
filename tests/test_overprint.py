"""Black overprint (issue 14): 100 K text and rules print over the tint or photo beneath them instead of
knocking it out, as prepress expects on a newspaper press; preflight reports black text that knocks out."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from layout.check.preflight import preflight
from layout.house import MM
from test_pdfx import TRIM_MM, finish_print_pdf, make_issue, page_html, profile, render  # noqa: F401 (a fixture)

SEP_DPI = 100
# A cyan tint box with black text and a black rule on it; the box and the text in CSS px (1/96 in).
TINTED = page_html(
    '<div style="position:absolute;left:10mm;top:10mm;width:100mm;height:60mm;background:device-cmyk(0.4 0 0 0)">'
    '<p style="margin:5mm;font-size:28pt;line-height:36pt;font-family:\'Noto Sans CJK SC\';font-weight:700">'
    '黑字压在色块上</p>'
    '<div style="position:absolute;left:5mm;top:40mm;width:90mm;height:1mm;background:device-cmyk(0 0 0 1)"></div>'
    '</div>')
TINT_BOX_MM = (10, 10, 110, 70)


def _in_force(page: pikepdf.Page) -> list[tuple[str, bool, bool, int]]:
    """(what, /OP, /op, /OPM) in force for every text run and rectangle fill drawn in 100 K on the page,
    following q/Q, gs and the fill colour as a RIP does (independent of the code that wrote it)."""
    states = page.resources.get("/ExtGState", {})
    stack, drawn = [], []
    state = {"OP": False, "op": False, "OPM": 0, "fill": (0.0,), "path": ""}
    for operands, op in pikepdf.parse_content_stream(page):
        o = str(op)
        if o == "q":
            stack.append(dict(state))
        elif o == "Q":
            state = stack.pop()
        elif o == "gs":
            params = states[operands[0]]
            for key in ("OP", "op", "OPM"):
                if f"/{key}" in params:
                    state[key] = int(params[f"/{key}"]) if key == "OPM" else bool(params[f"/{key}"])
        elif o in ("k", "g", "scn", "sc"):
            state["fill"] = tuple(float(v) for v in operands)
        elif o == "cs":
            state["fill"] = (0.0, 0.0, 0.0, 1.0) if operands[0] == pikepdf.Name.DeviceCMYK else ()
        elif o == "re":
            state["path"] = "rule"
        elif o in ("Tj", "TJ", "f", "f*") and state["fill"] in ((0.0, 0.0, 0.0, 1.0), (0.0,)):
            drawn.append(("text" if o.startswith("T") else state["path"] or "fill", state["OP"], state["op"],
                          state["OPM"]))
        if o in ("f", "f*", "n", "S", "B"):
            state["path"] = ""
    return drawn


def test_black_text_and_rules_of_the_sample_overprint(sample_build):
    """Every 100 K text run and rule of the sample's pages is drawn with /OP and /op true and /OPM 1."""
    with pikepdf.open(sample_build / "XHB-20210122.pdf") as pdf:
        drawn = [d for page in pdf.pages for d in _in_force(page)]
    texts = [d for d in drawn if d[0] == "text"]
    rules = [d for d in drawn if d[0] == "rule"]
    assert len(texts) > 100 and rules
    assert {d[1:] for d in drawn} == {(True, True, 1)}


def _separations(pdf: bytes, tmp_path: Path, name: str) -> dict[str, Image.Image]:
    """Ghostscript's tiffsep plates, as ink (0 = none, 255 = solid), cropped to the tint box."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", f"-r{SEP_DPI}",
                    f"-sOutputFile={tmp_path}/{name}.tif", str(path)], check=True, capture_output=True)
    with pikepdf.open(path) as doc:
        trim = [float(v) for v in doc.pages[0].obj.get("/TrimBox", doc.pages[0].obj.MediaBox)]
        media = [float(v) for v in doc.pages[0].obj.MediaBox]
    scale = SEP_DPI / 25.4
    dx, dy = (trim[0] - media[0]) / MM, (media[3] - trim[3]) / MM
    inset = 1  # mm inside the box edge: anti-aliasing at the edge is not a knockout
    box = tuple(round((v + d + s * inset) * scale) for v, d, s in
                zip(TINT_BOX_MM, (dx, dy, dx, dy), (1, 1, -1, -1)))
    plates = {}
    for plate in ("Cyan", "Magenta", "Yellow", "Black"):
        with Image.open(tmp_path / f"{name}({plate}).tif") as tif:
            plates[plate] = ImageChops.invert(tif.convert("L")).crop(box)
    return plates


def test_separations_show_no_knockout_under_black_text_on_a_tint(profile, tmp_path):
    """Ghostscript tiffsep: with overprint, the cyan plate stays a flat tint under the black text and rule,
    which are on the black plate only; the same page without overprint (WeasyPrint's own file) has holes."""
    source = render(TINTED)
    finished = finish_print_pdf(source, make_issue(tmp_path), profile)
    plates = _separations(finished, tmp_path, "finished")
    black = plates["Black"]
    assert black.getextrema()[1] > 200 and sum(black.histogram()[200:]) > 2000  # the text and rule are there
    cyan_lo, cyan_hi = plates["Cyan"].getextrema()
    assert cyan_lo == cyan_hi and 80 < cyan_lo < 125  # 40 % cyan everywhere in the box: nothing knocked out
    for plate in ("Magenta", "Yellow"):
        assert plates[plate].getextrema() == (0, 0)  # ink only in K (and the tint's own cyan)

    knocked = _separations(source, tmp_path, "source")["Cyan"]
    assert knocked.getextrema()[0] < 20  # control: knocking out leaves white holes in the tint


def test_preflight_reports_black_text_that_knocks_out(profile, tmp_path):
    finished = finish_print_pdf(render(TINTED), make_issue(tmp_path), profile)
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(finished)
    assert [v for v in preflight(clean) if v.rule == "knockout"] == []
    with pikepdf.open(io.BytesIO(finished)) as pdf:
        for params in pdf.pages[0].resources.ExtGState.values():
            if "/op" in params:
                params.op = params.OP = False
        knockout = tmp_path / "knockout.pdf"
        pdf.save(knockout)
    found = [v for v in preflight(knockout) if v.rule == "knockout"]
    assert found and found[0].page == 1 and "/op true" in found[0].message
