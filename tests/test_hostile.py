"""Hostile and careless input (issue 13): one line naming the file and line, exit 2, no traceback, no
hang, nothing read from outside the issue folder, earlier outputs left whole."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ARTICLE, ISSUE_TOML, LAYOUT, ROOT, run_layout, run_layout_process, shared_folder, write_issue
from layout.errors import BuildError, InputError
from layout.model import Issue
from layout.output import OutputSet
from layout.render.furniture import FIRST_DATE, LAST_DATE, lunar
from layout.source.importer import run_import
from layout.render.page_cache import CACHE_FOLDER
from layout.source.issue_folder import load_issue

HANG = 60  # s: a subprocess still running after this has hung (a FIFO, an alias bomb)
DATE = dt.date(2021, 1, 22)


def refused(issue, path_part: str, line: int | None, words: str) -> InputError:
    with pytest.raises(InputError) as e:
        load_issue(issue)
    err = e.value
    assert str(err.path).endswith(path_part), err
    assert err.line == line, err
    assert words in err.message, err
    return err


def body(text: str) -> str:
    return ARTICLE.replace("第二段正文。", text)


# --- characters (what to build 1) ------------------------------------------------------------

@pytest.mark.parametrize("char, words", [
    ("\ufffe", "U+FFFE, which is not a character"),
    ("\uffff", "U+FFFF, which is not a character"),
    ("\U0001fffe", "U+1FFFE, which is not a character"),
    ("\ufdd0", "U+FDD0, which is not a character"),
    ("\x7f", "the control character U+007F"),
    ("\x85", "the control character U+0085"),
    ("\x9b", "the control character U+009B"),
    ("\u202e", "direction control U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u2066", "direction control U+2066"),
    ("\u2028", "the separator U+2028 LINE SEPARATOR"),
    ("\u2029", "the separator U+2029 PARAGRAPH SEPARATOR"),
    ("\u200b", "the invisible character U+200B ZERO WIDTH SPACE"),
    ("\u00ad", "the invisible character U+00AD SOFT HYPHEN"),
    ("\ufeff", "the invisible character U+FEFF"),
])
def test_refused_characters_in_a_body(tmp_path, char, words):
    refused(write_issue(tmp_path / "i", {"01-a.md": body(f"第二段{char}正文。")}), "01-a.md", 9, words)


def test_zero_width_joiner_is_kept(tmp_path):
    issue = load_issue(write_issue(tmp_path / "i", {"01-a.md": body("第二段👨\u200d👩正文。")}))
    assert "\u200d" in issue.articles[0].blocks[1].text


@pytest.mark.parametrize("escape, words", [
    ("\\u0007", "the control character U+0007"), ("\\u009b", "the control character U+009B"),
    ("\\uFFFF", "U+FFFF, which is not a character"), ("\\u202E", "the invisible direction control U+202E"),
])
def test_escaped_characters_in_toml_are_refused_after_unescaping(tmp_path, escape, words):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace('"测试报"', f'"徐汇报{escape}"'))
    refused(issue, "issue.toml", 4, "the value contains " + words)


@pytest.mark.parametrize("escape, words", [
    ("\\x07", "the control character U+0007"), ("\\ud800", "a lone surrogate U+D800"),
    ("\\uFFFE", "U+FFFE, which is not a character"), ("\\u2028", "the separator U+2028"),
])
def test_escaped_characters_in_yaml_are_refused_after_unescaping(tmp_path, escape, words):
    text = ARTICLE.replace("byline: 记者 某某", f'byline: "记者{escape}某某"')
    refused(write_issue(tmp_path / "i", {"01-a.md": text}), "01-a.md", 3, "the value contains " + words)


def test_escaped_control_in_plan_toml_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i")
    (issue / "plan.toml").write_text('[[article]]\nid = "01-test"\nheadline = "测\\u0007"\npin = true\npage = 1\n',
                                     encoding="utf-8")
    result = run_layout("plan", issue)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.search(r"plan\.toml:3: the value contains the control character U\+0007", result.stderr), result.stderr


# --- keys, numbers, nesting, aliases -------------------------------------------------------

def test_duplicate_yaml_key_is_refused(tmp_path):
    text = ARTICLE.replace("page: 1", "page: 1\npage: 2")
    refused(write_issue(tmp_path / "i", {"01-a.md": text}), "01-a.md", 5, "the key “page” appears twice (first on line 4)")


def test_duplicate_toml_key_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace('code = "TST"', 'code = "TST"\nname = "又一报"'))
    refused(issue, "issue.toml", 6, "invalid TOML")


def test_long_numbers_are_refused(tmp_path):
    text = ARTICLE.replace("priority: 1", "priority: 1" + "0" * 5000)
    refused(write_issue(tmp_path / "a", {"01-a.md": text}), "01-a.md", 5, "the number has more than 7 digits")
    toml = ISSUE_TOML.replace("total = 100", "total = 1" + "0" * 5000)
    refused(write_issue(tmp_path / "b", toml=toml), "issue.toml", 10, "the number has more than 7 digits")


def test_deep_nesting_is_refused(tmp_path):
    text = ARTICLE.replace("priority: 1", "priority: 1\nphoto: " + "[" * 5000 + "]" * 5000)
    refused(write_issue(tmp_path / "a", {"01-a.md": text}), "01-a.md", 6, "nested more than 6 levels deep")
    toml = ISSUE_TOML.replace('format = "tabloid"', 'format = "tabloid"\nx = ' + "[" * 5000 + "]" * 5000)
    refused(write_issue(tmp_path / "b", toml=toml), "issue.toml", 2, "nested too deeply")


ALIAS_BOMB = "".join(f"{a}: &{a} [{', '.join([f'*{p}' if p else 'lol'] * 9)}]\n"
                     for p, a in zip(["", *"abcdefgh"], "abcdefghi"))


def test_alias_bomb_returns_at_once_with_a_clear_message(tmp_path):
    assert len(ALIAS_BOMB) < 500
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace("priority: 1\n", "priority: 1\n" + ALIAS_BOMB)})
    result = subprocess.run([*LAYOUT, "build", str(issue), "-o", str(tmp_path / "out")], cwd=ROOT,
                            capture_output=True, text=True, timeout=HANG)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("01-a.md:6: the front matter uses an anchor (&a); write the value out in full")
    assert not (tmp_path / "out").exists()


def test_alias_without_anchor_is_refused(tmp_path):
    text = ARTICLE.replace("byline: 记者 某某", "byline: *who")
    refused(write_issue(tmp_path / "i", {"01-a.md": text}), "01-a.md", 3, "the front matter uses an alias (*who)")


# --- files: links, FIFOs, skipped names (what to build 2) ----------------------------------

@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(ARTICLE.replace("测试标题", "机密"), encoding="utf-8")
    return secret


def test_article_linked_outside_is_refused(tmp_path, outside):
    issue = write_issue(tmp_path / "i")
    (issue / "articles" / "02-b.md").symlink_to(outside)
    refused(issue, "articles/02-b.md", None, "outside the issue folder")


def test_articles_folder_linked_outside_is_refused(tmp_path, outside):
    issue = write_issue(tmp_path / "i")
    elsewhere = tmp_path / "elsewhere"
    (issue / "articles").rename(elsewhere)
    (issue / "articles").symlink_to(elsewhere)
    refused(issue, "i/articles", None, "outside the issue folder")


def test_issue_toml_linked_outside_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i")
    (tmp_path / "other.toml").write_text(ISSUE_TOML, encoding="utf-8")
    (issue / "issue.toml").unlink()
    (issue / "issue.toml").symlink_to(tmp_path / "other.toml")
    refused(issue, "issue.toml", None, "outside the issue folder")


def test_link_inside_the_folder_is_read(tmp_path):
    issue = write_issue(tmp_path / "i")
    (issue / "articles" / "02-b.md").symlink_to(issue / "articles" / "01-test.md")
    assert [a.id for a in load_issue(issue).articles] == ["01-test", "02-b"]


def test_plan_toml_linked_outside_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i")
    (tmp_path / "plan.toml").write_text("", encoding="utf-8")
    (issue / "plan.toml").symlink_to(tmp_path / "plan.toml")
    result = run_layout("build", issue, "-o", tmp_path / "out")
    assert result.returncode == 2 and "plan.toml: the file is a link to" in result.stderr


def test_image_linked_outside_is_refused(tmp_path):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace(
        "priority: 1", "priority: 1\nimages:\n  - file: images/a.png\n    alt: 图")})
    (tmp_path / "a.png").write_bytes(b"x")
    (issue / "images").mkdir()
    (issue / "images" / "a.png").symlink_to(tmp_path / "a.png")
    refused(issue, "01-a.md", 7, "image 'images/a.png' lies outside the issue folder")


@pytest.mark.parametrize("where", ["articles/02-b.md", "issue.toml", "plan.toml"])
def test_fifo_is_refused_without_blocking(tmp_path, where):
    issue = write_issue(tmp_path / "i")
    (issue / where).unlink(missing_ok=True)
    os.mkfifo(issue / where)
    result = subprocess.run([*LAYOUT, "build", str(issue), "-o", str(tmp_path / "out")], cwd=ROOT,
                            capture_output=True, text=True, timeout=HANG)
    assert result.returncode == 2, result.stderr
    assert f"{where}: not a regular file (a pipe, device or socket)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", [".hidden.md", "x.MD", "y.Md"])
def test_names_that_look_like_articles_are_named(tmp_path, name):
    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE, name: ARTICLE})
    refused(issue, f"articles/{name}", None, "looks like an article but would not be read")


# --- the calendar and issue numbers (what to build 6) --------------------------------------

@pytest.mark.parametrize("date", ["0001-01-01", "1900-01-30", "2100-01-01", "9999-12-31"])
def test_dates_outside_the_calendar_are_refused_with_the_line(tmp_path, date):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace("2021-01-22", date))
    refused(issue, "issue.toml", 8, "the date must be from 1900-01-31 to 2099-12-31")


@pytest.mark.parametrize("date, printed", [
    (FIRST_DATE, "农历庚子年正月初一"), (LAST_DATE, "农历己未年冬月二十"), ("2021-01-22", "农历庚子年腊月初十")])
def test_the_calendar_ends_print_a_true_lunar_date(tmp_path, date, printed):
    issue = load_issue(write_issue(tmp_path / "i", toml=ISSUE_TOML.replace("2021-01-22", str(date))))
    assert lunar(issue.info.date) == printed


def test_both_ends_of_the_calendar_build(tmp_path):
    for date in (FIRST_DATE, LAST_DATE):
        issue = write_issue(tmp_path / str(date), toml=ISSUE_TOML.replace("2021-01-22", str(date)))
        result = run_layout("build", issue, "-o", tmp_path / f"out-{date}")
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("key, value, line", [("number", -3, 9), ("number", 0, 9), ("total", 0, 10)])
def test_issue_numbers_must_be_positive(tmp_path, key, value, line):
    toml = re.sub(rf"^{key} = \d+$", f"{key} = {value}", ISSUE_TOML, count=1, flags=re.M)
    refused(write_issue(tmp_path / "i", toml=toml), "issue.toml", line, f"'{key}' in [issue] must be 1 or more")


# --- the CLI: one line, exit 2 ---------------------------------------------------------------

@pytest.mark.parametrize("articles, toml", [
    ({"01-a.md": body("第二段\uffff正文。")}, ISSUE_TOML),
    ({"01-a.md": ARTICLE}, ISSUE_TOML.replace('"测试报"', '"徐汇报\\u0007"')),
    ({"01-a.md": ARTICLE.replace("priority: 1", "priority: 1" + "0" * 5000)}, ISSUE_TOML),
    ({"01-a.md": ARTICLE}, ISSUE_TOML.replace("2021-01-22", "0001-01-01")),
], ids=["noncharacter", "toml escape", "5000 digits", "year 1"])
def test_cli_says_one_line_and_exits_2(tmp_path, articles, toml):
    issue = write_issue(tmp_path / "i", articles, toml=toml)
    result = run_layout_process("build", issue, "-o", tmp_path / "out")  # the interpreter's own exit code
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(r"layout: \S+:\d+: ", lines[0]) and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_plan_into_a_read_only_folder_is_a_message(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    issue = write_issue(tmp_path / "i")
    issue.chmod(0o555)
    try:
        result = run_layout("plan", issue)
    finally:
        issue.chmod(0o755)
    assert result.returncode == 1 and "cannot write" in result.stderr and "Traceback" not in result.stderr


# --- transactional outputs (what to build 3) ---------------------------------------------------

def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_output_set_commits_all_together(tmp_path):
    (tmp_path / "old.pdf").write_bytes(b"old")
    with OutputSet(tmp_path) as out:
        out.add(tmp_path / "old.pdf", b"new")
        out.add(tmp_path / "web" / "index.html", b"<html>")
        assert (tmp_path / "old.pdf").read_bytes() == b"old"  # nothing visible before the end
        assert not (tmp_path / "web" / "index.html").exists()
    assert (tmp_path / "old.pdf").read_bytes() == b"new" and (tmp_path / "web" / "index.html").read_bytes() == b"<html>"
    assert out.written == [tmp_path / "old.pdf", tmp_path / "web" / "index.html"]
    assert not list(tmp_path.rglob("*.part"))


def test_output_set_leaves_a_file_that_already_holds_the_bytes(tmp_path):
    with OutputSet(tmp_path) as out:
        out.add(tmp_path / "same.pdf", b"same")
        out.add(tmp_path / "changed.pdf", b"old")
    before = {name: (tmp_path / name).stat() for name in ("same.pdf", "changed.pdf")}
    with OutputSet(tmp_path) as out:
        out.claim(re.compile(r".+\.pdf"))
        out.add(tmp_path / "same.pdf", b"same")
        out.add(tmp_path / "changed.pdf", b"new")
    assert out.written == [tmp_path / "same.pdf", tmp_path / "changed.pdf"]  # claimed, so not removed as stale
    assert (tmp_path / "same.pdf").stat().st_ino == before["same.pdf"].st_ino  # not rewritten: the same file
    assert (tmp_path / "changed.pdf").stat().st_ino != before["changed.pdf"].st_ino
    assert _files(tmp_path) == {"changed.pdf": b"new", "same.pdf": b"same"}


def test_output_set_failure_leaves_earlier_files_byte_identical(tmp_path, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(b"A")
    (tmp_path / "b.pdf").write_bytes(b"B")
    (tmp_path / "p_100.pdf").write_bytes(b"stale")
    before = _files(tmp_path)
    real_replace, calls = os.replace, []

    def failing_replace(src, dst):  # the second rename of the commit fails (a full disk, a folder in the way)
        calls.append(dst)
        if str(dst).endswith("b.pdf"):
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(BuildError, match="No space left on device"):
        with OutputSet(tmp_path) as out:
            out.claim(re.compile(r"p_\d+\.pdf"))
            out.add(tmp_path / "a.pdf", b"new A")
            out.add(tmp_path / "b.pdf", b"new B")
    assert _files(tmp_path) == before  # a.pdf was replaced, then put back; the stale file too
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_output_set_error_inside_the_block_writes_nothing(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"A")
    with pytest.raises(RuntimeError):
        with OutputSet(tmp_path) as out:
            out.add(tmp_path / "a.pdf", b"new")
            raise RuntimeError("the EPUB writer failed")
    assert _files(tmp_path) == {"a.pdf": b"A"} and len(list(tmp_path.iterdir())) == 1


def test_output_set_refuses_a_folder_in_the_way_before_replacing_anything(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"A")
    (tmp_path / "layout.json").mkdir()
    with pytest.raises(BuildError, match="layout.json"):
        with OutputSet(tmp_path) as out:
            out.add(tmp_path / "a.pdf", b"new")
            out.add(tmp_path / "layout.json", b"{}")
    assert (tmp_path / "a.pdf").read_bytes() == b"A" and len(list(tmp_path.iterdir())) == 2


def _hidden(out):
    """Hidden files a build left in out (temporaries): the page cache's folder is meant to be there."""
    return [p for p in out.iterdir() if p.name.startswith(".") and p.name != CACHE_FOLDER]


