"""The event registry: one-at-a-time and batch handlers, for single and many events."""

from types import SimpleNamespace

import pytest

from aftersale.common import events


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(events, "_handlers", events.defaultdict(list))
    monkeypatch.setattr(events, "_batch_handlers", events.defaultdict(list))
    return events


def _event(kind: str, n: int):
    return SimpleNamespace(kind=kind, n=n)


def test_batch_handlers_get_each_kind_in_one_call_and_single_handlers_each_event(registry):
    calls = []
    registry.on_many("a")(lambda group: calls.append(("many a", [e.n for e in group])))
    registry.on("a")(lambda e: calls.append(("one a", e.n)))
    registry.on_many("*")(lambda group: calls.append(("many *", [e.n for e in group])))
    registry.on("b")(lambda e: calls.append(("one b", e.n)))

    registry.dispatch_many([_event("a", 1), _event("b", 2), _event("a", 3)])

    assert calls == [
        ("many a", [1, 3]),
        ("one a", 1),
        ("one a", 3),
        ("one b", 2),
        ("many *", [1, 2, 3]),
    ]


def test_a_single_event_reaches_batch_handlers_as_a_list_of_one(registry):
    calls = []
    registry.on_many("a")(lambda group: calls.append([e.n for e in group]))
    registry.dispatch(_event("a", 7))
    assert calls == [[7]]


def test_has_handlers_counts_both_kinds_and_registering_twice_registers_once(registry):
    handler = lambda group: None  # noqa: E731
    assert not registry.has_handlers("a")
    registry.on_many("a")(handler)
    registry.on_many("a")(handler)
    assert registry.has_handlers("a") and registry._batch_handlers["a"] == [handler]
