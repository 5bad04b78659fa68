"""The business calendar: working days and working time for internal service levels.

Statutory windows (7-day returns, 三包 periods) count calendar days: see `add_calendar_days`.
Internal SLAs ("1 working day", "4 working hours") count a team's working time, on its shifts, on
the days that are working days for it:

* public holidays and make-up working days (调休) come from ``chinesecalendar``;
* an override table (date → is a working day), entered from new State Council notices, wins over it;
* for a year ``chinesecalendar`` does not know and the override table has no entry for, working
  days fall back to Monday–Friday. That is never silent: a WARNING names the year once per process
  and `unknown_years_seen` lets the admin show it.

Days are judged in the time zone passed in (e.g. ``Asia/Shanghai``); all arithmetic runs in UTC.
Shifts are half-open: a team with a 09:00–12:00 shift is working at 09:00 and at 11:59, not at 12:00.
"""

from __future__ import annotations

import enum
import functools
import itertools
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import chinese_calendar

logger = logging.getLogger(__name__)

__all__ = [
    "DayKind",
    "Shift",
    "WorkingHours",
    "add_calendar_days",
    "add_working_days",
    "add_working_time",
    "day_kind",
    "forget_unknown_years",
    "is_working_day",
    "shifts_on",
    "unknown_years_seen",
    "working_time_between",
    "year_is_known",
]

Overrides = Mapping[date, bool]

# How far to look for working time before deciding a calendar has none (e.g. no shifts at all).
_SEARCH_LIMIT_DAYS = 3660
_MIDNIGHT = time(0)


