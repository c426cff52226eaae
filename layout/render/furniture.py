"""Page furniture text: 报头 (masthead) on page 1 and 报眉 (page header) on the others."""
from __future__ import annotations

import datetime as dt

from lunardate import LunarDate

from layout.model import Issue, PageSpec

_WEEKDAYS = "一二三四五六日"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_MONTHS = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
_DIGITS = "〇一二三四五六七八九十"
# The dates lunardate's table converts correctly (it answers nonsense outside, e.g. day 0):
# issue.toml accepts these and no others.
FIRST_DATE = dt.date(1900, 1, 31)  # 农历庚子年正月初一
LAST_DATE = dt.date(2099, 12, 31)


def gregorian(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日　星期{_WEEKDAYS[date.weekday()]}"


def lunar(date: dt.date) -> str:
    """农历 date as printed on mastheads, e.g. 农历庚子年腊月初十."""
    ld = LunarDate.from_solar_date(date.year, date.month, date.day)
    year = _STEMS[(ld.year - 4) % 10] + _BRANCHES[(ld.year - 4) % 12]
    month = ("闰" if ld.is_leap_month else "") + _MONTHS[ld.month - 1] + "月"
    d = ld.day
    if d <= 10:
        day = "初" + _DIGITS[d]
    elif d < 20:
        day = "十" + _DIGITS[d - 10]
    elif d == 20:
        day = "二十"
    elif d < 30:
        day = "廿" + _DIGITS[d - 20]
    else:
        day = "三十"
    return f"农历{year}年{month}{day}"


def masthead(issue: Issue) -> dict[str, str]:
    info = issue.info
    return {
        "name": issue.paper.name,
        "date": gregorian(info.date),
        "lunar": lunar(info.date),
        "numbers": f"第{info.number}期　总第{info.total}期　本期{len(issue.pages)}版",
        "registration": issue.paper.registration,
        "publisher": issue.paper.publisher,
        "website": issue.paper.website,
    }


def page_header(issue: Issue, page: PageSpec) -> dict[str, str]:
    return {
        "section": page.section,
        "paper": issue.paper.name,
        "date": f"{issue.info.date.year}年{issue.info.date.month}月{issue.info.date.day}日",
        "editor": page.editor,
    }
