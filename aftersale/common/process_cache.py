"""Small, rarely changed tables that every case intake reads (the active case categories, the
active playbook's number, webhook subscribers, the auto-assignment roster, team schedules), kept
in each server process for a few seconds instead of asked of the database on every request.

A change made in this process is seen at once: whoever changes such a table forgets its entry (a
post_save / post_delete receiver, see `forget_on_change`). Other processes see it within the
entry's time to live, and so does this one when the change is rolled back after the entry was
read again. Values are shared by every request of the process: treat them as read-only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_TTL_SECONDS = 5.0

_entries: dict[str, tuple[float, Any]] = {}


def remembered(key: str, compute: Callable[[], T], *, ttl: float = DEFAULT_TTL_SECONDS) -> T:
    """The value kept under `key`, computed afresh when it is missing or older than `ttl` seconds."""
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and now - entry[0] < ttl:
        return entry[1]
    value = compute()
    _entries[key] = (now, value)
    return value


def forget(*keys: str) -> None:
    """Drop these entries (all of them when no key is named)."""
    if not keys:
        _entries.clear()
    for key in keys:
        _entries.pop(key, None)


def forget_on_change(models: Iterable[type], *keys: str) -> None:
    """Forget `keys` whenever a row of one of `models` is saved or deleted (call in AppConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    def receiver(*_args, **_kwargs) -> None:
        forget(*keys)

    for model in models:
        uid = f"process_cache:{model._meta.label}:{','.join(keys)}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
