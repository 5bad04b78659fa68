"""The REST API at /api/v1/: one NinjaAPI, one error format for everything."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from aftersale.cases.api import router as cases_router
from aftersale.cases.api_eligibility import router as eligibility_router
from aftersale.catalog.api import router as catalog_router
from aftersale.channels.api import router as channels_router
from aftersale.common.api import router as common_router
from aftersale.common.auth import api_auth
from aftersale.common.errors import DomainError, FieldError
from aftersale.common.validation import field_errors
from aftersale.fulfilment.api import routers as fulfilment_routers
from aftersale.knowledge.api import router as knowledge_router
from aftersale.policy.api import router as policy_router
from aftersale.privacy.api import router as privacy_router
from aftersale.quality.api import router as quality_router
from aftersale.sla.api import router as sla_router
from aftersale.sop.api import router as sop_router

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="aftersale API",
    version="1",
    description='售后服务管理系统 API. Errors are JSON: {"errors": [{"field", "message", "code"}]}; '
    "messages follow Accept-Language (zh-hans default, en).",
    auth=api_auth,
    urls_namespace="api",
)


def _errors(request: HttpRequest, errors: list[FieldError], status: int):
    return api.create_response(request, {"errors": [e.as_dict() for e in errors]}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _errors(request, exc.errors, exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = []
    for error in field_errors(exc.errors):
        parts = error.field.split(".")
        # Drop where the value came from ("body", "query", ...) and the handler's parameter name.
        if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
            parts = parts[1:]
        if parts and parts[0] == "payload":
            parts = parts[1:]
        error.field = ".".join(parts) or "body"
        errors.append(error)
    return _errors(request, errors, 422)


@api.exception_handler(RequestDataTooBig)
def _body_too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20
    message = _("请求体过大：上限 %(mb)s MB（文件请用上传接口）") % {"mb": limit}
    return _errors(request, [FieldError("body", message, "too_large")], 413)


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def _too_many_fields(request, exc):
    return _errors(request, [FieldError("body", _("请求包含的字段或文件过多"), "too_many_fields")], 400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    error = FieldError("authorization", _("需要登录或有效的 API 令牌"), "unauthenticated")
    return _errors(request, [error], 401)


@api.exception_handler(AuthorizationError)
def _forbidden(request, exc):
    return _errors(request, [FieldError("authorization", _("无权执行此操作"), "forbidden")], 403)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # django-ninja's own (English) message for a body that is not valid JSON.
        return _errors(request, [FieldError("body", _("请求体不是有效的 JSON"), "invalid_json")], 400)
    return _errors(request, [FieldError("request", str(exc), "http_error")], exc.status_code)


api.add_router("/", common_router)
api.add_router("/", catalog_router)
api.add_router("/", cases_router)
api.add_router("/", eligibility_router)
api.add_router("/", policy_router)
api.add_router("/", sla_router)
for fulfilment_router in fulfilment_routers:
    api.add_router("/", fulfilment_router)
api.add_router("/", knowledge_router)
api.add_router("/", channels_router)
api.add_router("/", quality_router)
api.add_router("/", sop_router)
api.add_router("/", privacy_router)