def test_failed_rebuild_leaves_outputs_whole_and_a_good_one_tidies_up(tmp_path):
    issue, out = write_issue(tmp_path / "i"), tmp_path / "out"
    assert run_layout("build", issue, "-o", out).returncode == 0
    (out / "layout.json").unlink()
    (out / "layout.json").mkdir()
    before = _files(out)
    (issue / "articles" / "01-test.md").write_text(ARTICLE.replace("测试标题", "新的标题"), encoding="utf-8")
    result = run_layout("build", issue, "-o", out)
    assert result.returncode == 1 and "layout.json" in result.stderr and "Traceback" not in result.stderr
    assert _files(out) == before and not _hidden(out)

    (out / "layout.json").rmdir()
    (out / ".TST-20210122.pdf.k1ll3d0x.part").write_bytes(b"left by a killed build")
    (out / "TST_20210122_100.pdf").write_bytes(b"stale page")
    (out / "TST_20210122_7.png").write_bytes(b"stale preview")
    (out / "web" / "a" / "dropped-article.html").parent.mkdir(parents=True, exist_ok=True)
    (out / "web" / "a" / "dropped-article.html").write_bytes(b"an article no longer in the issue")
    assert run_layout("build", issue, "-o", out).returncode == 0
    assert sorted(p.name for p in out.iterdir() if p.name != CACHE_FOLDER) == [
        "TST-20210122.epub", "TST-20210122.pdf", "TST_20210122_01.pdf", "TST_20210122_02.pdf", "layout.json", "web"]
    assert not (out / "web" / "a" / "dropped-article.html").exists() and (out / "web" / "index.html").is_file()
    assert not [p for p in out.rglob(".*") if CACHE_FOLDER not in p.parts]


