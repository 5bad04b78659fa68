"""Numbers, durations, amounts and percentages as people write them, in Chinese and English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "single": 1, "couple": 2,
}  # fmt: skip
_EN_WORD = "|".join(sorted(_EN_NUMBERS, key=len, reverse=True))
_EN_NUMBER = rf"(?<![A-Za-z])(?:{_EN_WORD})(?:[-\s](?:{_EN_WORD}))?(?![A-Za-z])"
NUMBER = rf"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+|{_EN_NUMBER})"
_NUMBER_RE = re.compile(NUMBER, re.I)


def to_number(text: str) -> Decimal | None:
    """'15', '十五', 'fifteen', 'forty-eight', 'a' → the number; None if it is not one."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    if re.fullmatch(r"[零〇一二两三四五六七八九十百千]+", text):
        return Decimal(_chinese(text))
    words = re.split(r"[-\s]+", text)
    if words and all(w in _EN_NUMBERS for w in words):
        if words[-1] == "hundred":
            return Decimal(_EN_NUMBERS[words[0]] * 100 if len(words) > 1 else 100)
        return Decimal(sum(_EN_NUMBERS[w] for w in words))
    return None


def _chinese(text: str) -> int:
    total, digit = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
    return total + digit


_UNITS = [
    ("working_day", r"(?:business|working|work)[-\s]days?|个?工作日"),
    ("minute", r"minutes?|mins?|m(?![a-z])|分钟|分(?!之)"),
    ("hour", r"hours?|hrs?|h(?![a-z])|个?小时|个?钟头|钟"),
    ("day", r"days?|d(?![a-z])|天|日(?!内完成付款)"),
    ("week", r"weeks?|wks?|个?(?:周|星期|礼拜)"),
    ("month", r"months?|个月|月"),
    ("year", r"years?|yrs?|年"),
]
_UNIT_RE = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _UNITS)
DURATION_RE = re.compile(
    rf"(?P<number>{NUMBER}|半)\s*(?:-\s*)?(?P<half>个半)?\s*(?:{_UNIT_RE})"
    r"|(?P<half_hour>半小时|half an hour|半个小时)"
    r"|(?P<same_day>same[-\s]day|当天|当日)|(?P<next_day>next[-\s]day|次日|隔天)",
    re.I,
)
_MINUTES = {
    "minute": 1,
    "hour": 60,
    "day": 1440,
    "working_day": 1440,
    "week": 10080,
    "month": 43200,
    "year": 525600,
}


@dataclass(frozen=True)
class Duration:
    amount: Decimal
    unit: str
    start: int
    end: int

    @property
    def minutes(self) -> int:
        return int(self.amount * _MINUTES[self.unit])

    @property
    def hours(self) -> int:
        return max(1, round(self.minutes / 60))

    @property
    def days(self) -> int:
        if self.unit in ("minute", "hour"):
            return max(1, round(self.minutes / 1440))
        return max(1, round(self.minutes / 1440))


def durations(text: str) -> list[Duration]:
    found = []
    for m in DURATION_RE.finditer(text):
        if m.group("half_hour"):
            found.append(Duration(Decimal("30"), "minute", m.start(), m.end()))
            continue
        if m.group("same_day") or m.group("next_day"):
            found.append(Duration(Decimal(1), "day", m.start(), m.end()))
            continue
        raw = m.group("number")
        # "m"/"d"/"h" glued to an English word ("2 more days") are not units; the regex guards most.
        amount = Decimal("0.5") if raw == "半" else to_number(raw)
        if amount is None or amount <= 0:
            continue
        if m.group("half"):
            amount += Decimal("0.5")
        unit = next(name for name, _ in _UNITS if m.group(name))
        found.append(Duration(amount, unit, m.start(), m.end()))
    return found


_CURRENCY_BEFORE = r"(?P<cur1>\$|¥|￥|rmb|cny|usd|us\$)\s*"
_CURRENCY_AFTER = r"\s*(?P<cur2>元|块钱?|yuan|rmb|cny|dollars?|usd|bucks)"
AMOUNT_RE = re.compile(
    rf"(?:{_CURRENCY_BEFORE}(?P<n1>\d[\d,]*(?:\.\d+)?)(?P<k1>k)?)|(?:(?P<n2>\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百千万]+)(?P<k2>k|千|万)?{_CURRENCY_AFTER})",
    re.I,
)


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str  # "CNY" or the foreign code/symbol as written
    start: int
    end: int


def amounts(text: str) -> list[Amount]:
    found = []
    for m in AMOUNT_RE.finditer(text):
        raw = m.group("n1") or m.group("n2")
        value = to_number(raw.replace(",", "")) if raw else None
        if value is None:
            continue
        scale = (m.group("k1") or m.group("k2") or "").lower()
        value *= {"k": 1000, "千": 1000, "万": 10000}.get(scale, 1)
        currency = (m.group("cur1") or m.group("cur2") or "").lower()
        code = "CNY" if currency in ("¥", "￥", "rmb", "cny", "元", "块", "块钱", "yuan") else "USD"
        found.append(Amount(value.quantize(Decimal("0.01")), code, m.start(), m.end()))
    return found


PERCENT_RE = re.compile(rf"(?P<n>\d+(?:\.\d+)?)\s*(?:%|％|percent|per cent)|百分之(?P<cn>{NUMBER})", re.I)


def percents(text: str) -> list[Decimal]:
    found = []
    for m in PERCENT_RE.finditer(text):
        value = to_number(m.group("n") or m.group("cn"))
        if value is not None and 0 < value <= 100:
            found.append(value)
    return found


def counts(text: str) -> list[tuple[int, int, int]]:
    """Whole numbers with their span: (value, start, end)."""
    found = []
    for m in _NUMBER_RE.finditer(text):
        word = m.group(0)
        if word.lower() in ("a", "an", "single"):
            continue
        value = to_number(word)
        if value is not None and value == value.to_integral_value():
            found.append((int(value), m.start(), m.end()))
    return found
