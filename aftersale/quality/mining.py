"""Process mining over the CaseEvent log: an XES export (readable by pm4py and other tools), time in
each state, waiting vs working time, bottlenecks, rework loops, the most common paths, and a
before/after comparison of two periods.

No personal data leaves: an event carries its activity, time, the actor's role and id, and the
case's type, category, channel and priority; never message text, reasons or names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean, median
from xml.sax.saxutils import quoteattr

from django.utils import timezone

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import CaseEvent, EventKind

from .kpis import KpiFilter, cohort

# Time spent in these states is waiting on the customer; the rest is the business's own time.
WAITING_STATES = frozenset({Status.WAITING_CUSTOMER})
DONE_STATES = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED, Status.REJECTED})
REOPENED_FROM = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED})
CHUNK = 2000


def activity(kind: str, payload: dict) -> str:
    """The event's activity name: a transition is named by its action, anything else by its kind."""
    if kind == EventKind.TRANSITIONED and payload.get("action"):
        return str(payload["action"])
    if kind == EventKind.CREATED:
        return "create"
    return kind


def _events_of(case_ids: list[int]) -> Iterator[tuple[int, list]]:
    """Each case's events in order, read in chunks of cases."""
    for offset in range(0, len(case_ids), CHUNK):
        chunk = case_ids[offset : offset + CHUNK]
        rows: dict[int, list] = defaultdict(list)
        for row in (
            CaseEvent.objects.filter(case_id__in=chunk)
            .order_by("case_id", "id")
            .values_list(
                "case_id",
                "kind",
                "payload",
                "from_status",
                "to_status",
                "actor_id",
                "actor_role",
                "created_at",
            )
        ):
            rows[row[0]].append(row)
        for case_id in chunk:
            yield case_id, rows.get(case_id, [])


def _xes_time(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="milliseconds")


