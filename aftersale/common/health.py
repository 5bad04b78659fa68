"""Readiness checks for /readyz: can this instance do its work right now?

Each check is a function returning a `CheckResult`; common registers the database, migrations,
broker and worker-heartbeat checks, higher apps register theirs in AppConfig.ready() (sla: the
business calendar). A check that raises counts as failed, named by the exception's class only:
the output is public (load balancers call it unauthenticated), so it never carries URLs,
credentials or personal data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from aftersale.schedule import SCHEDULE

HEARTBEAT_TASK = "aftersale.common.heartbeat"
WORKER_HEARTBEAT = "worker"
# How many heartbeat intervals may pass before the workers count as gone.
HEARTBEAT_GRACE = 3
BROKER_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str = ""
    # Something an operator must act on soon, but not a reason to take the instance out of service.
    warning: str = ""

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"ok": self.ok}
        if self.detail:
            out["detail"] = self.detail
        if self.warning:
            out["warning"] = self.warning
        return out


Check = Callable[[], CheckResult]
_checks: dict[str, Check] = {}


def register(name: str) -> Callable[[Check], Check]:
    def add(check: Check) -> Check:
        _checks[name] = check
        return check

    return add


def run_checks() -> dict[str, CheckResult]:
    results = {}
    for name, check in _checks.items():
        try:
            results[name] = check()
        except Exception as exc:  # a check that cannot run is a failed check, not a 500
            results[name] = CheckResult(False, f"error: {type(exc).__name__}")
    return results


@register("database")
def check_database() -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return CheckResult(True, connection.vendor)


_migrations_seen_applied = False


@register("migrations")
def check_migrations() -> CheckResult:
    # Reading the migration files is the expensive part; once everything was applied in this
    # process it stays so (new migrations only arrive with a new release, i.e. a restart).
    global _migrations_seen_applied
    if not _migrations_seen_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return CheckResult(False, f"{len(plan)} unapplied")
        _migrations_seen_applied = True
    return CheckResult(True, "applied")


@functools.cache
def _redis(url: str):  # one connection pool per process
    import redis

    return redis.Redis.from_url(
        url, socket_timeout=BROKER_TIMEOUT_SECONDS, socket_connect_timeout=BROKER_TIMEOUT_SECONDS
    )


@register("broker")
def check_broker() -> CheckResult:
    url = settings.CELERY_BROKER_URL
    if not url:
        return CheckResult(True, "none: tasks run inline")
    if url.startswith(("redis://", "rediss://")):
        _redis(url).ping()
        return CheckResult(True, "redis")
    from kombu import Connection

    with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1)
    return CheckResult(True, "amqp")


def heartbeat_max_age() -> timedelta:
    return timedelta(seconds=HEARTBEAT_GRACE * SCHEDULE[HEARTBEAT_TASK])


@register("worker")
def check_worker() -> CheckResult:
    from .models import Heartbeat

    beat_at = Heartbeat.objects.filter(name=WORKER_HEARTBEAT).values_list("beat_at", flat=True).first()
    if beat_at is None:
        return CheckResult(False, "no heartbeat yet")
    age = (timezone.now() - beat_at).total_seconds()
    if age > heartbeat_max_age().total_seconds():
        return CheckResult(False, f"last heartbeat {age:.0f}s ago")
    return CheckResult(True, f"last heartbeat {age:.0f}s ago")


def heartbeat_record(*, name: str) -> None:
    """Note that the periodic job `name` ran now: what `check_worker` reads."""
    from .models import Heartbeat

    with transaction.atomic():
        Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})
