"""Page furniture text: 报头 (masthead) on page 1 and 报眉 (page header) on the others.

The furniture is set on one line each, never wrapped or clipped: check_furniture measures every
piece with the faces the painter names and refuses (BuildError, with the numbers) what would
not fit, rather than letting a long paper name run under the date or off the page.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lunardate import LunarDate

from layout.errors import BuildError
from layout.messages import t
from layout.model import Issue, PageSpec
from layout.plan.grid import PageFormat
from layout.text.fonts import Metrics, match, resolve


@dataclass(frozen=True)
class FurnitureType:
    """Sizes in pt of the furniture text, for print.css.j2 and for check_furniture alike."""

    name_share: float = 0.5  # the paper's name: this share of the masthead's height
    name_tracking: float = 4.0  # letter-spacing of the paper's name
    facts_size: float = 9.0  # lunar date, numbers, publisher beside the name
    facts_date_size: float = 12.0
    meta_size: float = 8.0  # registration line above the name
    header_size: float = 10.0  # 报眉: paper, date, editor
    section_size: float = 14.0  # 报眉: 第N版 and the section
    page_no_gap: float = 8.0
    gap: float = 12.0  # least white between two pieces of furniture on one line

    def name_size(self, fmt: PageFormat) -> float:
        return round(fmt.masthead_lines * fmt.line_pitch * self.name_share, 3)


FURNITURE = FurnitureType()

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
        "publisher": issue.paper.publisher + (f"　{issue.paper.website}" if issue.paper.website else ""),
    }


def _too_wide(field: str, text: str, width: float, room: float) -> BuildError:
    return BuildError(t("{field} “{text}” is {width:.1f} pt wide, the furniture has room for {room:.1f} pt; shorten it",
                        field=field, text=text, width=width, room=room))


def _width(face, size: float, text: str) -> float:
    return Metrics(face, size).width(text) if text else 0.0  # HarfBuzz gives no glyphs for ""


def check_furniture(issue: Issue, fmt: PageFormat, ft: FurnitureType = FURNITURE) -> None:
    """Refuse furniture text wider than its place on the page (see the module's docstring)."""
    head = resolve("headline")
    plain = match(head.family, 400)
    m = masthead(issue)
    facts = max(_width(head if date else plain, ft.facts_date_size if date else ft.facts_size, text)
                for text, date in ((m["date"], True), (m["lunar"], False), (m["numbers"], False), (m["publisher"], False)))
    name_size = ft.name_size(fmt)
    name = _width(resolve("masthead"), name_size, m["name"]) + ft.name_tracking * len(m["name"])
    if facts > fmt.type_width / 2:  # the name keeps at least half the masthead
        raise _too_wide(t("The masthead's facts (publisher, website)"), m["publisher"], facts,
                        fmt.type_width / 2)
    room = fmt.type_width - facts - ft.gap
    if name > room:
        raise _too_wide(t("The paper's name ([paper] name)"), m["name"], name, room)
    registration = _width(resolve("body"), ft.meta_size, m["registration"])
    if registration > fmt.type_width:
        raise _too_wide(t("The registration line ([paper] registration)"), m["registration"], registration,
                        fmt.type_width)
    for page in issue.pages[1:]:
        h = page_header(issue, page)
        left = (_width(head, ft.section_size, f"第{page.number}版") + ft.page_no_gap
                + _width(head, ft.section_size, h["section"]))
        right = _width(plain, ft.header_size, h["right"])
        if left + ft.gap + right > fmt.type_width:
            field = t("第{page}版's section and editor ([[pages]] section, editor)", page=page.number)
            raise _too_wide(field, f"{h['section']} / {h['right']}", left + ft.gap + right, fmt.type_width)


def page_header(issue: Issue, page: PageSpec) -> dict[str, str]:
    date = f"{issue.info.date.year}年{issue.info.date.month}月{issue.info.date.day}日"
    return {
        "section": page.section,
        "right": f"{issue.paper.name}　{date}" + (f"　责任编辑：{page.editor}" if page.editor else ""),
    }