# --- locale (what to build 4) ---------------------------------------------------------------------

def test_outputs_do_not_depend_on_the_locale(tmp_path):
    """Under zh_CN fontconfig would name the Kai face 霞鹜文楷 in the PDF (and so change the XMP
    InstanceID). fontconfig reads LC_ALL/LC_CTYPE/LANG itself, so the locale need not be generated
    for this to fail without the fix; setup.sh generates it all the same."""
    issue = write_issue(tmp_path / "i")
    outputs = {}
    for lang in ("C", "zh_CN.UTF-8"):
        env = {**os.environ, "LANG": lang, "LC_ALL": lang}
        env.pop("FC_LANG", None)
        run = subprocess.run([*LAYOUT, "build", str(issue), "-o", str(tmp_path / lang)], cwd=ROOT, env=env,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        outputs[lang] = _files(tmp_path / lang)
    assert outputs["C"].keys() == outputs["zh_CN.UTF-8"].keys()
    differ = [name for name in outputs["C"] if outputs["C"][name] != outputs["zh_CN.UTF-8"][name]]
    assert not differ
    with pikepdf.open(tmp_path / "zh_CN.UTF-8" / "TST-20210122.pdf") as pdf:
        fonts = {str(font.BaseFont).split("+")[-1] for page in pdf.pages
                 for font in page.Resources.get("/Font", {}).values()}
    assert "LXGW-WenKai" in fonts and all(name.isascii() for name in fonts), fonts


# --- layout check refuses what a press or a reader must not open (what to build 7) ---------------

def _blank_pdf(path, setup=lambda pdf: None, **save):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    setup(pdf)
    pdf.save(path, **save)
    return path


def _open_action_js(pdf):
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))


