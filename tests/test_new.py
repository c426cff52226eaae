"""`layout new` starts an issue that builds as it is (issue 12), and layout.json gives a module the same
address as plan.toml."""
from __future__ import annotations

import json
import shutil
import tomllib

import pdfplumber

from conftest import SAMPLE, run_layout
from pdftext import squash

NEW = ("--paper", "新城报", "--code", "XCB", "--date", "2026-12-04", "--pages", "2")


def test_a_new_issue_builds_as_it_is(tmp_path):
    folder = tmp_path / "xincheng-2026-12-04"
    made = run_layout("new", folder, *NEW, "--sections", "要闻，社区", "--editors", "王芳")
    assert made.returncode == 0, made.stderr
    assert (folder / "images").is_dir() and len(list((folder / "articles").glob("*.md"))) == 1
    toml = tomllib.loads((folder / "issue.toml").read_text("utf-8"))
    assert toml["paper"] == {"name": "新城报", "code": "XCB", "registration": "", "publisher": "", "website": ""}
    assert [(p["number"], p["section"], p["editor"]) for p in toml["pages"]] == [(1, "要闻", "王芳"), (2, "社区", "")]

    built = run_layout("build", folder, "-o", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    with pdfplumber.open(tmp_path / "out" / "XCB_20261204_01.pdf") as pdf:
        text = squash(pdf.pages[0].extract_text())
    assert "新城报" in text and "用您的稿件替换这篇示例" in text  # the masthead and the example's headline


def test_a_folder_in_use_is_refused_and_nothing_written(tmp_path):
    folder = tmp_path / "issue"
    folder.mkdir()
    (folder / "notes.txt").write_text("草稿", encoding="utf-8")
    result = run_layout("new", folder, *NEW)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"layout: {folder}: ")
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_bad_code_names_the_line_of_issue_toml_and_writes_nothing(tmp_path):
    folder = tmp_path / "issue"
    result = run_layout("new", folder, "--paper", "新城报", "--code", "新城", "--date", "2026-12-04", "--pages", "1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{folder / 'issue.toml'}:7: " in result.stderr, result.stderr  # the line of code = "新城"
    assert not folder.exists() and list(tmp_path.iterdir()) == []


def test_layout_json_carries_the_plan_toml_address(sample_build, tmp_path):
    """One address for a place: plan.toml's page/column/line/span is in layout.json, named `plan`."""
    issue = shutil.copytree(SAMPLE, tmp_path / "issue")
    assert run_layout("plan", issue).returncode == 0
    planned = {(e["id"], e.get("part", 0)): {k: e[k] for k in ("page", "column", "line", "span")}
               for e in tomllib.loads((issue / "plan.toml").read_text("utf-8"))["article"]}
    layout = json.loads((sample_build / "layout.json").read_text("utf-8"))
    reported = {(m["article"], m["part"]): m["plan"] for page in layout["pages"] for m in page["modules"]}
    assert reported == planned
    front = layout["pages"][0]
    lead = front["modules"][0]
    assert lead["plan"]["line"] == lead["grid"]["line"] - front["type_area"]["reserved_lines"] + 1
    assert lead["plan"]["column"] == lead["grid"]["column"] + 1
