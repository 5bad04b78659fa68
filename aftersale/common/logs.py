"""Structured logs: request/task context on every line, personal data masked, JSON on demand.

settings.LOGGING wires it: `ContextFilter` and `MaskingFilter` on the console handler, and
`JsonFormatter` when LOG_FORMAT=json (docs/operations.md lists the fields). `RequestLogMiddleware`
gives each request an id (the caller's X-Request-ID when sane), echoes it back and writes one access
line per request; Celery's task signals put the task id in the context of everything a task logs.
Code that knows more (the case a request is about) adds it with `log_context` or `log_bind`.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .masking import mask_text

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from a proxy or a caller: letters, digits and ._:- only, so they cannot forge log lines.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_RESERVED = frozenset(RESERVED_ATTRS)
# Fields this module writes that hold no free text: not worth a masking pass on every access line.
_NOT_PERSONAL = frozenset({"method", "status", "duration_ms", "user_id", "role", "task_id", "task"})

_context: ContextVar[dict[str, Any]] = ContextVar("aftersale_log_context", default={})  # noqa: B039 (never mutated)
access_log = logging.getLogger("aftersale.access")


# --- context -----------------------------------------------------------------------------------------


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add fields (case_number=…, …) to every log line written inside the block."""
    token = _context.set({**_context.get(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def log_bind(**fields: Any) -> None:
    """Add fields for the rest of the current request or task (their end clears them)."""
    _context.set({**_context.get(), **fields})


def current_context() -> dict[str, Any]:
    return dict(_context.get())


class ContextFilter(logging.Filter):
    """Copies the current context (request_id, task_id, case_number, …) onto each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        # django.request logs a failed response after the middleware returned, with the request.
        request_id = getattr(getattr(record, "request", None), "request_id", None)
        if request_id and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


# --- masking -----------------------------------------------------------------------------------------


def _masked(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return mask_text(str(value))  # objects too (django.request's request: its URL has the query)


class MaskingFilter(logging.Filter):
    """Masks mobile numbers, e-mail addresses and ID-card numbers in the message, the extra fields
    and the traceback, whatever logger wrote them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        for key, value in list(record.__dict__.items()):
            if key not in _RESERVED and key not in _NOT_PERSONAL:
                setattr(record, key, _masked(value))
        return True


# --- JSON --------------------------------------------------------------------------------------------


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, then any context and
    extra fields (request_id, task_id, method, path, status, duration_ms, user_id, role, …)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
            **kwargs,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def formatException(self, ei) -> str:  # noqa: N802
        # This formatter formats exc_info itself rather than reuse the filter's masked exc_text.
        return mask_text(super().formatException(ei))


# --- requests ----------------------------------------------------------------------------------------


def _request_id(request: HttpRequest) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _user_of(request: HttpRequest):
    """The user the request was served for, if already known. A session user not looked at by the
    view is left alone: evaluating it here would cost queries on every request."""
    auth = getattr(request, "auth", None)  # django-ninja's bearer authentication
    if getattr(auth, "pk", None) is not None:
        return auth
    lazy = request.__dict__.get("user")
    user = getattr(lazy, "_wrapped", lazy) if lazy is not None else None
    if user is empty or user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def _case_number(request: HttpRequest, view_kwargs: dict[str, Any]) -> str | None:
    match = request.resolver_match
    number = view_kwargs.get("number")
    if number and match is not None and "cases/" in match.route:
        return str(number)
    return None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = _request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token: Token = _context.set({"request_id": request_id})
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self._access_line(request, response, started)
            return response
        finally:
            _context.reset(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        number = _case_number(request, view_kwargs)
        if number:
            log_bind(case_number=number)

    def _access_line(self, request: HttpRequest, response: HttpResponse, started: float) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        fields: dict[str, Any] = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
        }
        user = _user_of(request)
        if user is not None:
            fields["user_id"] = user.pk
            fields["role"] = getattr(user, "role", "")
        access_log.info(
            "%s %s %s %sms", request.method, request.path, response.status_code, duration_ms, extra=fields
        )


# --- Celery ------------------------------------------------------------------------------------------

_TASK_FIELDS = ("task_id", "task")


def _task_started(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    log_bind(task_id=task_id, task=getattr(task, "name", None))


def _task_finished(**_: Any) -> None:
    # Not sent when an inline task raises into its caller: its id then stays on the caller's lines
    # until the request ends or the next task starts, which names the failing task there.
    _context.set({key: value for key, value in _context.get().items() if key not in _TASK_FIELDS})


def connect_celery() -> None:
    """Every line a task logs carries its id (worker, beat-less scheduler and eager runs alike)."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, weak=False, dispatch_uid="aftersale.logs.task_started")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="aftersale.logs.task_finished")