def _embedded_file(pdf):
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")


@pytest.mark.parametrize("setup, save, words", [
    (_open_action_js, {}, "the document runs an action when opened (/OpenAction)"),
    (_open_action_js, {}, "the document holds JavaScript"),
    (_embedded_file, {}, "the document holds embedded files"),
    (lambda pdf: None, {"encryption": pikepdf.Encryption(user="secret", owner="secret")},
     "the file is encrypted with a password"),
], ids=["open action", "javascript", "embedded file", "password"])
def test_check_refuses_active_or_locked_pdfs(tmp_path, setup, save, words):
    pdf = _blank_pdf(tmp_path / "x.pdf", setup, **save)
    result = run_layout("check", pdf)
    assert result.returncode == 1, result.stderr
    assert any("x.pdf: " in line and words in line for line in result.stdout.splitlines()), result.stdout
    assert "Traceback" not in result.stderr


def _small_build(tmp) -> None:
    assert run_layout("build", write_issue(tmp / "i"), "-o", tmp / "out").returncode == 0


@pytest.fixture(scope="module")
def small_epub(tmp_path_factory):
    return shared_folder(tmp_path_factory, "hostile-epub", _small_build) / "out" / "TST-20210122.epub"


@pytest.mark.parametrize("name, size, words", [
    ("OEBPS/smuggled.bin", 100, "OEBPS/smuggled.bin: the entry is not declared in the package's manifest"),
    ("EPUB/huge.bin", 65 * 2 ** 20, "EPUB/huge.bin: the entry is 65 MB unpacked, more than the 64 MB"),
    ("../../evil.txt", 10, "../../evil.txt: the entry's name leads out of the book"),
])
def test_check_refuses_epubs_with_undeclared_or_oversized_entries(tmp_path, small_epub, name, size, words):
    import shutil
    import zipfile

    epub = tmp_path / "book.epub"
    shutil.copy(small_epub, epub)
    with zipfile.ZipFile(epub, "a", zipfile.ZIP_DEFLATED) as z, z.open(name, "w") as f:
        chunk = bytes(2 ** 20)
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(bytes(size % len(chunk)))
    result = run_layout("check", epub)
    assert result.returncode == 1, result.stderr
    assert f"book.epub: {words}" in result.stdout, result.stdout
    assert "Traceback" not in result.stderr


