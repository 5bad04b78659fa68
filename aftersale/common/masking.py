"""Masking of personal data for displays, logs and exports."""

from __future__ import annotations

import re


def mask_phone(phone: str | None) -> str:
    """138****1234 for an 11-digit mobile; keeps only the ends of anything else."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * len(digits)


def mask_name(name: str | None) -> str:
    """张** for 张小明; J*** for John."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_address(address: str | None) -> str:
    if not address:
        return ""
    keep = min(6, max(len(address) // 3, 1))
    return address[:keep] + "****"


def mask_email(email: str | None) -> str:
    """z***@example.com for zhang.xm@example.com."""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_id_card(number: str | None) -> str:
    """110***********1234 for an 18-character resident ID number."""
    if not number:
        return ""
    return number[:3] + "*" * max(len(number) - 7, 1) + number[-4:]


# Runs of digits and letters around a match are part of something else (an order number, a hash).
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d{9}(?!\d)")  # with or without +86
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ELEVEN_DIGITS = re.compile(r"\d{11}")


def mask_text(text: str) -> str:
    """Mask every mobile number, e-mail address and ID-card number found in free text (logs).
    Runs on every log line, hence the cheap tests first; ID numbers before mobile numbers, as
    their digits would otherwise pass for one."""
    if _ELEVEN_DIGITS.search(text):
        text = _ID_CARD.sub(lambda m: mask_id_card(m.group()), text)
        text = _MOBILE.sub(lambda m: m.group()[:-11] + mask_phone(m.group()[-11:]), text)
    if "@" in text:
        text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    return text
