"""Where a headline may break: between words, never inside one (rules B1–B5, docs/headline-breaks.md).

`break_levels(text, terms)` grades every boundary between two characters of a display line
(headline, kicker, subtitle, subhead): an editor's space, a boundary between words, a boundary
inside a dictionary word, a boundary inside a unit that must never be split (a number and its
unit, a Latin word, an e-mail or URL, a quoted term, a name or one of the article's own terms).
The composer turns the grades into break costs; K1–K3 stay the composer's.

Words come from jieba's dictionary and the house's own words (`[lexicon]` in styles/house.toml;
names it lacks come from the article's terms), loaded lazily, once per process, without jieba's
cache file in the temp folder or its log. The article's own terms (`article_terms`) are kept whole
by cutting around them, never by changing the shared dictionary, so the result depends only on
the text and the terms.

This is the one segmentation of headlines: the composer breaks by it and the page check
(layout/check/quality.py) counts by it (`broken_words`), so the two never disagree.
"""
from __future__ import annotations

import logging
import re
import sys
from functools import lru_cache
from typing import Iterable

from layout.house import house
from layout.model import Article, Paragraph, Subhead
from layout.text import lexicon
from layout.text.normalise import is_cjk, is_han, is_latin

__all__ = ["SPACE", "WORD", "COMPOUND", "IN_TERM", "IN_WORD", "IN_UNIT", "REPORTER_ROLES", "article_terms",
           "break_levels", "broken_words", "byline_names", "head_breaks"]

# Grades of a boundary, best first.
SPACE = 0  # B4: the editor's own space or line break (between Han, or an ideographic space)
WORD = 1  # B1: between two words, or beside punctuation
COMPOUND = 2  # B1: between the words of a compound the dictionary lists whole (足球|联赛, 人工|智能),
# or between two one-character words
IN_TERM = 3  # B3: between the words of a quoted term of more than four characters (“老年助餐|服务圈”)
IN_WORD = 4  # inside a dictionary word (人工智|能)
IN_UNIT = 5  # B2, B3: inside a number and its unit, a Latin word, a quoted term, a name, a term
BROKEN = IN_TERM  # from this grade on a line end breaks a word or a term: what the page check counts
_COMPOUND_PART = 2  # the shortest part of a compound that may end or begin a line

MAX_TERM_CHARS = 8  # longer phrases (a long short_headline) are not one unit: they would leave no break
_ATOMIC_TERM_CHARS = 4  # a longer term may still break between its own words, at a cost
_IN_LONG_TERM = {WORD: COMPOUND, IN_WORD: IN_UNIT}
_IN_LONG_QUOTE = {WORD: IN_TERM, COMPOUND: IN_TERM, IN_WORD: IN_UNIT}
_REPEATS = 3  # B3: a run of Han the body uses this often is one of the article's words
_MAX_REPEAT_CHARS = 6
_EDGE_PARTICLES = frozenset("的地得了着和与及或在是为对把被将从向于等也就都而并")  # never begin or end a term
_BOUND_PARTICLES = frozenset("的地得了着过们")  # B1: a line never begins with one, if it can help it
# B1: a one-character word that makes a word of the one after it (防|跌倒 is 防跌倒, 适|老化 适老化,
# 微|更新, 老|西门): jieba, lacking the compound, cuts the prefix off; a line never ends after it.
_BOUND_PREFIXES = frozenset("防反抗非微适老新夜云副总准超首全各每双零")
# B1: a word that ends a place's name (江川|路, 莘庄|镇, 南京|西路, 长风|新村|街道): a line never ends
# between a name and its 路, 镇, 街道 …; jieba knows few of the district's names with them.
_PLACE_SUFFIXES = frozenset(("路", "街", "镇", "村", "乡", "弄", "巷", "浜", "泾", "港", "湾", "桥", "街道", "新村",
                             "小区", "西路", "东路", "南路", "北路", "中路", "新路", "大道", "公路", "支路"))
