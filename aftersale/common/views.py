from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "common/home.html")


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def api_not_found(request: HttpRequest) -> JsonResponse:
    """A path under /api/ that no endpoint serves: the API's error format, not an HTML page."""
    message = _("接口不存在：%(path)s") % {"path": request.path}
    error = {"field": "path", "message": message, "code": "not_found"}
    return JsonResponse({"errors": [error]}, status=404)
