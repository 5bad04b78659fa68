"""The sweep: find clocks whose next action is due and act — warn, breach, escalate.

Any number of sweepers may run at once: each batch is claimed with
SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL), and on SQLite the write transaction itself
serialises them. A clock's `next_action_at` moves forward in the same transaction as the
action, so no action is taken twice.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from aftersale.cases.models import Case
from aftersale.cases.services import events_record_system
from aftersale.common.bulk import db_value, insert_values
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


@dataclass(frozen=True, slots=True)
class _Texts:
    """The sweep's texts in the active language, translated once per sweep instead of per clock."""

    warning: str
    breach: str
    still_late: str
    rungs: dict[str, str]
    clocks: dict[str, str]

    @classmethod
    def current(cls) -> _Texts:
        return cls(
            warning=str(_WARNING),
            breach=str(_BREACH),
            still_late=str(_STILL_LATE),
            rungs={rung: str(label) for rung, label in _RUNGS.items()},
            clocks={kind: str(label) for kind, label in ClockKind.choices},
        )

    def rung(self, rung: str) -> str:
        return self.rungs.get(rung, rung)


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

    @classmethod
    def merged(cls, reports: list[SweepReport]) -> SweepReport:
        total = cls()
        for report in reports:
            for name in ("warned", "breached", "escalated", "exceptions", "batches"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            for kind, count in report.by_kind.items():
                total.by_kind[kind] = total.by_kind.get(kind, 0) + count
        return total


def sweep(*, now: datetime | None = None, batch: int = BATCH, connections: int | None = None) -> SweepReport:
    """Act on every clock due at `now`. On PostgreSQL the batches are shared out among several
    connections working at once (SLA_SWEEP_CONNECTIONS): the database's share of the work, most of
    it, then runs on several cores. Inside a transaction (tests) the sweep stays on this one."""
    now = now or timezone.now()
    playbook = playbook_active()
    texts = _Texts.current()
    connections = connections or settings.SLA_SWEEP_CONNECTIONS
    if connections == 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return _sweep_until_done(now, batch, playbook, texts)
    language = translation.get_language()

    def in_thread(_index: int) -> SweepReport:
        try:
            with translation.override(language):
                return _sweep_until_done(now, batch, playbook, texts)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(connections) as pool:
        return SweepReport.merged(list(pool.map(in_thread, range(connections))))


def _sweep_until_done(now: datetime, batch: int, playbook: CompiledPlaybook, texts: _Texts) -> SweepReport:
    directory = Directory()
    report = SweepReport()
    while _sweep_batch(_Batch(now, playbook, directory, texts, report), batch):
        report.batches += 1
    return report


@dataclass(slots=True)
class _Batch:
    """What one batch's actions share, and the rows they produce: alerts and events as plain
    values (thousands per sweep; model instances would cost more than the rest of the work)."""

    now: datetime
    playbook: CompiledPlaybook
    directory: Directory
    texts: _Texts
    report: SweepReport
    alerts: list[tuple] = field(default_factory=list)
    events: list[tuple[int, str, dict]] = field(default_factory=list)

    def alert(self, clock: _Claimed, rung: str, kind: str, message: str) -> None:
        self.alerts.extend(
            (uid, clock.case_id, kind, message) for uid in self.directory.for_clock(clock, rung)
        )

    def event(self, clock: _Claimed, kind: str, payload: dict) -> None:
        about = {"ref": clock.ref} if clock.ref else {}
        payload = {"clock": clock.kind, **about, "due_at": clock.due_at.isoformat(), **payload}
        self.events.append((clock.case_id, kind, payload))

    def label(self, clock: _Claimed) -> str:
        label = self.texts.clocks[clock.kind]
        owner = self.directory.owner(clock)
        return f"{label} {owner.name}" if owner else label

    def write(self) -> None:
        created_at = db_value(Alert, "created_at", self.now)
        insert_values(Alert, _ALERT_COLUMNS, (row + (created_at,) for row in self.alerts))
        events_record_system(self.events, when=self.now)


_ALERT_COLUMNS = ("recipient_id", "case_id", "kind", "message", "created_at")


def _sweep_batch(work: _Batch, batch: int) -> bool:
    now = work.now
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        clocks = [
            _Claimed.from_row(row)
            for row in Clock.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=ClockState.RUNNING, next_action_at__lte=now)
            .order_by("next_action_at")
            .values_list(*_CLAIMED_FIELDS)[:batch]
        ]
        if not clocks:
            return False
        work.directory.load_owners(clocks)
        red = set(
            CaseRisk.objects.filter(case_id__in={c.case_id for c in clocks}, is_red_ticket=True).values_list(
                "case_id", flat=True
            )
        )
        for clock in clocks:
            if clock.kind == ClockKind.UNRESOLVED:
                _unresolved(clock, work)
            elif clock.warned_at is None and clock.breached_at is None and now < clock.due_at:
                _warn(clock, work)
            elif clock.breached_at is None:
                _breach(clock, work)
            else:
                _escalate(clock, work, red_ticket=clock.case_id in red)
            if clock.kind != ClockKind.UNRESOLVED:
                clock.next_action_at = next_action_at(clock, work.playbook, red_ticket=clock.case_id in red)
        _save_clocks(clocks)
        work.write()
        return True


