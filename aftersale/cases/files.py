"""Evidence files served only to who may see their case (the /media/ route): a signed-in user
(session) or an integration (bearer token). Anyone else — another customer included — gets a 404,
as if the file did not exist. Every answer forbids content sniffing and runs under a sandboxing
CSP; only re-encoded photo types are shown inline, everything else is a download."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from aftersale.common.auth import user_for_token

from .images import REENCODED
from .models import Evidence
from .selectors import can_view

FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"


def _viewer(request: HttpRequest):
    if request.user.is_authenticated and request.user.is_active:
        return request.user
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return user_for_token(header.removeprefix("Bearer ").strip())
    return None


@require_GET
def evidence_file(request: HttpRequest, path: str) -> FileResponse:
    viewer = _viewer(request)
    evidence = (
        Evidence.objects.select_related("case__customer").filter(file=path).first()
        if viewer is not None
        else None
    )
    if evidence is None or not can_view(viewer, evidence.case):
        raise Http404
    try:
        stream = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = evidence.content_type in REENCODED
    response = FileResponse(
        stream,
        content_type=evidence.content_type,
        as_attachment=not inline,
        filename=evidence.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, max-age=3600"
    return response
