"""The sweep: find clocks whose next action is due and act — warn, breach, escalate.

Any number of sweepers may run at once: each batch is claimed with
SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL), and on SQLite the write transaction itself
serialises them. A clock's `next_action_at` moves forward in the same transaction as the
action, so no action is taken twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy

from aftersale.cases.models import Case, CaseEvent
from aftersale.cases.services import events_record_many
from aftersale.common.bulk import insert_rows
from aftersale.policy.engine import CompiledPlaybook
from aftersale.policy.services import playbook_active

from .clocks import next_action_at
from .models import Alert, AlertKind, CaseRisk, Clock, ClockKind, ClockState
from .recipients import Directory
from .risk import case_mark_exception

BATCH = 1000
_CLAIMED_FIELDS = (
    "pk",
    "case_id",
    "kind",
    "ref",
    "started_at",
    "due_at",
    "warned_at",
    "breached_at",
    "escalation_level",
    "state",
    "next_action_at",
    "case__number",
    "case__assignee_id",
    "case__team_id",
)


@dataclass(slots=True)
class _CaseRef:
    number: str
    assignee_id: int | None
    team_id: int | None


@dataclass(slots=True)
class _Claimed:
    """A claimed clock as plain values: a sweep handles thousands, and model instances cost more
    than the rest of the work. Attribute names match `Clock` for the helpers shared with it."""

    pk: int
    case_id: int
    kind: str
    ref: str
    started_at: datetime
    due_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    escalation_level: int
    state: str
    next_action_at: datetime | None
    case: _CaseRef

    @classmethod
    def from_row(cls, row: tuple) -> _Claimed:
        *clock, number, assignee_id, team_id = row
        return cls(*clock, case=_CaseRef(number, assignee_id, team_id))


_WARNING = gettext_lazy("%(number)s 的「%(clock)s」将在 %(minutes)s 分钟后到期")
_BREACH = gettext_lazy("%(number)s 的「%(clock)s」已超时，已升级至%(rung)s")
_STILL_LATE = gettext_lazy("%(number)s 的「%(clock)s」仍未处理，已升级至%(rung)s")
_RUNGS = {
    "agent": gettext_lazy("客服专员"),
    "team_lead": gettext_lazy("客服组长"),
    "operations_manager": gettext_lazy("运营经理"),
    "responsible": gettext_lazy("执行负责人"),
    "department": gettext_lazy("部门成员"),
}


_texts: dict[tuple[int, str | None], str] = {}


def _t(message: Promise) -> str:
    """A lazy text in the active language, translated once per process instead of once per clock.
    Keyed by identity: hashing a lazy text would translate it, which is what this avoids."""
    key = (id(message), get_language())
    text = _texts.get(key)
    if text is None:
        text = _texts[key] = str(message)
    return text


@dataclass
class SweepReport:
    warned: int = 0
    breached: int = 0
    escalated: int = 0
    exceptions: int = 0
    batches: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def acted(self) -> int:
        return self.warned + self.breached + self.escalated + self.exceptions


def sweep(*, now: datetime | None = None, batch: int = BATCH) -> SweepReport:
    now = now or timezone.now()
    playbook = playbook_active()
    directory = Directory()
    report = SweepReport()
    while _sweep_batch(now, batch, playbook, directory, report):
        report.batches += 1
    return report


def _sweep_batch(now, batch, playbook: CompiledPlaybook, directory: Directory, report: SweepReport) -> bool:
    with transaction.atomic():
        clocks = [
            _Claimed.from_row(row)
            for row in Clock.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=ClockState.RUNNING, next_action_at__lte=now)
            .order_by("next_action_at")
            .values_list(*_CLAIMED_FIELDS)[:batch]
        ]
        if not clocks:
            return False
        directory.load_owners(clocks)
        red = set(
            CaseRisk.objects.filter(case_id__in={c.case_id for c in clocks}, is_red_ticket=True).values_list(
                "case_id", flat=True
            )
        )
        alerts: list[Alert] = []
        events: list[CaseEvent] = []
        for clock in clocks:
            if clock.kind == ClockKind.UNRESOLVED:
                _unresolved(clock, now, playbook, directory, report)
            elif clock.warned_at is None and clock.breached_at is None and now < clock.due_at:
                _warn(clock, now, directory, alerts, events, report)
            elif clock.breached_at is None:
                _breach(clock, now, playbook, directory, alerts, events, report)
            else:
                _escalate(clock, playbook, directory, alerts, events, report, red_ticket=clock.case_id in red)
            if clock.kind != ClockKind.UNRESOLVED:
                clock.next_action_at = next_action_at(clock, playbook, red_ticket=clock.case_id in red)
        _save_clocks(clocks)
        insert_rows(Alert, alerts)
        events_record_many(events)
        return True


_SWEPT_FIELDS = ("warned_at", "breached_at", "escalation_level", "next_action_at", "state")


def _save_clocks(clocks: list[Clock]) -> None:
    """One UPDATE per distinct set of new values: a batch has few (all breached at the same
    moment, …), and this is far cheaper than one CASE expression per row and field."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for clock in clocks:
        groups[tuple(getattr(clock, name) for name in _SWEPT_FIELDS)].append(clock.pk)
    for values, ids in groups.items():
        Clock.objects.filter(pk__in=ids).update(**dict(zip(_SWEPT_FIELDS, values, strict=True)))


