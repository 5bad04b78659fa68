"""The vocabulary the demo stories are written in: purchases, stories and their steps."""

from __future__ import annotations

from dataclasses import dataclass

from aftersale.cases.lifecycle import Action, Status

# Who performs a step: a demo username, CUSTOMER for the buyer (the buyer's own account when
# they have one, else the handler relaying by phone), or None for the case's handler.
CUSTOMER = "customer"


@dataclass(frozen=True)
class Purchase:
    """The order a story's case is about, and how far that case has got."""

    sku: str
    signed_days_ago: float | None = 3  # None: not signed for yet
    shipped: bool = True  # for an order not signed for: in transit, or still in the warehouse
    store: str | None = None  # default: an online store picked by the seeded random
    quantity: int = 1
    account: str | None = None  # the buyer's demo login, when the buyer has one
    until: Status | None = None  # stop the story once the case sits in this status


@dataclass(frozen=True)
class Step:
    kind: str
    text: str = ""
    by: str | None = None
    arg: str = ""


@dataclass(frozen=True)
class Story:
    """One kind of request, played once per purchase (or on the order of an earlier story)."""

    key: str
    case_type: str
    category: str
    resolution: str
    channel: str
    description: str
    steps: tuple[Step, ...] = ()
    purchases: tuple[Purchase, ...] = ()
    same_order_as: str = ""
    priority: str | None = None


def customer(text: str) -> Step:
    """The buyer writes (or phones, and the handler records what they said)."""
    return Step("customer", text, CUSTOMER)


def reply(text: str, by: str | None = None) -> Step:
    return Step("reply", text, by)


def note(text: str, by: str | None = None) -> Step:
    """An internal note, never shown to the customer."""
    return Step("note", text, by)


def department_note(text: str) -> Step:
    """An internal note by the member of the department the case is routed to."""
    return Step("department_note", text)


def photo(kind: str, name: str) -> Step:
    return Step("photo", by=CUSTOMER, arg=kind, text=name)


def assign(username: str, by: str | None = None) -> Step:
    """Give the case to a handler; by default their team lead (or the director) does it."""
    return Step("assign", by=by, arg=username)


def route(department: str) -> Step:
    return Step("route", arg=department)


def recategorize(category: str) -> Step:
    return Step("recategorize", arg=category)


def act(action: Action, reason: str = "", by: str | None = None) -> Step:
    return Step("act", reason, by, action.value)


def review() -> Step:
    return act(Action.START_REVIEW)


def ask(reason: str) -> Step:
    return act(Action.REQUEST_INFO, reason)


def approve(by: str | None = None) -> Step:
    return act(Action.APPROVE, by=by)


def reject(reason: str) -> Step:
    return act(Action.REJECT, reason)


def fulfil() -> Step:
    return act(Action.START_FULFILMENT)


def resolve(reason: str) -> Step:
    return act(Action.RESOLVE, reason)


def close(by: str | None = CUSTOMER) -> Step:
    return act(Action.CLOSE, by=by)


def reopen(reason: str, by: str | None = CUSTOMER) -> Step:
    return act(Action.REOPEN, reason, by)


def cancel(reason: str, by: str | None = CUSTOMER) -> Step:
    return act(Action.CANCEL, reason, by)