# --- shifts and working hours ----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Shift:
    """Working time within one day. An ``end`` of 00:00 means midnight at the end of the day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo or self.end.tzinfo:
            raise ValueError("shift times are wall-clock times: no tzinfo")
        if self.end != _MIDNIGHT and self.end <= self.start:
            raise ValueError(f"shift {self} ends before it starts (split a night shift across two days)")

    @classmethod
    def parse(cls, start: str, end: str) -> Shift:
        """``Shift.parse("09:00", "12:00")``; ``"24:00"`` is accepted for midnight."""
        return cls(time.fromisoformat(start), _MIDNIGHT if end == "24:00" else time.fromisoformat(end))

    def bounds(self, day: date, tz: tzinfo) -> tuple[datetime, datetime]:
        """The shift on ``day`` as UTC datetimes."""
        end_day = day + timedelta(days=1) if self.end == _MIDNIGHT else day
        return (
            datetime.combine(day, self.start, tzinfo=tz).astimezone(UTC),
            datetime.combine(end_day, self.end, tzinfo=tz).astimezone(UTC),
        )

    def as_json(self) -> list[str]:
        return [
            self.start.strftime("%H:%M"),
            "24:00" if self.end == _MIDNIGHT else self.end.strftime("%H:%M"),
        ]


def _sorted_shifts(shifts: Sequence[Shift]) -> tuple[Shift, ...]:
    ordered = tuple(sorted(shifts))
    for earlier, later in itertools.pairwise(ordered):
        if earlier.end == _MIDNIGHT or later.start < earlier.end:
            raise ValueError(f"shifts {earlier} and {later} overlap")
    return ordered


@dataclass(frozen=True)
class WorkingHours:
    """A team's shifts for each weekday (index 0 = Monday … 6 = Sunday).

    ``makeup_shifts`` are worked on a make-up working day (调休) that falls on a weekend; by
    default the shifts of the first weekday (Monday to Friday) that has any. With
    ``follow_public_holidays=False`` (a team working every day) public holidays, make-up days and
    overrides are ignored: only the weekday shifts count.
    """

    weekly: tuple[tuple[Shift, ...], ...]
    follow_public_holidays: bool = True
    makeup_shifts: tuple[Shift, ...] = ()

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("working hours need shifts for each of the 7 weekdays (possibly none)")
        object.__setattr__(self, "weekly", tuple(_sorted_shifts(day) for day in self.weekly))
        weekday_shifts = next((shifts for shifts in self.weekly[:5] if shifts), ())
        object.__setattr__(self, "makeup_shifts", _sorted_shifts(self.makeup_shifts or weekday_shifts))
        if not any(self.weekly):
            raise ValueError("working hours without any shift")

    @classmethod
    def from_weekdays(
        cls,
        shifts: Mapping[int, Sequence[Shift]],
        *,
        follow_public_holidays: bool = True,
        makeup_shifts: Sequence[Shift] = (),
    ) -> WorkingHours:
        """``WorkingHours.from_weekdays({0: [...], 5: [...]})``: weekdays left out have no shifts."""
        if not set(shifts) <= set(range(7)):
            raise ValueError(
                f"weekdays are 0 (Monday) to 6 (Sunday), not {sorted(set(shifts) - set(range(7)))}"
            )
        weekly = tuple(tuple(shifts.get(day, ())) for day in range(7))
        return cls(weekly, follow_public_holidays=follow_public_holidays, makeup_shifts=tuple(makeup_shifts))

    @classmethod
    def standard(cls) -> WorkingHours:
        """Monday–Friday 09:00–12:00 and 13:30–18:00, resting on public holidays."""
        day = [Shift(time(9), time(12)), Shift(time(13, 30), time(18))]
        return cls.from_weekdays({weekday: day for weekday in range(5)})

    @classmethod
    def from_json(
        cls, data: Mapping[str | int, Sequence[Sequence[str]]], follow_public_holidays: bool = True
    ) -> WorkingHours:
        """From ``{"0": [["09:00", "12:00"], ["13:30", "18:00"]], …}`` (weekday 0 = Monday)."""
        return cls.from_weekdays(
            {int(day): [Shift.parse(start, end) for start, end in shifts] for day, shifts in data.items()},
            follow_public_holidays=follow_public_holidays,
        )

    def as_json(self) -> dict[str, list[list[str]]]:
        return {str(day): [s.as_json() for s in shifts] for day, shifts in enumerate(self.weekly) if shifts}


# --- the official calendar and its gaps ------------------------------------------------------------


class DayKind(enum.Enum):
    ORDINARY = "ordinary"  # a normal weekday or weekend: the team's weekday shifts apply
    HOLIDAY = "holiday"  # a public holiday (or a day the overrides take off)
    MAKEUP = "makeup"  # a weekend day worked in exchange for a holiday (调休)


_unknown_years: set[int] = set()


def unknown_years_seen() -> set[int]:
    """Years this process had to count on Monday–Friday because no holiday data covered them."""
    return set(_unknown_years)


def forget_unknown_years() -> None:
    _unknown_years.clear()


@functools.lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def year_is_known(year: int, overrides: Overrides) -> bool:
    """Whether holidays for ``year`` are known: from ``chinesecalendar``, or because the override
    table has entries for that year (entered from the State Council notice)."""
    return _package_knows(year) or any(day.year == year for day in overrides)


def _warn_unknown_year(year: int) -> None:
    if year not in _unknown_years:
        _unknown_years.add(year)
        logger.warning(
            "No public-holiday data for %s: counting Monday–Friday as working days. Upgrade "
            "chinesecalendar or enter the year's State Council notice as holiday overrides.",
            year,
        )


@functools.lru_cache(maxsize=8192)
def _official_kind(day: date) -> DayKind:
    is_rest, holiday_name = chinese_calendar.get_holiday_detail(day)
    weekend = day.weekday() >= 5
    if not is_rest:
        return DayKind.MAKEUP if weekend else DayKind.ORDINARY
    return DayKind.HOLIDAY if holiday_name is not None or not weekend else DayKind.ORDINARY


def day_kind(day: date, overrides: Overrides) -> DayKind:
    """What kind of day ``day`` is in China, the override table first."""
    if day in overrides:
        if not overrides[day]:
            return DayKind.HOLIDAY
        return DayKind.MAKEUP if day.weekday() >= 5 else DayKind.ORDINARY
    if _package_knows(day.year):
        return _official_kind(day)
    if not year_is_known(day.year, overrides):
        _warn_unknown_year(day.year)
    return DayKind.ORDINARY


def shifts_on(day: date, hours: WorkingHours, overrides: Overrides) -> tuple[Shift, ...]:
    """The shifts the team works on ``day``; none on a day off."""
    if not hours.follow_public_holidays:
        return hours.weekly[day.weekday()]
    kind = day_kind(day, overrides)
    if kind is DayKind.HOLIDAY:
        return ()
    if kind is DayKind.MAKEUP:
        return hours.makeup_shifts
    return hours.weekly[day.weekday()]


def is_working_day(day: date, hours: WorkingHours, overrides: Overrides) -> bool:
    return bool(shifts_on(day, hours, overrides))


# --- working time ----------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} is naive: calendar arithmetic needs aware datetimes")
    return moment.astimezone(UTC)


def _intervals_from(
    moment: datetime, hours: WorkingHours, overrides: Overrides, tz: tzinfo
) -> Iterator[tuple[datetime, datetime]]:
    """The team's working intervals (UTC, half-open) that end after ``moment``, in order, clipped
    to start no earlier than ``moment``. Endless: the caller stops."""
    cursor = _utc(moment)
    first_day = cursor.astimezone(tz).date()
    idle_days = 0
    for offset in itertools.count():
        day = first_day + timedelta(days=offset)
        shifts = shifts_on(day, hours, overrides)
        idle_days = 0 if shifts else idle_days + 1
        if idle_days > _SEARCH_LIMIT_DAYS:
            raise ValueError(f"no working time in the {_SEARCH_LIMIT_DAYS} days up to {day}")
        for shift in shifts:
            start, end = shift.bounds(day, tz)
            if end > cursor:
                yield max(start, cursor), end


def add_working_time(
    start: datetime, duration: timedelta, hours: WorkingHours, overrides: Overrides, tz: tzinfo
) -> datetime:
    """The earliest moment by which ``duration`` of working time has passed since ``start``.

    Starting outside working hours counts from the next working moment, so a zero duration gives
    the next working moment (``start`` itself when the team is at work then). A duration used up
    exactly at the end of a shift gives that shift's end, not the next shift's start.
    """
    if duration < timedelta(0):
        raise ValueError("a working-time duration cannot be negative")
    remaining = duration
    for begin, end in _intervals_from(start, hours, overrides, tz):
        if remaining <= end - begin:
            return (begin + remaining).astimezone(tz)
        remaining -= end - begin
    raise AssertionError("unreachable: _intervals_from never ends without raising")


def working_time_between(
    a: datetime, b: datetime, hours: WorkingHours, overrides: Overrides, tz: tzinfo
) -> timedelta:
    """Working time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
    if _utc(b) < _utc(a):
        return -working_time_between(b, a, hours, overrides, tz)
    total = timedelta(0)
    stop = _utc(b)
    for begin, end in _intervals_from(a, hours, overrides, tz):
        if begin >= stop:
            break
        total += min(end, stop) - begin
    return total


