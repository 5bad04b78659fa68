"""Celery tasks: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from aftersale.policy.services import playbook_active

from .routing import reassign_off_shift
from .sweeper import sweep


@shared_task(name="aftersale.sla.sweep")
def sweep_clocks() -> dict:
    report = sweep()
    return {
        "warned": report.warned,
        "breached": report.breached,
        "escalated": report.escalated,
        "exceptions": report.exceptions,
    }


@shared_task(name="aftersale.sla.reassign_off_shift")
def reassign_cases_off_shift() -> int:
    return reassign_off_shift(playbook=playbook_active())
