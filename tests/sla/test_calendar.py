"""The business calendar: holidays, 调休, shifts, overrides and years the package does not know."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from aftersale.sla.calendar import (
    DayKind,
    Shift,
    WorkingHours,
    add_calendar_days,
    add_working_days,
    add_working_time,
    day_kind,
    forget_unknown_years,
    is_working_day,
    unknown_years_seen,
    working_time_between,
    year_is_known,
)
from aftersale.sla.models import TeamSchedule

SH = ZoneInfo("Asia/Shanghai")
STANDARD = WorkingHours.standard()
NO_OVERRIDES: dict[date, bool] = {}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def working_days(
    start: datetime, days: int, hours: WorkingHours = STANDARD, overrides=NO_OVERRIDES
) -> datetime:
    return add_working_days(start, days, hours, overrides, SH)


def working_time(
    start: datetime, duration: timedelta, hours: WorkingHours = STANDARD, overrides=NO_OVERRIDES
):
    return add_working_time(start, duration, hours, overrides, SH)


@pytest.fixture
def fresh_unknown_years():
    forget_unknown_years()
    yield
    forget_unknown_years()


# --- the 2026 National Day holiday: 10-01 … 10-07 off, Sunday 09-20 and Saturday 10-10 worked ---


def test_the_2026_national_day_calendar():
    assert day_kind(date(2026, 9, 20), NO_OVERRIDES) is DayKind.MAKEUP
    assert all(day_kind(date(2026, 10, d), NO_OVERRIDES) is DayKind.HOLIDAY for d in range(1, 8))
    assert day_kind(date(2026, 10, 10), NO_OVERRIDES) is DayKind.MAKEUP
    assert day_kind(date(2026, 10, 11), NO_OVERRIDES) is DayKind.ORDINARY
    assert [d for d in range(1, 13) if is_working_day(date(2026, 10, d), STANDARD, NO_OVERRIDES)] == [
        8,
        9,
        10,
        12,
    ]


def test_one_working_day_from_the_evening_before_national_day():
    # 18:00 is closing time: the day starts again on 10-08 at 09:00, one working day later is 10-09.
    assert working_days(at(2026, 9, 30, 18, 0), 1) == at(2026, 10, 9, 9, 0)
    # The same span as working time: a full 7.5-hour day runs out on 10-08 at closing time.
    assert working_time(at(2026, 9, 30, 18, 0), timedelta(hours=7.5)) == at(2026, 10, 8, 18, 0)


def test_working_time_across_the_holiday():
    assert working_time(at(2026, 9, 30, 17, 0), timedelta(hours=1)) == at(2026, 9, 30, 18, 0)
    assert working_time(at(2026, 9, 30, 17, 0), timedelta(hours=2)) == at(2026, 10, 8, 10, 0)
    assert working_time_between(
        at(2026, 9, 30, 17, 0), at(2026, 10, 8, 10, 0), STANDARD, NO_OVERRIDES, SH
    ) == (timedelta(hours=2))


def test_three_working_days_around_national_day():
    assert working_days(at(2026, 9, 29, 10, 0), 3) == at(2026, 10, 9, 10, 0)
    # The third working day after 09-30 is make-up Saturday 10-10.
    assert working_days(at(2026, 9, 30, 10, 0), 3) == at(2026, 10, 10, 10, 0)
    # Starting on the holiday: counting starts at 10-08 09:00; 10-09, 10-10 (Saturday), 10-12.
    assert working_days(at(2026, 10, 1, 10, 0), 3) == at(2026, 10, 12, 9, 0)


def test_a_make_up_sunday_counts_and_the_mid_autumn_festival_does_not():
    assert working_days(at(2026, 9, 18, 10, 0), 1) == at(2026, 9, 20, 10, 0)
    assert working_days(at(2026, 9, 24, 10, 0), 1) == at(2026, 9, 28, 10, 0)


def test_a_make_up_day_uses_the_weekday_shifts():
    assert working_time(at(2026, 10, 10, 11, 0), timedelta(hours=2)) == at(2026, 10, 10, 14, 30)


# --- shifts ---------------------------------------------------------------------------------------


def test_the_lunch_break_is_skipped():
    assert working_time(at(2026, 9, 29, 11, 0), timedelta(hours=2)) == at(2026, 9, 29, 14, 30)
    assert working_time(at(2026, 9, 29, 12, 30), timedelta(hours=1)) == at(2026, 9, 29, 14, 30)
    assert working_time_between(
        at(2026, 9, 29, 11, 0), at(2026, 9, 29, 14, 30), STANDARD, NO_OVERRIDES, SH
    ) == (timedelta(hours=2))


def test_time_used_up_at_closing_ends_there_and_zero_time_waits_for_opening():
    assert working_time(at(2026, 9, 29, 9, 0), timedelta(hours=3)) == at(2026, 9, 29, 12, 0)
    assert working_time(at(2026, 9, 29, 10, 0), timedelta(0)) == at(2026, 9, 29, 10, 0)
    assert working_time(at(2026, 9, 29, 12, 0), timedelta(0)) == at(2026, 9, 29, 13, 30)
    assert working_time(at(2026, 9, 29, 20, 0), timedelta(0)) == at(2026, 9, 30, 9, 0)


def test_a_team_with_weekend_shifts_still_rests_on_public_holidays():
    day = [Shift(time(9), time(18))]
    hours = WorkingHours.from_weekdays({weekday: day for weekday in range(6)})
    assert is_working_day(date(2026, 9, 19), hours, NO_OVERRIDES)  # an ordinary Saturday
    assert not is_working_day(date(2026, 10, 3), hours, NO_OVERRIDES)  # National Day Saturday
    assert working_days(at(2026, 9, 18, 10, 0), 1, hours) == at(2026, 9, 19, 10, 0)
    assert working_time(at(2026, 9, 30, 17, 0), timedelta(hours=2), hours) == at(2026, 10, 8, 10, 0)


def test_a_team_working_every_day_ignores_holidays():
    hours = WorkingHours.from_weekdays(
        {d: [Shift(time(9), time(18))] for d in range(7)}, follow_public_holidays=False
    )
    assert is_working_day(date(2026, 10, 1), hours, {date(2026, 10, 1): False})
    assert working_time(at(2026, 9, 30, 18, 0), timedelta(hours=1), hours) == at(2026, 10, 1, 10, 0)
    assert working_days(at(2026, 9, 30, 10, 0), 3, hours) == at(2026, 10, 3, 10, 0)


def test_round_the_clock_shifts():
    hours = WorkingHours.from_json(
        {str(d): [["00:00", "24:00"]] for d in range(7)}, follow_public_holidays=False
    )
    assert working_time(at(2026, 10, 1, 22, 0), timedelta(hours=5), hours) == at(2026, 10, 2, 3, 0)
    assert working_time_between(at(2026, 10, 1), at(2026, 10, 8), hours, NO_OVERRIDES, SH) == timedelta(
        days=7
    )


def test_n_working_days_keep_to_the_target_days_shifts():
    # Saturdays 09:00-12:00 only: one working day after Friday 16:00 is Saturday's closing time.
    hours = WorkingHours.from_weekdays(
        {**{d: [Shift(time(9), time(18))] for d in range(5)}, 5: [Shift(time(9), time(12))]}
    )
    assert working_days(at(2026, 11, 6, 16, 0), 1, hours) == at(2026, 11, 7, 12, 0)
    assert working_days(at(2026, 11, 6, 16, 0), 2, hours) == at(2026, 11, 9, 16, 0)


def test_working_hours_from_json_round_trip():
    data = {"0": [["09:00", "12:00"], ["13:30", "18:00"]], "5": [["10:00", "24:00"]]}
    hours = WorkingHours.from_json(data, False)
    assert hours.as_json() == data
    assert not hours.follow_public_holidays
    assert hours.makeup_shifts == (Shift(time(9), time(12)), Shift(time(13, 30), time(18)))


@pytest.mark.parametrize(
    "shifts",
    [
        {0: [Shift(time(9), time(12)), Shift(time(11), time(14))]},  # overlapping
        {},  # no shift at all
        {7: [Shift(time(9), time(12))]},  # no such weekday
    ],
)
def test_invalid_working_hours_are_refused(shifts):
    with pytest.raises(ValueError):
        WorkingHours.from_weekdays(shifts)


def test_a_shift_must_end_after_it_starts():
    with pytest.raises(ValueError):
        Shift(time(18), time(9))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        add_working_time(datetime(2026, 9, 29, 10), timedelta(hours=1), STANDARD, NO_OVERRIDES, SH)


# --- overrides ------------------------------------------------------------------------------------


def test_an_override_makes_a_day_a_holiday():
    overrides = {date(2026, 9, 29): False}
    assert not is_working_day(date(2026, 9, 29), STANDARD, overrides)
    assert working_days(at(2026, 9, 28, 10, 0), 1, overrides=overrides) == at(2026, 9, 30, 10, 0)


def test_an_override_makes_a_day_a_working_day():
    overrides = {date(2026, 10, 3): True, date(2026, 10, 5): True}
    assert day_kind(date(2026, 10, 3), overrides) is DayKind.MAKEUP
    assert day_kind(date(2026, 10, 5), overrides) is DayKind.ORDINARY
    assert working_days(at(2026, 9, 30, 10, 0), 1, overrides=overrides) == at(2026, 10, 3, 10, 0)
    assert working_days(at(2026, 9, 30, 10, 0), 2, overrides=overrides) == at(2026, 10, 5, 10, 0)


def test_an_override_wins_over_a_make_up_day():
    assert not is_working_day(date(2026, 10, 10), STANDARD, {date(2026, 10, 10): False})


# --- years the package does not know -------------------------------------------------------------


def test_an_unknown_year_falls_back_to_monday_to_friday_and_says_so_once(fresh_unknown_years, caplog):
    caplog.set_level(logging.WARNING, logger="aftersale.sla.calendar")
    assert not year_is_known(2027, NO_OVERRIDES)
    # 2027-01-01 is surely New Year's Day, but without data it counts as an ordinary Friday.
    assert is_working_day(date(2027, 1, 1), STANDARD, NO_OVERRIDES)
    assert not is_working_day(date(2027, 1, 2), STANDARD, NO_OVERRIDES)
    assert working_days(at(2026, 12, 31, 10, 0), 3) == at(2027, 1, 5, 10, 0)
    warnings = [r for r in caplog.records if r.name == "aftersale.sla.calendar"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "2027" in warnings[0].getMessage()
    assert unknown_years_seen() == {2027}


def test_override_entries_make_a_year_known(fresh_unknown_years, caplog):
    overrides = {date(2027, 1, 1): False}
    assert year_is_known(2027, overrides)
    assert year_is_known(2026, NO_OVERRIDES)
    assert not is_working_day(date(2027, 1, 1), STANDARD, overrides)
    assert is_working_day(date(2027, 1, 4), STANDARD, overrides)
    assert unknown_years_seen() == set()
    assert not [r for r in caplog.records if r.name == "aftersale.sla.calendar"]


# --- calendar days ---------------------------------------------------------------------------------


def test_calendar_days_and_rolling_to_a_working_day():
    assert add_calendar_days(at(2026, 9, 28, 10, 0), 7, SH) == at(2026, 10, 5, 10, 0)
    rolled = add_calendar_days(at(2026, 9, 28, 10, 0), 7, SH, roll_to_working_day=(STANDARD, NO_OVERRIDES))
    assert rolled == at(2026, 10, 8, 10, 0)


# --- efficiency and consistency ------------------------------------------------------------------


def test_a_200_working_day_deadline():
    start = at(2026, 1, 5, 10, 0)
    due = working_days(start, 200)
    # chinese_calendar.get_workdays(2026-01-06, …)[199] is 2026-10-28.
    assert due == at(2026, 10, 28, 10, 0)
    assert working_time(start, timedelta(hours=7.5) * 200) == due
    assert working_time_between(start, due, STANDARD, NO_OVERRIDES, SH) == timedelta(hours=7.5) * 200


HOURS = st.sampled_from(
    [
        STANDARD,
        WorkingHours.from_weekdays(
            {d: [Shift(time(8), time(12)), Shift(time(14), time(20))] for d in range(6)}
        ),
        WorkingHours.from_json({str(d): [["00:00", "06:00"], ["22:00", "24:00"]] for d in range(7)}, False),
    ]
)
OVERRIDES = st.sampled_from([NO_OVERRIDES, {date(2026, 10, 10): False, date(2026, 10, 3): True}])
MOMENTS = st.datetimes(
    min_value=datetime(2026, 9, 1), max_value=datetime(2026, 11, 30), timezones=st.just(SH)
)
DURATIONS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=300))


@given(start=MOMENTS, duration=DURATIONS, hours=HOURS, overrides=OVERRIDES)
def test_working_time_between_undoes_add_working_time(start, duration, hours, overrides):
    due = add_working_time(start, duration, hours, overrides, SH)
    assert working_time_between(start, due, hours, overrides, SH) == duration
    if duration:
        # The earliest such moment: the time runs out while the team is at work.
        tick = timedelta(microseconds=1)
        assert working_time_between(due - tick, due, hours, overrides, SH) == tick


@given(a=MOMENTS, b=MOMENTS, c=MOMENTS, hours=HOURS, overrides=OVERRIDES)
def test_working_time_between_adds_up(a, b, c, hours, overrides):
    a, b, c = sorted([a, b, c])

    def between(x: datetime, y: datetime) -> timedelta:
        return working_time_between(x, y, hours, overrides, SH)

    assert between(a, c) == between(a, b) + between(b, c)
    assert between(c, a) == -between(a, c)
    if between(a, b):
        assert add_working_time(a, between(a, b), hours, overrides, SH) <= b


@given(start=MOMENTS, days=st.integers(min_value=0, max_value=40), hours=HOURS, overrides=OVERRIDES)
def test_n_working_days_land_on_the_nth_working_day(start, days, hours, overrides):
    begin = add_working_time(start, timedelta(0), hours, overrides, SH)
    due = add_working_days(start, days, hours, overrides, SH)
    assert is_working_day(due.date(), hours, overrides)
    counted = (begin.date() + timedelta(days=n) for n in range(1, (due.date() - begin.date()).days + 1))
    assert sum(is_working_day(day, hours, overrides) for day in counted) == days


@pytest.mark.django_db
@pytest.mark.parametrize(
    "shifts",
    [{}, {"0": [["9点", "18:00"]]}, {"0": [["18:00", "09:00"]]}, {"9": [["09:00", "18:00"]]}, ["09:00"]],
)
def test_a_schedule_the_calendar_cannot_read_is_refused_naming_the_shifts(people, shifts):
    schedule = TeamSchedule(team=people.team, shifts=shifts)
    with pytest.raises(ValidationError) as refused:
        schedule.full_clean()
    assert list(refused.value.message_dict) == ["shifts"]


@pytest.mark.django_db
def test_a_readable_schedule_passes(people):
    TeamSchedule(team=people.team, shifts={str(d): [["09:00", "18:00"]] for d in range(5)}).full_clean()
