"""Refunds: requested against what was paid, sent to the original payment method through its
gateway (or completed by staff for store credit and bank transfer), retried until the outcome is
known, booked as a cost, timed by the refund clocks, and reconciled day by day.

A refund's status says what is known about the money:
pending   nothing was sent that could have paid (yet, or since the gateway was last unreachable);
sent      a call went out whose outcome is not known: the next attempt asks the gateway first;
succeeded paid; failed: certainly not paid, with the reason.
"""

from .base import (
    EVENT_FAILED,
    EVENT_REQUESTED,
    EVENT_SUCCEEDED,
    MAX_ATTEMPTS,
    RECONCILE_ROLES,
    REFUND_ROLES,
)
from .reconciliation import Reconciliation, ReconciliationRow, StuckRefund, refund_reconciliation
from .request import line_paid_amounts, refund_request
from .sending import refund_complete_offline, refund_send, refunds_retry_due, retry_delay

__all__ = [
    "EVENT_FAILED",
    "EVENT_REQUESTED",
    "EVENT_SUCCEEDED",
    "MAX_ATTEMPTS",
    "RECONCILE_ROLES",
    "REFUND_ROLES",
    "Reconciliation",
    "ReconciliationRow",
    "StuckRefund",
    "line_paid_amounts",
    "refund_complete_offline",
    "refund_reconciliation",
    "refund_request",
    "refund_send",
    "refunds_retry_due",
    "retry_delay",
]
