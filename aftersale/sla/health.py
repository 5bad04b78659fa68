"""The business calendar's readiness check (registered with aftersale.common.health)."""

from __future__ import annotations

from django.utils import timezone

from aftersale.common.health import CheckResult, register

from .calendar import year_is_known
from .timing import holiday_overrides


def calendar_years() -> tuple[int, bool, bool]:
    """This year (local time), whether its holidays are known, whether next year's are."""
    year = timezone.localdate().year
    overrides = holiday_overrides()
    return year, year_is_known(year, overrides), year_is_known(year + 1, overrides)


@register("calendar")
def check_calendar() -> CheckResult:
    # Without this year's holidays every working-time SLA is wrong now: not ready. Next year's are
    # published each November, so lacking them is a warning (and a metric to alert on), not a
    # reason to take every instance out of service at once.
    year, this_known, next_known = calendar_years()
    if not this_known:
        return CheckResult(False, f"holidays of {year} unknown")
    if not next_known:
        return CheckResult(True, f"{year} known", warning=f"holidays of {year + 1} unknown")
    return CheckResult(True, f"{year} and {year + 1} known")
