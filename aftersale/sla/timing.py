"""Due times: calendar minutes, or working time on the case team's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aftersale.common import process_cache

from .calendar import WorkingHours, add_working_days, add_working_time, working_time_between
from .models import ClockUnit, HolidayOverride, TeamSchedule

OVERRIDES_KEY = "sla.holiday_overrides"
SCHEDULES_KEY = "sla.team_working_hours"


def holiday_overrides() -> dict:
    """The override table, kept per process for a minute; a change made in this process is seen at
    once (common.process_cache)."""
    return process_cache.remembered(
        OVERRIDES_KEY, lambda: dict(HolidayOverride.objects.values_list("day", "is_workday")), ttl=60.0
    )


def team_working_hours() -> dict[int, WorkingHours]:
    """Each team's own shifts, for the teams that have a schedule (kept per process)."""
    return process_cache.remembered(
        SCHEDULES_KEY,
        lambda: {
            s.team_id: WorkingHours.from_json(s.shifts, s.follow_public_holidays)
            for s in TeamSchedule.objects.all()
        },
    )


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
    hours = team_working_hours().get(team_id) if team_id else None
    return Timing(hours or WorkingHours.standard(), holiday_overrides(), tz)
