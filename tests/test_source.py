"""The issue folder is validated on load: each mistake is one line naming the file and line,
exit code 2, no traceback (issue 2)."""
from __future__ import annotations

import pytest

from conftest import ARTICLE, ISSUE_TOML, run_layout, write_issue
from layout.errors import InputError
from layout.model import EditorsNote, Paragraph, Subhead
from layout.source.issue_folder import load_issue


def assert_input_error(issue, path_part: str, line: int, words: str) -> None:
    """Through the CLI: exit 2, one line on stderr naming file:line and the problem, no traceback."""
    result = run_layout("build", issue, "-o", issue.parent / "out")
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message, message
    assert f"{path_part}:{line}:" in message, message
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
