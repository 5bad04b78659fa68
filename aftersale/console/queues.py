"""The console's queues: which cases each tab holds, their counts, and keyset-paged rows.

Every queue is the viewer's visibility filter plus one condition that an index can answer
(status, assignee, team, department, the partial risk indexes, or the running-clock index), so a
count is one aggregate query and a page is one query plus one for its clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersale.cases.lifecycle import OPEN_STATUSES, Status
from aftersale.cases.models import Case
from aftersale.cases.selectors import visibility_filter
from aftersale.catalog.models import Customer, Order
from aftersale.common.masking import mask_name, mask_phone
from aftersale.common.permissions import role_of
from aftersale.common.roles import PERSONAL_DATA_ROLES, Role
from aftersale.sla.models import Clock, ClockState

PAGE_SIZE = 25
PAGE_SIZES = (25, 50, 100)
DUE_SOON = timedelta(hours=1)
ASSIGNABLE = {Role.AGENT, Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT}


@dataclass(frozen=True)
class Queue:
    key: str
    label: Promise


MINE = Queue("mine", _("我的"))
TEAM = Queue("team", _("本组"))
UNASSIGNED = Queue("unassigned", _("待分派"))
DUE = Queue("due_soon", _("即将超时"))
BREACHED = Queue("breached", _("已超时"))
ESCALATED = Queue("escalated", _("升级/红头"))
SENSITIVE = Queue("sensitive", _("舆情敏感"))
WAITING = Queue("waiting", _("待客户补充"))
DEPARTMENT = Queue("department", _("部门待办"))
BY_KEY = {
    q.key: q for q in (MINE, TEAM, UNASSIGNED, DUE, BREACHED, ESCALATED, SENSITIVE, WAITING, DEPARTMENT)
}


@dataclass
class Viewer:
    """A member of staff with what the queues need to know about them, read once per request."""

    user: object
    role: str
    visible: Q
    team_ids: frozenset[int]
    now: datetime = field(default_factory=timezone.now)

    @property
    def reveals_personal_data(self) -> bool:
        return self.role in PERSONAL_DATA_ROLES

    @property
    def queues(self) -> list[Queue]:
        if self.role == Role.DEPARTMENT:
            return [DEPARTMENT] if getattr(self.user, "department", "") else []
        queues = [MINE] if self.role in ASSIGNABLE else []
        if self.team_ids:
            queues.append(TEAM)
        return [*queues, UNASSIGNED, DUE, BREACHED, ESCALATED, SENSITIVE, WAITING]


def viewer_for(user) -> Viewer:
    role = role_of(user)
    team_ids = {user.team_id} if role != Role.DEPARTMENT and user.team_id else set()
    if role == Role.TEAM_LEAD:
        team_ids |= set(user.led_teams.values_list("id", flat=True))
    return Viewer(user=user, role=role, visible=visibility_filter(user), team_ids=frozenset(team_ids))


def _clock_cases(**conditions) -> QuerySet:
    return Clock.objects.filter(state=ClockState.RUNNING, **conditions).values("case_id")


def queue_filter(viewer: Viewer, queue: Queue) -> Q:
    now = viewer.now
    if queue is MINE:
        return Q(assignee_id=viewer.user.pk)
    if queue is TEAM:
        return Q(team_id__in=viewer.team_ids)
    if queue is UNASSIGNED:
        return Q(assignee__isnull=True)
    if queue is DUE:
        # A running clock that has not breached always has next_action_at <= due_at (the warning
        # or the due time itself), so the bound lets the partial index on next_action_at answer.
        return Q(
            pk__in=_clock_cases(
                next_action_at__lte=now + DUE_SOON,
                due_at__gte=now,
                due_at__lt=now + DUE_SOON,
                breached_at__isnull=True,
            )
        )
    if queue is BREACHED:
        return Q(pk__in=_clock_cases(due_at__lt=now)) | Q(pk__in=_clock_cases(breached_at__isnull=False))
    if queue is ESCALATED:
        return (
            Q(risk__is_red_ticket=True)
            | Q(risk__is_exception=True)
            | Q(pk__in=_clock_cases(escalation_level__gt=0))
        )
    if queue is SENSITIVE:
        return Q(risk__is_sensitive=True)
    if queue is WAITING:
        return Q(status=Status.WAITING_CUSTOMER)
    if queue is DEPARTMENT:
        return Q(department=getattr(viewer.user, "department", "") or "-")
    raise KeyError(queue.key)


def _open() -> Q:
    return Q(status__in=OPEN_STATUSES)


def queue_counts(viewer: Viewer) -> dict[str, int]:
    """Open cases per queue: one COUNT query per queue."""
    base = Case.objects.filter(viewer.visible).filter(_open())
    return {q.key: base.filter(queue_filter(viewer, q)).count() for q in viewer.queues}


@dataclass
class Filters:
    status: str = ""
    case_type: str = ""
    priority: str = ""
    search: str = ""


def normalise_phone(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[2:] if len(digits) > 11 and digits.startswith("86") else digits


def search_filter(text: str) -> Q:
    """Exact case number, order number or customer phone; each is a unique, indexed column."""
    text = text.strip()
    phone = normalise_phone(text)
    found = Q(number=text) | Q(order_id__in=Order.objects.filter(order_no=text).values("id"))
    if len(phone) >= 7:
        found |= Q(customer_id__in=Customer.objects.filter(phone=phone).values("id"))
    return found


@dataclass
class Row:
    case: Case
    customer_name: str
    customer_phone: str
    next_due: datetime | None
    flags: list[str]
    due_in: int | None = None  # seconds until next_due; negative when overdue

    @property
    def due_level(self) -> str:
        if self.due_in is None:
            return ""
        return "breach" if self.due_in < 0 else "warn" if self.due_in < DUE_SOON.total_seconds() else "ok"


@dataclass
class Page:
    rows: list[Row]
    next_cursor: int | None


def queue_page(
    viewer: Viewer, queue: Queue | None, filters: Filters, *, after: int | None = None, limit: int = PAGE_SIZE
) -> Page:
    """Newest first; `queue=None` with a search looks through every case the viewer may see."""
    qs = Case.objects.filter(viewer.visible)
    if queue is not None:
        qs = qs.filter(queue_filter(viewer, queue))
    if filters.search:
        qs = qs.filter(search_filter(filters.search))
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif not filters.search:
        qs = qs.filter(_open())
    if filters.case_type:
        qs = qs.filter(case_type=filters.case_type)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if after is not None:
        qs = qs.filter(id__lt=after)
    cases = list(
        qs.select_related("customer", "order", "category", "assignee", "risk").order_by("-id")[: limit + 1]
    )
    more = len(cases) > limit
    cases = cases[:limit]
    due = dict(
        Clock.objects.filter(
            case_id__in=[c.pk for c in cases], state=ClockState.RUNNING, due_at__isnull=False
        )
        .values("case_id")
        .annotate(first=Min("due_at"))
        .values_list("case_id", "first")
    )
    rows = [_row(viewer, case, due.get(case.pk)) for case in cases]
    return Page(rows=rows, next_cursor=cases[-1].pk if more and cases else None)


def _row(viewer: Viewer, case: Case, next_due: datetime | None) -> Row:
    customer = case.customer
    return Row(
        case=case,
        customer_name=customer.name if viewer.reveals_personal_data else mask_name(customer.name),
        customer_phone=mask_phone(customer.phone),  # never in full in a list
        next_due=next_due,
        flags=risk_flags(getattr(case, "risk", None)),
        due_in=int((next_due - viewer.now).total_seconds()) if next_due else None,
    )


def risk_flags(risk) -> list[str]:
    if risk is None:
        return []
    return [
        name
        for name, on in (
            ("red", risk.is_red_ticket),
            ("exception", risk.is_exception),
            ("sensitive", risk.is_sensitive),
        )
        if on
    ]
