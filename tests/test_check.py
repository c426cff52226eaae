"""`layout check` from the command line: wrong files are the user's mistake (exit 2, one line), a
missing validator is "not checked" (exit 1, what to install), a clean build passes (exit 0)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from conftest import run_layout, run_layout_process
from layout.check import epub_validate
from layout.check.report import check_outputs
from layout.errors import BuildError, InputError
from test_print import PRINT_FILES


def one_line_error(result, code: int, *fragments: str) -> None:
    assert result.returncode == code, result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("· ")]  # progress
    assert len(lines) == 1 and lines[0].startswith("layout: "), result.stderr  # no traceback
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_a_file_of_another_type_is_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("稿件\n", encoding="utf-8")
    one_line_error(run_layout_process("check", text), 2, "notes.txt", ".pdf", ".epub")  # the real exit code


def test_a_pdf_that_is_not_a_pdf_is_refused(tmp_path):
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\nthis is no PDF at all\n" * 10)
    one_line_error(run_layout("check", garbage), 2, "garbage.pdf", "not a readable PDF")


def test_an_epub_that_is_not_a_zip_is_refused(tmp_path):
    garbage = tmp_path / "book.EPUB"  # the suffix in any case
    garbage.write_text("not a zip archive", encoding="utf-8")
    one_line_error(run_layout("--lang", "zh", "check", garbage), 2, "book.EPUB", "不是 EPUB")
    one_line_error(run_layout("check", garbage), 2, "book.EPUB", "not an EPUB")


@pytest.mark.slow
def test_suffixes_are_matched_in_any_case(sample_build, tmp_path):
    upper = tmp_path / "ISSUE.PDF"
    upper.write_bytes((sample_build / "XHB_20210122_01.pdf").read_bytes())
    assert check_outputs([upper], lambda _: None) == []
    with pytest.raises(InputError, match=r"layout\.json: layout check takes"):
        check_outputs([upper, sample_build / "layout.json"], lambda _: None)


def test_a_missing_validator_is_a_build_error_saying_what_to_install(monkeypatch, tmp_path):
    epub = tmp_path / "book.epub"
    with zipfile.ZipFile(epub, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
    monkeypatch.setattr(epub_validate.shutil, "which", lambda name: None)
    with pytest.raises(BuildError, match="Java is not installed: apt-get install"):
        check_outputs([epub], lambda _: None)
    monkeypatch.setattr(epub_validate, "ACE", tmp_path / "no-ace")
    with pytest.raises(epub_validate.ToolMissing, match="Ace by DAISY is not installed"):
        epub_validate.ace_check(epub)


@pytest.mark.slow
@pytest.mark.parametrize("name", [*PRINT_FILES, "XHB-20210122.epub"])
def test_a_clean_build_passes(sample_build, name):
    """Every file of the sample's build: the print files through preflight, the EPUB through EPUBCheck and Ace."""
    result = run_layout("--lang", "zh", "check", sample_build / name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "无问题" in result.stderr


def test_an_issue_check_tells_notes_from_errors(tmp_path):
    """Notes exit 0 unless --strict; --allow accepts a kind of note; placeholders left by `layout new`,
    a byline repeated as the last paragraph and a blank page are flagged (issue 12 item 5)."""
    issue = tmp_path / "issue"
    made = run_layout("new", issue, "--paper", "新城报", "--code", "XCB", "--date", "2026-12-04", "--pages", "2")
    assert made.returncode == 0, made.stderr
    example = next((issue / "articles").glob("*.md"))
    example.write_text(example.read_text("utf-8") + "\n记者 王芳\n", "utf-8")
    last_line = len(example.read_text("utf-8").rstrip("\n").split("\n"))

    notes = run_layout("--lang", "en", "check", issue)
    assert notes.returncode == 0, notes.stdout + notes.stderr
    lines = notes.stdout.splitlines()
    assert all(line.startswith("note ") for line in lines), lines
    assert sum(line.endswith("(placeholder)") and "第1版 has no section name" in line for line in lines) == 1
    assert any(line.endswith("(blank-page)") and "第2版 is empty" in line for line in lines), lines
    repeated = [line for line in lines if line.endswith("(byline-repeated)")]
    assert len(repeated) == 1 and f"{example.name}:{last_line}:" in repeated[0] and "记者 王芳" in repeated[0]

    # not-newsprint: the test machine's output profile is Ghostscript's SWOP, not a newspaper profile.
    strict = run_layout("--lang", "zh", "check", issue, "--strict", "--allow", "placeholder", "--allow", "blank-page",
                        "--allow", "not-newsprint")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    lines = strict.stdout.splitlines()  # in Chinese, without the kinds allowed
    assert lines and all(line.startswith("注意 ") for line in lines), lines
    assert not any(line.endswith(("（placeholder）", "（blank-page）")) for line in lines), lines
    assert sum(line.endswith("（byline-repeated）") for line in lines) == 1, lines
