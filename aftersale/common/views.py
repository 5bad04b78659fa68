import hmac
import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from . import health as readiness
from .metrics import exposition


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "common/home.html")


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No query, so a slow database does not get it restarted."""
    return JsonResponse({"status": "ok", "database": connection.vendor})


@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when every check passes, else 503 naming the failing ones."""
    results = readiness.run_checks()
    failing = [name for name, result in results.items() if not result.ok]
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": {name: result.as_json() for name, result in results.items()},
    }
    return JsonResponse(body, status=503 if failing else 200)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text exposition: with METRICS_TOKEN set, for its bearer; else from loopback only."""
    if not _metrics_allowed(request):
        response = HttpResponse("forbidden\n", status=401 if settings.METRICS_TOKEN else 403)
        if settings.METRICS_TOKEN:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def api_not_found(request: HttpRequest) -> JsonResponse:
    """A path under /api/ that no endpoint serves: the API's error format, not an HTML page."""
    message = _("接口不存在：%(path)s") % {"path": request.path}
    error = {"field": "path", "message": message, "code": "not_found"}
    return JsonResponse({"errors": [error]}, status=404)
