"""What returns, exchanges and repairs share: who may act, and the case moves the goods cause."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Action, Status, transition_for
from aftersale.cases.models import Case
from aftersale.cases.services import case_system_update, case_transition, require_case_access
from aftersale.common.errors import DomainError, FieldError
from aftersale.common.money import to_money
from aftersale.common.permissions import role_of
from aftersale.common.roles import HANDLING_ROLES, Department, Role

ACTIVE_CASE_STATUSES = frozenset({Status.APPROVED, Status.IN_FULFILMENT})
WAREHOUSE = frozenset({Department.WAREHOUSE})


def is_department_member(actor, departments: frozenset[str]) -> bool:
    return role_of(actor) == Role.DEPARTMENT and getattr(actor, "department", "") in departments


def require_handler(actor, case: Case, *, action: str) -> None:
    """Agents and above who may see the case."""
    require_case_access(actor, case, action=action, roles=HANDLING_ROLES)


def require_handler_or_department(actor, case: Case, *, action: str, departments: frozenset[str]) -> None:
    """Members of these departments act on any case's goods (they scan what arrives); staff need
    to see the case."""
    if not is_department_member(actor, departments):
        require_handler(actor, case, action=action)


def require_handler_or_customer(actor, case: Case, *, action: str) -> None:
    require_case_access(actor, case, action=action, roles=HANDLING_ROLES | {Role.CUSTOMER})


def require_active(case: Case) -> None:
    """Goods move only for an approved case that is not finished yet."""
    if case.status not in ACTIVE_CASE_STATUSES:
        raise DomainError(
            "status",
            _("售后单当前状态为“%(status)s”，须审核通过后才能办理") % {"status": Status(case.status).label},
            code="invalid_status",
        )


def lock_case(case: Case) -> Case:
    """The case row, locked for the rest of the transaction and freshly read."""
    return Case.objects.select_for_update().select_related("category", "customer").get(pk=case.pk)


def case_advance(case: Case, action: str, *, reason: str = "") -> bool:
    """A move the system makes because the goods moved (`case` must be locked); skipped when the
    case is not in a status the move starts from."""
    transition = transition_for(action)
    assert transition is not None
    if case.status not in transition.sources:
        return False
    case_transition(case=case, actor=None, action=action, version=case.version, reason=reason)
    return True


def case_into_fulfilment(case: Case) -> None:
    """The first movement of goods puts an approved case into fulfilment."""
    if case.status == Status.APPROVED:
        case_advance(case, Action.START_FULFILMENT)


def case_to_warehouse(case: Case, *, reason: str) -> None:
    """Goods at the warehouse: route the case there, so its members can see it and add photos."""
    case_system_update(case=case, reason=reason, department=Department.WAREHOUSE)


def validated_waybill(carrier: str, tracking_no: str) -> tuple[str, str]:
    carrier, tracking_no = (carrier or "").strip(), (tracking_no or "").strip()
    errors = []
    if not 1 <= len(carrier) <= 40:
        errors.append(FieldError("carrier", _("请填写承运商（不超过 40 个字符）")))
    if not (4 <= len(tracking_no) <= 64 and tracking_no.replace("-", "").isalnum() and tracking_no.isascii()):
        errors.append(FieldError("tracking_no", _("运单号须为 4 到 64 位字母、数字或连字符")))
    if errors:
        raise DomainError.many(errors)
    return carrier, tracking_no


def optional_amount(field: str, value: Decimal | None) -> Decimal | None:
    """A money amount that may be left out; never negative."""
    if value is None:
        return None
    try:
        amount = to_money(value)
    except ValueError:
        raise DomainError(field, _("不是有效的金额")) from None
    if amount < 0:
        raise DomainError(field, _("金额不能为负数"))
    return amount
