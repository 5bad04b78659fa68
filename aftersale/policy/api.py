"""Playbook endpoints: read, publish (YAML), activate, export, diff."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.common.permissions import require_role
from aftersale.common.role_auth import role_auth
from aftersale.common.roles import STAFF_ROLES
from aftersale.common.schemas import InSchema

from .models import PlaybookVersion
from .services import (
    EDITOR_ROLES,
    PUBLISH_ACTION,
    playbook_activate,
    playbook_diff,
    playbook_publish,
    playbook_version,
)

router = Router(tags=["playbook"])
VersionNo = Annotated[int, Field(ge=1, le=2**31)]


class VersionOut(Schema):
    number: int
    reason: str
    created_by: str
    created_at: datetime
    is_active: bool
    activated_at: datetime | None


class VersionDetailOut(VersionOut):
    content: dict[str, Any]


class PublishIn(InSchema):
    source: str = Field(min_length=1, max_length=512 * 1024, description="The playbook as YAML")
    reason: str = Field(min_length=1, max_length=500)
    activate: bool = True


class DiffQuery(Schema):
    old: int = Field(ge=1, le=2**31, alias="from")
    new: int = Field(ge=1, le=2**31, alias="to")


class DiffOut(Schema):
    from_: int = Field(alias="from")
    to: int
    changes: list[dict[str, Any]]
    text: str


def _out(v: PlaybookVersion, detail: bool = False):
    fields = dict(
        number=v.number,
        reason=v.reason,
        created_by=str(v.created_by) if v.created_by else "system",
        created_at=v.created_at,
        is_active=v.is_active,
        activated_at=v.activated_at,
    )
    return VersionDetailOut(content=v.content, **fields) if detail else VersionOut(**fields)


def _staff(request) -> None:
    require_role(request.auth, STAFF_ROLES, action=_("查看售后政策"))


@router.get("/playbook", response=VersionDetailOut, summary="The active playbook")
def active_playbook(request):
    _staff(request)
    return _out(playbook_version(), detail=True)


@router.get("/playbook/versions", response=list[VersionOut], summary="All versions, newest first")
def list_versions(request):
    _staff(request)
    return [_out(v) for v in PlaybookVersion.objects.select_related("created_by")[:500]]


@router.get("/playbook/versions/{number}", response=VersionDetailOut, summary="One version")
def get_version(request, number: VersionNo):
    _staff(request)
    return _out(playbook_version(number), detail=True)


@router.get("/playbook/versions/{number}/yaml", summary="One version as YAML, as it was published")
def export_version(request, number: VersionNo):
    _staff(request)
    version = playbook_version(number)
    response = HttpResponse(version.source, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="playbook-v{version.number}.yaml"'
    return response


@router.post(
    "/playbook/versions",
    response={201: VersionDetailOut},
    summary="Publish a new version (director)",
    auth=role_auth(EDITOR_ROLES, action=PUBLISH_ACTION),
)
def publish_version(request, payload: PublishIn):
    version = playbook_publish(
        source=payload.source, reason=payload.reason, actor=request.auth, activate=payload.activate
    )
    return Reply(201, _out(version, detail=True))


@router.post(
    "/playbook/versions/{number}/activate",
    response=VersionOut,
    summary="Make a version the active one",
    auth=role_auth(EDITOR_ROLES, action=gettext_lazy("启用售后政策版本")),
)
def activate_version(request, number: VersionNo):
    return _out(playbook_activate(number=number, actor=request.auth))


@router.get("/playbook/diff", response=DiffOut, summary="What changed between two versions")
def diff_versions(request, query: Query[DiffQuery]):
    _staff(request)
    return playbook_diff(playbook_version(query.old), playbook_version(query.new))
