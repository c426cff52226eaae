"""Font roles, fontconfig resolution (checked against WeasyPrint), advances and coverage."""
from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from fontTools.ttLib import TTFont

from layout.text.fonts import ROLES_FILE, FontError, FontFace, Metrics, match, missing_glyphs, resolve

ROLES = tomllib.loads(ROLES_FILE.read_text(encoding="utf-8"))


def _postscript_name(data: bytes | str, index: int = 0) -> str:
    font = TTFont(io.BytesIO(data) if isinstance(data, bytes) else data, fontNumber=index, lazy=True)
    return str(font["name"].getDebugName(6))


def _embedded_postscript_names(face: FontFace) -> set[str]:
    """Render one line in the face's family and weight; read the embedded font programs."""
    html = (
        f'<html lang="zh-Hans"><body style="font-family: \'{face.family}\'; '
        f'font-weight: {face.weight}">区委财经工作会议 ABC 2021</body></html>'
    )
    pdf = pikepdf.open(io.BytesIO(weasyprint.HTML(string=html).write_pdf()))
    names = set()
    for font in pdf.pages[0].Resources.Font.values():
        descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
        stream = next(descriptor[k] for k in ("/FontFile3", "/FontFile2", "/FontFile") if k in descriptor)
        names.add(_postscript_name(stream.read_bytes()))
    return names


@pytest.mark.parametrize("role", sorted(ROLES))
def test_resolve_matches_the_font_weasyprint_embeds(role):
    face = resolve(role)
    assert face.family == ROLES[role]["family"] and face.weight == ROLES[role]["weight"]
    assert Path(face.path).is_file()
    assert _embedded_postscript_names(face) == {_postscript_name(face.path, face.index)}


def test_css_weights_map_to_the_right_files():
    # fontconfig's weight scale is not CSS's: weight=400 asked raw would give the Black face.
    assert "Regular" in match("Noto Serif CJK SC", 400).path
    assert "Bold" in match("Noto Sans CJK SC", 700).path
    assert "Black" in match("Noto Serif CJK SC", 900).path
    assert match("Noto Serif CJK SC", 400).index == match("Noto Sans CJK SC", 700).index  # the SC face


def test_unknown_family_or_role_is_an_error_not_a_silent_fallback(tmp_path):
    with pytest.raises(FontError, match="not installed"):
        match("No Such Family SC")
    with pytest.raises(FontError, match="no font role"):
        resolve("sidebar")
    roles = tmp_path / "roles.toml"
    roles.write_text('[body]\nfamily = "Nope Serif"\nweight = 400\n', encoding="utf-8")
    with pytest.raises(FontError):
        resolve("body", roles)


def test_metrics_han_and_marks_are_one_em_halt_half_em():
    m = Metrics(resolve("body"), 9.5)
    assert m.advance("字") == 9.5
    assert m.advance("，") == 9.5
    assert m.advance("，", '"halt"') == 4.75
    assert m.advance("“", '"halt"') == 4.75


def test_metrics_dash_pair_is_two_em_only_with_fwid_outside_han_context():
    m = Metrics(resolve("body"), 10)
    assert m.width("——", '"fwid"') == 20
    assert m.width("——") < 19  # the proportional dash a lone "——" span would get


def test_metrics_latin_runs_are_shaped_like_pango_for_the_page_language():
    body = resolve("body")
    hans, cn = Metrics(body, 10, "zh-Hans"), Metrics(body, 10, "zh-CN")
    # zh-Hans keeps proportional digits; under zh-CN Pango shapes Latin as English: tabular.
    assert hans.advances("5G")[0] == pytest.approx(5.58)
    assert cn.advances("5G")[0] == pytest.approx(5.49)
    assert hans.width("AV") < hans.advance("A") + hans.advance("V")  # kerning kept


def test_missing_glyphs_reports_positions():
    body = resolve("body")
    assert missing_glyphs("区委\U00020000好😀\ufe00", body) == [(2, "\U00020000"), (4, "😀")]
    assert missing_glyphs("区委财经 ABC，。", body) == []
