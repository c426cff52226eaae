"""`layout import`: raw page text → issue folder, with nothing lost (issue: importer)."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.errors import InputError
from layout.model import EditorsNote, Paragraph, Subhead
from layout.source.importer import (
    REPORT_NAME,
    UNTITLED,
    check_nothing_lost,
    escape_markdown,
    import_text,
    new_issue_toml,
    render_report,
    run_import,
)
from layout.source.issue_folder import load_issue
from layout.source.markdown_body import parse_body
from layout.source.raw_text import Kind, classify
from layout.source.validate import first_refused

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SEED = FIXTURES / "seed-page.txt"
DATE = dt.date(2021, 1, 22)


def do_import(raw: Path, out: Path, page: int = 1, date: dt.date | None = DATE, dry_run: bool = False):
    return run_import(raw, out, date, page, dry_run)


def folder_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_nothing_lost(raw_text: str, result) -> None:
    problem = check_nothing_lost(raw_text, [p.read_text(encoding="utf-8") for p in result.articles], result.report)
    assert problem is None, problem


@pytest.fixture
def seed_issue(tmp_path):
    result = do_import(SEED, tmp_path / "issue")
    return result, load_issue(tmp_path / "issue")


# --- The seed page ----------------------------------------------------------------------


def test_seed_gives_five_articles(seed_issue):
    result, issue = seed_issue
    arts = issue.articles
    assert [a.id for a in arts] == ["01", "02", "03", "04", "05"]
    assert arts[0].headline == "区委财经工作委员会2021首次会议召开"
    assert arts[1].headline == "严之又严、细之又细做好疫情防控及节日服务保障"
    assert arts[2].headline == "大城养老徐汇范式"
    assert arts[2].subtitle == "区民政局聚焦“十四五”养老服务业发展"
    assert arts[3].headline in ("区委举行中心组学习(扩大)会", "区委举行中心组学习（扩大）会")
    assert "营商服务“新5条”" in arts[4].headline
    # Only the page's lead is pinned: the planner may move the rest if the issue's page 1 holds less.
    assert [a.priority for a in arts] == [1, 2, 3, 4, 5] and [a.page for a in arts] == [1, None, None, None, None]


def test_seed_bylines_and_datelines(seed_issue):
    _, issue = seed_issue
    arts = issue.articles
    assert [(a.byline, a.byline_position) for a in arts] == [
        ("宗河", "top"), ("记者 姚丽敏", "dateline"), ("文/记者 柴斌 施昱辰", "end"),
        ("记者 张文菁", "dateline"), ("记者 张文菁", "end")]
    assert [a.dateline for a in arts] == ["本报讯", "本报讯", "", "本报讯", ""]
    assert arts[2].photo_credit == "朱亮" and arts[2].photo_caption == ""
    # The dateline and its byline are taken out of the first paragraph; the painter sets them again.
    assert arts[0].blocks[0].text.startswith("区委财经工作委员会2021年第一次会议日前召开。")
    assert arts[1].blocks[0].text.startswith("1月20日下午,我区召开")
    assert arts[3].blocks[0].text.startswith("1月21日下午,")


def test_seed_subheads(seed_issue):
    _, issue = seed_issue
    last = issue.articles[4]
    assert [b.text for b in last.blocks if isinstance(b, Subhead)] == [
        "以共享信息“数字化”,助力注册登记“便利化”", "以创新突破“数字化”,驱动工作规则“标准化”",
        "以战时举措“数字化”,推动常态管理“智慧化”", "以多方协同“数字化”,实现难题破解“高效化”"]
    assert isinstance(last.blocks[0], Paragraph) and last.blocks[0].text.startswith("日前,")
    assert not any(isinstance(b, Subhead) for a in issue.articles[:4] for b in a.blocks)


def test_seed_paragraphs_cut_by_page_breaks_are_whole(seed_issue):
    _, issue = seed_issue
    paragraphs = [b.text for a in issue.articles for b in a.blocks if isinstance(b, Paragraph)]
    for joined in ("人工智能、生命健康", "开局年的“开门红”", "一要提高政治站位", "细化责任分工", "以养老服务市场"):
        assert sum(joined in p for p in paragraphs) == 1, joined
    assert [len([b for b in a.blocks if isinstance(b, Paragraph)]) for a in issue.articles] == [2, 3, 5, 1, 7]


def test_seed_nothing_lost_and_report(seed_issue, tmp_path):
    result, _ = seed_issue
    assert_nothing_lost(SEED.read_text(encoding="utf-8"), result)
    report = (tmp_path / "issue" / REPORT_NAME).read_text(encoding="utf-8")
    assert report == "\n".join(result.report) + "\n"
    assert "removed ‹■›" in report and "removed ‹图/›" in report and report.count("removed ‹(› ‹)›") == 2
    assert "2021首次会议召开" in report and "spaces between Han and Latin letters or digits removed" in report
    assert report.count("joined a paragraph cut by a page or column break") == 5
    # The two real guesses are flagged: where article 5 starts, and kicker + headline on one line.
    assert len(result.warnings) == 2 and all("line 51" in w for w in result.warnings)


def test_new_issue_toml(seed_issue, tmp_path):
    result, issue = seed_issue
    assert issue.paper.name == "未命名" and issue.paper.code == "PAPER" and issue.info.date == DATE
    assert [p.number for p in issue.pages] == [1]
    assert "fill in paper.name" in "\n".join(result.report)


def test_checker_notices_loss_and_reordering(seed_issue):
    result, _ = seed_issue
    raw = SEED.read_text(encoding="utf-8")
    texts = [p.read_text(encoding="utf-8") for p in result.articles]
    assert check_nothing_lost(raw, texts, result.report) is None
    assert "line 5" in check_nothing_lost(raw, texts, [r.replace("‹■›", "") for r in result.report])
    assert check_nothing_lost(raw, [texts[0].replace("外贸外贸", "外贸"), *texts[1:]], result.report)
    assert check_nothing_lost(raw, [texts[1], texts[0], *texts[2:]], result.report)
    swapped = texts[4].replace("## 以共享信息", "## 以XX信息")
    assert check_nothing_lost(raw, [*texts[:4], swapped], result.report)


# --- Encodings and line endings ---------------------------------------------------------


def test_gb18030_and_crlf_copies_give_the_same_files(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    copies = {"utf8.txt": text.encode("utf-8"), "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
              "gb.txt": text.encode("gb18030"), "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
              "cr-spaces.txt": text.replace("\n", "  \r").encode("gb18030")}
    outputs = {}
    for name, data in copies.items():
        (tmp_path / name).write_bytes(data)
        result = do_import(tmp_path / name, tmp_path / f"out-{name}")
        outputs[name] = folder_files(tmp_path / f"out-{name}")
        report = outputs[name].pop(REPORT_NAME).decode("utf-8")
        assert result.report[1].startswith("  encoding: "), result.report
        assert ("GB18030" in result.report[1]) == name.endswith(("gb.txt", "spaces.txt")), name
        assert ("BOM" in result.report[1]) == (name == "bom.txt")
        assert ("CRLF" in report) == (name == "crlf.txt")
        outputs[name].pop("issue.toml")  # names the raw file it came from
    first = outputs.pop("utf8.txt")
    assert len(first) == 5
    for name, files in outputs.items():
        assert files == first, name


def test_big5_traditional_text(tmp_path):
    raw = FIXTURES / "big5-traditional.txt"
    with pytest.raises(UnicodeDecodeError):
        raw.read_bytes().decode("utf-8")
    result = do_import(raw, tmp_path / "issue")
    assert "Big5" in result.report[1]
    (article,) = load_issue(tmp_path / "issue").articles
    assert article.headline == "徐匯區推進「一網通辦」"
    assert article.byline == "記者 陳明" and article.dateline == "本報訊"
    assert article.blocks[0].text.startswith("徐匯區近日舉行座談會，")


def test_short_gbk_text_is_not_taken_for_big5(tmp_path):
    # GB2312 bytes of common simplified characters that also decode as (nonsense) Big5.
    text = "大城养老\n\n本报讯 区民政局召开会议，研究养老服务发展。\n"
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    result = do_import(tmp_path / "gbk.txt", tmp_path / "issue")
    assert "GB18030" in result.report[1]
    assert load_issue(tmp_path / "issue").articles[0].headline == "大城养老"


@pytest.mark.parametrize("data, line", [
    (bytes(range(0x80, 0x100)) * 4, 1),  # no encoding decodes it
    ("标题\n\n正文一段。\n".encode("utf-8") + b"\x00\x01\x02binary\n", 4),  # control characters
    ("标题\n\n正文".encode("utf-8") + b"\xff\xfe\xfd\xfc" * 20, 3),  # UTF-8 broken on line 3
    (b"\x81\x40" * 50, None),  # decodes as GBK, but to rare characters only: not plausible
])
def test_garbage_is_an_input_error(tmp_path, data, line):
    raw = tmp_path / "garbage.txt"
    raw.write_bytes(data)
    with pytest.raises(InputError) as e:
        do_import(raw, tmp_path / "issue")
    assert e.value.path == raw and e.value.line == line
    assert not (tmp_path / "issue").exists()


# --- The rest of the article vocabulary ----------------------------------------------------


def test_notes_captions_credits_jumps(tmp_path):
    raw = FIXTURES / "features.txt"
    result = do_import(raw, tmp_path / "issue", page=3)
    assert_nothing_lost(raw.read_text(encoding="utf-8"), result)
    issue = load_issue(tmp_path / "issue")
    assert [p.number for p in issue.pages] == [1, 2, 3]
    first, second, third = issue.articles
    assert isinstance(first.blocks[0], EditorsNote) and first.blocks[0].text.startswith("编者按：新春将至")
    assert (first.byline, first.dateline) == ("记者 王小明 通讯员 李华", "本报讯")
    assert (first.photo_caption, first.photo_credit) == ("图为居民在写春联。", "记者 赵刚")
    assert first.source_jumps == ("下转第2版",) and first.blocks[-1].text.endswith("早早来到现场")
    assert (second.dateline, second.byline, second.photo_credit) == ("新华社上海1月20日电", "记者 刘洋", "孙丽")
    # Body text that looks like Markdown stays text.
    assert [b.text for b in second.blocks[1:]] == ["# 不是标题，而是以井号开头的正文。", "1. 这一行以数字加点开头，也只是正文。"]
    assert third.headline == "文化活动丰富多彩" and third.source_jumps == ("上接第3版",)


@pytest.mark.parametrize("text", [
    "# 井号", "## 两个", "> 引用", "- 列表", "+ 加号", "* 星号", "1. 数字", "2021) 括号", "---", "***", "___",
    "```代码```", "~~~", "    缩进", "[注]: http://x", "<b>粗</b>", "&amp;实体", "*强调* 和 _斜体_", "反斜杠\\", "`代码`",
    "行尾井号 #", "a\\*b",
])
def test_markdown_escaping_reads_back_as_the_text(text):
    for markdown, kind in ((escape_markdown(text.strip()), Paragraph), ("## " + escape_markdown(text.strip()), Subhead),
                           ("> " + escape_markdown(text.strip()), EditorsNote)):
        (block,) = parse_body(markdown, Path("x.md"), 1)
        assert isinstance(block, kind) and block.text == text.strip(), markdown


@pytest.mark.parametrize("line, kind", [
    ("■ 宗河", Kind.TOP_BYLINE), ("■ 本报记者 王五", Kind.TOP_BYLINE), ("记者 张文菁", Kind.END_BYLINE),
    ("文/记者 柴斌 施昱辰 图/朱亮", Kind.END_BYLINE), ("（记者 张三）", Kind.END_BYLINE), ("文/图 李四", Kind.END_BYLINE),
    ("通讯员 李华", Kind.END_BYLINE), ("記者 陳明", Kind.END_BYLINE), ("图/朱亮", Kind.CREDIT),
    ("记者 张三 摄", Kind.CREDIT), ("资料图片", Kind.CREDIT), ("图为志愿者在社区拍摄", Kind.CAPTION),
    ("編者按：本報推出系列報道。", Kind.NOTE), ("本报讯（记者 张三）", Kind.PARAGRAPH),
    ("宗河", Kind.HEADING), ("张三 李四", Kind.HEADING), ("以共享信息“数字化”,助力注册登记“便利化”", Kind.HEADING),
    ("会议要求：", Kind.PARAGRAPH), ("你好，2021！", Kind.PARAGRAPH), ("一", Kind.PARAGRAPH),
])
def test_classify(line, kind):
    assert classify(line) is kind


def test_join_decisions():
    # A cut after a closing quote may be a paragraph end: joined, but flagged.
    first = "如何既方便企业，又守住风险底线，徐汇区市场监管局在徐汇区现场服务平台上打造的“住所云”"
    (article,) = import_text(f"标题\n\n{first}\n\n“库”里已有二十幢楼宇。\n").articles
    assert [b.text for b in article.blocks] == [first + "“库”里已有二十幢楼宇。"]
    assert any(n.check and "closing quote" in n.text for n in article.notes)
    # A line that cannot start a paragraph continues the one before, whatever it looks like.
    (article,) = import_text("标题\n\n力争实现开门红\n\n。三是要锤炼过硬干部队伍。\n").articles
    assert [b.text for b in article.blocks] == ["力争实现开门红。三是要锤炼过硬干部队伍。"]
    # Unpunctuated text before a display line: not joined, flagged.
    (article,) = import_text(f"标题\n\n第一段。{first}\n\n一个小标题\n\n第二段。\n").articles
    assert [b.kind for b in article.blocks] == ["paragraph", "subhead", "paragraph"]
    assert any(n.check and "no closing punctuation" in n.text for n in article.notes)
    # A dateline on a line of its own joins its paragraph.
    (article,) = import_text("标题\n\n本报讯（记者 张三）\n\n1月20日下午，开会。\n").articles
    assert (article.dateline, article.byline, article.blocks[0].text) == ("本报讯", "记者 张三", "1月20日下午，开会。")


def test_text_before_any_headline_and_empty_articles():
    imported = import_text("（上接第1版）\n\n上期内容的后半段。\n\n孤立的标题\n")
    (article,) = imported.articles
    assert article.headline == UNTITLED and article.source_jumps == ("上接第1版",)
    assert [(b.kind, b.text) for b in article.blocks] == [("paragraph", "上期内容的后半段。"), ("subhead", "孤立的标题")]
    assert sum(n.check for n in article.notes) >= 1


# --- The issue folder -------------------------------------------------------------------


def test_dry_run_writes_nothing(tmp_path):
    result = do_import(SEED, tmp_path / "issue", dry_run=True)
    assert not (tmp_path / "issue").exists()
    assert result.articles == () and "dry run" in result.report[0]
    assert any(line.startswith("05.md") for line in result.report)


def test_dry_run_into_existing_folder_changes_nothing(tmp_path):
    do_import(SEED, tmp_path / "issue")
    before = folder_files(tmp_path / "issue")
    do_import(FIXTURES / "features.txt", tmp_path / "issue", page=2, dry_run=True)
    assert folder_files(tmp_path / "issue") == before


def test_new_folder_needs_a_date(tmp_path):
    with pytest.raises(InputError, match="--date"):
        do_import(SEED, tmp_path / "issue", date=None)
    assert not (tmp_path / "issue").exists()


def test_second_page_adds_to_the_folder(tmp_path):
    root = tmp_path / "issue"
    do_import(SEED, root)
    toml_before = (root / "issue.toml").read_text(encoding="utf-8")
    result = do_import(FIXTURES / "features.txt", root, page=2, date=None)
    assert [p.name for p in result.articles] == ["06.md", "07.md", "08.md"]
    toml_after = (root / "issue.toml").read_text(encoding="utf-8")
    assert toml_after.startswith(toml_before) and toml_after[len(toml_before):] == (
        '\n[[pages]]\nnumber = 2\nsection = ""\neditor = ""\n')
    issue = load_issue(root)
    assert [a.page for a in issue.articles] == [1, None, None, None, None, 2, None, None]
    assert [a.priority for a in issue.articles] == [1, 2, 3, 4, 5, 1, 6, 7]
    report = (root / REPORT_NAME).read_text(encoding="utf-8")
    assert report.count("import of ") == 2  # the first import's report is kept
    # Importing page 1 again would double its articles: refused, the folder byte for byte as it was.
    before = folder_files(root)
    with pytest.raises(InputError, match="is already in the issue folder as articles/01.md") as e:
        do_import(SEED, root, page=1, date=None)
    assert e.value.path == SEED and e.value.line == 3  # the first article's headline
    assert folder_files(root) == before


def test_existing_date_mismatch_is_flagged(tmp_path):
    root = tmp_path / "issue"
    do_import(SEED, root)
    result = do_import(FIXTURES / "features.txt", root, page=2, date=dt.date(2021, 1, 29))
    assert any("differs from the date in issue.toml" in w for w in result.warnings)
    assert load_issue(root).info.date == DATE


def test_bad_page_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="--page"):
        do_import(SEED, tmp_path / "issue", page=0)
    with pytest.raises(InputError, match="no such file"):
        do_import(tmp_path / "missing.txt", tmp_path / "issue")


def build(issue: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layout.cli", "build", str(issue), "-o", str(out), "--no-fonts"],
                          capture_output=True, text=True)


def test_imported_folders_build(tmp_path):
    do_import(FIXTURES / "features.txt", tmp_path / "features")
    result = build(tmp_path / "features", tmp_path / "out-features")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out-features" / "PAPER-20210122.pdf").is_file()
    # The seed page holds more than page 1 of the issue, which has the masthead: `layout import`
    # gives a new issue.toml the pages its copy needs, so the folder builds as it is.
    result = subprocess.run([sys.executable, "-m", "layout.cli", "import", str(SEED), "-o", str(tmp_path / "seed"),
                             "--date", "2021-01-22"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "第2版 added to issue.toml" in result.stderr
    result = build(tmp_path / "seed", tmp_path / "out-seed")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out-seed" / "PAPER-20210122.pdf").is_file()
    assert (tmp_path / "out-seed" / "PAPER-20210122.epub").is_file()


def test_cli_import(tmp_path):
    result = subprocess.run([sys.executable, "-m", "layout.cli", "import", str(SEED), "-o", str(tmp_path / "issue"),
                             "--date", "2021-01-22", "--dry-run"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "05.md" in result.stdout and not (tmp_path / "issue").exists()
    result = subprocess.run([sys.executable, "-m", "layout.cli", "import", str(SEED), "-o", str(tmp_path / "issue")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "--date" in result.stderr and "Traceback" not in result.stderr


# --- Property: generated pages ----------------------------------------------------------

HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多"
         "定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
WORDS = st.text(alphabet=HANZI, min_size=2, max_size=8)
NAMES = st.builds(lambda a, b: a + b, st.sampled_from(SURNAMES), st.text(alphabet=HANZI, min_size=1, max_size=2))


@st.composite
def sentences(draw) -> str:
    parts = draw(st.lists(WORDS, min_size=1, max_size=6))
    return "，".join(parts) + draw(st.sampled_from("。。。！？"))


@st.composite
def articles(draw) -> list[str]:
    """The lines of one printed article, bylines in the forms the seed shows."""
    headline = draw(WORDS) + draw(st.sampled_from(["", " 2021 ", " "])) + draw(WORDS)
    head = [headline] + draw(st.lists(WORDS, max_size=2))
    body = ["".join(draw(st.lists(sentences(), min_size=1, max_size=4))) for _ in range(draw(st.integers(1, 5)))]
    name, name2 = draw(NAMES), draw(NAMES)
    form = draw(st.sampled_from(["top", "dateline", "end", "end-photo", "none"]))
    if form == "top":
        head.append(f"■ {name}")
    elif form == "dateline":
        body[0] = f"本报讯{draw(st.sampled_from(['（', ' (']))}记者 {name}{draw(st.sampled_from(['）', ')']))}{body[0]}"
    elif form == "end":
        body.append(f"记者 {name}")
    elif form == "end-photo":
        body.append(f"文/记者 {name} {name2} 图/{draw(NAMES)}")
    if draw(st.booleans()):
        body.insert(draw(st.integers(1, len(body))), "图为" + draw(WORDS) + f" 记者 {draw(NAMES)} 摄")
    return head + body


@st.composite
def raw_pages(draw) -> str:
    lines = [line for article in draw(st.lists(articles(), min_size=1, max_size=4)) for line in article]
    # Noise: arbitrary lines of characters an input may hold (validate refuses controls, noncharacters,
    # invisible format characters before parsing; the fuzz test in test_hostile feeds those).
    noise = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
        lambda text: first_refused(text) is None)
    for _ in range(draw(st.integers(0, 3))):
        lines.insert(draw(st.integers(0, len(lines))), draw(noise))
    # Page and column breaks inside paragraphs.
    out: list[str] = []
    for line in lines:
        while len(line) > 6 and draw(st.integers(0, 3)) == 0:
            cut = draw(st.integers(1, len(line) - 1))
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    sep = draw(st.sampled_from([eol, eol * 2, eol * 3]))
    return sep.join(line + draw(st.sampled_from(["", " ", "\t", "\u3000"])) for line in out) + eol


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_pages())
def test_generated_pages_lose_nothing(raw):
    imported = import_text(raw)
    names = [f"{n:02d}.md" for n in range(1, len(imported.articles) + 1)]
    texts = [a.markdown(1, n) for n, a in enumerate(imported.articles, 1)]
    report = render_report("raw.txt", 1, "UTF-8", imported.notes, imported, names)
    assert check_nothing_lost(raw, texts, report) is None
    # And the loader accepts every article.
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "issue.toml").write_text(new_issue_toml(DATE, 1, "raw.txt"), encoding="utf-8")
        (root / "articles").mkdir()
        for name, text in zip(names, texts):
            (root / "articles" / name).write_text(text, encoding="utf-8")
        assert len(load_issue(root).articles) == len(texts)
