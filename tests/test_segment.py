"""The headline segmenter: where a headline, kicker, subtitle or subhead may break (B1–B5,
docs/headline-breaks.md), on jieba's real dictionary."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from layout.model import Article, Paragraph
from layout.text.segment import (COMPOUND, IN_TERM, IN_UNIT, IN_WORD, SPACE, WORD, article_terms, break_levels,
                                 broken_words, byline_names)

ROOT = Path(__file__).resolve().parents[1]


def level_at(text: str, left: str, terms: tuple[str, ...] = ()) -> int:
    """The grade of a break right after the first occurrence of `left` in text."""
    assert left in text
    return break_levels(text, terms)[text.index(left) + len(left)]


def inside(text: str, word: str, terms: tuple[str, ...] = ()) -> list[int]:
    """Grades of every boundary inside `word` where it occurs in text."""
    start = text.index(word)
    return list(break_levels(text, terms)[start + 1:start + len(word)])


def article(headline: str, body: str = "", byline: str = "", short: str = "", dateline: str = "") -> Article:
    return Article(id="a", path=Path("a.md"), headline=headline, byline=byline, short_headline=short,
                   dateline=dateline, blocks=tuple(Paragraph(p, n) for n, p in enumerate(body.split("\n")) if p))


# --- B1: between words ------------------------------------------------------------------------


def test_b1_ai_is_one_word_of_two_words():
    # 人工智|能 and 人|工智能 are inside a word; 人工|智能 only splits the compound.
    assert inside("人工智能", "人工智能") == [IN_WORD, COMPOUND, IN_WORD]


def test_b1_clinic_headline_breaks_between_its_words():
    text = "社区卫生服务中心开设夜间门诊"
    for word in ("社区", "卫生", "服务", "中心", "开设", "夜间", "门诊"):
        assert inside(text, word) == [IN_WORD], word
    for left in ("中心", "开设", "夜间"):
        assert level_at(text, left) == WORD


def test_b1_study_group_stays_whole():
    text = "区委举行中心组学习（扩大）会"
    assert inside(text, "中心组") == [IN_WORD, IN_WORD]
    assert level_at(text, "举行") == WORD


def test_b1_the_house_lexicon_keeps_district_names_whole():
    # styles/house.toml [lexicon]: jieba lacks 斜土路 and 新江湾城 (xuhui, yangpu 第1版); without them
    # 斜|土|路 would be three one-character words, a break between them a mere COMPOUND.
    text = "斜土路街道“一老一小”综合服务中心启用"
    assert inside(text, "斜土路") == [IN_WORD, IN_WORD] and level_at(text, "斜土路街道") == WORD
    assert set(inside("新江湾城街道建成首个示范点", "新江湾城")) == {IN_WORD}


def test_b1_house_words_are_added_over_jiebas_dictionary():
    from layout.text import lexicon

    base = lexicon.load()
    lex = base.with_words(["新江湾城", "斜土路", "的"])
    assert base.get("新江湾城") is None and lex.get("新江湾城") == lexicon.HOUSE_WORD_FREQ
    assert base.get("斜土路") < lex.get("斜土路") == lexicon.HOUSE_WORD_FREQ  # jieba has it, but rarely
    assert lex.get("的") == base.get("的") > lexicon.HOUSE_WORD_FREQ  # a common word keeps its frequency
    assert base.probe("新江湾") is None and lex.probe("新江湾") == 0 and lex.probe("新江湾城x") is None
    assert lex.total == base.total + 2 * lexicon.HOUSE_WORD_FREQ + base.get("的")


@pytest.mark.parametrize("text, word", [
    # huangpu 第1版 (held out) set 独居老人装防 / 跌倒感应器: jieba cuts 防|跌倒, and neither the composer nor
    # the check saw a word there. A one-character prefix makes a word of the one after it.
    ("老西门街道为独居老人装防跌倒感应器", "防跌倒"), ("全区开展防诈骗宣传", "防诈骗"),
    ("老旧小区适老化改造提速", "适老化"), ("社区微更新项目启动", "微更新"), ("老小区加装电梯", "老小区"),
    ("区图书馆再添新点", "新点"),
])
def test_b1_a_prefix_stays_with_its_word(text, word):
    assert min(inside(text, word)) >= IN_WORD
    assert level_at(text, word) <= WORD


@pytest.mark.parametrize("text, place", [
    # Places ending in 路, 街道, 镇, 村, 新村: jieba knows few of the names with their suffix
    # (江川|路, 南京|西路|街道, 金山|卫|镇, 航|华|一村); the name and its suffix are one word.
    ("江川路街道开展消防演练", "江川路街道"), ("南京西路街道开展消防演练", "南京西路街道"), ("莘庄镇新建公园", "莘庄镇"),
    ("金山卫镇开通夜间公交", "金山卫镇"), ("长风新村街道微更新完工", "长风新村街道"), ("航华一村加装电梯", "航华一村"),
    ("老西门街道为独居老人装防跌倒感应器", "老西门街道"), ("田林十二村完成改造", "田林十二村"),
])
def test_b1_a_place_keeps_its_suffix(text, place):
    assert min(inside(text, place)) >= IN_WORD
    assert level_at(text, place) <= WORD


@pytest.mark.parametrize("text, words", [
    # Organisations ending in 中心, 委员会, 医院, 学校 break between their words, never inside one.
    ("区中心医院开设夜间门诊", ("中心", "医院")), ("居民委员会换届选举", ("委员会",)),
    ("区残疾人联合会走访困难家庭", ("残疾人", "联合会")), ("复旦中学举办科技节", ("复旦", "中学")),
    ("区青少年活动中心开放", ("青少年", "活动", "中心")),
])
def test_b1_an_organisation_breaks_only_between_its_words(text, words):
    for word in words:
        assert min(inside(text, word)) >= IN_WORD, word
    assert level_at(text, "区") <= WORD if text.startswith("区") else True


def test_b1_punctuation_is_a_word_boundary():
    text = "扩大举行：委员会"
    assert level_at(text, "举行") == WORD and level_at(text, "举行：") == WORD


# --- B2: numbers, Latin words, addresses ---------------------------------------------------------


@pytest.mark.parametrize("text, unit", [
    ("2025年全区新增停车位", "2025年"), ("全区新增3200个停车位", "3200个"), ("增长96.8%以上", "96.8%"),
    ("本报第3版刊登", "第3版"), ("2021年1月22日起实施", "2021年1月22日"), ("新增绿地12平方公里以上", "12平方公里"),
    ("投入3.5亿元改造", "3.5亿元"), ("第三届进博会", "第三届"),
    # jingan-2026-11-27 第1版 set 一千|二百余台: Han numerals with a magnitude count too.
    ("全区完成一千二百余台老旧电梯安全评估", "一千二百余台"), ("十一公里岸线集聚美术馆", "十一公里"),
    # Ranges, a number with what follows it, approximations, units that begin a word (2026年度, 年均).
    ("培训周期为3至5年", "3至5年"), ("步行5到10分钟可达", "5到10分钟"), ("服务期一至三年", "一至三年"),
    ("拨打12345热线反映", "12345热线"), ("全区超3000人参加", "超3000人"), ("近3年新增绿地", "近3年"),
    ("年内新增生态廊道二千亩", "二千亩"), ("参观者达1.2万人次", "1.2万人次"), ("12月4日起实施", "12月4日"),
    ("入选2026年度示范街", "2026年度"), ("PM2.5年均浓度下降", "PM2.5年均"),
    ("5G基站全覆盖", "5G"), ("AI赋能社区治理", "AI"),
])
def test_b2_a_number_never_leaves_its_unit(text, unit):
    assert min(inside(text, unit)) >= IN_WORD
    assert level_at(text, unit) <= WORD


def test_b2_latin_words_email_and_url_stay_whole():
    text = "发布iPhone新品 来信请寄xhb@xuhui.gov.cn或访问https://www.xuhui.gov.cn查询"
    for unit in ("iPhone", "xhb@xuhui.gov.cn", "https://www.xuhui.gov.cn"):
        assert set(inside(text, unit)) == {IN_UNIT}, unit
        assert level_at(text, unit) <= WORD


def test_b2_a_joiner_never_begins_a_line():
    # putuo-2026-05-15 第1版: “定时定点+ / 误时投放”, never “定时定点 / +误时投放”.
    text = "桃浦镇试点“定时定点+误时投放”"
    assert level_at(text, "定时定点") == IN_UNIT and level_at(text, "定时定点+") == IN_TERM


def test_b2_han_numerals_only_bind_after_di():
    # 统一|部署: 一 is not a number before 部 here.
    assert level_at("统一部署", "统一") == WORD
    assert level_at("千万不要统一部署", "千万") == WORD  # a magnitude without a unit is no number


# --- B3: quoted terms, names, the article's own terms ---------------------------------------------


def test_b3_quoted_term_stays_whole():
    text = "程家桥街道“绿色账户”积分可兑换生活用品"
    assert set(inside(text, "“绿色账户”")) == {IN_UNIT}
    # A longer one is whole too, but for a break between its own words when it is wider than a line.
    assert min(inside("读《长宁路名里的故事》", "《长宁路名里的故事》")) == IN_TERM


def test_b3_a_long_quoted_term_breaks_only_between_its_words():
    # pudong-2026-12-18 第1版: 老年|助餐|服务圈; 圈 alone is part of 服务圈, never a line of its own.
    text = "三林镇建成“老年助餐服务圈”"
    assert inside(text, "老年助餐服务圈") == [IN_UNIT, IN_TERM, IN_UNIT, IN_TERM, IN_UNIT, IN_WORD]
    # minhang-2026-11-06 第1版: the unit 15分钟 stays whole, and 阅读圈 with it.
    text = "区图书馆“15分钟阅读圈”再添新点"
    assert inside(text, "15分钟阅读圈") == [IN_UNIT, IN_UNIT, IN_UNIT, IN_TERM, IN_UNIT, IN_WORD]


def test_b3_byline_name_is_a_term_and_stays_whole():
    a = article("欧阳明远获评优秀志愿者", "他说。", byline="文/记者 欧阳明远 施昱辰")
    terms = article_terms(a)
    assert "欧阳明远" in terms and "施昱辰" in terms and "记者" not in terms and "文" not in terms
    assert set(inside(a.headline, "欧阳明远", terms)) == {IN_UNIT}


@pytest.mark.parametrize("byline, names", [
    ("记者 王晓明", ("王晓明",)), ("记者王晓明 通讯员李明", ("王晓明", "李明")), ("文/记者 柴斌 施昱辰", ("柴斌", "施昱辰")),
    ("记者 文静", ("文静",)),  # 文 is a role only as a token of its own (文/X)
])
def test_b3_names_after_their_role_are_terms(byline, names):
    assert tuple(name for _, name in byline_names(byline)) == names
    terms = article_terms(article("标题", "他说。", byline=byline))
    assert set(names) <= set(terms) and not {"记者", "通讯员", "文"} & set(terms)


def test_b3_names_in_the_dateline_are_terms():
    a = article("钱芳带领志愿者清理河道", "本报讯（记者 王晓明 通讯员 钱芳）日前，志愿者清理河道。")
    terms = article_terms(a)
    assert {"王晓明", "钱芳"} <= set(terms)
    assert set(inside(a.headline, "钱芳", terms)) == {IN_UNIT}


def test_b3_repeated_words_quotes_and_short_headline_are_terms():
    body = "苏州河滨水步道今日贯通。\n沿苏州河步行，可见“一江一河”新景。\n苏州河两岸，市民晨练。"
    a = article("苏州河步道贯通", body, short="滨水步道")
    terms = article_terms(a)
    assert "苏州河" in terms  # three times in the body
    assert "一江一河" in terms and "滨水步道" in terms
    assert set(inside("春日，在苏州河边", "苏州河", terms)) == {IN_UNIT}
    assert "步道贯通" not in terms  # said once: the dictionary decides


def test_b3_a_long_term_breaks_only_between_its_own_words():
    # A name of four characters or fewer is one unit; a longer term may still be broken between its
    # words (at a cost), never inside them: it could not always fit one line.
    text, terms = "社区卫生服务中心开设夜间门诊", ("社区卫生服务中心",)
    assert inside(text, "社区卫生服务中心", terms) == [IN_UNIT, COMPOUND, IN_UNIT, COMPOUND, IN_UNIT, COMPOUND,
                                                       IN_UNIT]
    assert level_at(text, "中心", terms) == WORD


def test_b3_terms_are_cut_around_not_added_to_the_dictionary():
    # A term given for one article does not change another's breaks (the result depends only on
    # the text and its terms, whatever was segmented before).
    plain = break_levels("人工智能发展大会")
    break_levels("人工智能发展大会", ("能发",))
    assert break_levels("人工智能发展大会") == plain


# --- B4: the editor's space ---------------------------------------------------------------------


def test_b4_editors_space_and_ideographic_space_are_preferred():
    assert level_at("虹桥公园改造完工 滨水步道全线贯通", "完工") == SPACE
    assert level_at("扩大举行：委员会\u3000全领域：数字化", "委员会") == SPACE
    # A space between two Latin words is only a word boundary.
    assert level_at("iPhone 12", "iPhone") == WORD


# --- The figure the quality benchmark reports ------------------------------------------------------


def test_broken_words_names_each_line_end_inside_a_word():
    text = "社区卫生服务中心开设夜间门诊"
    assert broken_words(text, ("社区卫生服", "务中心开", "设夜间门诊")) == ["服/务中心", "开/设"]
    assert broken_words(text, ("社区卫生服务中心", "开设夜间门诊")) == []
    spaced = "虹桥公园改造完工 滨水步道全线贯通"
    assert broken_words(spaced, ("虹桥公园改造完工", "滨水步道全线贯通")) == []
    assert broken_words(spaced, ("虹桥公园改", "造完工 滨水", "步道全线贯通")) == ["改/造"]


def test_broken_words_counts_a_prefix_cut_from_its_word():
    # huangpu 第1版 (held out): the check now reports the break the composer made there before.
    text = "老西门街道为独居老人装防跌倒感应器"
    assert broken_words(text, ("老西门街道为", "独居老人装防", "跌倒感应器")) == ["装防/跌倒"]
    assert broken_words(text, ("老西门街道", "为独居老人装", "防跌倒感应器")) == []


def test_broken_words_counts_a_quoted_term_broken_even_between_its_words():
    # B3: the check reports what the composer does as a last resort (pudong-2026-12-18 第1版).
    text = "三林镇建成“老年助餐服务圈”"
    assert broken_words(text, ("三林镇建成", "“老年助餐", "服务圈”")) == ["“老年助餐/服务圈”"]
    assert broken_words(text, ("三林镇建成", "“老年助餐服务圈”")) == []


# --- Loading: quiet, no files, deterministic ---------------------------------------------------------


def test_segmenter_loads_quietly_and_writes_only_its_own_cache_file(tmp_path):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    cache = home / "cache"
    env = dict(os.environ, HOME=str(home), TMPDIR=str(tmp), XDG_CACHE_HOME=str(cache))
    code = ("from layout.text.segment import break_levels; "
            "print(break_levels('社区卫生服务中心开设夜间门诊'))")

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                              check=True)

    first = run()  # builds the lexicon and writes it
    written = sorted(p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file())
    assert len(written) == 1 and written[0].startswith("cache/layout/jieba-0.42"), written
    second = run()  # reads it
    (cache / written[0].removeprefix("cache/")).write_bytes(b"LAYLEX01 truncated")
    third = run()  # a damaged file is rebuilt, not trusted
    assert first.stderr == second.stderr == third.stderr == ""  # jieba's "Building prefix dict…" log stays off
    assert first.stdout == second.stdout == third.stdout  # the same grades whatever the cache
    assert list(tmp.rglob("*")) == []  # no jieba.cache in the temp folder
    assert (cache / written[0].removeprefix("cache/")).stat().st_size > 1_000_000


def test_lexicon_from_its_cache_file_is_jiebas_dictionary(tmp_path, monkeypatch):
    from layout.text import lexicon

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built, cached = lexicon.load(), lexicon.load()
    source = lexicon._jieba_dict().read_text(encoding="utf-8").split("\n")[:2000:97]
    for line in source:
        word, freq, _ = line.split(" ")
        assert built.get(word) == cached.get(word) == int(freq), word
    assert built.total == cached.total and len(built) == len(cached) > 300_000
    assert cached.probe("人工智") == 0 and cached.probe("人工智能") > 0 and cached.probe("人工智能x") is None