_NUMBERED_VILLAGE = re.compile(r"[一二三四五六七八九十]+村")  # 航华|一村, 田林|十二|村
# A reporter's roles: a byline with one of them signs news, one without signs an author's piece (文/X).
REPORTER_ROLES = frozenset(("记者", "本报记者", "见习记者", "特约记者", "通讯员", "实习生"))
_BYLINE_ROLES = REPORTER_ROLES | frozenset(("文", "图", "摄", "摄影", "编辑", "责任编辑", "撰稿", "整理", "供图",
                                            "作者"))
# A name of two to four Han characters after a reporter's role, up to a space or a mark (B3).
_ROLE_NAME = re.compile(r"(?:%s)\s*([\u4e00-\u9fff]{2,4})(?=[\s）)，、。；/]|$)"
                        % "|".join(sorted(_BYLINE_ROLES - {"文", "图", "摄"}, key=len, reverse=True)))
_QUOTED = re.compile(r"“[^“”]{1,%d}”|《[^《》]{1,%d}》|「[^「」]{1,%d}」|『[^『』]{1,%d}』|‘[^‘’]{1,%d}’"
                     % ((MAX_TERM_CHARS * 2,) * 5))

# B2: a number with what counts or measures it, dates chained (2025年1月22日), 第 before it (第3版, 第三届).
# Han numerals count after 第, or with a magnitude and a unit (一千二百余台, 十一公里); elsewhere they
# begin ordinary words (统一|部署, 一起).
_MAGNITUDE = "十百千万亿"
_WORD_UNITS = frozenset("年月")  # units that begin words of their own: 年度 年均 年内 月底 月初
_HAN_NUMERALS = frozenset("零〇一二两三四五六七八九" + _MAGNITUDE)
_UNITS_LONG = ("平方公里", "平方米", "立方米", "公里", "千米", "厘米", "毫米", "公顷", "千克", "公斤", "小时",
               "分钟", "周年", "个月", "个百分点", "号线", "万元", "亿元", "千瓦", "人次")
_UNITS = ("年月日号时分秒个名位家所项次件台辆元角米克吨岁人户套座场届期批条种天周份倍股楼层栋间处起例篇部只张本度版轮季章节路"
          "亩成斤升枚棵株盏幅支队站级片块箱包袋瓶杯餐课集首段字趟遍口对双")
_NUMBER_UNIT = re.compile(
    r"第?(?:\d+(?:[.,:]\d+)*[{mag}]*[多余]?(?:{long}|[{units}]))+|\d+(?:[.,]\d+)*[{mag}]+"
    r"|第[零〇一二两三四五六七八九十百千\d]+[{units}]?"
    r"|[{digits}]*(?:[{mag}][{digits}]*)+[多余]?(?:{long}|[{units}])".format(
        mag=_MAGNITUDE, long="|".join(_UNITS_LONG), units=_UNITS, digits="零〇一二两三四五六七八九"))
# B2: a range stays whole (3至5年, 5到10分钟, 一至三年); an Arabic number stays with the character after it,
# whatever it counts (12345热线, 76台), and an approximation with its number (近3年, 超3000人).
_RANGE = re.compile(r"\d+(?:\.\d+)*[{mag}]*[至到~～\-－–—]+\d|[{digits}{mag}]+[至到][{digits}{mag}]+(?:{long}|[{units}])?"
                    .format(mag=_MAGNITUDE, digits="零〇一二两三四五六七八九", long="|".join(_UNITS_LONG), units=_UNITS))
_GLUED = re.compile(r"\d(?=[\u4e00-\u9fff])|[近超约逾达共仅](?=\d)")  # a line never ends at the match's end
_EMAIL_OR_URL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
                           r"|(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+=%]+")
_JOINERS = "+＋&＆"  # B2: a joiner stays with the word before it (定时定点+|误时投放), never begins a line
_NOT_LATIN = "“”‘’—…·–"  # marks the composer sets as CJK punctuation (K1–K3 govern them)


