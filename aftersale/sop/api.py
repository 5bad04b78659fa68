"""SOP endpoints: generate from a business description, publish the draft, the handbook and its diff,
training materials and the quiz."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.common.permissions import require_role
from aftersale.common.role_auth import role_auth
from aftersale.common.roles import STAFF_ROLES
from aftersale.common.schemas import InSchema
from aftersale.policy.services import EDITOR_ROLES, PUBLISH_ACTION

from .render import FORMATS, render
from .schemas import GenerateIn
from .services import (
    handbook_diff,
    handbook_document,
    sop_draft_publish,
    sop_generate,
    training_document,
    training_quiz,
)

router = Router(tags=["sop"])
Format = Literal["json", "md", "html", "docx", "pdf"]
DocFormat = Literal["md", "html", "docx", "pdf"]
Lang = Literal["zh-hans", "en"]


def _staff(request) -> None:
    require_role(request.auth, STAFF_ROLES, action=_("查看 SOP 与培训手册"))


def _lang(lang: str | None) -> str:
    if lang:
        return lang
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hans"


def file_response(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    disposition = "inline" if fmt in ("md", "html") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.{fmt}"'
    return response


class GenerateQuery(Schema):
    format: Format = "json"
    lang: Lang | None = None


class GenerateOut(Schema):
    return_process: str
    complaint_sop: str
    escalation_procedures: str
    service_recovery: str
    compensation_matrix: str
    quality_standards: str
    training_materials: str
    playbook: dict[str, Any]
    warnings: list[dict[str, str]]


@router.post("/sop/generate", response=GenerateOut, summary="The SOP for a business described in free text")
def generate(request, payload: GenerateIn, query: Query[GenerateQuery]):
    _staff(request)
    result = sop_generate(data=payload, lang=_lang(query.lang))
    if query.format == "json":
        return result.as_json()
    return file_response(render(result.document, query.format), query.format, "sop")


class PublishDraftIn(InSchema):
    playbook: dict[str, Any] = Field(description="The draft from /sop/generate, reviewed and edited")
    reason: str = Field(min_length=1, max_length=500)
    activate: bool = False


class PublishedOut(Schema):
    number: int
    is_active: bool


@router.post(
    "/sop/drafts/publish",
    response={201: PublishedOut},
    summary="Publish a draft as a playbook version (director)",
    auth=role_auth(EDITOR_ROLES, action=PUBLISH_ACTION),
)
def publish_draft(request, payload: PublishDraftIn):
    version = sop_draft_publish(
        playbook=payload.playbook, reason=payload.reason, actor=request.auth, activate=payload.activate
    )
    return Reply(201, PublishedOut(number=version.number, is_active=version.is_active))


class HandbookQuery(Schema):
    version: int | None = Field(default=None, ge=1, le=2**31, description="Default: the active version")
    format: DocFormat = "md"
    lang: Lang | None = None


@router.get("/sop/handbook", summary="The SOP handbook of a playbook version (md, html, docx, pdf)")
def handbook(request, query: Query[HandbookQuery]):
    _staff(request)
    document = handbook_document(number=query.version, lang=_lang(query.lang))
    name = f"handbook-{_lang(query.lang)}"
    return file_response(render(document, query.format), query.format, name)


class DiffQuery(Schema):
    old: int = Field(ge=1, le=2**31, alias="from")
    new: int = Field(ge=1, le=2**31, alias="to")
    lang: Lang | None = None


class SectionDiffOut(Schema):
    key: str
    title: str
    diff: str


class HandbookDiffOut(Schema):
    from_: int = Field(alias="from")
    to: int
    lang: str
    sections: list[SectionDiffOut]
    text: str


@router.get(
    "/sop/handbook/diff",
    response=HandbookDiffOut,
    by_alias=True,
    summary="What changed in the handbook between versions",
)
def diff(request, query: Query[DiffQuery]):
    _staff(request)
    return handbook_diff(old=query.old, new=query.new, lang=_lang(query.lang))


class TrainingQuery(Schema):
    role: Literal["agent", "team_lead", "director", "optimizer"]
    version: int | None = Field(default=None, ge=1, le=2**31, description="Default: the active version")
    format: DocFormat = "md"
    lang: Lang | None = None


@router.get("/sop/training", summary="Training materials for a role (md, html, docx, pdf)")
def training(request, query: Query[TrainingQuery]):
    _staff(request)
    document = training_document(role=query.role, number=query.version, lang=_lang(query.lang))
    name = f"training-{query.role}-{_lang(query.lang)}"
    return file_response(render(document, query.format), query.format, name)


class QuizQuery(Schema):
    version: int | None = Field(default=None, ge=1, le=2**31, description="Default: the active version")
    lang: Lang | None = None


class QuestionOut(Schema):
    key: str
    text: str
    choices: list[str]
    answer: str
    explanation: str


@router.get(
    "/sop/training/quiz", response=list[QuestionOut], summary="The quiz and its key (from the engine)"
)
def training_quiz_view(request, query: Query[QuizQuery]):
    _staff(request)
    return [QuestionOut(**vars(q)) for q in training_quiz(number=query.version, lang=_lang(query.lang))]
