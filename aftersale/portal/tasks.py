"""Celery tasks: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .services import signin_records_prune


@shared_task(name="aftersale.portal.signin_records_prune")
def prune_signin_records() -> int:
    return signin_records_prune()
