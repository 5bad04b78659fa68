"""What the system asks of a carrier, whichever carrier it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class PickupRequest:
    """A pickup (上门取件) of returned goods. `order_no` is ours: booking it twice books once."""

    order_no: str
    sender: Party
    receiver: Party
    window_start: datetime
    window_end: datetime
    description: str
    quantity: int
    freight_payer: str  # "buyer" or "seller"


@dataclass(frozen=True)
class PickupBooking:
    carrier: str
    pickup_no: str
    waybill_no: str
    fee: Decimal


class CarrierError(Exception):
    """The call failed. `refused`: the carrier turned the booking itself down (its message says
    why, e.g. an address out of its service area); `retryable`: it may work when sent again."""

    def __init__(
        self, message: str, *, code: str = "", retryable: bool = False, refused: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable
        self.refused = refused


class Carrier(Protocol):
    def book_pickup(self, request: PickupRequest) -> PickupBooking: ...
