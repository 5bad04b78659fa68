"""Due times: calendar minutes, or working time on the case team's calendar."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .calendar import WorkingHours, add_working_days, add_working_time, working_time_between
from .models import ClockUnit, HolidayOverride, TeamSchedule

_OVERRIDES_TTL = 60.0
_overrides: tuple[float, dict] = (0.0, {})


def holiday_overrides() -> dict:
    """The override table, re-read at most once a minute per process."""
    global _overrides
    loaded_at, table = _overrides
    if time.monotonic() - loaded_at > _OVERRIDES_TTL:
        table = dict(HolidayOverride.objects.values_list("day", "is_workday"))
        _overrides = (time.monotonic(), table)
    return table


def forget_holiday_overrides() -> None:
    global _overrides
    _overrides = (0.0, {})


@dataclass(frozen=True)
class Timing:
    hours: WorkingHours
    overrides: dict
    tz: ZoneInfo

    def due(self, start: datetime, target: int, unit: str) -> datetime:
        if unit == ClockUnit.MINUTES:
            return start + timedelta(minutes=target)
        if unit == ClockUnit.WORKING_DAYS:
            return add_working_days(start, target, self.hours, self.overrides, self.tz)
        return add_working_time(start, timedelta(minutes=target), self.hours, self.overrides, self.tz)

    def remaining(self, now: datetime, due: datetime, unit: str) -> timedelta:
        """What is left of a target at `now`, in the clock's own kind of time."""
        if unit == ClockUnit.MINUTES:
            return max(due - now, timedelta(0))
        if due <= now:
            return timedelta(0)
        return working_time_between(now, due, self.hours, self.overrides, self.tz)

    def resume(self, now: datetime, remaining: timedelta, unit: str) -> datetime:
        if unit == ClockUnit.MINUTES:
            return now + remaining
        return add_working_time(now, remaining, self.hours, self.overrides, self.tz)


def timing_for(team_id: int | None, tz: ZoneInfo) -> Timing:
    schedule = TeamSchedule.objects.filter(team_id=team_id).first() if team_id else None
    hours = (
        WorkingHours.from_json(schedule.shifts, schedule.follow_public_holidays)
        if schedule
        else WorkingHours.standard()
    )
    return Timing(hours, holiday_overrides(), tz)
