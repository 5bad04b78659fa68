"""The one registry of case-event handlers.

A lower app records an event (a `CaseEvent` row) and calls `dispatch`; higher apps register
handlers for event types in their AppConfig.ready(). Handlers run inside the caller's
transaction, in registration order, so their writes commit or roll back with the event.

Events recorded many at a time (the sweeper acts on thousands of clocks per batch) go through
`dispatch_many`: a handler registered with `on_many` gets all events of its type in one call, so it
can look things up once and write in bulk; handlers registered with `on` still get one event each.
docs/architecture.md lists every event type and its handlers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], None]
BatchHandler = Callable[[list[Any]], None]

_handlers: dict[str, list[Handler]] = defaultdict(list)
_batch_handlers: dict[str, list[BatchHandler]] = defaultdict(list)
# Optional guards: a handler whose guard says False is not counted by `has_handlers`, so events
# recorded many at a time can take the fast path when nobody is listening (e.g. no webhook subscriber).
_guards: dict[Callable, Callable[[], bool]] = {}


def on(event_type: str, *, when: Callable[[], bool] | None = None) -> Callable[[Handler], Handler]:
    """Register a handler for one event type (use "*" for every event); `when`: see `has_handlers`."""

    def register(handler: Handler) -> Handler:
        if when is not None:
            _guards[handler] = when
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def on_many(
    event_type: str, *, when: Callable[[], bool] | None = None
) -> Callable[[BatchHandler], BatchHandler]:
    """Register a handler that takes a list of events of one type (use "*" for every event).
    For a single event it is called with a list of one."""

    def register(handler: BatchHandler) -> BatchHandler:
        if when is not None:
            _guards[handler] = when
        if handler not in _batch_handlers[event_type]:
            _batch_handlers[event_type].append(handler)
        return handler

    return register


def dispatch(event: Any) -> None:
    for handler in (*_handlers.get(event.kind, ()), *_handlers.get("*", ())):
        handler(event)
    for batch_handler in (*_batch_handlers.get(event.kind, ()), *_batch_handlers.get("*", ())):
        batch_handler([event])


def dispatch_many(recorded: list[Any]) -> None:
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for event in recorded:
        by_kind[event.kind].append(event)
    for kind, group in by_kind.items():
        for batch_handler in _batch_handlers.get(kind, ()):
            batch_handler(group)
        for handler in _handlers.get(kind, ()):
            for event in group:
                handler(event)
    for batch_handler in _batch_handlers.get("*", ()):
        batch_handler(recorded)
    for handler in _handlers.get("*", ()):
        for event in recorded:
            handler(event)


def has_handlers(event_type: str) -> bool:
    """Whether an event of this type would interest anyone: handlers registered with a `when`
    guard count only while their guard says True."""
    return any(
        handler not in _guards or _guards[handler]()
        for handler in (*_handlers.get(event_type, ()), *_batch_handlers.get(event_type, ()))
    )
