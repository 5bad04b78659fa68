"""Reads of the knowledge base: visibility per role, search, suggestions and similar cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aftersale.cases.models import Case
from aftersale.cases.selectors import can_view
from aftersale.common.errors import DomainError, NotFound
from aftersale.common.masking import mask_name
from aftersale.common.permissions import role_of
from aftersale.common.roles import PERSONAL_DATA_ROLES, STAFF_ROLES
from aftersale.fulfilment.models import ReturnAuthorization, ReturnStatus
from aftersale.sla.models import ClockKind, ClockState

from . import search, variables
from .access import EDITOR_ROLES, is_staff, team_filter
from .models import Article, ArticleKind, DocKind, ReferenceCase, ReplyScript

MAX_RESULTS = 50


def _language(language: str | None) -> str:
    return language or get_language() or settings.LANGUAGE_CODE


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_RESULTS:
        raise DomainError("limit", _("必须在 1 到 %(max)s 之间") % {"max": MAX_RESULTS})


# ---- articles ---------------------------------------------------------------------------------


def articles_visible(user) -> QuerySet[Article]:
    """Customers and visitors: published FAQ only. Staff: published FAQ and the internal articles of
    no team or of their teams; editors also drafts."""
    qs = Article.objects.all()
    if not is_staff(user):
        return qs.filter(kind=ArticleKind.FAQ, is_published=True)
    qs = qs.filter(team_filter(user))
    if role_of(user) not in EDITOR_ROLES:
        qs = qs.filter(is_published=True)
    return qs


def article_get(*, user, pk: int | None = None, slug: str | None = None) -> Article:
    qs = articles_visible(user).select_related("team").prefetch_related("categories")
    article = qs.filter(pk=pk).first() if pk is not None else qs.filter(slug=slug or "").first()
    if article is None:
        raise NotFound("article", _("文章不存在"))
    return article


@dataclass
class Hit:
    obj: object
    hits: int = 0
    score: int = 0


def _ranked(model, doc_kind: str, candidates: QuerySet, query: str, limit: int) -> list[Hit]:
    words = search.query_tokens(query)
    ranked = search.ranked_ids(
        doc_kind=doc_kind, words=words, candidates=candidates.values("id"), limit=limit
    )
    objects = model.objects.in_bulk([doc_id for doc_id, _h, _s in ranked])
    return [Hit(objects[doc_id], hits, score) for doc_id, hits, score in ranked if doc_id in objects]


def article_search(*, user, query: str = "", kind: str | None = None, limit: int = 20) -> list[Hit]:
    """Articles `user` may read, best match first; with no query, in their display order."""
    _check_limit(limit)
    qs = articles_visible(user)
    if kind:
        qs = qs.filter(kind=kind)
    if not query.strip():
        return [Hit(a) for a in qs.order_by("kind", "sort_order", "id")[:limit]]
    return _ranked(Article, DocKind.ARTICLE, qs, query, limit)


# ---- reply scripts ----------------------------------------------------------------------------


def scripts_visible(user) -> QuerySet[ReplyScript]:
    if not is_staff(user):
        return ReplyScript.objects.none()
    qs = ReplyScript.objects.filter(team_filter(user))
    if role_of(user) not in EDITOR_ROLES:
        qs = qs.filter(is_active=True)
    return qs


def script_get(*, user, pk: int) -> ReplyScript:
    script = scripts_visible(user).prefetch_related("categories").filter(pk=pk).first()
    if script is None:
        raise NotFound("script", _("话术不存在"))
    return script


def script_search(*, user, query: str = "", limit: int = 20) -> list[Hit]:
    _check_limit(limit)
    qs = scripts_visible(user)
    if not query.strip():
        return [Hit(s) for s in qs.order_by("sort_order", "id")[:limit]]
    return _ranked(ReplyScript, DocKind.SCRIPT, qs, query, limit)


def case_values(*, user, case: Case, language: str | None = None) -> dict[str, str]:
    """What a script may say about `case`, as `user` may see it (the name masked for a role that
    sees names masked)."""
    language = _language(language)
    name = case.customer.name
    if role_of(user) not in PERSONAL_DATA_ROLES:
        name = mask_name(name)
    rma = (
        ReturnAuthorization.objects.filter(case=case)
        .exclude(status=ReturnStatus.CANCELLED)
        .order_by("-id")
        .values_list("address", flat=True)
        .first()
    )
    due = (
        case.clocks.filter(state=ClockState.RUNNING, due_at__isnull=False)
        .exclude(kind=ClockKind.UNRESOLVED)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    line = case.lines.select_related("order_line__product").order_by("order_line__line_no").first()
    return {
        "customer_name": name,
        "order_no": case.order.order_no if case.order_id else "",
        "case_no": case.number,
        "return_address": rma or settings.RETURN_ADDRESS,
        "deadline": timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "",
        "agent_name": str(user),
        "category": case.category.label(language),
        "product_name": line.order_line.product.name if line else "",
    }


@dataclass
class RenderedScript:
    script: ReplyScript
    title: str
    text: str
    missing: list[str] = field(default_factory=list)

    @property
    def missing_labels(self) -> list[str]:
        return [str(variables.VARIABLES[name]) for name in self.missing]


def _render(script: ReplyScript, values: dict[str, str], language: str) -> RenderedScript:
    text, missing = variables.fill(script.body_for(language), values)
    return RenderedScript(script=script, title=script.title_for(language), text=text, missing=missing)


def _case_for(user, case: Case) -> Case:
    if not can_view(user, case):
        raise NotFound("case", _("售后单不存在：%(number)s") % {"number": case.number})
    return case


def script_render(*, user, script: ReplyScript, case: Case, language: str | None = None) -> RenderedScript:
    """One script filled for one case; 404 for a case or script the user may not see."""
    language = _language(language)
    _case_for(user, case)
    if not scripts_visible(user).filter(pk=script.pk, is_active=True).exists():
        raise NotFound("script", _("话术不存在"))
    return _render(script, case_values(user=user, case=case, language=language), language)


def scripts_for_case(
    *, user, case: Case, language: str | None = None, limit: int = 8
) -> list[RenderedScript]:
    """The scripts suggested for a case: those of its category first, then those for every case."""
    language = _language(language)
    _case_for(user, case)
    scripts = list(
        scripts_visible(user)
        .filter(is_active=True)
        .filter(Q(categories=case.category_id) | Q(categories__isnull=True))
        .distinct()
        .prefetch_related("categories")
        .order_by("sort_order", "id")
    )
    scripts.sort(
        key=lambda s: (not any(c.pk == case.category_id for c in s.categories.all()), s.sort_order, s.pk)
    )
    if not scripts:
        return []
    values = case_values(user=user, case=case, language=language)
    return [_render(s, values, language) for s in scripts[:limit]]


# ---- the case library -------------------------------------------------------------------------


def references_visible(user) -> QuerySet[ReferenceCase]:
    if role_of(user) not in STAFF_ROLES or not getattr(user, "is_active", False):
        return ReferenceCase.objects.none()
    return ReferenceCase.objects.all()


def reference_get(*, user, pk: int) -> ReferenceCase:
    ref = references_visible(user).select_related("case", "category").filter(pk=pk).first()
    if ref is None:
        raise NotFound("reference", _("参考案例不存在"))
    return ref


def reference_search(*, user, query: str = "", limit: int = 20) -> list[Hit]:
    _check_limit(limit)
    qs = references_visible(user)
    if not query.strip():
        return [Hit(r) for r in qs.select_related("case", "category").order_by("-id")[:limit]]
    hits = _ranked(ReferenceCase, DocKind.REFERENCE, qs, query, limit)
    _join_cases([h.obj for h in hits])
    return hits


def _join_cases(refs: list[ReferenceCase]) -> None:
    cases = Case.objects.select_related("customer", "category").in_bulk([r.case_id for r in refs])
    for ref in refs:
        ref.case = cases[ref.case_id]


def case_tags(case: Case) -> list[str]:
    """The index tags a case shares with reference cases: its category and its SKUs."""
    skus = case.lines.values_list("order_line__product__sku", flat=True)
    return [f"cat:{case.category.code}", *(f"sku:{sku.lower()}" for sku in skus)]


def reference_similar(*, user, case: Case, limit: int = 5) -> list[Hit]:
    """Reference cases like `case`: same category, same SKU, words in common; best first."""
    _check_limit(limit)
    _case_for(user, case)
    words = list(dict.fromkeys([*case_tags(case), *search.query_tokens(case.description)]))
    candidates = references_visible(user).exclude(case=case)
    ranked = search.ranked_ids(
        doc_kind=DocKind.REFERENCE, words=words, candidates=candidates.values("id"), limit=limit
    )
    objects = ReferenceCase.objects.select_related("category").in_bulk([r[0] for r in ranked])
    hits = [Hit(objects[i], h, s) for i, h, s in ranked if i in objects]
    _join_cases([h.obj for h in hits])
    return hits


def reference_case_link(user, ref: ReferenceCase) -> bool:
    """Whether `user` may open the case behind a reference (the library itself is for all staff)."""
    return can_view(user, ref.case)
