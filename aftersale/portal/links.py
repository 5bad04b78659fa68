"""Signed links into the portal, for notifications: the link itself signs the customer in and opens
one case. Only the signature guards it, so it expires (LINK_TTL) and names the customer and case."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersale.cases.models import Case
from aftersale.common.errors import DomainError

SALT = "aftersale.portal.link"
LINK_TTL = timedelta(days=7)


def portal_link_path(case: Case) -> str:
    """The path (prefix the site's address) of a link that opens `case` for its customer."""
    token = signing.dumps({"c": case.customer_id, "n": case.number}, salt=SALT, compress=True)
    return reverse("portal:link", args=[token])


def portal_link_open(token: str) -> Case:
    """The case a link opens; a tampered, foreign or expired link is refused with the reason."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_TTL)
    except signing.SignatureExpired:
        raise DomainError("link", _("链接已过期，请用订单号和手机号登录"), code="expired") from None
    except signing.BadSignature:
        raise DomainError("link", _("链接无效，请用订单号和手机号登录"), code="invalid") from None
    case = (
        Case.objects.select_related("customer")
        .filter(number=data.get("n"), customer_id=data.get("c"))
        .first()
    )
    if case is None:
        raise DomainError("link", _("链接无效，请用订单号和手机号登录"), code="invalid")
    return case
