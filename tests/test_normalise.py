"""normalise(): W1–W3, P1 and I1 on source text (rule IDs: docs/rules.md)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.text.normalise import Change, normalise

SEED = Path("/work/shared/seeds/000_7d77dde7ee23e916.txt")


def seed_paragraphs() -> list[str]:
    return [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]


# --- W3: half-width marks in Chinese context --------------------------------------------


def test_w3_comma_between_han_becomes_fullwidth_seed():
    text, changes = normalise("区委书记鲍炳章,区委副书记")
    assert text == "区委书记鲍炳章，区委副书记"
    assert changes == [Change(7, ",", "，", "W3")]


def test_w3_bracket_pair_becomes_fullwidth_and_name_space_stays_seed():
    # The space between 记者 and the name separates two Han words: it is kept (one space).
    text, _ = normalise("本报讯 (记者 姚丽敏)1月20日下午")
    assert text == "本报讯（记者 姚丽敏）1月20日下午"


@pytest.mark.parametrize(
    "source",
    ["增长3.5个百分点", "共1,200户", "例如e.g.这样", "时间12:30开始", "网址http://x.cn/a?b=1,c", "f(x)的值"],
)
def test_w3_latin_runs_keep_their_punctuation(source):
    assert normalise(source)[0] == source


def test_w3_pairs_latin_content_in_chinese_context():
    assert normalise("中国(China)公司")[0] == "中国（China）公司"
    assert normalise("加入“ODR”(全国12315平台)")[0] == "加入“ODR”（全国12315平台）"


def test_w3_straight_quotes_become_paired_curly_quotes_seed():
    assert normalise('加速推进"5+1+X"土地收储')[0] == "加速推进“5+1+X”土地收储"
    assert normalise("他说'好'然后")[0] == "他说‘好’然后"
    assert normalise("他说:\"我们'一定'做到\"")[0] == "他说：“我们‘一定’做到”"


def test_w3_apostrophes_and_english_sentences_stay():
    assert normalise("Hello, world! don't stop")[0] == "Hello, world! don't stop"
    assert normalise("西安Xi'an站")[0] == "西安Xi'an站"


def test_w3_question_mark_after_latin_ends_a_chinese_sentence():
    assert normalise("你用iPhone?")[0] == "你用iPhone？"


def test_w3_colon_before_url_converts_but_url_keeps_its_colon():
    assert normalise("网址:http://x.cn")[0] == "网址：http://x.cn"


# --- W2: full-width Latin --------------------------------------------------------------


def test_w2_fullwidth_letters_and_digits_become_half_width():
    text, changes = normalise("ＡＢＣ公司１２３号")
    assert text == "ABC公司123号"
    assert [c.rule for c in changes] == ["W2"] * 6


# --- P1: dashes and ellipses -----------------------------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        ("等等...好", "等等……好"),
        ("等等。。。好", "等等……好"),
        ("好--坏", "好——坏"),
        ("好———坏", "好————坏"),  # odd runs completed to pairs
        ("说…好", "说……好"),
        ("他说—", "他说——"),  # a lone dash that connects nothing is a 破折号
        ("区—街镇—居民区", "区—街镇—居民区"),  # 一字线 connector (GB/T 15834) kept
        ("1031—1095年", "1031—1095年"),
        ("wait... what", "wait... what"),  # Latin context
    ],
)
def test_p1_dash_and_ellipsis_forms(source, expected):
    assert normalise(source)[0] == expected


# --- W1 / I1: spaces ---------------------------------------------------------------------


def test_w1_spaces_between_han_and_digits_removed_seed_headline():
    text, changes = normalise("区委财经工作委员会 2021 首次会议召开")
    assert text == "区委财经工作委员会2021首次会议召开"
    assert changes == [Change(9, " ", "", "W1"), Change(14, " ", "", "W1")]


def test_w1_spaces_between_latin_words_kept_collapsed():
    assert normalise("推出iPhone  12   Pro")[0] == "推出iPhone 12 Pro"


def test_w1_spaces_next_to_fullwidth_marks_removed():
    assert normalise("区委 ， 区长 “好” 。")[0] == "区委，区长“好”。"


def test_w1_newline_inside_paragraph_is_a_space_or_nothing():
    assert normalise("工作\n安排")[0] == "工作 安排"
    assert normalise("5G\n网络")[0] == "5G网络"


def test_i1_source_indentation_removed():
    text, changes = normalise("\u3000\u3000区委举行会议。 ")
    assert text == "区委举行会议。"
    assert changes[0] == Change(0, "\u3000\u3000", "", "I1")


# --- Whole-text properties ------------------------------------------------------------


def _apply(source: str, changes: list[Change]) -> str:
    out, pos = [], 0
    for c in changes:
        assert source[c.position : c.position + len(c.before)] == c.before
        out.append(source[pos : c.position])
        out.append(c.after)
        pos = c.position + len(c.before)
    return "".join(out) + source[pos:]


@pytest.mark.parametrize("para", seed_paragraphs())
def test_seed_changes_replay_to_the_output_and_are_idempotent(para):
    text, changes = normalise(para)
    assert _apply(para, changes) == text  # positions and 'before' are exact
    assert normalise(text) == (text, [])


_FOLD = str.maketrans("，（）：；？！“”‘’", ",():;?!\"\"''")


def _fold(s: str) -> str:
    """Undo W2/W3 and drop whitespace: what must survive normalisation unchanged."""
    s = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" and c.isalnum() else c for c in s)
    return "".join(s.translate(_FOLD).split())


_ALPHABET = st.sampled_from(
    list("区委财经工作会议召开记者姚丽敏") + list(",():;?!\"' \n\u3000，、“”（）")
    + ["ODR", "5G", "2021", "3.5", "1,200", "e.g.", "ＡＢ１", "don't", "http://x.cn"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_property_idempotent_and_nothing_lost_or_reordered(source):
    text, changes = normalise(source)
    assert normalise(text) == (text, [])
    assert _fold(text) == _fold(source)
    assert all(c.rule in {"W1", "W2", "W3", "P1", "I1"} for c in changes)
