"""How the quality app reacts to case events (registered in QualityConfig.ready)."""

from __future__ import annotations

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import CaseEvent, EventKind
from aftersale.common import events

from .surveys import survey_open


def on_case_transitioned(event: CaseEvent) -> None:
    """A resolved case gets its satisfaction survey (once; a second resolution keeps the first)."""
    if event.to_status == Status.RESOLVED:
        survey_open(case=event.case, now=event.created_at)


def register() -> None:
    events.on(EventKind.TRANSITIONED)(on_case_transitioned)
