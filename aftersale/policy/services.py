"""Writes and reads of the playbook: parse, publish, activate, export, diff."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError

from aftersale.common import process_cache
from aftersale.common.errors import DomainError, NotFound
from aftersale.common.permissions import require_role
from aftersale.common.roles import Role
from aftersale.common.validation import field_errors

from .engine import CompiledPlaybook, compile_playbook
from .models import PlaybookVersion
from .schema import Playbook

EDITOR_ROLES = {Role.DIRECTOR, Role.ADMIN}
PUBLISH_ACTION = gettext_lazy("发布售后政策")  # what a refusal names (the API checks it before the body)
DEFAULT_PLAYBOOK = Path(__file__).with_name("default_playbook.yaml")
MAX_SOURCE_BYTES = 512 * 1024

ACTIVE_NUMBER_KEY = "policy.active_playbook_number"

_compiled: dict[int, CompiledPlaybook] = {}


def playbook_parse(source: str) -> Playbook:
    """Validate a YAML playbook; every problem is reported with its path, nothing is applied."""
    if len(source.encode()) > MAX_SOURCE_BYTES:
        raise DomainError("source", _("政策文件过大：上限 %(kb)s KB") % {"kb": MAX_SOURCE_BYTES // 1024})
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("第 %(line)s 行") % {"line": mark.line + 1} if mark else ""
        raise DomainError("source", _("YAML 格式错误 %(where)s") % {"where": where}) from None
    if not isinstance(data, dict):
        raise DomainError("source", _("政策文件必须是一个 YAML 映射（键: 值）"))
    try:
        return Playbook.model_validate(data)
    except ValidationError as exc:
        raise DomainError.many(field_errors(exc.errors())) from None


def playbook_to_content(playbook: Playbook) -> dict[str, Any]:
    return playbook.model_dump(mode="json", by_alias=True)


def playbook_to_yaml(content: dict[str, Any]) -> str:
    return yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=120)


def playbook_publish(*, source: str, reason: str, actor, activate: bool = True) -> PlaybookVersion:
    """Store a new immutable version (and make it the active one unless told otherwise)."""
    require_role(actor, EDITOR_ROLES, action=_("发布售后政策"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason", _("请填写变更原因"))
    if len(reason) > 500:
        raise DomainError("reason", _("长度不能超过 %(n)s") % {"n": 500})
    playbook = playbook_parse(source)
    with transaction.atomic():
        latest = PlaybookVersion.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0
        version = PlaybookVersion.objects.create(
            number=latest + 1,
            content=playbook_to_content(playbook),
            source=source,
            reason=reason,
            created_by=actor,
        )
        if activate:
            _activate(version)
    return version


def playbook_activate(*, number: int, actor) -> PlaybookVersion:
    require_role(actor, EDITOR_ROLES, action=_("启用售后政策版本"))
    with transaction.atomic():
        version = PlaybookVersion.objects.select_for_update().filter(number=number).first()
        if version is None:
            raise NotFound("number", _("政策版本不存在：v%(n)s") % {"n": number})
        _activate(version)
    return version


def _activate(version: PlaybookVersion) -> None:
    PlaybookVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    version.is_active = True
    version.activated_at = timezone.now()
    PlaybookVersion.objects.filter(pk=version.pk).update(is_active=True, activated_at=version.activated_at)
    process_cache.forget(ACTIVE_NUMBER_KEY)


def playbook_version(number: int | None = None) -> PlaybookVersion:
    qs = PlaybookVersion.objects.all()
    version = qs.filter(is_active=True).first() if number is None else qs.filter(number=number).first()
    if version is None:
        raise NotFound("number", _("政策版本不存在：v%(n)s") % {"n": number or 0})
    return version


def playbook_active() -> CompiledPlaybook:
    """The active playbook, compiled once per version and kept for the life of the process (which
    version is active is asked again after a few seconds: see common.process_cache)."""
    number = process_cache.remembered(
        ACTIVE_NUMBER_KEY,
        lambda: PlaybookVersion.objects.filter(is_active=True).values_list("number", flat=True).first(),
    )
    if number is None:
        return _default_compiled()
    compiled = _compiled.get(number)
    if compiled is None:
        content = PlaybookVersion.objects.get(number=number).content
        compiled = compile_playbook(Playbook.model_validate(content), version=number)
        _compiled[number] = compiled
    return compiled


def forget_compiled_playbooks() -> None:
    _compiled.clear()
    process_cache.forget(ACTIVE_NUMBER_KEY)


def _default_compiled() -> CompiledPlaybook:
    if 0 not in _compiled:
        _compiled[0] = compile_playbook(playbook_parse(DEFAULT_PLAYBOOK.read_text(encoding="utf-8")))
    return _compiled[0]


def playbook_diff(old: PlaybookVersion, new: PlaybookVersion) -> dict[str, Any]:
    """What changed between two versions: each changed path with both values, and a text diff."""
    changes = [
        {"path": path, "old": before, "new": after}
        for path, before, after in _changed_paths(old.content, new.content)
    ]
    text = "".join(
        difflib.unified_diff(
            playbook_to_yaml(old.content).splitlines(keepends=True),
            playbook_to_yaml(new.content).splitlines(keepends=True),
            fromfile=f"v{old.number}",
            tofile=f"v{new.number}",
        )
    )
    return {"from": old.number, "to": new.number, "changes": changes, "text": text}


def _changed_paths(old: Any, new: Any, prefix: str = ""):
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *[k for k in new if k not in old]]:
            path = f"{prefix}.{key}" if prefix else str(key)
            yield from _changed_paths(old.get(key), new.get(key), path)
    elif old != new:
        yield prefix, old, new
