"""The SOP generator, the handbook of a playbook version, and publishing a reviewed draft."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import ValidationError

from aftersale.common.errors import DomainError
from aftersale.common.validation import field_errors
from aftersale.policy.engine import CompiledPlaybook, compile_playbook
from aftersale.policy.models import PlaybookVersion
from aftersale.policy.schema import Playbook
from aftersale.policy.services import playbook_publish, playbook_to_yaml, playbook_version

from .context import context_from_facts, context_from_playbook
from .document import Document, section_markdown
from .parser import parse
from .quiz import Question, quiz
from .schemas import GenerateIn
from .sections import CONTRACT, CONTRACT_KEYS, handbook_sections
from .training import ROLES, training_sections

LANGUAGES = ("zh-hans", "en")


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise DomainError(
            "lang", _("不支持的语言：%(l)s；可选：%(all)s") % {"l": lang, "all": ", ".join(LANGUAGES)}
        )
    return lang


def generate_input(data: dict[str, Any]) -> GenerateIn:
    """The request checked: a missing or empty required field is named (status 422)."""
    try:
        return GenerateIn.model_validate(data)
    except ValidationError as exc:
        error = DomainError.many(field_errors(exc.errors()))
        error.status = 422
        raise error from None


@dataclass
class Generated:
    texts: dict[str, str]
    playbook: dict[str, Any]
    warnings: list[dict[str, str]]
    document: Document

    def as_json(self) -> dict[str, Any]:
        return {**self.texts, "playbook": self.playbook, "warnings": self.warnings}


def sop_generate(*, data: dict[str, Any] | GenerateIn, lang: str = "zh-hans") -> Generated:
    """The seven SOP texts for the business described, the playbook draft and the warnings."""
    request = data if isinstance(data, GenerateIn) else generate_input(data)
    check_language(lang)
    with translation.override(lang):
        result = parse(request.model_dump())
        ctx = context_from_facts(Playbook.model_validate(result.draft), result.facts)
        sections = [CONTRACT[key](ctx) for key in CONTRACT_KEYS]
        document = Document(
            title=_("售后服务 SOP：%(b)s") % {"b": ctx.business},
            subtitle=_("由业务描述生成的草案"),
            sections=sections,
            lang=lang,
            warnings=[w["message"] for w in result.warnings],
        )
        texts = {section.key: section.as_text() for section in sections}
    return Generated(texts, result.draft, result.warnings, document)


def sop_draft_publish(
    *, playbook: dict[str, Any], reason: str, actor, activate: bool = False
) -> PlaybookVersion:
    """A reviewed (possibly edited) draft becomes a real playbook version, through the policy
    service: the director's permission and the statutory checks apply there."""
    return playbook_publish(source=playbook_to_yaml(playbook), reason=reason, actor=actor, activate=activate)


def handbook_document(*, number: int | None = None, lang: str = "zh-hans") -> Document:
    """The full SOP handbook of a playbook version (the active one by default)."""
    check_language(lang)
    version = playbook_version(number)
    with translation.override(lang):
        ctx = context_from_playbook(Playbook.model_validate(version.content), version=version.number)
        return Document(
            title=_("售后服务标准作业手册"),
            subtitle=_("%(name)s · 售后政策 v%(n)s") % {"name": ctx.business, "n": version.number},
            sections=handbook_sections(ctx),
            lang=lang,
        )


def handbook_diff(*, old: int, new: int, lang: str = "zh-hans") -> dict[str, Any]:
    """What changed in the handbook between two playbook versions: a unified diff of the
    Markdown, section by section (unchanged sections are left out)."""
    before = handbook_document(number=old, lang=lang)
    after = handbook_document(number=new, lang=lang)
    old_sections = {s.key: s for s in before.sections}
    changes = []
    for section in after.sections:
        previous = old_sections.get(section.key)
        a = section_markdown(previous).splitlines(keepends=True) if previous else []
        b = section_markdown(section).splitlines(keepends=True)
        diff = "".join(difflib.unified_diff(a, b, fromfile=f"v{old}", tofile=f"v{new}"))
        if diff:
            changes.append({"key": section.key, "title": section.title, "diff": diff})
    return {
        "from": old,
        "to": new,
        "lang": lang,
        "sections": changes,
        "text": "\n".join(c["diff"] for c in changes),
    }


def _compiled_version(number: int | None) -> tuple[PlaybookVersion, CompiledPlaybook]:
    version = playbook_version(number)
    return version, compile_playbook(Playbook.model_validate(version.content), version=version.number)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise DomainError(
            "role", _("未知的角色：%(r)s；可选：%(all)s") % {"r": role, "all": ", ".join(ROLES)}
        )
    return role


def training_document(
    *, role: str, number: int | None = None, lang: str = "zh-hans", at: datetime | None = None
) -> Document:
    """Training materials for one role from a playbook version (the active one by default)."""
    check_role(role)
    check_language(lang)
    version, compiled = _compiled_version(number)
    at = at or timezone.now()
    with translation.override(lang):
        ctx = context_from_playbook(compiled.playbook, version=version.number)
        return Document(
            title=_("培训材料：%(role)s") % {"role": ROLES[role]},
            subtitle=_("%(name)s · 售后政策 v%(n)s") % {"name": ctx.business, "n": version.number},
            sections=training_sections(ctx, compiled, role, at),
            lang=lang,
        )


def training_quiz(
    *, number: int | None = None, lang: str = "zh-hans", at: datetime | None = None
) -> list[Question]:
    """The quiz of a playbook version with the key the eligibility engine computes."""
    check_language(lang)
    _version, compiled = _compiled_version(number)
    with translation.override(lang):
        return quiz(compiled, at=at or timezone.now())