# --- jieba, loaded lazily ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _tokenizer():
    """jieba's Tokenizer over its own dictionary in compact form (layout/text/lexicon.py): jieba's
    own prefix dictionary costs 0.5 s and 65 MB per process, its cache file goes to the temp
    folder and its log to stderr."""
    # jieba imports pkg_resources if it can, only to open its own files (0.1 s, most of its import
    # time); without it jieba opens them by path. Left alone if something imported it already.
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)

    class Tokenizer(jieba.Tokenizer):
        def initialize(self, dictionary=None) -> None:
            self.FREQ = lexicon.load().with_words(house()["lexicon"]["words"])  # jieba reads get() and total
            self.total = self.FREQ.total
            self.initialized = True

        def get_DAG(self, sentence: str) -> dict[int, list[int]]:
            """Where each dictionary word starting at each position ends (jieba's DAG)."""
            self.check_initialized()
            dag, n = {}, len(sentence)
            for k in range(n):
                ends, i = [], k + 1
                while i <= n and (freq := self.FREQ.probe(sentence[k:i])) is not None:
                    if freq:
                        ends.append(i - 1)
                    i += 1
                dag[k] = ends or [k]
            return dag

    tokenizer = Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _words(stretch: str) -> list[str]:
    # Without jieba's HMM: it guesses words from runs of unknown characters (滨水步|道); such runs
    # stay one-character words, and a break between two of them costs more (COMPOUND).
    return list(_tokenizer().cut(stretch, HMM=False))


@lru_cache(maxsize=4096)
def _compound_parts(word: str) -> tuple[str, ...]:
    """A long dictionary word as the fewest dictionary words of two characters or more
    (服务中心 → 服务, 中心); the word itself if it has no such parts."""
    n = len(word)
    if n < 2 * _COMPOUND_PART:
        return (word,)
    freq = _tokenizer().FREQ
    best: list[tuple[str, ...] | None] = [()] + [None] * n  # best[k]: parts of word[:k]
    for k in range(_COMPOUND_PART, n + 1):
        options = [best[i] + (word[i:k],) for i in range(0, k - _COMPOUND_PART + 1)
                   if best[i] is not None and (i, k) != (0, n) and freq.get(word[i:k])]
        best[k] = min(options, key=len, default=None)
    return best[n] or (word,)


