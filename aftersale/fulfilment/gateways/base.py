"""What every payment gateway offers the refund service, whatever its protocol."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"  # the money went back
    FAILED = "failed"  # refused for good: retrying cannot help
    RETRY = "retry"  # certainly not paid (never reached the gateway, or refused for now): send again later
    UNKNOWN = "unknown"  # may or may not have been paid (timeout, 5xx): query before sending again
    NOT_FOUND = "not_found"  # (query only) the gateway has no refund with this request number


@dataclass(frozen=True)
class RefundOrder:
    """One refund as a gateway sees it. `request_no` is our idempotency key: sending the same
    request number twice never pays twice."""

    request_no: str
    order_no: str  # the merchant's order number (out_trade_no)
    trade_ref: str  # the gateway's own payment reference (trade_no), when known
    amount: Decimal
    reason: str = ""


@dataclass(frozen=True)
class GatewayResult:
    outcome: Outcome
    gateway_ref: str = ""
    reason: str = ""
    code: str = ""


class Gateway(Protocol):
    name: str

    def refund(self, order: RefundOrder) -> GatewayResult:
        """Ask for the money back; never raises for a network or gateway problem."""
        ...

    def query(self, order: RefundOrder) -> GatewayResult:
        """What became of an earlier refund call with the same request number."""
        ...
