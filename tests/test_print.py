"""The print files as the print shop receives them (issue 5): PDF/X-4 per issue and per page,
checked with the tools a prepress operator uses (qpdf, pdffonts, Ghostscript); our preflight passes
them in test_check.py."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import SAMPLE, run_layout
from layout.render.page_cache import CACHE_FOLDER

PRINT_FILES = ["XHB-20210122.pdf", "XHB_20210122_01.pdf", "XHB_20210122_02.pdf"]


def outputs(out: Path) -> list[Path]:
    """The files a build wrote under out (web/ included), relative to it; the page cache's aside."""
    return [p.relative_to(out) for p in sorted(out.rglob("*"))
            if p.is_file() and CACHE_FOLDER not in p.relative_to(out).parts]


def files(out: Path) -> dict[str, bytes]:
    """Every file under out, the page cache's included."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_print_files_per_page(sample_build):
    assert {p.name for p in sample_build.glob("*.pdf")} == set(PRINT_FILES)


@pytest.mark.slow
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


def test_the_issue_file_embeds_each_face_once(sample_build, tmp_path):
    """Issue 11: the issue's file carries one program per font for all its pages (each page file has its
    own subset), and each of its pages looks, pixel for pixel, like that page's own file."""
    programs: dict[str, set] = {}
    with pikepdf.open(sample_build / PRINT_FILES[0]) as issue:
        for page in issue.pages:
            for font in page.resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile3", descriptor.get("/FontFile2"))
                programs.setdefault(str(font.BaseFont).split("+", 1)[1], set()).add(program.objgen)
    assert programs["Noto-Serif-CJK-SC"] and all(len(objs) == 1 for objs in programs.values()), programs
    for n, name in enumerate(PRINT_FILES[1:], 1):
        pixels = []
        for path, first in ((sample_build / PRINT_FILES[0], n), (sample_build / name, 1)):
            prefix = tmp_path / f"{path.stem}-{n}"
            subprocess.run(["pdftoppm", "-r", "50", "-gray", "-f", str(first), "-l", str(first), "-singlefile",
                            path, prefix], check=True)
            pixels.append(prefix.with_suffix(".pgm").read_bytes())
        assert pixels[0] == pixels[1], name


def test_rebuild_gives_identical_bytes(sample_build, tmp_path):
    """Invariant 5: the same inputs give the same files, byte for byte, whatever the number of workers
    and with or without the page cache (the session's build ran one worker per core, cache on)."""
    assert run_layout("build", SAMPLE, "-o", tmp_path, "--jobs", "1", "--no-cache").returncode == 0
    assert not (tmp_path / CACHE_FOLDER).exists()
    for name in outputs(sample_build):
        assert (tmp_path / name).read_bytes() == (sample_build / name).read_bytes(), name