def xes_export(f: KpiFilter) -> Iterator[str]:
    """The cohort's events as an XES 1.0 log, one trace per case, streamed in pieces."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">\n'
        '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
        '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
        '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
        '<global scope="trace"><string key="concept:name" value="__INVALID__"/></global>\n'
        '<global scope="event"><string key="concept:name" value="__INVALID__"/>'
        '<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/></global>\n'
        '<classifier name="Activity" keys="concept:name"/>\n'
        '<string key="concept:name" value="aftersale case events"/>\n'
    )
    cases = {
        row[0]: row
        for row in cohort(f)
        .order_by("id")
        .values_list("id", "number", "case_type", "category__code", "channel", "priority", "status")
    }
    for case_id, events in _events_of(list(cases)):
        _id, number, case_type, category, channel, priority, status = cases[case_id]
        parts = [
            "<trace>",
            f'<string key="concept:name" value={quoteattr(number)}/>',
            f'<string key="case_type" value={quoteattr(case_type)}/>',
            f'<string key="category" value={quoteattr(category)}/>',
            f'<string key="channel" value={quoteattr(channel)}/>',
            f'<string key="priority" value={quoteattr(priority)}/>',
            f'<string key="final_status" value={quoteattr(status)}/>',
        ]
        for _cid, kind, payload, from_status, to_status, actor_id, role, created_at in events:
            resource = f"user:{actor_id}" if actor_id else "system"
            parts.append(
                "<event>"
                f'<string key="concept:name" value={quoteattr(activity(kind, payload or {}))}/>'
                f'<date key="time:timestamp" value="{_xes_time(created_at)}"/>'
                f'<string key="org:role" value={quoteattr(role or "system")}/>'
                f'<string key="org:resource" value={quoteattr(resource)}/>'
                f'<string key="kind" value={quoteattr(kind)}/>'
                + (f'<string key="from_status" value={quoteattr(from_status)}/>' if from_status else "")
                + (f'<string key="to_status" value={quoteattr(to_status)}/>' if to_status else "")
                + "</event>"
            )
        parts.append("</trace>\n")
        yield "".join(parts)
    yield "</log>\n"


@dataclass
class ProcessSummary:
    cases: int = 0
    finished: int = 0
    lead_time_hours_mean: float | None = None
    lead_time_hours_median: float | None = None
    waiting_hours_mean: float | None = None
    working_hours_mean: float | None = None
    states: list[dict] = field(default_factory=list)  # per state: visits, mean/median/total hours
    bottlenecks: list[dict] = field(default_factory=list)
    rework: dict = field(default_factory=dict)
    paths: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def summarize(f: KpiFilter, *, now: datetime | None = None, top: int = 5) -> ProcessSummary:
    """The process as the cohort's events show it. A state still open counts up to `now`; the
    lead time is from creation to the first move into resolved or closed (finished cases only)."""
    now = now or timezone.now()
    created = dict(cohort(f).values_list("id", "created_at"))
    durations: dict[str, list[float]] = defaultdict(list)
    lead_times: list[float] = []
    waiting: list[float] = []
    working: list[float] = []
    paths: Counter[tuple[str, ...]] = Counter()
    reopened = info_loops = cases_with_loops = 0
    transitions: dict[int, list] = defaultdict(list)
    for case_id, from_status, to_status, at in (
        CaseEvent.objects.filter(case__in=cohort(f), kind=EventKind.TRANSITIONED)
        .exclude(to_status="")
        .order_by("case_id", "id")
        .values_list("case_id", "from_status", "to_status", "created_at")
        .iterator(chunk_size=10_000)
    ):
        transitions[case_id].append((from_status, to_status, at))
    for case_id in sorted(created):
        state, since = Status.NEW.value, created[case_id]
        path = [state]
        done_at = None
        case_wait = case_work = 0.0
        loops = 0
        for from_status, to_status, at in transitions.get(case_id, ()):
            spent = (at - since).total_seconds()
            durations[state].append(spent)
            if state in WAITING_STATES:
                case_wait += spent
            elif state not in DONE_STATES:
                case_work += spent
            if to_status in path and to_status != state:
                loops += 1
            if from_status in REOPENED_FROM and to_status == Status.UNDER_REVIEW:
                reopened += 1
            if to_status == Status.UNDER_REVIEW and from_status == Status.WAITING_CUSTOMER:
                info_loops += 1
            if done_at is None and to_status in (Status.RESOLVED, Status.CLOSED):
                done_at = at
            state, since = to_status, at
            path.append(state)
        if state not in DONE_STATES:
            spent = (now - since).total_seconds()
            durations[state].append(spent)
            if state in WAITING_STATES:
                case_wait += spent
            else:
                case_work += spent
        cases_with_loops += 1 if loops else 0
        paths[tuple(path)] += 1
        waiting.append(case_wait)
        working.append(case_work)
        if done_at is not None:
            lead_times.append((done_at - created[case_id]).total_seconds())
    summary = ProcessSummary(cases=len(created), finished=len(lead_times))
    if lead_times:
        summary.lead_time_hours_mean = _hours(mean(lead_times))
        summary.lead_time_hours_median = _hours(median(lead_times))
    if created:
        summary.waiting_hours_mean = _hours(mean(waiting))
        summary.working_hours_mean = _hours(mean(working))
    summary.states = [
        {
            "state": state,
            "label": str(Status(state).label) if state in Status.values else state,
            "visits": len(values),
            "mean_hours": _hours(mean(values)),
            "median_hours": _hours(median(values)),
            "total_hours": _hours(sum(values)),
            "waiting": state in WAITING_STATES,
        }
        for state, values in sorted(durations.items())
        if state not in DONE_STATES
    ]
    summary.bottlenecks = sorted(summary.states, key=lambda s: -s["total_hours"])[:3]
    summary.rework = {
        "reopened": reopened,
        "info_requests_answered": info_loops,
        "cases_with_loops": cases_with_loops,
        "share_with_loops": round(cases_with_loops / len(created), 4) if created else None,
    }
    summary.paths = [
        {"path": list(path), "cases": n, "share": round(n / len(created), 4)}
        for path, n in sorted(paths.items(), key=lambda item: (-item[1], item[0]))[:top]
    ]
    return summary


def compare(before: KpiFilter, after: KpiFilter, *, now: datetime | None = None) -> dict:
    """Two periods side by side; "process shortened %" = (before − after) / before × 100 of the
    mean lead time (positive: faster)."""
    a, b = summarize(before, now=now), summarize(after, now=now)
    shortened = None
    if a.lead_time_hours_mean and b.lead_time_hours_mean is not None:
        shortened = round((a.lead_time_hours_mean - b.lead_time_hours_mean) / a.lead_time_hours_mean * 100, 1)
    states_a = {s["state"]: s["mean_hours"] for s in a.states}
    states_b = {s["state"]: s["mean_hours"] for s in b.states}
    return {
        "before": a.as_dict(),
        "after": b.as_dict(),
        "process_shortened_percent": shortened,
        "state_change_hours": {
            state: round(states_b.get(state, 0.0) - states_a.get(state, 0.0), 2)
            for state in sorted(set(states_a) | set(states_b))
        },
    }