def _event(clock: Clock, kind: str, payload: dict) -> CaseEvent:
    about = {"ref": clock.ref} if clock.ref else {}
    return CaseEvent(
        case_id=clock.case_id,
        kind=kind,
        is_public=False,
        payload={"clock": clock.kind, **about, "due_at": clock.due_at.isoformat(), **payload},
    )


def _alert(user_ids, clock: Clock, kind: str, message: str, alerts: list[Alert]) -> None:
    alerts.extend(
        Alert(recipient_id=uid, case_id=clock.case_id, kind=kind, message=message) for uid in user_ids
    )


def _label(clock: Clock, directory: Directory) -> str:
    label = _t(ClockKind(clock.kind).label)
    owner = directory.owner(clock)
    return f"{label} {owner.name}" if owner else label


def _warn(clock, now, directory, alerts, events, report) -> None:
    clock.warned_at = now
    minutes = max(int((clock.due_at - now).total_seconds() // 60), 0)
    message = _t(_WARNING) % {
        "number": clock.case.number,
        "clock": _label(clock, directory),
        "minutes": minutes,
    }
    rung = directory.rung_for(clock, "agent")
    _alert(directory.for_clock(clock, rung), clock, AlertKind.DUE_SOON, message, alerts)
    events.append(_event(clock, "sla.warned", {}))
    report.warned += 1


def _breach(clock, now, playbook, directory, alerts, events, report) -> None:
    clock.breached_at = now
    clock.escalation_level = 1
    chain = playbook.playbook.escalation.chain
    rung = directory.rung_for(clock, chain[min(1, len(chain) - 1)])
    message = _t(_BREACH) % {
        "number": clock.case.number,
        "clock": _label(clock, directory),
        "rung": _rung_label(rung),
    }
    # The assignee was warned before the due time; the breach goes up the chain.
    _alert(directory.for_clock(clock, rung), clock, AlertKind.BREACHED, message, alerts)
    events.append(_event(clock, "case.escalated", {"breach": True, "level": 1, "to": rung}))
    report.breached += 1
    report.by_kind[clock.kind] = report.by_kind.get(clock.kind, 0) + 1


def _escalate(clock, playbook, directory, alerts, events, report, *, red_ticket: bool) -> None:
    chain = playbook.playbook.escalation.chain
    clock.escalation_level += 1
    rung = directory.rung_for(clock, chain[min(clock.escalation_level, len(chain) - 1)])
    kind = AlertKind.RED_TICKET if red_ticket else AlertKind.ESCALATED
    message = _t(_STILL_LATE) % {
        "number": clock.case.number,
        "clock": _label(clock, directory),
        "rung": _rung_label(rung),
    }
    _alert(directory.for_clock(clock, rung), clock, kind, message, alerts)
    events.append(
        _event(
            clock, "case.escalated", {"level": clock.escalation_level, "to": rung, "red_ticket": red_ticket}
        )
    )
    report.escalated += 1


def _unresolved(clock, now, playbook, directory, report) -> None:
    clock.breached_at = now
    clock.state = ClockState.MET
    clock.next_action_at = None
    if case_mark_exception(
        case=Case.objects.get(pk=clock.case_id),
        reason="unresolved_48h",
        playbook=playbook,
        now=now,
        directory=directory,
    ):
        report.exceptions += 1


def _rung_label(rung: str) -> str:
    return _t(_RUNGS[rung]) if rung in _RUNGS else rung
