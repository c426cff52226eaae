"""The issue folder is validated on load: each mistake is one line naming the file and line,
exit code 2, no traceback (issue 2)."""
from __future__ import annotations

import io
import random
import zlib

import pytest
from PIL import ExifTags, Image, ImageFile

from conftest import ARTICLE, ISSUE_TOML, run_layout, write_issue
from layout.errors import InputError
from layout.model import EditorsNote, Paragraph, Subhead
from layout.source.issue_folder import load_issue


def assert_input_error(issue, path_part: str, line: int | None, words: str) -> None:
    """Through the CLI: exit 2, one line on stderr naming file:line (or only the file) and the problem,
    no traceback."""
    result = run_layout("build", issue, "-o", issue.parent / "out")
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message, message
    assert f"{path_part}:{line}:" in message if line else f"{path_part}: " in message, message
    assert words in message, message
    assert not (issue.parent / "out").exists()


def test_sample_issue_loads():
    from conftest import SAMPLE

    issue = load_issue(SAMPLE)
    assert [a.id for a in issue.articles][:2] == ["01-caijingwei", "02-yiqing-fangkong"]
    assert issue.articles[2].subtitle == "区民政局聚焦“十四五”养老服务业发展"
    assert sum(isinstance(b, Subhead) for b in issue.articles[4].blocks) == 4
    assert issue.stem == "XHB-20210122"


def test_invalid_toml(tmp_path):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace('code = "TST"', 'code = "TST'))
    assert_input_error(issue, "issue.toml", 5, "invalid TOML")


def test_unknown_key_in_toml(tmp_path):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace("number = 1\n", "number = 1\nvolume = 3\n", 1))
    assert_input_error(issue, "issue.toml", 10, "unknown key 'volume'")


def test_missing_required_field_in_toml(tmp_path):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace('name = "测试报"\n', ""))
    assert_input_error(issue, "issue.toml", 3, "missing required field 'name'")


def test_wrong_type_in_toml(tmp_path):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace("number = 1\n", 'number = "一"\n', 1))
    assert_input_error(issue, "issue.toml", 9, "'number' in [issue] must be a whole number")


def test_invalid_yaml(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("byline: 记者 某某", "byline: [记者")})
    assert_input_error(issue, "01-a.md", 4, "invalid YAML")


def test_unknown_key_in_front_matter(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("page: 1", "page: 1\nauthor: 某某")})
    assert_input_error(issue, "01-a.md", 5, "unknown key 'author'")


def test_missing_headline(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("headline: 测试标题\n", "")})
    assert_input_error(issue, "01-a.md", 1, "missing required field 'headline'")


def test_undefined_page(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("page: 1", "page: 7")})
    assert_input_error(issue, "01-a.md", 4, "page 7 is not defined in issue.toml")


def test_missing_image(tmp_path):
    text = ARTICLE.replace("priority: 1", "priority: 1\nimages:\n  - file: images/none.png\n    alt: 图")
    issue = write_issue(tmp_path / "i", {"01-a.md": text})
    assert_input_error(issue, "01-a.md", 7, "image 'images/none.png' not found")


def test_not_utf8(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("第二段正文。", "第二段").encode("gb18030")})
    assert_input_error(issue, "01-a.md", 2, "not UTF-8")


def test_empty_article(tmp_path):
    text = ARTICLE.split("---\n")[1]
    issue = write_issue(tmp_path / "i", {"01-a.md": f"---\n{text}---\n\n   \n"})
    assert_input_error(issue, "01-a.md", 6, "no body text")


def test_bad_byline_position(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("page: 1", "page: 1\nbyline_position: left")})
    assert_input_error(issue, "01-a.md", 5, "byline_position")


def test_markdown_blocks_and_escaped_html(tmp_path):
    body = "第一段\n接续<b>粗</b>。\n\n## 小标题\n\n> 编者按：按语。\n\nEnglish\nwords here.\n"
    issue = load_issue(write_issue(tmp_path / "i", {"01-a.md": ARTICLE.split("第一段")[0] + body}))
    blocks = issue.articles[0].blocks
    assert blocks == (Paragraph("第一段接续<b>粗</b>。", 7), Subhead("小标题", 10), EditorsNote("编者按：按语。", 12),
                      Paragraph("English words here.", 14))


def test_list_in_body_is_refused(tmp_path):
    with pytest.raises(InputError) as e:
        load_issue(write_issue(tmp_path / "i", {"01-a.md": ARTICLE + "\n- 一\n- 二\n"}))
    assert e.value.line == 11 and "list" in e.value.message


def test_unknown_format_preset(tmp_path):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace('"tabloid"', '"a3"'))
    assert_input_error(issue, "issue.toml", 1, "unknown format 'a3'")