def _commit_without_waiting_for_disk() -> None:
    """PostgreSQL: this transaction's commit returns before its WAL reaches the disk. A crash may
    lose the last few batches, whole: their clocks are then still due and the next sweep acts on
    them again. Nothing is left half-done, and the sweep no longer waits on fsync per batch."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


_SWEPT_FIELDS = ("warned_at", "breached_at", "escalation_level", "next_action_at", "state")


def _save_clocks(clocks: list[_Claimed]) -> None:
    """One UPDATE per distinct set of new values: a batch has few (all breached at the same
    moment, …), and this is far cheaper than one CASE expression per row and field."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for clock in clocks:
        groups[tuple(getattr(clock, name) for name in _SWEPT_FIELDS)].append(clock.pk)
    for values, ids in groups.items():
        Clock.objects.filter(pk__in=ids).update(**dict(zip(_SWEPT_FIELDS, values, strict=True)))


def _warn(clock: _Claimed, work: _Batch) -> None:
    clock.warned_at = work.now
    minutes = max(int((clock.due_at - work.now).total_seconds() // 60), 0)
    message = work.texts.warning % {
        "number": clock.case.number,
        "clock": work.label(clock),
        "minutes": minutes,
    }
    work.alert(clock, work.directory.rung_for(clock, "agent"), AlertKind.DUE_SOON, message)
    work.event(clock, "sla.warned", {})
    work.report.warned += 1


def _breach(clock: _Claimed, work: _Batch) -> None:
    clock.breached_at = work.now
    clock.escalation_level = 1
    chain = work.playbook.playbook.escalation.chain
    rung = work.directory.rung_for(clock, chain[min(1, len(chain) - 1)])
    message = work.texts.breach % {
        "number": clock.case.number,
        "clock": work.label(clock),
        "rung": work.texts.rung(rung),
    }
    # The assignee was warned before the due time; the breach goes up the chain.
    work.alert(clock, rung, AlertKind.BREACHED, message)
    work.event(clock, "case.escalated", {"breach": True, "level": 1, "to": rung})
    work.report.breached += 1
    work.report.by_kind[clock.kind] = work.report.by_kind.get(clock.kind, 0) + 1


def _escalate(clock: _Claimed, work: _Batch, *, red_ticket: bool) -> None:
    chain = work.playbook.playbook.escalation.chain
    clock.escalation_level += 1
    rung = work.directory.rung_for(clock, chain[min(clock.escalation_level, len(chain) - 1)])
    message = work.texts.still_late % {
        "number": clock.case.number,
        "clock": work.label(clock),
        "rung": work.texts.rung(rung),
    }
    work.alert(clock, rung, AlertKind.RED_TICKET if red_ticket else AlertKind.ESCALATED, message)
    payload = {"level": clock.escalation_level, "to": rung, "red_ticket": red_ticket}
    work.event(clock, "case.escalated", payload)
    work.report.escalated += 1


def _unresolved(clock: _Claimed, work: _Batch) -> None:
    clock.breached_at = work.now
    clock.state = ClockState.MET
    clock.next_action_at = None
    if case_mark_exception(
        case=Case.objects.get(pk=clock.case_id),
        reason="unresolved_48h",
        playbook=work.playbook,
        now=work.now,
        directory=work.directory,
    ):
        work.report.exceptions += 1
