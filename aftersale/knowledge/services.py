"""Every write to the knowledge base: articles, reply scripts, the case library, and the index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, CaseCategory
from aftersale.cases.selectors import can_view
from aftersale.cases.services import event_record
from aftersale.common.errors import Conflict, DomainError, NotFound
from aftersale.common.masking import mask_name, mask_phone
from aftersale.common.models import Team, User
from aftersale.common.permissions import require_role

from . import search, variables
from .access import LIBRARIAN_ROLES, require_editor, require_no_team_for_faq
from .models import Article, ArticleKind, DocKind, ReferenceCase, ReplyScript

REFERENCE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


# ---- the index --------------------------------------------------------------------------------


def article_index(article: Article) -> None:
    search.index_replace(
        doc_kind=DocKind.ARTICLE,
        doc_id=article.pk,
        words=search.weights(
            title=[article.title, article.title_en],
            body=[article.body, article.body_en, *(c.name for c in article.categories.all())],
        ),
    )


def script_index(script: ReplyScript) -> None:
    search.index_replace(
        doc_kind=DocKind.SCRIPT,
        doc_id=script.pk,
        words=search.weights(
            title=[script.title, script.title_en],
            body=[script.body, script.body_en, *(c.name for c in script.categories.all())],
        ),
    )


def reference_index(ref: ReferenceCase) -> None:
    category = ref.category
    search.index_replace(
        doc_kind=DocKind.REFERENCE,
        doc_id=ref.pk,
        words=search.weights(
            title=[ref.title],
            body=[ref.summary, ref.lesson, category.name, category.name_en],
            tags=[f"cat:{category.code}", *(f"sku:{sku.lower()}" for sku in ref.skus)],
        ),
    )


def knowledge_reindex() -> int:
    """Rebuild the whole index (after a change of the tokeniser's word lists); documents indexed."""
    count = 0
    with transaction.atomic():
        for article in Article.objects.prefetch_related("categories"):
            article_index(article)
            count += 1
        for script in ReplyScript.objects.prefetch_related("categories"):
            script_index(script)
            count += 1
        for ref in ReferenceCase.objects.select_related("category"):
            reference_index(ref)
            count += 1
    return count


# ---- shared checks ----------------------------------------------------------------------------


def _categories(codes: list[str]) -> list[CaseCategory]:
    codes = list(dict.fromkeys(codes))
    found = {c.code: c for c in CaseCategory.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise DomainError("categories", _("未知的问题分类：%(codes)s") % {"codes": "、".join(unknown)})
    return [found[c] for c in codes]


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise DomainError("team", _("客服组不存在：%(id)s") % {"id": team_id})
    return team


def _required(**texts: str) -> None:
    for name, text in texts.items():
        if not (text or "").strip():
            raise DomainError(name, _("此字段为必填项"), code="required")


# ---- articles ---------------------------------------------------------------------------------


@dataclass
class ArticleIn:
    kind: str
    slug: str
    title: str
    body: str
    title_en: str = ""
    body_en: str = ""
    categories: list[str] = field(default_factory=list)
    team: int | None = None
    is_published: bool = True
    sort_order: int = 100


def _article_apply(article: Article, data: ArticleIn, actor: User) -> Article:
    if data.kind not in ArticleKind.values:
        raise DomainError(
            "kind", _("必须是以下之一：%(choices)s") % {"choices": ", ".join(ArticleKind.values)}
        )
    _required(slug=data.slug, title=data.title, body=data.body)
    team = _team(data.team)
    require_editor(actor, team)
    require_no_team_for_faq(data.kind, team)
    categories = _categories(data.categories)
    if Article.objects.filter(slug=data.slug).exclude(pk=article.pk).exists():
        raise Conflict("slug", _("网址标识已被使用：%(slug)s") % {"slug": data.slug}, code="duplicate")
    for name in ("kind", "slug", "title", "title_en", "body", "body_en", "is_published", "sort_order"):
        setattr(article, name, getattr(data, name))
    article.team = team
    article.updated_by = actor
    if article.pk is None:
        article.created_by = actor
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        raise Conflict(
            "slug", _("网址标识已被使用：%(slug)s") % {"slug": data.slug}, code="duplicate"
        ) from None
    article.categories.set(categories)
    article_index(article)
    return article


def article_create(*, actor: User, data: ArticleIn) -> Article:
    with transaction.atomic():
        return _article_apply(Article(), data, actor)


def article_update(*, actor: User, article: Article, data: ArticleIn) -> Article:
    require_editor(actor, article.team)  # may they touch it as it is, before what it becomes
    with transaction.atomic():
        return _article_apply(article, data, actor)


# ---- reply scripts ----------------------------------------------------------------------------


@dataclass
class ScriptIn:
    title: str
    body: str
    title_en: str = ""
    body_en: str = ""
    categories: list[str] = field(default_factory=list)
    team: int | None = None
    is_active: bool = True
    sort_order: int = 100


def _script_apply(script: ReplyScript, data: ScriptIn, actor: User) -> ReplyScript:
    _required(title=data.title, body=data.body)
    team = _team(data.team)
    require_editor(actor, team)
    variables.check_all({"body": data.body, "body_en": data.body_en})
    categories = _categories(data.categories)
    for name in ("title", "title_en", "body", "body_en", "is_active", "sort_order"):
        setattr(script, name, getattr(data, name))
    script.team = team
    script.updated_by = actor
    if script.pk is None:
        script.created_by = actor
    script.save()
    script.categories.set(categories)
    script_index(script)
    return script


def script_create(*, actor: User, data: ScriptIn) -> ReplyScript:
    with transaction.atomic():
        return _script_apply(ReplyScript(), data, actor)


def script_update(*, actor: User, script: ReplyScript, data: ScriptIn) -> ReplyScript:
    require_editor(actor, script.team)
    with transaction.atomic():
        return _script_apply(script, data, actor)


# ---- the case library -------------------------------------------------------------------------


def _summary_of(case: Case) -> str:
    """The case's description with the customer's name and any mobile number masked: the library is
    read by every member of staff, not only those who may see the customer."""
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)), case.description)
    name = case.customer.name
    if name and len(name) > 1:
        text = text.replace(name, mask_name(name))
    return text