def test_a_built_epub_and_pdf_have_nothing_to_refuse(small_epub):
    from layout.check.epub_validate import unsafe_entries
    from layout.check.preflight import _active_content

    assert unsafe_entries(small_epub) == []
    with pikepdf.open(small_epub.with_suffix(".pdf")) as pdf:
        assert _active_content(pdf) == []


# --- no silent clipping in the furniture (what to build 5) -----------------------------------------

@pytest.mark.parametrize("before, after, field", [
    ('name = "测试报"', 'name = "' + "上海市徐汇区融媒体中心主办社区报" + '"', "The paper's name ([paper] name)"),
    ('code = "TST"', 'code = "TST"\nregistration = "' + "国内统一连续出版物号" * 12 + '"',
     "The registration line ([paper] registration)"),
    ('code = "TST"', 'code = "TST"\npublisher = "' + "上海市徐汇区融媒体中心" * 6 + '"',
     "The masthead's facts (publisher, website)"),
    ('section = "综合"', 'section = "' + "综合新闻" * 8 + '"\neditor = "' + "王小明" * 8 + '"',
     "第2版's section and editor ([[pages]] section, editor)"),
])
def test_furniture_that_does_not_fit_is_an_error_naming_the_field(tmp_path, before, after, field):
    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace(before, after))
    result = run_layout("build", issue, "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr
    message = result.stderr.strip().splitlines()[-1]  # after the progress lines
    assert message.startswith("layout: ") and field in message and "Traceback" not in result.stderr, message
    assert re.search(r"is \d+\.\d pt wide, the furniture has room for \d+\.\d pt; shorten it", message), message
    assert not (tmp_path / "out").exists()


# --- property tests (what to build 9): an InputError with file and line, or a valid Issue --------

# Pieces typists and attackers write: YAML and TOML syntax, full-width look-alikes, escapes, controls.
_PIECES = st.sampled_from([
    ":", ": ", "：", "\u3000", "\t", " ", "-", "- ", "&a ", "*a", "!!python/name:os.system", "!!binary", "[", "]",
    "{", "}", "#", "'", '"', "“", "”", "|", ">", "?", "\\u0007", "\\x85", "\\uFFFE", "\\ud800", "=", "＝", "..",
    "---", "headline", "byline", "page", "priority", "images", "photo", "file", "alt", "section", "1", "-1",
    "9" * 30, "2021-01-22", "0001-01-01", "true", "~", "null", ".inf", "测试", "标题", "\x00", "\x7f", "\u202e",
    "\u2028", "\ufeff", "\U0001fffe", "\n", "\n  ", "\n- ",
])
_TEXT = st.one_of(st.lists(_PIECES, max_size=30).map("".join), st.text(max_size=60))


def _assert_input_error_or_issue(load, root):
    try:
        issue = load()
    except InputError as e:
        assert e.path.is_relative_to(root) or e.path == root, e
        assert e.line is None or e.line >= 1, e
        assert str(e).startswith(str(e.path)) and "\n" not in e.message, e
        return None
    assert isinstance(issue, Issue)
    return issue


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=_TEXT, body=_TEXT, extra_toml=_TEXT)
def test_random_front_matter_toml_and_body_never_crash(tmp_path_factory, front, body, extra_toml):
    root = tmp_path_factory.mktemp("fuzz")
    write_issue(root, {"01-a.md": f"---\nheadline: 标题\n{front}\n---\n{body}\n".encode("utf-8", "surrogatepass")},
                toml=ISSUE_TOML + extra_toml + "\n")
    _assert_input_error_or_issue(lambda: load_issue(root), root)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(_TEXT, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_random_raw_text_never_crashes_the_importer(tmp_path_factory, raw):
    tmp = tmp_path_factory.mktemp("fuzz-import")
    (tmp / "raw.txt").write_bytes(raw.encode("utf-8", "surrogatepass"))
    out = tmp / "issue"
    try:
        run_import(tmp / "raw.txt", out, DATE, 1, dry_run=False)
    except InputError as e:
        assert e.path in (tmp / "raw.txt", out) and (e.line is None or e.line >= 1), e
        assert not out.exists()  # all or nothing
        return
    _assert_input_error_or_issue(lambda: load_issue(out), out)
    assert load_issue(out).articles


def test_a_photo_of_too_many_pixels_is_refused_in_our_words(tmp_path):
    from PIL import Image

    issue = write_issue(tmp_path / "i", {"01-a.md": ARTICLE.replace(
        "priority: 1", "priority: 1\nimages:\n  - file: images/big.png\n    alt: 图")})
    (issue / "images").mkdir()
    Image.new("L", (12_000, 8_000)).save(issue / "images" / "big.png")  # 96 million pixels
    result = run_layout("build", issue, "-o", tmp_path / "out")
    assert result.returncode == 2 and "Warning" not in result.stderr, result.stderr
    assert result.stderr.strip().endswith(
        "01-a.md:7: image 'images/big.png' has 96 million pixels, more than the 89 million a page can use; scale it down")


@pytest.mark.parametrize("profile, words", [
    ("/usr/share/color/icc/ghostscript/default_rgb.icc", "outside the issue folder"),
    ("../x.icc", "outside the issue folder"),
    ("rgb.icc", "is not one (colour space RGB"),
    ("none.icc", "no such file"),
])
def test_icc_profile_is_checked_at_its_line(tmp_path, profile, words):
    from PIL import ImageCms

    issue = write_issue(tmp_path / "i", toml=ISSUE_TOML.replace('code = "TST"', f'code = "TST"\nicc_profile = "{profile}"'))
    (tmp_path / "x.icc").write_bytes(b"outside")
    (issue / "rgb.icc").write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    refused(issue, "issue.toml", 6, f"icc_profile '{profile}': ")
    refused(issue, "issue.toml", 6, words)


def test_check_of_a_fifo_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "x.pdf")
    result = subprocess.run([*LAYOUT, "check", str(tmp_path / "x.pdf")], cwd=ROOT, capture_output=True, text=True,
                            timeout=HANG)
    assert result.returncode == 2 and "x.pdf: not a regular file" in result.stderr


def test_plan_that_cannot_be_written_is_a_message(tmp_path):
    issue = write_issue(tmp_path / "i")
    (issue / "plan.toml").mkdir()  # as unwritable as a read-only folder, and so even for root
    result = run_layout("plan", issue)
    assert result.returncode in (1, 2) and "plan.toml" in result.stderr and "Traceback" not in result.stderr
