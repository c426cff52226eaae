"""One language at a time (issue 12 item 3): with LANG=zh_CN.UTF-8 no message of new/build/plan/check/preview
holds an English sentence; with LANG=en_US.UTF-8 none holds Chinese other than the editors' own text (titles,
names, 版名) and the editors' words for the parts of a paper."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, run_layout
from layout.messages import set_language

PAPER, SECTION = "新城报", "要闻"
# The editors' own words for the parts of a paper, which English messages name as they do.
EDITORS_WORDS = ("责任编辑", "报头", "报眉", "版名", "报名", "下转", "上接", "头条", "引题", "副题", "简讯", "编者按", "版")
# Three words of English in a row is a sentence; names of files, options, formats and codes are not words here.
ENGLISH = re.compile(r"\b[A-Za-z]{2,}[,:;]? [A-Za-z]{2,}[,:;]? [A-Za-z]{2,}\b")
# click's own words in --help, which it says through Python's gettext unless the CLI says them itself.
CLICK_WORDS = re.compile(r"\[[^]]*\b(default|required|env var)\b")
NOT_WORDS = re.compile(r"\S*[/.=_]\S*|--?[a-z-]+|[A-Z]{2,}[\w-]*|Ctrl\+C|\([a-z-]+\)|（[a-z-]+）|Artifex CMYK SWOP Profile"
                       r"|\[[A-Z|a-z]+\]|YYYY-MM-DD|Markdown|layout")


def _run(lang: str, *args) -> str:
    """The CLI's words under LANG=lang and no LC_* (in process: the CLI reads the locale when it runs)."""
    with pytest.MonkeyPatch.context() as env:
        for name in [name for name in os.environ if name.startswith("LC_")]:
            env.delenv(name)
        env.setenv("LANG", lang)
        result = run_layout(*args)
    return result.stdout + result.stderr


