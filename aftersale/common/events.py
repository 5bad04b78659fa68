"""The one registry of case-event handlers.

A lower app records an event (a `CaseEvent` row) and calls `dispatch`; higher apps register
handlers for event types in their AppConfig.ready(). Handlers run inside the caller's
transaction, in registration order, so their writes commit or roll back with the event.
docs/architecture.md lists every event type and its handlers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], None]

_handlers: dict[str, list[Handler]] = defaultdict(list)


def on(event_type: str) -> Callable[[Handler], Handler]:
    """Register a handler for one event type (use "*" for every event)."""

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def dispatch(event: Any) -> None:
    for handler in (*_handlers.get(event.kind, ()), *_handlers.get("*", ())):
        handler(event)


def handlers_for(event_type: str) -> list[Handler]:
    return list(_handlers.get(event_type, ()))