def _same_time_on(day: date, moment: time, shifts: tuple[Shift, ...], tz: tzinfo) -> datetime:
    """``moment`` on ``day`` if that is working time; else the end of the day's last shift before
    it, or the start of its first shift when every shift is later."""
    wanted = datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)
    bounds = [shift.bounds(day, tz) for shift in shifts]
    if any(start <= wanted < end for start, end in bounds):
        return wanted
    ended = [end for _, end in bounds if end <= wanted]
    return ended[-1] if ended else bounds[0][0]


def add_working_days(
    start: datetime, days: int, hours: WorkingHours, overrides: Overrides, tz: tzinfo
) -> datetime:
    """The same time of day ``days`` working days later.

    Exactly: let ``s`` be ``start``, or the next working moment when ``start`` is outside working
    hours (so 18:00 after a 09:00–18:00 day becomes the next working day's 09:00). The result is on
    the ``days``-th working day after ``s``'s date (in ``tz``), at ``s``'s time of day. Should the
    team not be at work at that time on that day (its shifts differ from ``s``'s day), the result
    moves, on that same day, back to the end of the last shift before it, or forward to the first
    shift's start when no shift ends before it. ``days=0`` gives ``s``.
    """
    if days < 0:
        raise ValueError("a number of working days cannot be negative")
    begin = add_working_time(start, timedelta(0), hours, overrides, tz)
    day = begin.date()
    for _ in range(days):
        day = _next_working_day(day, hours, overrides)
    return _same_time_on(day, begin.time(), shifts_on(day, hours, overrides), tz).astimezone(tz)


def _next_working_day(day: date, hours: WorkingHours, overrides: Overrides) -> date:
    for offset in range(1, _SEARCH_LIMIT_DAYS + 1):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, hours, overrides):
            return candidate
    raise ValueError(f"no working day within {_SEARCH_LIMIT_DAYS} days after {day}")


# --- calendar days ---------------------------------------------------------------------------------


def add_calendar_days(
    start: datetime,
    days: int,
    tz: tzinfo,
    *,
    roll_to_working_day: tuple[WorkingHours, Overrides] | None = None,
) -> datetime:
    """``start`` plus ``days`` calendar days, at the same wall-clock time in ``tz``.

    With ``roll_to_working_day=(hours, overrides)``, a result falling on a day off moves to the
    same time on the next working day (whether statutory deadlines roll is a policy choice).
    """
    local = _utc(start).astimezone(tz)
    day = local.date() + timedelta(days=days)
    if roll_to_working_day is not None and not is_working_day(day, *roll_to_working_day):
        day = _next_working_day(day, *roll_to_working_day)
    return datetime.combine(day, local.time(), tzinfo=tz)
