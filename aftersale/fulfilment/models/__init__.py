"""Fulfilment: where the goods and the money are, for every approved request."""

from .compensation import CompensationOffer, OfferKind, OfferStatus
from .ledger import CostEntry, CostKind
from .refunds import Refund, RefundMethod, RefundStatus
from .repairs import PartReservation, RepairOrder, RepairStatus, SparePart
from .returns import Disposition, Inspection, ReturnAuthorization, ReturnLine, ReturnStatus
from .shipments import ExchangeShipment, ShipmentStatus, StockItem
from .workorders import WorkOrder, WorkOrderStatus

__all__ = [
    "CompensationOffer",
    "OfferKind",
    "OfferStatus",
    "CostEntry",
    "CostKind",
    "Refund",
    "RefundMethod",
    "RefundStatus",
    "PartReservation",
    "RepairOrder",
    "RepairStatus",
    "SparePart",
    "Disposition",
    "Inspection",
    "ReturnAuthorization",
    "ReturnLine",
    "ReturnStatus",
    "ExchangeShipment",
    "ShipmentStatus",
    "StockItem",
    "WorkOrder",
    "WorkOrderStatus",
]
