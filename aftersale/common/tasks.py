"""Celery tasks of common: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .health import HEARTBEAT_TASK, WORKER_HEARTBEAT, heartbeat_record


@shared_task(name=HEARTBEAT_TASK)
def heartbeat() -> None:
    """Run by whatever executes the schedule (a Celery worker, or `aftersale scheduler`)."""
    heartbeat_record(name=WORKER_HEARTBEAT)