def test_a_rebuild_with_nothing_changed_makes_nothing(sample_build, tmp_path):
    """Invariant 5 and issue 11: rebuilding the unchanged issue into the same folder takes the issue's PDF,
    the EPUB and the digital edition from the page cache as the session's build made them (none is made,
    staged or written again: every file keeps its inode), and they are a build's without the cache."""
    out = tmp_path / "out"
    shutil.copytree(sample_build, out)
    made = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file() and p.suffix != ".compose"}
    result = run_layout("--lang", "en", "build", SAMPLE, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "pages rendered: 0, taken from the page cache: 2" in result.stderr
    assert {p: p.stat().st_ino for p in made if p.exists()} == made
    clean = tmp_path / "clean"
    assert run_layout("build", SAMPLE, "-o", clean, "--no-cache").returncode == 0
    assert outputs(clean) == outputs(out)
    for name in outputs(clean):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def test_an_edit_renders_only_the_pages_it_changes(sample_build, sample_copy, tmp_path):
    """Rebuilding into the same folder after an edit on 第1版 takes 第2版 from the page cache; the
    result is what a build without the cache makes of the edited issue, byte for byte."""
    out = tmp_path / "out"
    shutil.copytree(sample_build, out)
    article = sample_copy / "articles" / "04-zhongxinzu.md"  # on 第1版 only (layout.json)
    article.write_text(article.read_text(encoding="utf-8").replace("陈保中教授", "陈保中老师"), encoding="utf-8")
    result = run_layout("--lang", "en", "build", sample_copy, "-o", out, "--no-fonts")
    assert result.returncode == 0, result.stderr
    assert "pages rendered: 1, taken from the page cache: 1" in result.stderr
    first, second = (f"XHB_20210122_0{n}.pdf" for n in (1, 2))
    assert (out / second).read_bytes() == (sample_build / second).read_bytes()
    assert (out / first).read_bytes() != (sample_build / first).read_bytes()
    assert len(list((out / CACHE_FOLDER).rglob("*.page"))) == 2  # the replaced page's entry is gone
    clean = tmp_path / "clean"
    assert run_layout("build", sample_copy, "-o", clean, "--no-fonts", "--no-cache").returncode == 0
    for name in outputs(clean):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def test_a_damaged_cache_entry_is_rendered_again(sample_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sample_build, out)
    entries = sorted((out / CACHE_FOLDER).rglob("*.page"))
    entries[0].write_bytes(entries[0].read_bytes()[:-100])  # cut short, as by a full disk
    entries[1].write_bytes(entries[1].read_bytes().replace(b"/Type /Page", b"/Type /Pagf", 1))  # altered
    result = run_layout("--lang", "en", "build", SAMPLE, "-o", out, "--no-fonts")
    assert result.returncode == 0, result.stderr
    assert "pages rendered: 2, taken from the page cache: 0" in result.stderr
    for name in outputs(sample_build):
        if name.suffix == ".pdf":
            assert (out / name).read_bytes() == (sample_build / name).read_bytes(), name
    pages = {name: data for name, data in files(out / CACHE_FOLDER).items() if name.endswith(".page")}
    assert pages == {name: data for name, data in files(sample_build / CACHE_FOLDER).items()
                     if name.endswith(".page")}  # entries written anew (--no-fonts: the EPUB's subsets went)


def test_failed_build_leaves_earlier_outputs_intact(sample_build, sample_copy, tmp_path):
    """Invariant 6: a build that fails writes nothing; what was there stays as it was."""
    out = tmp_path / "out"
    shutil.copytree(sample_build, out)  # the outputs of an earlier build, page cache included
    before = files(out)
    article = sample_copy / "articles" / "04-zhongxinzu.md"
    article.write_text(article.read_text(encoding="utf-8").replace("priority: 4", "priority: 4\npage: 9"),
                       encoding="utf-8")
    assert run_layout("build", sample_copy, "-o", out).returncode == 2
    assert files(out) == before


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

    assert run_layout("build", SAMPLE, "-o", tmp_path, "--bleed", "3", "--crop-marks", "--no-fonts").returncode == 0
    with pikepdf.open(tmp_path / "XHB_20210122_01.pdf") as pdf:
        page = pdf.pages[0]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
    mm3 = 3 * 72 / 25.4
    assert abs(trim[0] - bleed[0] - mm3) < 0.01 and abs(bleed[2] - trim[2] - mm3) < 0.01
    assert run_layout("check", tmp_path / "XHB_20210122_01.pdf").returncode == 0


def test_previews(sample_build, tmp_path):
    from PIL import Image

    shutil.copytree(sample_build, tmp_path, dirs_exist_ok=True)  # the pages come from the page cache
    assert run_layout("build", SAMPLE, "-o", tmp_path, "--previews", "30", "--no-fonts").returncode == 0
    with Image.open(tmp_path / "XHB_20210122_01.png") as im:
        width, height = im.size
    assert abs(width - 273 / 25.4 * 30) <= 1 and abs(height - 390 / 25.4 * 30) <= 1
