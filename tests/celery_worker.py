"""A real Celery worker (solo pool) on the test database and the test Redis broker, for the
`services` tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

BROKER = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(**env: str) -> Iterator[subprocess.Popen]:
    """Run `celery worker` against the test database until the block ends; `env` adds settings."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "aftersale", "worker", "--pool=solo", "--loglevel=WARNING"]
        + ["--without-heartbeat", "--without-gossip", "--without-mingle"],
        env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
