"""The periodic schedule, declared once: Celery beat reads it in production, and with no broker
`aftersale serve` runs the same entries in a scheduler process of its own (`aftersale scheduler`)."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)

# Celery task name → interval in seconds.
SCHEDULE: dict[str, int] = {
    "aftersale.common.heartbeat": 30,  # /readyz: the workers are alive
    "aftersale.sla.sweep": 30,
    "aftersale.sla.reassign_off_shift": 300,
    "aftersale.fulfilment.refunds_retry_due": 60,
    "aftersale.fulfilment.repairs_flag_overdue": 3600,
    "aftersale.channels.deliver_outbox": 10,
    "aftersale.channels.relay_alerts": 30,
    "aftersale.channels.poll_mailbox": 60,
    "aftersale.quality.surveys_remind": 3600,
    "aftersale.quality.batch_defects_scan": 3600,
    "aftersale.quality.rollup_refresh": 60,
    "aftersale.portal.signin_records_prune": 3600,
    "aftersale.privacy.retention_sweep": 86400,
}


def beat_schedule() -> dict:
    """The schedule in Celery beat's format."""
    return {name: {"task": name, "schedule": float(seconds)} for name, seconds in SCHEDULE.items()}


def run_forever(stop: threading.Event | None = None, tick: float = 1.0) -> None:
    """Run every task at its interval in this process until `stop` is set."""
    from aftersale.celery import app
    from aftersale.common.metrics import tasks_run

    app.loader.import_default_modules()
    stop = stop or threading.Event()
    next_run = dict.fromkeys(SCHEDULE, 0.0)
    while not stop.is_set():
        now = time.monotonic()
        for name, seconds in SCHEDULE.items():
            if now >= next_run[name]:
                next_run[name] = now + seconds
                try:
                    app.tasks[name].apply()
                except Exception:  # one failing run must not stop the schedule
                    log.exception("scheduled task %s failed", name)
                    tasks_run.labels(name, "FAILURE").inc()  # raised here, so Celery's signals never came
        stop.wait(tick)