def reference_case_mark(
    *, actor: User, case: Case, lesson: str, title: str = "", summary: str = ""
) -> ReferenceCase:
    """Put a resolved (or closed) case in the case library with the lesson learnt."""
    require_role(actor, LIBRARIAN_ROLES, action=_("收录参考案例"))
    if not can_view(actor, case):
        raise NotFound("case", _("售后单不存在：%(number)s") % {"number": case.number})
    _required(lesson=lesson)
    if case.status not in REFERENCE_STATUSES:
        raise DomainError("case", _("只有已解决或已结案的售后单可以收录为参考案例"), code="not_resolved")
    skus = list(case.lines.order_by("order_line__line_no").values_list("order_line__product__sku", flat=True))
    with transaction.atomic():
        if ReferenceCase.objects.select_for_update().filter(case=case).exists():
            raise Conflict("case", _("该售后单已收录在案例库中"), code="duplicate")
        try:
            with transaction.atomic():
                ref = ReferenceCase.objects.create(
                    case=case,
                    title=(title or "").strip() or f"{case.category.name}：{case.number}",
                    summary=(summary or "").strip() or _summary_of(case),
                    lesson=lesson.strip(),
                    category=case.category,
                    skus=list(dict.fromkeys(skus)),
                    marked_by=actor,
                )
        except IntegrityError:
            raise Conflict("case", _("该售后单已收录在案例库中"), code="duplicate") from None
        reference_index(ref)
        event_record(
            case=case,
            kind="case.referenced",
            actor=actor,
            is_public=False,
            payload={"reference": ref.pk, "title": ref.title},
        )
    return ref


def reference_case_update(
    *, actor: User, ref: ReferenceCase, lesson: str, title: str, summary: str
) -> ReferenceCase:
    require_role(actor, LIBRARIAN_ROLES, action=_("编辑参考案例"))
    _required(title=title, summary=summary, lesson=lesson)
    with transaction.atomic():
        ref.title, ref.summary, ref.lesson = title.strip(), summary.strip(), lesson.strip()
        ref.save(update_fields=["title", "summary", "lesson", "updated_at"])
        reference_index(ref)
    return ref