def _image(fmt: str, size=(40, 30), exif: Image.Exif | None = None) -> bytes:
    """Noise, so that the picture data is most of the file."""
    noise = random.Random(0).randbytes(size[0] * size[1] * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", size, noise).save(out, fmt, **({"exif": exif} if exif else {}))
    return out.getvalue()


def _with_image(name: str) -> str:
    return ARTICLE.replace("priority: 1", f"priority: 1\nimages:\n  - file: {name}\n    alt: 图")


def _bad_crc_png() -> bytes:
    """A PNG whose picture data (IDAT, the chunk before the 12-byte IEND) fails its checksum."""
    data = bytearray(_image("PNG"))
    data[-13] ^= 0xFF
    assert data[37:41] == b"IDAT" and zlib.crc32(data[37:-16]) != int.from_bytes(data[-16:-12], "big")
    return bytes(data)


def test_text_saved_as_png_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": _with_image("images/a.png")},
                        images={"images/a.png": b"not a picture\n"})
    assert_input_error(issue, "01-a.md", 7, "image 'images/a.png' is not a PNG, JPEG or TIFF image")


@pytest.mark.parametrize("name, data", [
    ("images/a.jpg", _image("JPEG")[:-400]),  # truncated in the picture data
    ("images/a.png", _image("PNG")[:-400]),
    ("images/a.png", _bad_crc_png()),
], ids=["truncated JPEG", "truncated PNG", "PNG checksum"])
def test_damaged_image_is_refused(tmp_path, monkeypatch, name, data):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as after `import weasyprint` in a build
    with pytest.raises(InputError) as e:
        load_issue(write_issue(tmp_path / "i", {"01-a.md": _with_image(name)}, images={name: data}))
    assert e.value.path.name == "01-a.md" and e.value.line == 7
    assert f"image '{name}' is damaged" in e.value.message


def test_figure_size_is_recorded_upright(tmp_path):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned a quarter: 30 wide, 40 high
    issue = load_issue(write_issue(tmp_path / "i", {
        "01-a.md": _with_image("images/a.png"), "02-b.md": _with_image("images/b.jpg")},
        images={"images/a.png": _image("PNG", (40, 30)), "images/b.jpg": _image("JPEG", (40, 30), exif)}))
    assert [a.figures[0].size for a in issue.articles] == [(40, 30), (30, 40)]


def test_datetime_is_not_a_date(tmp_path):
    toml = ISSUE_TOML.replace("date = 2021-01-22", "date = 2021-01-22T08:00:00")
    issue = write_issue(tmp_path / "i", toml=toml)
    assert_input_error(issue, "issue.toml", 8, "'date' in [issue] must be a date (YYYY-MM-DD)")


def test_table_in_body_is_refused(tmp_path):
    with pytest.raises(InputError) as e:
        load_issue(write_issue(tmp_path / "i", {"01-a.md": ARTICLE + "\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n"}))
    assert e.value.line == 11 and "a table is not part of an article body" in e.value.message


@pytest.mark.parametrize("marks", ["###", "######"])
def test_deep_heading_is_refused(tmp_path, marks):
    with pytest.raises(InputError) as e:
        load_issue(write_issue(tmp_path / "i", {"01-a.md": ARTICLE + f"\n{marks} 小标题\n"}))
    assert e.value.line == 11 and f"a {marks} heading" in e.value.message
    assert "use ## for a subhead" in e.value.message


def test_nul_in_article_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("第二段正文。", "第二段\x00正文。")})
    assert_input_error(issue, "01-a.md", 9, "a NUL character")


def test_control_character_in_toml_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace('"要闻"', '"要\x1b闻"'))
    assert_input_error(issue, "issue.toml", 14, "the control character U+001B")


def test_article_path_that_is_a_folder_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i")
    (issue / "articles" / "02-b.md").mkdir()
    assert_input_error(issue, "articles/02-b.md", None, "a folder where a file is expected")


def test_broken_link_as_article_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i")
    (issue / "articles" / "02-b.md").symlink_to(tmp_path / "gone.md")
    with pytest.raises(InputError) as e:
        load_issue(issue)
    assert e.value.path.name == "02-b.md" and "cannot read the file" in e.value.message


def test_articles_sort_naturally(tmp_path):
    names = ["100-c.md", "11-b.md", "2-a.md", "20-d.md"]
    issue = load_issue(write_issue(tmp_path / "i", {n: ARTICLE for n in names}))
    assert [a.id for a in issue.articles] == ["2-a", "11-b", "20-d", "100-c"]


def test_unsafe_yaml_tag_is_refused_with_its_line(tmp_path):
    text = ARTICLE.replace("byline: 记者 某某", "byline: !!python/name:os.system")
    issue = write_issue(tmp_path / "i", {"01-a.md": text})
    assert_input_error(issue, "01-a.md", 3, "invalid YAML")


# --- Typists' slips (issue 12 item 4): the line of the slip and the fix, in plain words ------------

