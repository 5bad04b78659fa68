"""Evidence files: type sniffed from the content, size-limited, hashed, stored in Django storage."""

from __future__ import annotations

import hashlib
import uuid

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from aftersale.common.errors import DomainError

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
    name = f"{case.number}-{uuid.uuid4().hex[:12]}.{sniffed.extension}"
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