def _unfit_for_print(path: Path) -> Path:
    """A PDF that breaks most print rules at once: no output intent, PDF/X id or TrimBox, an unembedded font,
    RGB and rich black text, an RGB image at 4 ppi, an RGB form, a link, JavaScript run on opening, 400% ink."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    image = pdf.make_stream(bytes([200, 30, 30]) * 4, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                            Width=2, Height=2, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
    form = pdf.make_stream(b"0 0 1 RG 0 0 10 10 re S", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=[0, 0, 10, 10])
    page = pdf.add_blank_page(page_size=(200, 200))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font),
                                            XObject=pikepdf.Dictionary(Im1=image, Fx=form))
    page.obj.Contents = pdf.make_stream(b"1 1 1 1 k 0 0 100 100 re f "
                                        b"BT /F1 12 Tf 0 0 0 rg 20 150 Td (Hello) Tj ET "
                                        b"BT /F1 12 Tf 0.6 0.4 0.4 1 k 20 130 Td (Hello) Tj ET "
                                        b"q 40 0 0 40 120 120 cm /Im1 Do Q /Fx Do")
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10]))]))
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))
    pdf.save(path)
    return path


def _cases(tmp_path, lang: str) -> dict[str, str]:
    """What an editor reads from each command on good and bad input."""
    issue = tmp_path / "issue"
    out = {"new": _run(lang, "new", issue, "--paper", PAPER, "--code", "XCB", "--date", "2026-12-04", "--pages", "2",
                       "--sections", SECTION)}
    example = next((issue / "articles").glob("*.md"))
    example.write_text(example.read_text("utf-8") + "\n记者 王芳\n", "utf-8")
    out["new into a folder in use"] = _run(lang, "new", issue, "--paper", PAPER, "--code", "XCB", "--date",
                                           "2026-12-04", "--pages", "1")
    out["issue.toml"] = (issue / "issue.toml").read_text("utf-8")
    out["new without --paper"] = _run(lang, "new", tmp_path / "other", "--code", "XCB", "--date", "2026-12-04",
                                      "--pages", "1")
    out["new with a bad date"] = _run(lang, "new", tmp_path / "other", "--paper", PAPER, "--code", "XCB", "--date",
                                      "4.12.2026", "--pages", "1")
    out["build with no such option"] = _run(lang, "build", issue, "--colour")
    out["build"] = _run(lang, "build", issue, "-o", tmp_path / "out")
    out["plan"] = _run(lang, "plan", issue)
    out["plan.toml"] = (issue / "plan.toml").read_text("utf-8")
    out["check a file of another type"] = _run(lang, "check", issue / "issue.toml")
    out["check a PDF unfit for print"] = _run(lang, "check", _unfit_for_print(tmp_path / "unfit.pdf"))
    garbage = tmp_path / "garbage.pdf"
    garbage.write_text("no PDF here\n" * 20, "utf-8")
    out["check a PDF that is none"] = _run(lang, "check", garbage)
    out["preview of no issue"] = _run(lang, "preview", tmp_path, "--no-browser")
    seed = ROOT / "tests" / "fixtures" / "import" / "seed-page.txt"
    out["import"] = _run(lang, "import", seed, "-o", tmp_path / "imported", "--date", "2021-01-22")
    out["import-report.txt"] = (tmp_path / "imported" / "import-report.txt").read_text("utf-8")
    out["import without a date"] = _run(lang, "import", seed, "-o", tmp_path / "undated")
    for command in ("", "new", "build", "check", "plan", "preview", "import"):
        out[f"{command or 'layout'} --help"] = _run(lang, *filter(None, [command]), "--help")
    return out


def _without(text: str, *parts: str) -> str:
    for part in sorted(parts, key=len, reverse=True):
        text = text.replace(part, " ")
    return text


def test_chinese_messages_hold_no_english_sentence(tmp_path):
    cases = _cases(tmp_path, "zh_CN.UTF-8")
    assert "无问题" not in cases["build"] and "读入" in cases["build"]  # they did run in Chinese
    assert "没有裁切框 TrimBox" in cases["check a PDF unfit for print"]  # preflight ran and found the breaches
    for name, text in cases.items():
        found = ENGLISH.findall(NOT_WORDS.sub(" ", _without(text, str(tmp_path)))) + CLICK_WORDS.findall(text)
        assert not found, f"{name}: {found}\n{text}"


def test_english_messages_hold_no_chinese_but_the_editors_text(tmp_path):
    cases = _cases(tmp_path, "en_US.UTF-8")
    assert "read " in cases["build"] and "note " in cases["build"] and "Nothing to check" not in cases["new"]
    assert "no TrimBox" in cases["check a PDF unfit for print"]
    # The editors' own text is what they wrote: any run of Han characters found in an input file.
    inputs = "".join(p.read_text("utf-8") for p in [*tmp_path.rglob("*.md"), *tmp_path.rglob("issue.toml"),
                                                     ROOT / "tests" / "fixtures" / "import" / "seed-page.txt"])
    inputs = re.sub(r"\s", "", inputs)
    for name, text in cases.items():
        rest = _without(re.sub(r"第\d+版", " ", text.replace(str(tmp_path), " ")), *EDITORS_WORDS)
        foreign = [run for run in re.findall(r"[\u3400-\u9fff]+", rest) if run not in inputs]
        assert not foreign, f"{name}: {foreign}\n{text}"


@pytest.mark.parametrize("lang", ["zh_CN.UTF-8", "en_US.UTF-8"])
def test_help_lists_each_command_with_its_whole_first_sentence_within_the_window(lang, monkeypatch):
    """`layout --help` in an 80-column terminal: every command's first sentence whole (click cut Chinese ones
    mid-phrase with "..."), no line wider than the window counting a Han character as two columns, and no
    line starting with closing punctuation or ending with opening (K1, K2)."""
    import unicodedata

    from layout.cli import main
    from layout.messages import t
    monkeypatch.setenv("COLUMNS", "80")
    text = _run(lang, "--help")
    commands = text.split("命令：" if lang.startswith("zh") else "Commands:")[1]
    assert "..." not in commands
    for line in text.splitlines():
        assert sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) <= 80, line
        assert not re.match(r"\s*[，。、；：）》]", line) and not re.search(r"[（《]$", line), line
    set_language("zh" if lang.startswith("zh") else "en")
    try:
        for name, command in main.commands.items():
            english = command.__dict__.get("_english_help", command.help)
            first = re.split(r"(?<=[。！？])|(?<=[.!?])\s", " ".join(t(english).split()), maxsplit=1)[0]
            assert re.sub(r"\s", "", first) in re.sub(r"\s", "", text), name
    finally:
        set_language(None)
