"""Masking of personal data for displays, logs and exports."""

from __future__ import annotations


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
