"""Font roles, fontconfig resolution (checked against WeasyPrint), advances and coverage."""
from __future__ import annotations

import io
import subprocess
import tomllib
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from fontTools.ttLib import TTFont

from conftest import ISSUE_TOML, write_issue
from layout.errors import BuildError
from layout.source.issue_folder import load_issue
from layout.text import fonts
from layout.text.fonts import ROLES_FILE, FontError, FontFace, Metrics, match, missing_glyphs, resolve
from layout.text.issue_text import normalise_issue

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
    with pytest.raises(FontError, match="not installed") as e:
        match("No Such Family SC")
    assert isinstance(e.value, BuildError)  # the CLI's one line and exit code 1, no traceback
    assert "'No Such Family SC'" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(FontError, match="no font role"):
        resolve("sidebar")
    roles = tmp_path / "roles.toml"
    roles.write_text('[body]\nfamily = "Nope Serif"\nweight = 400\n', encoding="utf-8")
    with pytest.raises(FontError, match="'Nope Serif' is not installed"):
        resolve("body", roles)
    roles.write_text('[body]\nweight = 400\n', encoding="utf-8")
    with pytest.raises(FontError, match="needs family"):
        resolve("body", roles)


@pytest.mark.parametrize("answer", ["", "garbage", "/x.ttf||Some Family", "|0|Some Family"])
def test_an_empty_or_malformed_fc_match_answer_is_a_font_error(monkeypatch, answer):
    def fake_run(args, **kwargs):
        return subprocess.CompletedProcess(args, 0, stdout=answer, stderr="")

    monkeypatch.setattr(fonts.subprocess, "run", fake_run)
    family = f"Malformed Answer {len(answer)} {answer[:3]}"  # match() caches by family: one per case
    with pytest.raises(FontError, match=f"no font for '{family}'"):
        match(family)


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


# --- Missing glyphs over the issue (layout.text.issue_text) ------------------------------

NO_GLYPH = "\U00020000"  # CJK Extension B: in none of the default faces


def test_every_printed_field_and_the_page_furniture_are_checked_for_missing_glyphs(tmp_path):
    one_page = ISSUE_TOML.split("[[pages]]\nnumber = 2")[0]
    toml = (one_page.replace('name = "测试报"', f'name = "测{NO_GLYPH}报"\npublisher = "主办{NO_GLYPH}"')
            .replace('section = "要闻"', f'section = "要{NO_GLYPH}"\neditor = "王{NO_GLYPH}"'))
    articles = {
        "01-a.md": f"""\
            ---
            headline: 标题
            short_headline: 短{NO_GLYPH}
            dateline: 本报讯{NO_GLYPH}
            byline: 记者 甲{NO_GLYPH}
            byline_position: dateline
            photo:
              caption: 说明{NO_GLYPH}
              credit: 丙{NO_GLYPH}
            ---
            正文。
            """,
        "02-b.md": f"""\
            ---
            headline: 另一篇
            byline: 记者 丁{NO_GLYPH}
            ---
            正文。
            """,
    }
    _, report = normalise_issue(load_issue(write_issue(tmp_path / "issue", articles, toml)))
    found = {(m.article_id, m.where, m.role) for m in report.missing}
    assert {m.char for m in report.missing} == {NO_GLYPH}
    assert found == {
        ("", "issue.toml", "masthead"), ("", "issue.toml", "body"), ("", "issue.toml", "headline"),
        ("01-a", "short_headline", "headline"), ("01-a", "dateline", "body"),
        ("01-a", "byline", "body"),  # set inside 本报讯（…）, in the body face
        ("01-a", "photo_caption", "caption"), ("01-a", "photo_credit", "caption"),
        ("02-b", "byline", "caption"),  # a ■ line under the headline
    }
    assert sum(m.where == "issue.toml" for m in report.missing) == 4  # name, publisher, section, editor
    assert {m.place for m in report.missing if m.article_id == "01-a"} >= {"01-a.md dateline"}
    assert {m.place for m in report.missing if not m.article_id} == {"issue.toml"}


def test_figure_caption_and_credit_changes_are_labelled_apart(tmp_path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (300, 200), "grey").save(buf, "PNG")
    article = """\
        ---
        headline: 标题
        images:
          - file: images/p.png
            caption: 说明(一)
            credit: 记者 甲,乙
            alt: 一张灰色的图
        ---
        正文。
        """
    _, report = normalise_issue(load_issue(write_issue(tmp_path / "issue", {"01-a.md": article},
                                                       images={"images/p.png": buf.getvalue()})))
    assert [(where, c.before) for where, c in report.changes["01-a"]] == [
        ("caption", "("), ("caption", ")"), ("credit", ",")]
