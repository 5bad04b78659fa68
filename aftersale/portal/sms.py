"""The SMS adapter interface. `SMS_BACKEND = "console"` (the default) only logs the text, and lets
the page show a one-time code, so a demo or a test can sign in without a phone."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from aftersale.common.masking import mask_phone

logger = logging.getLogger("aftersale.sms")


class SmsBackend(Protocol):
    # True only for a backend that delivers nothing: the page may then show the code itself.
    shows_code: bool

    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    shows_code = True

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


BACKENDS: dict[str, type] = {"console": ConsoleSmsBackend}


def sms_backend() -> SmsBackend:
    """The configured backend: a name from BACKENDS or the dotted path of a class."""
    name = getattr(settings, "SMS_BACKEND", "console") or "console"
    try:
        backend_class = BACKENDS[name] if name in BACKENDS else import_string(name)
    except ImportError as error:
        raise ImproperlyConfigured(f"SMS_BACKEND: unknown backend {name!r}") from error
    return backend_class()