@pytest.mark.parametrize("before, after, line, zh, en", [
    ("headline: 测试标题", "headline：测试标题", 2,
     "第2行：“headline”后面是全角冒号“：”，请改成半角冒号加空格“: ”",
     "line 2: after “headline” comes a full-width colon “：”; write a half-width colon and a space “: ”"),
    ("byline: 记者 某某", "byline　记者 某某", 3,
     "第3行：“byline”后面是全角空格，请改成半角冒号加空格“: ”",
     "line 3: after “byline” comes a full-width space; write a half-width colon and a space “: ”"),
    ("byline: 记者 某某", "byline:　记者 某某", 3,
     "第3行：“byline:”后面是全角空格，请改成半角空格",
     "line 3: after “byline:” comes a full-width space; write a half-width space"),
    ("byline: 记者 某某", "byline:记者 某某", 3,
     "第3行：“byline:”后面缺少空格，请在冒号后加一个空格",
     "line 3: after “byline:” the space is missing; write a space after the colon"),
    ("page: 1", "page:\t1", 4,
     "第4行：“page:”后面是制表符（Tab），请改成空格",
     "line 4: after “page:” comes a tab; write a space"),
    ("page: 1", "\tpage: 1", 4,
     "第4行：行首用了制表符（Tab）缩进，请改用空格",
     "line 4: the line is indented with a tab; indent with spaces"),
    ("headline: 测试标题", "headline: “测试: 标题”", 2,
     "第2行：“headline”的值用了全角引号；要给值加引号，请用半角引号\"…\"",
     "line 2: the value of “headline” is in full-width quotation marks; to quote a value use half-width "
     "quotation marks \"…\""),
    ("headline: 测试标题", "标题: 测试标题", 2,
     "第2行：“标题”是中文键名；键名要用英文：请写“headline”",
     "line 2: “标题” is a key in Chinese; keys are written in English: write “headline”"),
], ids=["full-width colon", "full-width space for the colon", "full-width space after the colon", "no space",
        "tab after the colon", "tab indent", "full-width quotes", "Chinese key"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_yaml_slip_names_its_line_and_the_fix(tmp_path, monkeypatch, before, after, line, zh, en, lang):
    monkeypatch.setenv("LC_MESSAGES", "zh_CN.UTF-8" if lang == "zh" else "en_US.UTF-8")
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace(before, after)})
    result = run_layout("build", issue, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == f"layout: {issue / 'articles' / '01-a.md'}:{line}: {zh if lang == 'zh' else en}"


@pytest.mark.parametrize("before, after, line, zh", [
    ('name = "测试报"', 'name = “测试报”', 4, "第4行：“name”的值用了全角引号；要给值加引号，请用半角引号\"…\""),
    ('name = "测试报"', 'name ＝ "测试报"', 4, "第4行：“name”后面是全角等号“＝”，请改成“ = ”"),
    ('name = "测试报"', 'name　= "测试报"', 4, "第4行：“name”后面是全角空格，请改成半角空格"),
    ('name = "测试报"', 'name: "测试报"', 4, "第4行：“name”后面是冒号“:”；issue.toml 里键和值之间写“ = ”"),
    ('name = "测试报"', '报名 = "测试报"', 4, "第4行：“报名”是中文键名；键名要用英文：请写“name”"),
    ('section = "综合"', 'section = "综合"\n编辑 = "王五"', 19, "第19行：“编辑”是中文键名；键名要用英文：请写“editor”"),
], ids=["full-width quotes", "full-width equals", "full-width space", "colon", "Chinese key", "Chinese key late"])
def test_toml_slip_names_its_line_and_the_fix(tmp_path, monkeypatch, before, after, line, zh):
    monkeypatch.setenv("LC_MESSAGES", "zh_CN.UTF-8")
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace(before, after))
    result = run_layout("build", issue, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == f"layout: {issue / 'issue.toml'}:{line}: {zh}"


def test_quoted_headline_that_yaml_reads_is_text(tmp_path):
    """“…” around a whole value is the headline's own quotation when YAML reads the line."""
    issue = load_issue(write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("测试标题", "“双减”之下")}))
    assert issue.articles[0].headline == "“双减”之下"


def test_slip_look_alikes_that_yaml_reads_are_text(tmp_path):
    """Only a line YAML fails on (or a front matter it reads as no table) is taken for a slip."""
    text = ARTICLE.replace("byline: 记者 某某", "byline: 记者 某某\nsubtitle: >-\n  website:www.xuhui.gov.cn")
    assert load_issue(write_issue(tmp_path / "i", {"01-a.md": text})).articles[0].subtitle == "website:www.xuhui.gov.cn"


@pytest.mark.parametrize("name, said", [
    ("../ad.png", "lies outside the issue folder"),
    ("images/none.png", "not found in the issue folder"),
    ("images", "a folder where a file is expected"),
    ("articles/a.md", "must be PDF, PNG or JPEG"),
])
def test_an_ad_file_is_checked_like_an_image_at_its_line(tmp_path, name, said):
    """An ad's file is refused as an image is (outside, missing, a folder, wrong type), at issue.toml's `file` line."""
    root = write_issue(tmp_path / "issue", {"a.md": ARTICLE},
                       toml=ISSUE_TOML + f'\n[[ads]]\npage = 2\nfile = "{name}"\ncolumns = 3\nlines = 20\n')
    (root / "images").mkdir(exist_ok=True)
    (tmp_path / "ad.png").write_bytes(b"")
    with pytest.raises(InputError) as e:
        load_issue(root)
    line = ISSUE_TOML.count("\n") + 4  # the blank line, [[ads]], page, then file
    assert said in e.value.message and e.value.line == line and e.value.path.name == "issue.toml"
