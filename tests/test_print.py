"""The print files as the print shop receives them (issue 5): PDF/X-4 per issue and per page,
checked with the tools a prepress operator uses (qpdf, pdffonts, Ghostscript) and our preflight."""
from __future__ import annotations

import subprocess

import pytest

from conftest import SAMPLE, run_layout

PRINT_FILES = ["XHB-20210122.pdf", "XHB_20210122_01.pdf", "XHB_20210122_02.pdf"]


def test_print_files_per_page(sample_build):
    assert {p.name for p in sample_build.glob("*.pdf")} == set(PRINT_FILES)


@pytest.mark.parametrize("name", PRINT_FILES)
def test_layout_check_reports_nothing(sample_build, name):
    result = run_layout("check", sample_build / name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("name", PRINT_FILES)
def test_prepress_tools_accept_the_file(sample_build, name):
    path = sample_build / name
    qpdf = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    assert qpdf.returncode == 0 and "No syntax or stream encoding errors" in qpdf.stdout
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    gs = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage", path],
                        capture_output=True, text=True)
    assert gs.returncode == 0 and "Error" not in gs.stdout + gs.stderr


def test_rebuild_gives_identical_bytes(sample_build, tmp_path):
    """Invariant 5: the same inputs give the same files, byte for byte."""
    assert run_layout("build", SAMPLE, "-o", tmp_path).returncode == 0
    for path in sample_build.rglob("*"):
        if path.is_file():  # web/ holds a folder of pages
            name = path.relative_to(sample_build)
            assert (tmp_path / name).read_bytes() == path.read_bytes(), name


def test_failed_build_leaves_earlier_outputs_intact(sample_copy, tmp_path):
    """Invariant 6: a build that fails writes nothing; what was there stays as it was."""
    out = tmp_path / "out"
    assert run_layout("build", sample_copy, "-o", out).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    article = sample_copy / "articles" / "04-zhongxinzu.md"
    article.write_text(article.read_text(encoding="utf-8").replace("priority: 4", "priority: 4\npage: 9"),
                       encoding="utf-8")
    assert run_layout("build", sample_copy, "-o", out).returncode == 2
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_configured_profile_that_is_missing_fails_clearly(sample_copy, tmp_path):
    toml = sample_copy / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('website = "www.xuhui.gov.cn"',
                    'website = "www.xuhui.gov.cn"\nicc_profile = "profiles/newsprint.icc"'), encoding="utf-8")
    result = run_layout("build", sample_copy, "-o", tmp_path / "out")
    assert result.returncode in (1, 2)
    last = result.stderr.strip().splitlines()[-1]
    assert "newsprint.icc" in last and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_bleed_and_crop_marks(tmp_path):
    import pikepdf

    assert run_layout("build", SAMPLE, "-o", tmp_path, "--bleed", "3", "--crop-marks").returncode == 0
    with pikepdf.open(tmp_path / "XHB_20210122_01.pdf") as pdf:
        page = pdf.pages[0]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
    mm3 = 3 * 72 / 25.4
    assert abs(trim[0] - bleed[0] - mm3) < 0.01 and abs(bleed[2] - trim[2] - mm3) < 0.01
    assert run_layout("check", tmp_path / "XHB_20210122_01.pdf").returncode == 0


def test_previews(tmp_path):
    from PIL import Image

    assert run_layout("build", SAMPLE, "-o", tmp_path, "--previews", "30").returncode == 0
    with Image.open(tmp_path / "XHB_20210122_01.png") as im:
        width, height = im.size
    assert abs(width - 273 / 25.4 * 30) <= 1 and abs(height - 390 / 25.4 * 30) <= 1
