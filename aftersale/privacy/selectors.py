"""Reads of the data lifecycle: holds and deletion requests, for people allowed to see them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersale.catalog.models import Customer
from aftersale.common.errors import NotFound
from aftersale.common.permissions import require_role
from aftersale.common.roles import HANDLING_ROLES

from .models import DeletionRequest, LegalHold, RequestStatus
from .services import DECIDER_ROLES

OPEN_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.BLOCKED)


def holds_list(*, user, active: bool = True) -> QuerySet[LegalHold]:
    require_role(user, DECIDER_ROLES, action=_("查看法律保留"))
    holds = LegalHold.objects.select_related("case", "customer", "placed_by", "released_by").order_by("-id")
    return holds.filter(released_at__isnull=True) if active else holds


def hold_get(*, user, pk: int) -> LegalHold:
    hold = holds_list(user=user, active=False).filter(pk=pk).first()
    if hold is None:
        raise NotFound("hold", _("法律保留不存在：%(id)s") % {"id": pk})
    return hold


def active_hold(*, case=None, customer=None) -> LegalHold | None:
    subject = {"case": case} if case is not None else {"customer": customer}
    return LegalHold.objects.filter(released_at__isnull=True, **subject).select_related("placed_by").first()


def requests_list(*, user, status: str | None = None) -> QuerySet[DeletionRequest]:
    require_role(user, HANDLING_ROLES, action=_("查看删除请求"))
    requests = DeletionRequest.objects.select_related("customer", "recorded_by", "decided_by").order_by("-id")
    return requests.filter(status=status) if status else requests


def request_get(*, user, pk: int) -> DeletionRequest:
    request = requests_list(user=user).filter(pk=pk).first()
    if request is None:
        raise NotFound("request", _("删除请求不存在：%(id)s") % {"id": pk})
    return request


def customer_get(*, pk: int) -> Customer:
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise NotFound("customer", _("客户不存在：%(id)s") % {"id": pk})
    return customer
