"""Celery tasks: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .surveys import surveys_remind


@shared_task(name="aftersale.quality.surveys_remind")
def remind_surveys() -> int:
    return surveys_remind()


@shared_task(name="aftersale.quality.batch_defects_scan")
def scan_batch_defects() -> int:
    from .defects import batch_defects_scan

    return len(batch_defects_scan())


@shared_task(name="aftersale.quality.rollup_refresh")
def refresh_rollup() -> int:
    from .rollup import rollup_refresh

    return rollup_refresh()
