"""The documentation is in the repository and true (issue 12): every rule code the code and the messages cite
has its heading in docs/, the README links only files of the repository, and its example article builds and
prints the credit the way the README says."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pdfplumber
from PIL import Image

from conftest import ROOT, run_layout_process
from pdftext import squash

DOCS = ROOT / "docs"
RULE = re.compile(r"\b([PKJIWGHB][1-9][0-9]?)\b")  # docs/rules.md, and B of docs/headline-breaks.md
CITING = [*(ROOT / "layout").rglob("*.py"), *(ROOT / "styles").rglob("*.toml"), *(ROOT / "styles").rglob("*.css"),
          *(ROOT / "styles").rglob("*.j2"), ROOT / "fonts" / "roles.toml", *(ROOT / "locale").rglob("*.po"),
          ROOT / "README.md"]


def _headings() -> set[str]:
    """Every heading of docs/, whole and by its first word (`### B1 Between words` defines B1)."""
    found = set()
    for doc in DOCS.glob("*.md"):
        for line in doc.read_text("utf-8").splitlines():
            if line.startswith("#"):
                heading = line.lstrip("#").strip()
                found |= {heading, heading.split()[0]}
    return found


def test_every_rule_code_cited_has_a_heading_in_docs():
    headings = _headings()
    cited = {(code, path.relative_to(ROOT).as_posix())
             for path in CITING for code in RULE.findall(path.read_text("utf-8"))}
    assert len({code for code, _ in cited}) > 20  # the scan finds the codes the composer and lint cite
    missing = sorted(f"{code} ({where})" for code, where in cited if code not in headings)
    assert not missing, f"rule codes without a heading in docs/: {missing}"


def test_every_kind_of_lint_finding_is_documented():
    """The codes `layout check --allow` takes: those of the lint's findings and of the planner's notes."""
    codes = {node.args[0].value for path in (ROOT / "layout").rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text("utf-8")))
             if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Finding", "PlanNote")
             and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}
    assert {"blank-page", "placeholder", "byline-repeated", "fill"} <= codes
    assert codes - _headings() == set()


def _links(markdown: str) -> list[str]:
    return [target for target in re.findall(r"\]\(([^)]+)\)", markdown) if not re.match(r"[a-z]+:", target)]


def test_readme_and_docs_link_only_files_of_the_repository():
    for doc in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in _links(doc.read_text("utf-8")):
            path = (doc.parent / target.split("#")[0]).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{doc.name}: {target}"
    cited = re.findall(r"(?:\.\./shared|reference/[a-z-]+\.md|DESIGN\.md)",
                       "\n".join(p.read_text("utf-8") for p in CITING))
    assert not cited, cited


def _block_after(readme: str, heading: str, lang: str) -> str:
    rest = readme[readme.index(heading):]
    return re.search(rf"```{lang}\n(.*?)```", rest, re.S)[1]


def test_the_readme_example_builds_and_prints_what_it_says(tmp_path):
    readme = (ROOT / "README.md").read_text("utf-8")
    issue = tmp_path / "issue"
    (issue / "articles").mkdir(parents=True)
    (issue / "images").mkdir()
    toml = _block_after(readme, "### `issue.toml`", "toml")
    (issue / "issue.toml").write_text(toml, "utf-8")
    for ad in re.findall(r'^file = "([^"]+)"', toml, re.M):  # the ads it reserves room for
        (issue / ad).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (900, 1200), (200, 60, 60)).save(issue / ad, dpi=(300, 300))
    article = _block_after(readme, "### `articles/*.md`", "markdown")
    (issue / "articles" / "05-yingshang.md").write_text(article, "utf-8")
    image = re.search(r"file: (images/\S+)", article)[1]
    Image.new("RGB", (1200, 800), (120, 140, 160)).save(issue / image, dpi=(300, 300))

    result = run_layout_process("build", issue, "-o", tmp_path / "out")  # as an editor runs it, end to end
    assert result.returncode == 0, result.stderr
    printed_as = re.search(r"credit: .*# printed as “([^”]+)”", article)[1]
    with pdfplumber.open(next((tmp_path / "out").glob("*_01.pdf"))) as pdf:
        text = squash(pdf.pages[0].extract_text())
    assert squash(printed_as) in text, (printed_as, text[:200])
    assert "营商服务" in text  # the headline