# --- Break levels -------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def break_levels(text: str, terms: tuple[str, ...] = ()) -> tuple[int, ...]:
    """levels[k]: the grade of a line break between text[k - 1] and text[k], for 0 ≤ k ≤ len(text).

    The ends of the text and the boundaries around a space are SPACE (ASCII spaces between Latin
    words are WORD); inside a protected span IN_UNIT, with its edges WORD; the rest is cut into
    words by the dictionary: WORD between them, IN_WORD inside. A long term (社区卫生服务中心) is
    cut too, but a break between its words is only COMPOUND and one inside them IN_UNIT; a long
    quoted term (“老年助餐服务圈”) likewise, with IN_TERM between its words."""
    n = len(text)
    levels = [IN_WORD] * (n + 1)
    levels[0] = levels[n] = SPACE
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    short_quotes = [(a, b) for a, b in quoted if b - a - 2 <= _ATOMIC_TERM_CHARS]
    long_quotes = _merged([(a, b) for a, b in quoted if b - a - 2 > _ATOMIC_TERM_CHARS])
    units = _unit_spans(text)
    protected = _merged(units + short_quotes
                        + _term_spans(text, (t for t in terms if len(t) <= _ATOMIC_TERM_CHARS)))
    long_terms = _merged(_term_spans(text, (t for t in terms if len(t) > _ATOMIC_TERM_CHARS)))
    for start, end in protected:
        for k in range(start + 1, end):
            levels[k] = IN_UNIT
    # The dictionary cuts what lies between protected spans and spaces.
    lone: set[int] = set()  # where a one-character word stands
    bound: set[int] = set()  # between a prefix and its word, or a name and its 路, 镇, 街道 …
    cuts = sorted({0, n} | {k for span in protected + long_terms + long_quotes for k in span}
                  | {k for k, c in enumerate(text) if c.isspace()} | {k + 1 for k, c in enumerate(text) if c.isspace()})
    for a, b in zip(cuts, cuts[1:]):
        if a < b and not text[a].isspace() and not any(s <= a and b <= e for s, e in protected):
            k, previous, before = a, "", ""  # the word before this one, and the one before that
            for word in _words(text[a:b]):
                if len(word) == 1 and is_han(word):
                    lone.add(k)
                # Two one-character words side by side are often one the dictionary lacks (重|走, 改|造);
                # a particle ends the phrase before it (城桥镇的|夜间公交).
                single = len(previous) == len(word) == 1 and is_han(previous) and is_han(word)
                levels[k] = min(levels[k], COMPOUND if single or word in _BOUND_PARTICLES else WORD)
                if _names_place(previous, word):
                    bound.add(k)
                    if (len(previous) == 1 or set(previous) <= _HAN_NUMERALS) and _names_place(before, word):
                        bound.add(k - len(previous))  # so is a one-character word or a numeral before it (金山|卫|镇)
                if previous in _BOUND_PREFIXES and is_han(word[0]):
                    bound.add(k)
                previous, before = word, previous
                inner = k
                for part in _compound_parts(word)[:-1]:
                    inner += len(part)
                    levels[inner] = min(levels[inner], COMPOUND)
                k += len(word)
        levels[a] = min(levels[a], WORD)
        levels[b] = min(levels[b], WORD)
    # B2: a year or month that begins a word of the dictionary keeps it (2026年|度 is 2026年度, PM2.5年|均
    # 年均, 3月|底); other units are left alone (3000人|参加 is no 人参).
    freq = _tokenizer().FREQ
    for _, end in units:
        if 0 < end < n and text[end - 1] in _WORD_UNITS:
            bound |= {k for size in (2, 3) if freq.get(text[end - 1:end - 1 + size])
                      for k in range(end, end - 1 + size) if k < n}
    for k in bound:
        levels[k] = max(levels[k], IN_WORD)
    for m in _GLUED.finditer(text):
        levels[m.end()] = max(levels[m.end()], IN_UNIT)
    for k, c in enumerate(text):
        if c.isspace():
            between_latin = c == " " and 0 < k < n - 1 and not is_cjk(text[k - 1]) and not is_cjk(text[k + 1])
            for edge in (k, k + 1):
                levels[edge] = WORD if between_latin else SPACE
    for spans, grades in ((long_terms, _IN_LONG_TERM), (long_quotes, _IN_LONG_QUOTE)):
        for start, end in spans:
            for k in range(start + 1, end):
                levels[k] = grades.get(levels[k], levels[k])
    # In a quoted term a one-character word belongs to the word beside it (“15分钟阅读|圈”).
    for start, end in long_quotes:
        for k in range(start + 1, end):
            if k in lone or k - 1 in lone:
                levels[k] = max(levels[k], IN_WORD)
    for k, c in enumerate(text):
        if c in _JOINERS and k:
            levels[k] = max(levels[k], IN_UNIT)
    return tuple(levels)


def _names_place(name: str, word: str) -> bool:
    """Whether `word` is a place suffix (路, 镇, 街道 …) ending the name `name` (B1)."""
    return bool(name) and is_han(name[-1]) and name not in _EDGE_PARTICLES and name not in _BOUND_PARTICLES \
        and (word in _PLACE_SUFFIXES or _NUMBERED_VILLAGE.fullmatch(word) is not None)


