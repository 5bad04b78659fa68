"""Exchanges: the replacement goes out from stock reserved for it; its delivery resolves the case."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Action
from aftersale.cases.models import Case, Resolution
from aftersale.cases.selectors import can_view
from aftersale.cases.services import event_record
from aftersale.common.errors import Conflict, DomainError, NotFound
from aftersale.common.roles import Department

from ..models import CostKind, ExchangeShipment, ShipmentStatus, StockItem
from .casework import (
    case_advance,
    case_into_fulfilment,
    is_department_member,
    lock_case,
    optional_amount,
    require_active,
    require_handler,
    require_handler_or_department,
    validated_waybill,
)
from .ledger import cost_record

SHIPPING_DEPARTMENTS = frozenset({Department.WAREHOUSE, Department.LOGISTICS})
EXCHANGEABLE = frozenset({Resolution.EXCHANGE, Resolution.REPAIR})
OPEN_SHIPMENT = (ShipmentStatus.RESERVED, ShipmentStatus.SHIPPED)


def exchange_create(*, case: Case, actor) -> list[ExchangeShipment]:
    """Reserve a replacement for every line of an approved exchange (or of a repair that became
    one). Out of stock: refused, naming the refund the customer may take instead."""
    require_handler(actor, case, action=_("安排换货"))
    with transaction.atomic():
        case = lock_case(case)
        require_active(case)
        if case.resolution not in EXCHANGEABLE:
            raise DomainError("resolution", _("该售后单的诉求不是换货"), code="not_exchange")
        if case.exchange_shipments.filter(status__in=OPEN_SHIPMENT).exists():
            raise Conflict("case", _("该售后单已安排换货"), code="exists")
        shipments = replacements_reserve(case=case, actor=actor)
        case_into_fulfilment(case)
    return shipments


def replacements_reserve(*, case: Case, actor) -> list[ExchangeShipment]:
    """Reserve the same product for each line of the (locked) case; the caller checked the actor.

    Each reservation is one conditional UPDATE that succeeds only while enough unreserved stock
    is left, so two exchanges can never promise the same last item."""
    lines = list(case.lines.select_related("order_line__product").order_by("order_line__product_id"))
    if not lines:
        raise DomainError("lines", _("售后单没有商品行"))
    for line in lines:
        product = line.order_line.product
        reserved = StockItem.objects.filter(
            product=product, on_hand__gte=F("reserved") + line.quantity
        ).update(reserved=F("reserved") + line.quantity)
        if reserved != 1:
            raise DomainError(
                "stock",
                _("“%(name)s”暂时缺货，无法换货。可改为退货退款：商品寄回验收后全额退款。")
                % {"name": product.name},
                code="out_of_stock",
            )
    shipments = ExchangeShipment.objects.bulk_create(
        [
            ExchangeShipment(
                case=case, order_line=line.order_line, product=line.order_line.product, quantity=line.quantity
            )
            for line in lines
        ]
    )
    event_record(
        case=case,
        kind="exchange.reserved",
        actor=actor,
        payload={
            "shipments": [{"id": s.pk, "sku": s.product.sku, "quantity": s.quantity} for s in shipments],
        },
    )
    return shipments


def exchange_ship(
    *, shipment: ExchangeShipment, actor, carrier: str, tracking_no: str, freight: Decimal | None = None
) -> ExchangeShipment:
    """The replacement left the warehouse: stock goes down, its value and the freight are booked."""
    require_handler_or_department(
        actor, shipment.case, action=_("换货发货"), departments=SHIPPING_DEPARTMENTS
    )
    carrier, tracking_no = validated_waybill(carrier, tracking_no)
    freight = optional_amount("freight", freight)
    now = timezone.now()
    with transaction.atomic():
        _move(
            shipment,
            ShipmentStatus.RESERVED,
            status=ShipmentStatus.SHIPPED,
            carrier=carrier,
            tracking_no=tracking_no,
            shipped_at=now,
        )
        taken = StockItem.objects.filter(
            product=shipment.product, reserved__gte=shipment.quantity, on_hand__gte=shipment.quantity
        ).update(on_hand=F("on_hand") - shipment.quantity, reserved=F("reserved") - shipment.quantity)
        if taken != 1:
            raise Conflict("stock", _("库存记录与预留不一致，请盘点后重试"), code="stock_mismatch")
        cost_record(
            case=shipment.case,
            kind=CostKind.REPLACEMENT,
            source=f"exchange:{shipment.pk}",
            amount=shipment.order_line.unit_price * shipment.quantity,
            note=shipment.product.sku,
        )
        if freight:
            cost_record(
                case=shipment.case,
                kind=CostKind.FREIGHT,
                amount=freight,
                source=f"exchange_freight:{shipment.pk}",
                note=f"{carrier} {tracking_no}",
            )
        case = lock_case(shipment.case)
        event_record(
            case=case,
            kind="exchange.shipped",
            actor=actor,
            payload={"shipment": shipment.pk, "carrier": carrier, "tracking_no": tracking_no},
        )
        case_into_fulfilment(case)
    return shipment


def exchange_deliver(*, shipment: ExchangeShipment, actor) -> ExchangeShipment:
    """The customer signed for the replacement (`actor=None`: the carrier told us). When nothing
    else of the case is still on its way, the case is resolved."""
    if actor is not None:
        require_handler_or_department(
            actor, shipment.case, action=_("确认签收"), departments=SHIPPING_DEPARTMENTS
        )
    with transaction.atomic():
        _move(shipment, ShipmentStatus.SHIPPED, status=ShipmentStatus.DELIVERED, delivered_at=timezone.now())
        case = lock_case(shipment.case)
        event_record(
            case=case,
            kind="exchange.delivered",
            actor=actor,
            payload={"shipment": shipment.pk, "tracking_no": shipment.tracking_no},
        )
        if not case.exchange_shipments.filter(status__in=OPEN_SHIPMENT).exists():
            case_advance(case, Action.RESOLVE, reason=_("换货商品已签收"))
    return shipment


def shipment_get(*, user, shipment_id: int) -> ExchangeShipment:
    shipment = (
        ExchangeShipment.objects.select_related("case__customer", "product", "order_line")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None or not (
        can_view(user, shipment.case) or is_department_member(user, SHIPPING_DEPARTMENTS)
    ):
        raise NotFound("id", _("换货发货单不存在"))
    return shipment


def _move(shipment: ExchangeShipment, from_status: str, **changes) -> None:
    """A conditional update: only one of two concurrent moves of a shipment wins."""
    if ExchangeShipment.objects.filter(pk=shipment.pk, status=from_status).update(**changes) != 1:
        raise Conflict("status", _("发货单当前状态不允许此操作，请刷新后重试"), code="invalid_status")
    for name, value in changes.items():
        setattr(shipment, name, value)
