"""Knowledge endpoints: articles, reply scripts (and filling them for a case), the case library."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Annotated

from django.utils import translation
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.role_auth import role_auth
from aftersale.common.schemas import InSchema

from . import selectors, services
from .access import EDITOR_ROLES, LIBRARIAN_ROLES
from .models import Article, ArticleKind, ReferenceCase, ReplyScript

# Checked before the body is read: a role that may not edit learns nothing from a 422.
EDIT_ACTION = gettext_lazy("编辑知识库")

router = Router(tags=["knowledge"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
Codes = Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(max_length=50)]


class SearchQuery(Schema):
    q: str = Field(default="", max_length=200)
    kind: ArticleKind | None = None
    limit: int = Field(default=20, ge=1, le=selectors.MAX_RESULTS)


class ArticleOut(Schema):
    id: int
    kind: str
    slug: str
    title: str
    title_en: str
    body: str
    body_en: str
    categories: list[str]
    team: int | None
    is_published: bool
    updated_at: datetime
    matches: int = 0


class ArticleIn(InSchema):
    kind: ArticleKind
    slug: str = Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field(default="", max_length=200)
    body: str = Field(min_length=1, max_length=20_000)
    body_en: str = Field(default="", max_length=20_000)
    categories: Codes = []
    team: int | None = None
    is_published: bool = True
    sort_order: int = Field(default=100, ge=0, le=32767)


class ArticlePatch(InSchema):
    kind: ArticleKind | None = None
    slug: str | None = Field(default=None, min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)
    body_en: str | None = Field(default=None, max_length=20_000)
    categories: Codes | None = None
    team: int | None = None
    is_published: bool | None = None
    sort_order: int | None = Field(default=None, ge=0, le=32767)


class ScriptOut(Schema):
    id: int
    title: str
    title_en: str
    body: str
    body_en: str
    categories: list[str]
    team: int | None
    is_active: bool
    matches: int = 0


class ScriptIn(InSchema):
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field(default="", max_length=200)
    body: str = Field(min_length=1, max_length=5_000)
    body_en: str = Field(default="", max_length=5_000)
    categories: Codes = []
    team: int | None = None
    is_active: bool = True
    sort_order: int = Field(default=100, ge=0, le=32767)


class ScriptPatch(InSchema):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    body: str | None = Field(default=None, min_length=1, max_length=5_000)
    body_en: str | None = Field(default=None, max_length=5_000)
    categories: Codes | None = None
    team: int | None = None
    is_active: bool | None = None
    sort_order: int | None = Field(default=None, ge=0, le=32767)


class RenderQuery(Schema):
    case: CaseNumber


class RenderedOut(Schema):
    script: int
    title: str
    text: str
    missing: list[str]


class ReferenceIn(InSchema):
    lesson: str = Field(min_length=1, max_length=5_000)
    title: str = Field(default="", max_length=200)
    summary: str = Field(default="", max_length=5_000)


class ReferenceOut(Schema):
    id: int
    case: str | None  # the case number, for those who may open the case
    title: str
    summary: str
    lesson: str
    category: str
    skus: list[str]
    created_at: datetime
    matches: int = 0


class LibraryQuery(Schema):
    q: str = Field(default="", max_length=200)
    limit: int = Field(default=20, ge=1, le=selectors.MAX_RESULTS)


def _article_out(article: Article, matches: int = 0) -> ArticleOut:
    return ArticleOut(
        id=article.pk,
        kind=article.kind,
        slug=article.slug,
        title=article.title,
        title_en=article.title_en,
        body=article.body,
        body_en=article.body_en,
        categories=[c.code for c in article.categories.all()],
        team=article.team_id,
        is_published=article.is_published,
        updated_at=article.updated_at,
        matches=matches,
    )


def _script_out(script: ReplyScript, matches: int = 0) -> ScriptOut:
    return ScriptOut(
        id=script.pk,
        title=script.title,
        title_en=script.title_en,
        body=script.body,
        body_en=script.body_en,
        categories=[c.code for c in script.categories.all()],
        team=script.team_id,
        is_active=script.is_active,
        matches=matches,
    )


def _reference_out(user, ref: ReferenceCase, matches: int = 0) -> ReferenceOut:
    return ReferenceOut(
        id=ref.pk,
        case=ref.case.number if selectors.reference_case_link(user, ref) else None,
        title=ref.title,
        summary=ref.summary,
        lesson=ref.lesson,
        category=ref.category.code,
        skus=ref.skus,
        created_at=ref.created_at,
        matches=matches,
    )


def _rendered_out(rendered: selectors.RenderedScript) -> RenderedOut:
    return RenderedOut(
        script=rendered.script.pk, title=rendered.title, text=rendered.text, missing=rendered.missing
    )


# ---- articles ---------------------------------------------------------------------------------


def _present(input_class: type, obj: Article | ReplyScript) -> dict:
    """What an article or script holds now, in the fields of its input dataclass (a PATCH changes
    only what it names)."""
    values = {
        f.name: getattr(obj, f.name) for f in fields(input_class) if f.name not in ("categories", "team")
    }
    return {**values, "categories": [c.code for c in obj.categories.all()], "team": obj.team_id}


@router.get("/knowledge/articles", response=list[ArticleOut], summary="Search articles (customers: FAQ only)")
def list_articles(request, query: Query[SearchQuery]):
    hits = selectors.article_search(user=request.auth, query=query.q, kind=query.kind, limit=query.limit)
    articles = Article.objects.prefetch_related("categories").in_bulk([h.obj.pk for h in hits])
    return [_article_out(articles[h.obj.pk], h.hits) for h in hits]


@router.get("/knowledge/articles/{article_id}", response=ArticleOut, summary="One article")
def get_article(request, article_id: int):
    return _article_out(selectors.article_get(user=request.auth, pk=article_id))


@router.post(
    "/knowledge/articles",
    response={201: ArticleOut},
    summary="Write an article",
    auth=role_auth(EDITOR_ROLES, action=EDIT_ACTION),
)
def create_article(request, payload: ArticleIn):
    article = services.article_create(actor=request.auth, data=services.ArticleIn(**payload.dict()))
    return Reply(201, _article_out(article))


@router.patch(
    "/knowledge/articles/{article_id}",
    response=ArticleOut,
    summary="Change an article",
    auth=role_auth(EDITOR_ROLES, action=EDIT_ACTION),
)
def update_article(request, article_id: int, payload: ArticlePatch):
    article = selectors.article_get(user=request.auth, pk=article_id)
    data = services.ArticleIn(**{**_present(services.ArticleIn, article), **payload.dict(exclude_unset=True)})
    return _article_out(services.article_update(actor=request.auth, article=article, data=data))


# ---- reply scripts ----------------------------------------------------------------------------


@router.get("/knowledge/scripts", response=list[ScriptOut], summary="Search reply scripts")
def list_scripts(request, query: Query[LibraryQuery]):
    hits = selectors.script_search(user=request.auth, query=query.q, limit=query.limit)
    scripts = ReplyScript.objects.prefetch_related("categories").in_bulk([h.obj.pk for h in hits])
    return [_script_out(scripts[h.obj.pk], h.hits) for h in hits]


@router.get("/knowledge/scripts/{script_id}", response=ScriptOut, summary="One reply script")
def get_script(request, script_id: int):
    return _script_out(selectors.script_get(user=request.auth, pk=script_id))


@router.post(
    "/knowledge/scripts",
    response={201: ScriptOut},
    summary="Write a reply script",
    auth=role_auth(EDITOR_ROLES, action=EDIT_ACTION),
)
def create_script(request, payload: ScriptIn):
    script = services.script_create(actor=request.auth, data=services.ScriptIn(**payload.dict()))
    return Reply(201, _script_out(script))


@router.patch(
    "/knowledge/scripts/{script_id}",
    response=ScriptOut,
    summary="Change a reply script",
    auth=role_auth(EDITOR_ROLES, action=EDIT_ACTION),
)
def update_script(request, script_id: int, payload: ScriptPatch):
    script = selectors.script_get(user=request.auth, pk=script_id)
    data = services.ScriptIn(**{**_present(services.ScriptIn, script), **payload.dict(exclude_unset=True)})
    return _script_out(services.script_update(actor=request.auth, script=script, data=data))


@router.get(
    "/knowledge/scripts/{script_id}/render", response=RenderedOut, summary="A reply script filled for a case"
)
def render_script(request, script_id: int, query: Query[RenderQuery]):
    script = selectors.script_get(user=request.auth, pk=script_id)
    case = case_get(user=request.auth, number=query.case)
    rendered = selectors.script_render(
        user=request.auth, script=script, case=case, language=translation.get_language()
    )
    return _rendered_out(rendered)


@router.get(
    "/cases/{number}/reply-scripts", response=list[RenderedOut], summary="Reply scripts suggested for a case"
)
def case_reply_scripts(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    scripts = selectors.scripts_for_case(user=request.auth, case=case, language=translation.get_language())
    return [_rendered_out(r) for r in scripts]


# ---- the case library -------------------------------------------------------------------------


@router.get("/knowledge/reference-cases", response=list[ReferenceOut], summary="Search the case library")
def list_references(request, query: Query[LibraryQuery]):
    hits = selectors.reference_search(user=request.auth, query=query.q, limit=query.limit)
    return [_reference_out(request.auth, h.obj, h.hits) for h in hits]


@router.get("/knowledge/reference-cases/{reference_id}", response=ReferenceOut, summary="One reference case")
def get_reference(request, reference_id: int):
    return _reference_out(request.auth, selectors.reference_get(user=request.auth, pk=reference_id))


@router.post(
    "/cases/{number}/reference",
    response={201: ReferenceOut},
    summary="Put a resolved case in the case library",
    auth=role_auth(LIBRARIAN_ROLES, action=gettext_lazy("收录参考案例")),
)
def mark_reference(request, number: CaseNumber, payload: ReferenceIn):
    case = case_get(user=request.auth, number=number)
    ref = services.reference_case_mark(
        actor=request.auth, case=case, lesson=payload.lesson, title=payload.title, summary=payload.summary
    )
    return Reply(201, _reference_out(request.auth, ref))


@router.get(
    "/cases/{number}/similar-reference-cases",
    response=list[ReferenceOut],
    summary="Reference cases like this one (category, SKU, words)",
)
def similar_references(request, number: CaseNumber, limit: int = Query(5, ge=1, le=selectors.MAX_RESULTS)):
    case = case_get(user=request.auth, number=number)
    hits = selectors.reference_similar(user=request.auth, case=case, limit=limit)
    return [_reference_out(request.auth, h.obj, h.hits) for h in hits]
