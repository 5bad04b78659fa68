"""Exception cases, red tickets and sensitive words: the risk side of a case."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import OPEN_STATUSES
from aftersale.cases.models import Case, Priority
from aftersale.cases.services import case_system_update, event_record
from aftersale.common.errors import DomainError
from aftersale.common.models import User
from aftersale.common.permissions import require_role
from aftersale.common.roles import Role
from aftersale.policy.engine import CompiledPlaybook
from aftersale.policy.reasons import LIST_SEPARATOR

from .clocks import clocks_start, next_action_at
from .lexicon import Match, lexicon_for
from .models import Alert, AlertKind, CaseRisk, ClockState
from .recipients import Directory
from .targets import exception_clocks

RED_TICKET_ROLES = {Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT, Role.ADMIN}


def risk_of(case: Case) -> CaseRisk:
    """The case's risk row, made when something first flags the case (a new case has none)."""
    risk, _created = CaseRisk.objects.get_or_create(case=case)
    return risk


def risk_state(case: Case) -> CaseRisk:
    """What is flagged on the case, for reading: an unsaved all-clear row when nothing ever was."""
    return CaseRisk.objects.filter(case=case).first() or CaseRisk(case=case)


def case_mark_exception(
    *,
    case: Case,
    reason: str,
    playbook: CompiledPlaybook,
    now: datetime | None = None,
    directory: Directory | None = None,
) -> bool:
    """Make the case an exception case (seed 001) with its own clocks; False if it already was one."""
    now = now or timezone.now()
    risk = risk_of(case)
    if reason in risk.exception_reasons:
        return False
    first = not risk.is_exception
    risk.is_exception = True
    risk.exception_reasons = [*risk.exception_reasons, reason]
    risk.save(update_fields=["is_exception", "exception_reasons"])
    if first:
        clocks_start(case=case, specs=exception_clocks(playbook.playbook), playbook=playbook, now=now)
    event_record(case=case, kind="case.exception", actor=None, is_public=False, payload={"reason": reason})
    directory = directory or Directory()
    Alert.objects.bulk_create(
        Alert(
            recipient_id=user_id,
            case=case,
            kind=AlertKind.EXCEPTION,
            message=_("%(number)s 已转为异常工单：%(reason)s") % {"number": case.number, "reason": reason},
        )
        for user_id in directory.leads(case)
    )
    return True


def case_scan_text(*, case: Case, text: str, source: str, playbook: CompiledPlaybook) -> list[Match]:
    """Scan inbound text; on a hit flag the case, raise its priority, route it to the senior expert
    group, freeze automatic rejection, make it an exception case and alert the team leads."""
    lexicon = playbook.playbook.lexicon
    matches = lexicon_for(tuple(lexicon.words)).scan(text)
    if not matches:
        return matches
    words = sorted({m.word for m in matches})
    risk = risk_of(case)
    risk.is_sensitive = True
    risk.sensitive_words = sorted(set(risk.sensitive_words) | set(words))
    risk.auto_rejection_frozen = risk.auto_rejection_frozen or lexicon.freeze_auto_rejection
    risk.save(update_fields=["is_sensitive", "sensitive_words", "auto_rejection_frozen"])
    event_record(
        case=case,
        kind="case.sensitive",
        actor=None,
        is_public=False,
        payload={"source": source, "words": words, "spans": [[m.start, m.end] for m in matches]},
    )
    directory = Directory()
    changes: dict = {}
    target = lexicon.raise_priority_to
    if Priority.values.index(target) < Priority.values.index(case.priority):
        changes["priority"] = target
    experts = directory.role(Role.EXPERT)
    if experts and case.assignee_id not in experts:
        changes["assignee_id"] = _least_loaded(experts)
        changes["team_id"] = None
    case_system_update(case=case, reason="sensitive_words", **changes)
    Alert.objects.bulk_create(
        Alert(
            recipient_id=user_id,
            case=case,
            kind=AlertKind.SENSITIVE,
            message=_("%(number)s 命中敏感词：%(words)s")
            % {"number": case.number, "words": str(LIST_SEPARATOR).join(words)},
        )
        for user_id in {*directory.role(Role.TEAM_LEAD), *experts}
    )
    case_mark_exception(case=case, reason="brand_risk", playbook=playbook, directory=directory)
    return matches


def _least_loaded(user_ids: list[int]) -> int:
    loads = dict(
        User.objects.filter(id__in=user_ids)
        .annotate(n=Count("assigned_cases", filter=Q(assigned_cases__status__in=OPEN_STATUSES)))
        .values_list("id", "n")
    )
    return min(user_ids, key=lambda uid: (loads.get(uid, 0), uid))


def case_set_red_ticket(*, case: Case, actor, playbook: CompiledPlaybook, on: bool = True) -> CaseRisk:
    """Put a case under supervision (红头工单): each 2 h of further delay copies the next superior."""
    require_role(actor, RED_TICKET_ROLES, action=_("红头督办"))
    risk = risk_of(case)
    if risk.is_red_ticket == on:
        raise DomainError("red_ticket", _("售后单已是该状态"), code="unchanged")
    now = timezone.now()
    risk.is_red_ticket, risk.red_ticket_since = on, (now if on else None)
    risk.save(update_fields=["is_red_ticket", "red_ticket_since"])
    for clock in case.clocks.filter(state=ClockState.RUNNING, breached_at__isnull=False):
        clock.next_action_at = next_action_at(clock, playbook, red_ticket=on)
        clock.save(update_fields=["next_action_at"])
    event_record(case=case, kind="case.red_ticket", actor=actor, is_public=False, payload={"on": on})
    return risk