def _unit_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every unit that must stay on one line (B2)."""
    spans: list[tuple[int, int]] = []
    for m in _EMAIL_OR_URL.finditer(text):
        spans.append(m.span())
    # A Latin word or number, as the composer's atoms (K5).
    start = None
    for k, c in enumerate(text + " "):
        latin = is_latin(c) and c not in _NOT_LATIN
        if latin and start is None:
            start = k
        elif not latin and start is not None:
            spans.append((start, k))
            start = None
    spans += [m.span() for pattern in (_NUMBER_UNIT, _RANGE) for m in pattern.finditer(text)]
    return spans


def _term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        start = text.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = text.find(term, start + 1)
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of two characters or more, overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] - s[0] > 1):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- The article's own terms --------------------------------------------------------------


@lru_cache(maxsize=1024)
def article_terms(article: Article) -> tuple[str, ...]:
    """Words of this article that a headline must not split (B3): the names of the byline, quoted
    terms of the copy, the editor's short headline, and runs of Han the body repeats."""
    body = "\n".join(b.text for b in article.blocks if isinstance(b, (Paragraph, Subhead)))
    terms = {name for _, name in byline_names(article.byline) if len(name) >= 2}
    terms |= set(_ROLE_NAME.findall(f"{article.dateline}\n{body}"))  # 本报讯（记者 王晓明 通讯员 李明）
    terms |= {q[1:-1] for q in _QUOTED.findall(body + article.headline) if len(q) - 2 >= 2}
    if 2 <= len(article.short_headline) <= MAX_TERM_CHARS:
        terms.add(article.short_headline)
    for display in (article.headline, article.kicker, article.subtitle):
        terms |= _repeated_runs(display, body)
    return tuple(sorted(t for t in terms if len(t) <= MAX_TERM_CHARS))


def byline_names(byline: str) -> tuple[tuple[str, str], ...]:
    """(role, name) of each name a byline signs, the role the last one written before it ("" if none):
    文/记者 柴斌 施昱辰 → (记者, 柴斌), (记者, 施昱辰); 记者王晓明 → (记者, 王晓明)."""
    out, role = [], ""
    for token in re.split(r"[\s/、，·]+", byline):
        # A one-character role (文, 图, 摄) is a token of its own (文/X): 文静 is a name.
        prefix = token if token in _BYLINE_ROLES else \
            max((r for r in _BYLINE_ROLES if len(r) > 1 and token.startswith(r)), key=len, default="")
        role = prefix or role
        if token[len(prefix):]:
            out.append((role, token[len(prefix):]))
    return tuple(out)


def _repeated_runs(display: str, body: str) -> set[str]:
    """The longest runs of Han of `display` that the body uses at least _REPEATS times."""
    found: set[str] = set()
    n = len(display)
    for size in range(min(_MAX_REPEAT_CHARS, n), 1, -1):
        for k in range(n - size + 1):
            run = display[k:k + size]
            if (all(is_han(c) for c in run) and run[0] not in _EDGE_PARTICLES and run[-1] not in _EDGE_PARTICLES
                    and not any(run in longer for longer in found) and body.count(run) >= _REPEATS):
                found.add(run)
    return found


def broken_words(text: str, lines: tuple[str, ...], terms: tuple[str, ...] = ()) -> list[str]:
    """The line ends of `text` set as `lines` that fall inside a word, a unit or a quoted term
    (grade BROKEN or worse, B1–B3), each shown as the word it breaks (人工智/能): what the page
    check reports for headlines, kickers, subtitles and subheads."""
    levels = break_levels(text, terms)
    out, pos = [], 0
    for line in lines[:-1]:
        for c in line:
            while pos < len(text) and text[pos] != c and text[pos].isspace():
                pos += 1  # the space dropped at a line end
            pos += 1
        end = min(pos, len(text))
        if levels[end] >= BROKEN:
            start = max(k for k in range(end) if levels[k] <= WORD)
            stop = min(k for k in range(end + 1, len(text) + 1) if levels[k] <= WORD)
            out.append(f"{text[start:end]}/{text[end:stop]}")
    return out


_HEAD_ROLES = ("kicker", "headline", "subtitle")  # the parts of a headline group set by these rules (B5)


def head_breaks(article: Article, lines: Iterable[tuple[str, str]], headline: str | None = None) -> list[str]:
    """The breaks inside a word (broken_words) of an article's headline group set as `lines`, each
    (role, line text) in order: its 引题, 主题 (`headline`, else the article's: a continuation sets its
    short headline) and 副题; other roles (a byline) are not headline text. What the planner avoids
    when it chooses a span and the page check counts, read the same way."""
    sources = {"kicker": article.kicker, "headline": article.headline if headline is None else headline,
               "subtitle": article.subtitle}
    terms = article_terms(article)
    out: list[str] = []
    for role in _HEAD_ROLES:
        texts = tuple(text for r, text in lines if r == role)
        if texts:
            out += broken_words(sources[role], texts, terms)
    return out
