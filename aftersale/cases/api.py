"""Case endpoints. Handlers are thin: parse, call a service or selector, shape the answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status as Reply
from pydantic import BaseModel, Field

from aftersale.catalog.models import Channel, MembershipTier
from aftersale.common.errors import DomainError
from aftersale.common.masking import mask_name, mask_phone
from aftersale.common.models import Team, User
from aftersale.common.permissions import role_of
from aftersale.common.role_auth import role_auth
from aftersale.common.roles import HANDLING_ROLES, PERSONAL_DATA_ROLES, Department, Role
from aftersale.common.schemas import InSchema
from aftersale.common.validation import AwareDatetime

from . import selectors, services
from .evidence import evidence_add
from .identity import IdentityClaim, identity_verify
from .lifecycle import Action, Status, actions_available
from .models import (
    Case,
    CaseCategory,
    CaseChannel,
    CaseType,
    Evidence,
    EvidenceKind,
    Priority,
    Resolution,
)

router = Router(tags=["cases"])

OrderNo = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Version = Annotated[int, Field(ge=1, le=2_147_483_647)]
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
Text = Annotated[str, Field(max_length=2000)]


# ---- shapes ---------------------------------------------------------------------------------


class CaseLineIn(InSchema):
    line_no: int = Field(ge=1, le=10_000)
    quantity: int = Field(ge=1, le=1_000_000)


class CaseCreateIn(InSchema):
    order_no: OrderNo
    phone: str = Field(
        default="", max_length=20, description="Required for staff; customers are matched by account"
    )
    purchase_channel: Channel | None = None
    purchase_date: date | None = None
    tier: MembershipTier | None = None
    case_type: CaseType
    category: str = Field(min_length=1, max_length=40)
    resolution: Resolution
    priority: Priority | None = None
    channel: CaseChannel = CaseChannel.API
    description: str = Field(min_length=1, max_length=5000)
    lines: list[CaseLineIn] = Field(default_factory=list, max_length=100)


class TransitionIn(InSchema):
    action: Action
    version: Version
    reason: Text = ""


class AssignIn(InSchema):
    version: Version
    assignee_id: int | None = Field(default=None, ge=1, le=2**62)
    team_id: int | None = Field(default=None, ge=1, le=2**62)


class CaseUpdateIn(InSchema):
    version: Version
    priority: Priority | None = None
    category: str | None = Field(default=None, min_length=1, max_length=40)
    department: Department | None = None
    description: str | None = Field(default=None, min_length=1, max_length=5000)


class MessageIn(InSchema):
    body: str = Field(min_length=1, max_length=10_000)
    internal: bool = False
    channel: CaseChannel | None = None


class IdentityIn(InSchema):
    order_no: OrderNo
    phone: str = Field(min_length=5, max_length=20)
    channel: Channel | None = None
    purchase_date: date | None = None
    tier: MembershipTier | None = None


class ListQuery(Schema):
    status: Status | None = None
    case_type: CaseType | None = None
    priority: Priority | None = None
    assignee: int | None = Field(default=None, ge=1, le=2**62)
    team: int | None = Field(default=None, ge=1, le=2**62)
    channel: CaseChannel | None = None
    department: Department | None = None
    order_no: OrderNo | None = None
    created_from: AwareDatetime | None = None
    created_to: AwareDatetime | None = None
    after: int | None = Field(
        default=None, ge=1, le=2**62, description="Cursor: next_cursor of the previous page"
    )
    limit: int = Field(default=50, ge=1, le=selectors.MAX_PAGE)


# Shapes built only from keyword arguments, many times per answer (50 list items a page), are plain
# pydantic models: ninja's Schema runs an ORM-aware wrapper around every validation, ten times the cost.
class PersonOut(BaseModel):
    id: int
    name: str


class CustomerOut(Schema):
    name: str
    phone: str
    tier: str
    is_vip: bool


class CaseLineOut(Schema):
    line_no: int
    sku: str
    product_name: str
    quantity: int


class CaseListItemOut(BaseModel):
    number: str
    status: str
    case_type: str
    category: str
    resolution: str
    priority: str
    channel: str
    customer_name: str
    customer_phone: str
    order_no: str | None
    assignee: PersonOut | None
    created_at: datetime
    version: int


class CaseListOut(Schema):
    items: list[CaseListItemOut]
    next_cursor: int | None


class CaseOut(Schema):
    number: str
    status: str
    status_label: str
    case_type: str
    category: str
    category_label: str
    resolution: str
    priority: str
    channel: str
    description: str
    customer: CustomerOut
    order_no: str | None
    lines: list[CaseLineOut]
    assignee: PersonOut | None
    team: PersonOut | None
    department: str
    identity_status: str
    outcome_note: str
    version: int
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    actions: list[str]


class EventOut(Schema):
    id: int
    kind: str
    actor: str
    actor_role: str
    from_status: str
    to_status: str
    payload: dict
    created_at: datetime


class MessageOut(Schema):
    id: int
    author: str
    author_role: str
    body: str
    internal: bool
    channel: str
    created_at: datetime


class EvidenceOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    sha256: str
    url: str
    created_at: datetime


class IdentityOut(Schema):
    passed: bool
    checks: list[dict]


class CategoryOut(Schema):
    code: str
    case_type: str
    name: str


# ---- shaping --------------------------------------------------------------------------------


def _person(user) -> PersonOut | None:
    return PersonOut(id=user.pk, name=str(user)) if user is not None else None


def _reveal(user, case: Case) -> bool:
    role = role_of(user)
    return role in PERSONAL_DATA_ROLES or (role == Role.CUSTOMER and case.customer.user_id == user.pk)


def _case_out(user, case: Case) -> CaseOut:
    reveal = _reveal(user, case)
    customer = case.customer
    lines = sorted(selectors.case_lines(case), key=lambda line: line.order_line.line_no)
    return CaseOut(
        number=case.number,
        status=case.status,
        status_label=str(Status(case.status).label),
        case_type=case.case_type,
        category=case.category.code,
        category_label=case.category.label(translation.get_language() or ""),
        resolution=case.resolution,
        priority=case.priority,
        channel=case.channel,
        description=case.description,
        customer=CustomerOut(
            name=customer.name if reveal else mask_name(customer.name),
            phone=customer.phone if reveal else mask_phone(customer.phone),
            tier=customer.tier,
            is_vip=customer.is_vip,
        ),
        order_no=case.order.order_no if case.order else None,
        lines=[
            CaseLineOut(
                line_no=line.order_line.line_no,
                sku=line.order_line.product.sku,
                product_name=line.order_line.product.name,
                quantity=line.quantity,
            )
            for line in lines
        ],
        assignee=_person(case.assignee),
        team=PersonOut(id=case.team.pk, name=case.team.name) if case.team else None,
        department=case.department,
        identity_status=case.identity_status,
        outcome_note=case.outcome_note,
        version=case.version,
        created_at=case.created_at,
        updated_at=case.updated_at,
        resolved_at=case.resolved_at,
        closed_at=case.closed_at,
        actions=[str(a.value) for a in actions_available(case.status, role_of(user))],
    )


def _list_item(row: dict, *, reveal: bool) -> CaseListItemOut:
    """A row of `selectors.case_list`."""
    assignee = None
    if row["assignee_id"] is not None:
        name = row["assignee__display_name"] or row["assignee__username"]  # as User.__str__
        assignee = PersonOut(id=row["assignee_id"], name=name)
    return CaseListItemOut(
        number=row["number"],
        status=row["status"],
        case_type=row["case_type"],
        category=row["category__code"],
        resolution=row["resolution"],
        priority=row["priority"],
        channel=row["channel"],
        customer_name=row["customer__name"] if reveal else mask_name(row["customer__name"]),
        customer_phone=mask_phone(row["customer__phone"]),
        order_no=row["order__order_no"],
        assignee=assignee,
        created_at=row["created_at"],
        version=row["version"],
    )


def _get(request, number: str) -> Case:
    return selectors.case_get(user=request.auth, number=number)


# ---- endpoints ------------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut], summary="Problem categories")
def list_categories(request, case_type: CaseType | None = None):
    qs = CaseCategory.objects.filter(is_active=True)
    if case_type:
        qs = qs.filter(case_type=case_type)
    language = translation.get_language() or ""
    return [CategoryOut(code=c.code, case_type=c.case_type, name=c.label(language)) for c in qs]


@router.post("/cases", response={201: CaseOut}, summary="Take in a service request")
def create_case(request, payload: CaseCreateIn):
    if role_of(request.auth) != Role.CUSTOMER and not payload.phone:
        raise DomainError("phone", _("此字段为必填项"))
    case = services.case_create(
        actor=request.auth,
        claim=IdentityClaim(
            order_no=payload.order_no,
            phone=payload.phone,
            channel=payload.purchase_channel,
            purchase_date=payload.purchase_date,
            tier=payload.tier,
        ),
        case_type=payload.case_type,
        category_code=payload.category,
        resolution=payload.resolution,
        description=payload.description,
        channel=payload.channel,
        priority=payload.priority,
        lines=[services.CaseLineIn(line.line_no, line.quantity) for line in payload.lines],
    )
    return Reply(201, _case_out(request.auth, case))


@router.get("/cases", response=CaseListOut, summary="List cases, newest first (keyset pagination)")
def list_cases(request, query: Query[ListQuery]):
    filters = selectors.CaseFilters(
        status=query.status,
        case_type=query.case_type,
        priority=query.priority,
        assignee=query.assignee,
        team=query.team,
        channel=query.channel,
        department=query.department,
        order_no=query.order_no,
        created_from=query.created_from,
        created_to=query.created_to,
    )
    rows = selectors.case_list(user=request.auth, filters=filters, after=query.after, limit=query.limit)
    next_cursor = rows[-1]["id"] if len(rows) == query.limit else None
    reveal = role_of(request.auth) in PERSONAL_DATA_ROLES
    return CaseListOut(items=[_list_item(row, reveal=reveal) for row in rows], next_cursor=next_cursor)


@router.get("/cases/{number}", response=CaseOut, summary="One case")
def get_case(request, number: CaseNumber):
    return _case_out(request.auth, _get(request, number))


@router.patch(
    "/cases/{number}", response=CaseOut, summary="Change priority, category, department or description"
)
def update_case(request, number: CaseNumber, payload: CaseUpdateIn):
    case = services.case_update(
        case=_get(request, number),
        actor=request.auth,
        version=payload.version,
        priority=payload.priority,
        category_code=payload.category,
        department=payload.department,
        description=payload.description,
    )
    return _case_out(request.auth, case)


@router.post("/cases/{number}/transitions", response=CaseOut, summary="Move the case along its lifecycle")
def transition_case(request, number: CaseNumber, payload: TransitionIn):
    case = services.case_transition(
        case=_get(request, number),
        actor=request.auth,
        action=payload.action,
        version=payload.version,
        reason=payload.reason,
    )
    return _case_out(request.auth, case)


@router.post(
    "/cases/{number}/assign",
    response=CaseOut,
    summary="Assign the case to an agent and team",
    auth=role_auth(HANDLING_ROLES, action=gettext_lazy("分派")),
)
def assign_case(request, number: CaseNumber, payload: AssignIn):
    case = _get(request, number)
    assignee = team = None
    if payload.assignee_id is not None:
        assignee = User.objects.select_related("team").filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise DomainError("assignee_id", _("用户不存在"))
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise DomainError("team_id", _("客服组不存在"))
    case = services.case_assign(
        case=case, actor=request.auth, version=payload.version, assignee=assignee, team=team
    )
    return _case_out(request.auth, case)


@router.get("/cases/{number}/events", response=list[EventOut], summary="The case's event trail")
def list_events(request, number: CaseNumber):
    case = _get(request, number)
    return [
        EventOut(
            id=e.pk,
            kind=e.kind,
            actor=str(e.actor) if e.actor else "system",
            actor_role=e.actor_role,
            from_status=e.from_status,
            to_status=e.to_status,
            payload=e.payload,
            created_at=e.created_at,
        )
        for e in selectors.case_events(user=request.auth, case=case)
    ]


@router.get("/cases/{number}/messages", response=list[MessageOut], summary="The message thread")
def list_messages(request, number: CaseNumber):
    case = _get(request, number)
    return [_message_out(m) for m in selectors.case_messages(user=request.auth, case=case)]


def _message_out(m) -> MessageOut:
    return MessageOut(
        id=m.pk,
        author=str(m.author) if m.author else "",
        author_role=m.author_role,
        body=m.body,
        internal=m.is_internal,
        channel=m.channel,
        created_at=m.created_at,
    )


@router.post("/cases/{number}/messages", response={201: MessageOut}, summary="Add a message or internal note")
def add_message(request, number: CaseNumber, payload: MessageIn):
    message = services.message_add(
        case=_get(request, number),
        actor=request.auth,
        body=payload.body,
        internal=payload.internal,
        channel=payload.channel,
    )
    return Reply(201, _message_out(message))


def _evidence_out(e: Evidence) -> EvidenceOut:
    return EvidenceOut(
        id=e.pk,
        kind=e.kind,
        content_type=e.content_type,
        size=e.size,
        sha256=e.sha256,
        url=e.file.url,
        created_at=e.created_at,
    )


@router.get("/cases/{number}/evidence", response=list[EvidenceOut], summary="Evidence files")
def list_evidence(request, number: CaseNumber):
    case = _get(request, number)
    return [_evidence_out(e) for e in case.evidence.order_by("id")]


@router.post("/cases/{number}/evidence", response={201: EvidenceOut}, summary="Upload a photo or video")
def upload_evidence(request, number: CaseNumber, kind: Form[EvidenceKind], file: File[UploadedFile]):
    case = _get(request, number)
    if file.size > max(_limits()):
        raise DomainError(
            "file", _("文件过大：上限 %(mb)s MB") % {"mb": max(_limits()) // 2**20}, code="too_large"
        )
    evidence = evidence_add(
        case=case, actor=request.auth, kind=kind, data=file.read(), original_name=file.name or ""
    )
    return Reply(201, _evidence_out(evidence))


def _limits() -> tuple[int, int]:
    from django.conf import settings

    return settings.EVIDENCE_MAX_IMAGE_BYTES, settings.EVIDENCE_MAX_VIDEO_BYTES


@router.post(
    "/identity/verify",
    response=IdentityOut,
    summary="Check an order no. and phone (and more) against the order",
    auth=role_auth(HANDLING_ROLES, action=gettext_lazy("身份核验")),
)
def verify_identity(request, payload: IdentityIn):
    check = identity_verify(
        claim=IdentityClaim(
            order_no=payload.order_no,
            phone=payload.phone,
            channel=payload.channel,
            purchase_date=payload.purchase_date,
            tier=payload.tier,
        ),
        actor=request.auth,
    )
    return IdentityOut(passed=check.passed, checks=check.checks)
