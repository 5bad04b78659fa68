"""Plays the demo stories through the real case services, step by step."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from aftersale.cases.evidence import evidence_add
from aftersale.cases.identity import IdentityClaim
from aftersale.cases.lifecycle import Action, Status
from aftersale.cases.models import Case, CaseType
from aftersale.cases.selectors import can_view
from aftersale.cases.services import (
    CaseLineIn,
    case_assign,
    case_create,
    case_transition,
    case_update,
    message_add,
)
from aftersale.catalog.models import Order
from aftersale.common.models import User
from aftersale.common.permissions import role_of
from aftersale.common.roles import Role

from .people import Cast
from .script import CUSTOMER, Purchase, Step, Story

INTAKE_AGENT = "agent1"  # takes calls when a story names no agent of its own
RELAYED = "客户来电："  # how an agent records what a customer without an account said
CENT = Decimal("0.01")
PHOTO_COLOURS = {"item_photo": (214, 204, 190), "box_photo": (176, 134, 88), "waybill_photo": (246, 246, 240)}


@dataclass
class Scene:
    """A case being played: the story, the people in it and the words its texts may use."""

    story: Story
    case: Case
    cast: Cast
    intake: User
    buyer: User | None
    words: dict[str, str] = field(default_factory=dict)

    @property
    def handler(self) -> User:
        """Whoever holds the case now (the intake agent until someone is assigned)."""
        return self.case.assignee or self.intake

    def actor(self, by: str | None) -> User:
        if by is None:
            return self.handler
        if by == CUSTOMER:
            return self.buyer or self.handler
        return self.cast[by]

    def text(self, template: str) -> str:
        return template.format_map(self.words)


def story_play(*, story: Story, purchase: Purchase, order: Order, cast: Cast) -> Case:
    """Open the story's case on `order` and play its steps (up to `purchase.until`)."""
    scene = _scene_open(story, purchase, order, cast)
    for step in story.steps:
        scene.case.refresh_from_db()
        if scene.case.status == purchase.until and _moves_case(step, scene):
            break
        STEP_PLAYERS[step.kind](scene, step)
    return scene.case


def _scene_open(story: Story, purchase: Purchase, order: Order, cast: Cast) -> Scene:
    buyer = cast[purchase.account] if purchase.account else None
    intake = cast[_intake_username(story, cast)]
    line = order.lines.select_related("product").get(line_no=1)
    amount = line.unit_price * line.quantity
    words = {
        "product": line.product.name,
        "order_no": order.order_no,
        "store": order.store,
        "amount": f"{amount:.2f}",
        "tenth": f"{(amount / 10).quantize(CENT, rounding=ROUND_HALF_UP):.2f}",
        "serial": line.serial_no,
        "batch": line.batch_no,
    }
    case = case_create(
        actor=buyer or intake,
        claim=IdentityClaim(order_no=order.order_no, phone=order.customer.phone),
        case_type=story.case_type,
        category_code=story.category,
        resolution=story.resolution,
        description=story.description.format_map(words),
        channel=_intake_channel(story, order, buyer),
        lines=[] if story.case_type == CaseType.INQUIRY else [CaseLineIn(1, line.quantity)],
        priority=story.priority,
    )
    return Scene(story, case, cast, intake, buyer, words)


def _intake_username(story: Story, cast: Cast) -> str:
    """The agent who logged the request: the story's first agent, else the intake agent."""
    for step in story.steps:
        if step.kind == "assign" and cast[step.arg].role == Role.AGENT:
            return step.arg
    return INTAKE_AGENT


def _intake_channel(story: Story, order: Order, buyer: User | None) -> str:
    """Buyers with an account write in the portal; the others reach an agent where they bought."""
    if buyer is not None:
        return "portal"
    return order.channel if story.channel == "portal" else story.channel


def _moves_case(step: Step, scene: Scene) -> bool:
    """Whether the step takes the case out of its status: a transition, a customer's reply to a
    case waiting for them, or someone picking up a new case (until then it waits in the queue)."""
    status = scene.case.status
    return (
        step.kind == "act"
        or (step.kind == "customer" and status == Status.WAITING_CUSTOMER)
        or (step.kind == "assign" and status == Status.NEW)
    )


def _customer_speaks(scene: Scene, step: Step) -> None:
    if scene.buyer is not None:
        message_add(case=scene.case, actor=scene.buyer, body=scene.text(step.text))
        return
    handler = scene.handler
    message_add(case=scene.case, actor=handler, body=RELAYED + scene.text(step.text), channel="phone")
    scene.case.refresh_from_db()
    if scene.case.status == Status.WAITING_CUSTOMER:
        case_transition(
            case=scene.case, actor=handler, action=Action.CUSTOMER_REPLIED, version=scene.case.version
        )


def _reply(scene: Scene, step: Step) -> None:
    message_add(case=scene.case, actor=scene.actor(step.by), body=scene.text(step.text))


def _note(scene: Scene, step: Step) -> None:
    message_add(case=scene.case, actor=scene.actor(step.by), body=scene.text(step.text), internal=True)


def _department_note(scene: Scene, step: Step) -> None:
    member = scene.cast.department_member(scene.case.department)
    message_add(case=scene.case, actor=member, body=scene.text(step.text), internal=True)


def _photo(scene: Scene, step: Step) -> None:
    evidence_add(
        case=scene.case,
        actor=scene.actor(step.by),
        kind=step.arg,
        data=png_solid(PHOTO_COLOURS.get(step.arg, (200, 200, 200))),
        original_name=step.text,
    )


def _assign(scene: Scene, step: Step) -> None:
    assignee = scene.cast[step.arg]
    if scene.case.assignee_id == assignee.pk:
        return
    case_assign(
        case=scene.case,
        actor=_assigner(scene, assignee, step.by),
        version=scene.case.version,
        assignee=assignee,
    )


def _assigner(scene: Scene, assignee: User, by: str | None) -> User:
    """Who hands the case over: the named user (an agent only claims an unassigned case),
    else the assignee's team lead when the lead can see the case, else the director."""
    if by is not None:
        user = scene.cast[by]
        if role_of(user) != Role.AGENT or scene.case.assignee_id is None:
            return user
    lead = scene.cast.lead_of(assignee)
    return lead if can_view(lead, scene.case) else scene.cast.director


def _route(scene: Scene, step: Step) -> None:
    case_update(case=scene.case, actor=scene.handler, version=scene.case.version, department=step.arg)


def _recategorize(scene: Scene, step: Step) -> None:
    case_update(case=scene.case, actor=scene.handler, version=scene.case.version, category_code=step.arg)


def _act(scene: Scene, step: Step) -> None:
    case_transition(
        case=scene.case,
        actor=scene.actor(step.by),
        action=step.arg,
        version=scene.case.version,
        reason=scene.text(step.text),
    )


STEP_PLAYERS: dict[str, Callable[[Scene, Step], None]] = {
    "customer": _customer_speaks,
    "reply": _reply,
    "note": _note,
    "department_note": _department_note,
    "photo": _photo,
    "assign": _assign,
    "route": _route,
    "recategorize": _recategorize,
    "act": _act,
}


def png_solid(rgb: tuple[int, int, int], width: int = 48, height: int = 36) -> bytes:
    """A small, valid PNG of one colour: stands in for a customer's photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width  # filter byte, then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
