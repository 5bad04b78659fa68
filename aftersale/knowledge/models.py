"""The knowledge base: FAQ and internal articles, reply scripts (话术), the case library, and the
search index they share."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case, CaseCategory
from aftersale.common.models import Team


class ArticleKind(models.TextChoices):
    FAQ = "faq", _("常见问题（客户可见）")
    INTERNAL = "internal", _("内部文章（仅员工）")


class Article(models.Model):
    kind = models.CharField(_("类型"), max_length=10, choices=ArticleKind.choices)
    slug = models.SlugField(_("网址标识"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True, default="")
    body = models.TextField(_("正文"), max_length=20_000)
    body_en = models.TextField(_("英文正文"), max_length=20_000, blank=True, default="")
    categories = models.ManyToManyField(
        CaseCategory, verbose_name=_("问题分类"), blank=True, related_name="+"
    )
    # An internal article for one team only; empty: every member of staff.
    team = models.ForeignKey(
        Team, verbose_name=_("仅限客服组"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("知识文章")
        verbose_name_plural = _("知识文章")
        ordering = ["kind", "sort_order", "id"]
        # Who may read which article, answered from this index alone while a search ranks words.
        indexes = [models.Index(fields=["kind", "is_published", "team", "id"], name="article_visibility")]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def body_for(self, language: str) -> str:
        return self.body_en if language.startswith("en") and self.body_en else self.body


class ReplyScript(models.Model):
    """A reply script (话术): text with {variables} filled from the case when used."""

    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True, default="")
    body = models.TextField(_("话术内容"), max_length=5_000)
    body_en = models.TextField(_("英文话术内容"), max_length=5_000, blank=True, default="")
    # Suggested on cases of these categories; none: on every case.
    categories = models.ManyToManyField(
        CaseCategory, verbose_name=_("问题分类"), blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("仅限客服组"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("回复话术")
        verbose_name_plural = _("回复话术")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def body_for(self, language: str) -> str:
        return self.body_en if language.startswith("en") and self.body_en else self.body


class ReferenceCase(models.Model):
    """A resolved case kept in the case library (e.g. 异常破损案例库) with the lesson learnt."""

    case = models.OneToOneField(Case, verbose_name=_("售后单"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("案情摘要"), max_length=5_000)
    lesson = models.TextField(_("经验教训"), max_length=5_000)
    category = models.ForeignKey(
        CaseCategory, verbose_name=_("问题分类"), on_delete=models.PROTECT, related_name="+"
    )
    skus = models.JSONField(_("商品编码"), default=list, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("收录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("参考案例")
        verbose_name_plural = _("案例库")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class DocKind(models.TextChoices):
    ARTICLE = "article", _("文章")
    SCRIPT = "script", _("话术")
    REFERENCE = "reference", _("参考案例")


class SearchToken(models.Model):
    """One word of one document, with its weight: the full-text index, the same on every database."""

    doc_kind = models.CharField(max_length=10, choices=DocKind.choices)
    doc_id = models.BigIntegerField()
    token = models.CharField(max_length=64)
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("检索词")
        verbose_name_plural = _("检索词")
        constraints = [
            models.UniqueConstraint(fields=["doc_kind", "doc_id", "token"], name="search_token_unique"),
        ]
        # Covering: a search reads only this index (PostgreSQL: an index-only scan), not the table.
        indexes = [
            models.Index(fields=["doc_kind", "token", "doc_id", "weight"], name="search_token_covering")
        ]
