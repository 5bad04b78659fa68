"""Evidence upload: the type comes from the content, the size is limited, the file is stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from aftersale.cases.models import CaseEvent, EventKind, Evidence
from tests.helpers import jpeg_bytes, mp4_bytes, png_bytes

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def _upload(api, user, case, data: bytes, name: str, kind: str = "item_photo"):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return api(user).upload(f"/cases/{case.number}/evidence", {"kind": kind, "file": file})


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "evidence"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize(
    ("data", "name", "mime", "extension"),
    [
        (png_bytes(), "photo.png", "image/png", "png"),
        (jpeg_bytes(), "IMG_0001.JPG", "image/jpeg", "jpg"),
        (png_bytes(), "looks-like.jpg", "image/png", "png"),
        (mp4_bytes(), "clip.mp4", "video/mp4", "mp4"),
    ],
    ids=["png", "jpeg", "png-named-jpg", "mp4"],
)
def test_an_upload_is_sniffed_hashed_and_stored(api, people, case, data, name, mime, extension):
    kind = "video" if mime.startswith("video") else "item_photo"
    response = _upload(api, people.customer_user, case, data, name, kind)

    assert response.status_code == 201, response.content
    body = response.json()
    evidence = Evidence.objects.get(pk=body["id"])
    with evidence.file.open("rb") as stored:
        kept = stored.read()
    if kind == "video":
        assert kept == data
    # Photos are re-encoded (tests/cases/test_evidence_security.py): size and hash are the stored file's.
    assert (body["kind"], body["content_type"], body["size"]) == (kind, mime, len(kept))
    assert body["sha256"] == hashlib.sha256(kept).hexdigest()
    assert evidence.original_name == name and evidence.uploaded_by == people.customer_user
    assert evidence.file.name.endswith(f".{extension}") and evidence.file.name.startswith("evidence/")
    assert case.number in evidence.file.name
    assert body["url"] == f"/media/{evidence.file.name}"
    event = case.events.latest("id")
    assert event.kind == EventKind.EVIDENCE_ADDED
    assert event.payload == {"evidence_id": evidence.pk, "kind": kind, "content_type": mime}
    listed = api(people.agent).get(f"/cases/{case.number}/evidence").json()
    assert [e["id"] for e in listed] == [evidence.pk]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"this is not a photo at all\n", "photo.jpg"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "receipt.png"),
        (b"PK\x03\x04" + b"\x00" * 40, "photos.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo.svg"),
    ],
    ids=["text-named-jpg", "pdf", "zip", "svg"],
)
def test_content_that_is_not_an_image_or_video_is_refused(api, people, case, data, name):
    files_before = _stored_files()
    response = _upload(api, people.agent, case, data, name)

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": "file",
                "message": "不支持的文件类型（仅支持 JPEG/PNG/WebP/HEIC 图片和 MP4/MOV/WebM 视频）",
                "code": "unsupported_type",
            }
        ]
    }
    assert Evidence.objects.count() == 0
    assert not case.events.filter(kind=EventKind.EVIDENCE_ADDED).exists()
    assert _stored_files() == files_before


def test_an_image_over_the_limit_is_refused(api, people, case):
    big = png_bytes(padding=MIB + 10)
    with override_settings(EVIDENCE_MAX_IMAGE_BYTES=MIB):
        response = _upload(api, people.agent, case, big, "big.png")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "file", "message": "文件过大：上限 1 MB", "code": "too_large"}
    ]
    assert Evidence.objects.count() == 0
    assert not case.events.filter(kind=EventKind.EVIDENCE_ADDED).exists()


def test_an_image_exactly_at_the_limit_is_accepted(api, people, case):
    data = png_bytes(padding=1000)
    with override_settings(EVIDENCE_MAX_IMAGE_BYTES=len(data)):
        response = _upload(api, people.agent, case, data, "edge.png")
    assert response.status_code == 201
    with override_settings(EVIDENCE_MAX_IMAGE_BYTES=len(data) - 1):
        response = _upload(api, people.agent, case, data, "edge.png")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "too_large"


def test_videos_have_their_own_limit(api, people, case):
    video = mp4_bytes() + b"\x00" * (2 * MIB)
    with override_settings(EVIDENCE_MAX_IMAGE_BYTES=3 * MIB, EVIDENCE_MAX_VIDEO_BYTES=MIB):
        refused = _upload(api, people.agent, case, video, "clip.mp4", "video")
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "file", "message": "文件过大：上限 1 MB", "code": "too_large"}
    ]
    with override_settings(EVIDENCE_MAX_IMAGE_BYTES=MIB, EVIDENCE_MAX_VIDEO_BYTES=3 * MIB):
        assert _upload(api, people.agent, case, video, "clip.mp4", "video").status_code == 201


def test_an_upload_larger_than_every_limit_is_refused_before_it_is_read(api, people, case):
    big = png_bytes(padding=2 * MIB)
    with override_settings(EVIDENCE_MAX_IMAGE_BYTES=MIB, EVIDENCE_MAX_VIDEO_BYTES=MIB):
        response = _upload(api, people.agent, case, big, "big.png")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "file", "message": "文件过大：上限 1 MB", "code": "too_large"}
    ]


def test_an_empty_file_is_refused(api, people, case):
    response = _upload(api, people.agent, case, b"", "empty.png")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "file", "message": "文件为空", "code": "invalid"}]
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [({"kind": "selfie"}, "kind"), ({}, "kind")],
)
def test_a_bad_or_missing_kind_is_refused(api, people, case, data, field):
    file = SimpleUploadedFile("photo.png", png_bytes())
    response = api(people.agent).upload(f"/cases/{case.number}/evidence", {**data, "file": file})
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Evidence.objects.count() == 0


def test_a_missing_file_is_refused(api, people, case):
    response = api(people.agent).upload(f"/cases/{case.number}/evidence", {"kind": "item_photo"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "file", "message": "此字段为必填项", "code": "missing"}]


@pytest.mark.parametrize("name", ["bad\x00name.png", "..\\..\\etc\\passwd.png", "照片" * 200 + ".png"])
def test_odd_file_names_are_stored_safely(api, people, case, name):
    response = _upload(api, people.agent, case, png_bytes(), name)
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert "\x00" not in evidence.original_name and len(evidence.original_name) <= 255
    assert ".." not in evidence.file.name and "\\" not in evidence.file.name


def test_only_people_who_may_act_on_the_case_can_upload(api, people, case):
    assert _upload(api, people.other_customer_user, case, png_bytes(), "a.png").status_code == 404
    assert _upload(api, people.optimizer, case, png_bytes(), "a.png").status_code == 403
    assert Evidence.objects.count() == 0
    assert CaseEvent.objects.filter(kind=EventKind.EVIDENCE_ADDED).count() == 0
