"""Evidence files: type sniffed from the content, size- and count-limited, photos re-encoded without
their metadata (images.py), hashed, stored in Django storage; served by files.py to who may see the case."""

from __future__ import annotations

import hashlib
import uuid

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from aftersale.common.errors import DomainError

from .images import REENCODED, reencode
from .models import Case, EventKind, Evidence, EvidenceKind
from .services import event_record, require_case_access

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"}


def evidence_add(*, case: Case, actor, kind: str, data: bytes, original_name: str = "") -> Evidence:
    require_case_access(actor, case, action=_("上传凭证"))
    if kind not in EvidenceKind.values:
        raise DomainError(
            "kind", _("必须是以下之一：%(choices)s") % {"choices": ", ".join(EvidenceKind.values)}
        )
    if not data:
        raise DomainError("file", _("文件为空"))
    sniffed = filetype.guess(data[:8192])
    mime = sniffed.mime if sniffed else ""
    if mime in IMAGE_TYPES:
        limit = settings.EVIDENCE_MAX_IMAGE_BYTES
    elif mime in VIDEO_TYPES:
        limit = settings.EVIDENCE_MAX_VIDEO_BYTES
    else:
        raise DomainError(
            "file",
            _("不支持的文件类型（仅支持 JPEG/PNG/WebP/HEIC 图片和 MP4/MOV/WebM 视频）"),
            code="unsupported_type",
        )
    if len(data) > limit:
        raise DomainError(
            "file", _("文件过大：上限 %(mb)s MB") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    extension = sniffed.extension
    if mime in REENCODED:
        data = reencode(data, mime)
        extension = REENCODED[mime][1]
    name = f"{case.number}-{uuid.uuid4().hex[:12]}.{extension}"
    evidence = Evidence(
        case=case,
        kind=kind,
        original_name=original_name[:255],
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            _require_room(case)
            evidence.save()
            event_record(
                case=case,
                kind=EventKind.EVIDENCE_ADDED,
                actor=actor,
                payload={"evidence_id": evidence.pk, "kind": kind, "content_type": mime},
            )
    except BaseException:
        evidence.file.delete(save=False)
        raise
    return evidence


def _require_room(case: Case) -> None:
    """At most EVIDENCE_MAX_FILES_PER_CASE files; the case row is locked so parallel uploads count right."""
    limit = settings.EVIDENCE_MAX_FILES_PER_CASE
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    if Evidence.objects.filter(case=case).count() >= limit:
        raise DomainError(
            "file", _("每张售后单最多上传 %(count)s 个文件") % {"count": limit}, code="too_many_files"
        )
