"""Carrier adapters for reverse logistics: book a pickup and learn its waybill number."""

from __future__ import annotations

from django.conf import settings

from .base import Carrier, CarrierError, Party, PickupBooking, PickupRequest
from .signed_json import SignedJsonCarrier

__all__ = [
    "Carrier",
    "CarrierError",
    "Party",
    "PickupBooking",
    "PickupRequest",
    "SignedJsonCarrier",
    "carrier_configured",
]


def carrier_configured() -> Carrier | None:
    """The carrier set up in the settings (CARRIER_API_URL …), or None when there is none."""
    if not settings.CARRIER_API_URL:
        return None
    return SignedJsonCarrier(
        base_url=settings.CARRIER_API_URL,
        app_key=settings.CARRIER_APP_KEY,
        secret=settings.CARRIER_SECRET,
        timeout=settings.CARRIER_TIMEOUT_SECONDS,
    )
