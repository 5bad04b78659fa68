"""The case page's working panels: who may assign, edit and supervise, and the fulfilment records
(returns, refunds, compensation offers, work orders) with what this member of staff may do on them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from aftersale.cases.lifecycle import OPEN_STATUSES
from aftersale.cases.models import Case, CaseCategory, EvidenceKind, Priority
from aftersale.cases.services import ASSIGNABLE_ROLES, ASSIGNER_ROLES
from aftersale.common.models import User
from aftersale.common.permissions import role_of
from aftersale.common.roles import HANDLING_ROLES, Department, Role
from aftersale.fulfilment.models import (
    CompensationOffer,
    Disposition,
    OfferKind,
    OfferStatus,
    ReturnAuthorization,
    ReturnStatus,
)
from aftersale.fulfilment.services.casework import WAREHOUSE, is_department_member
from aftersale.fulfilment.services.compensation import APPROVER_ROLES
from aftersale.fulfilment.services.inspections import checklist_for
from aftersale.policy.engine import may_approve
from aftersale.policy.services import playbook_active
from aftersale.sla.risk import RED_TICKET_ROLES


@dataclass
class WorkPanel:
    """What the header's working controls offer this member of staff on this case."""

    can_assign: bool
    can_claim: bool
    can_edit: bool
    can_red_ticket: bool
    can_upload: bool
    assignees: list[User]
    priorities: list[tuple[str, str]]
    categories: list[tuple[str, str]]
    departments: list[tuple[str, str]]
    evidence_kinds: list[tuple[str, str]]


def work_panel(user, case: Case) -> WorkPanel:
    role = role_of(user)
    can_assign = role in ASSIGNER_ROLES
    can_edit = role in HANDLING_ROLES
    language = translation.get_language() or ""
    return WorkPanel(
        can_assign=can_assign,
        can_claim=role in ASSIGNABLE_ROLES
        and case.assignee_id != user.pk
        and (case.assignee_id is None or can_assign),
        can_edit=can_edit,
        can_red_ticket=role in RED_TICKET_ROLES,
        can_upload=role in HANDLING_ROLES | {Role.DEPARTMENT},
        assignees=list(
            User.objects.filter(is_active=True, role__in=ASSIGNABLE_ROLES).order_by("username")[:200]
        )
        if can_assign
        else [],
        priorities=list(Priority.choices),
        categories=[
            (c.code, c.label(language))
            for c in CaseCategory.objects.filter(is_active=True, case_type=case.case_type).order_by("id")
        ]
        if can_edit
        else [],
        departments=[("", "—"), *Department.choices],
        evidence_kinds=list(EvidenceKind.choices),
    )


def may_handle_goods(user) -> bool:
    return role_of(user) in HANDLING_ROLES or is_department_member(user, WAREHOUSE)


def inspection_fields(rma: ReturnAuthorization) -> list[tuple[str, str]]:
    """(form field name, checklist item) of the inspection form."""
    return [(f"check{i}", item) for i, item in enumerate(checklist_for(rma))]


@dataclass
class ReturnView:
    rma: ReturnAuthorization
    checklist: list[tuple[str, str]] | None  # the inspection form's items, when the user may inspect now


@dataclass
class OfferView:
    offer: CompensationOffer
    may_decide: bool
    approver: str


@dataclass
class FulfilmentPanel:
    returns: list[ReturnView]
    refunds: list
    offers: list[OfferView]
    work_orders: list
    repairs: list
    exchanges: list
    can_propose: bool
    offer_kinds: list[tuple[str, str]]
    dispositions: list[tuple[str, str]]

    @property
    def empty(self) -> bool:
        return not (
            self.returns or self.refunds or self.offers or self.work_orders or self.repairs or self.exchanges
        )


def fulfilment_panel(user, case: Case) -> FulfilmentPanel:
    role = role_of(user)
    offers = list(case.compensation_offers.select_related("offered_by", "decided_by").order_by("id"))
    playbook = playbook_active().playbook if offers else None  # approval limits, only when needed
    return FulfilmentPanel(
        returns=[
            ReturnView(
                rma=rma,
                checklist=inspection_fields(rma)
                if rma.status == ReturnStatus.RECEIVED and may_handle_goods(user)
                else None,
            )
            for rma in case.returns.order_by("id")
        ],
        refunds=list(case.refunds.order_by("id")),
        offers=[
            OfferView(
                offer=offer,
                may_decide=offer.status == OfferStatus.PENDING_APPROVAL
                and role in APPROVER_ROLES
                and offer.offered_by_id != user.pk
                and may_approve(role, offer.amount, playbook),
                approver=str(Role(offer.approver_role).label) if offer.approver_role in Role.values else "",
            )
            for offer in offers
        ],
        work_orders=list(case.work_orders.select_related("responsible").order_by("id")),
        repairs=list(case.repairs.order_by("id")),
        exchanges=list(case.exchange_shipments.select_related("product").order_by("id")),
        can_propose=role in HANDLING_ROLES and case.status in OPEN_STATUSES,
        offer_kinds=list(OfferKind.choices),
        dispositions=list(Disposition.choices),
    )
