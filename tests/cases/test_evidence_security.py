"""Evidence safety: photos re-encoded without EXIF/GPS, undecodable and HTML files refused, a limit
on files per case, and files served only to who may see the case, with protective headers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from aftersale.cases.models import Evidence
from aftersale.common.services import token_create
from tests.helpers import mp4_bytes, png_bytes

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _jpeg_with_gps(*, orientation: int = 1) -> bytes:
    """A 40×20 JPEG (left half red, right half blue) with a GPS position, a camera serial and an
    orientation tag."""
    image = Image.new("RGB", (40, 20), "red")
    image.paste(Image.new("RGB", (20, 20), "blue"), (20, 0))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def _upload(api, user, case, data: bytes, name: str = "photo.jpg", kind: str = "item_photo"):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return api(user).upload(
        f"/cases/{case.number}/evidence", {"kind": kind, "file": file}, HTTP_ACCEPT_LANGUAGE="en"
    )


def _stored(evidence_id: int) -> bytes:
    with Evidence.objects.get(pk=evidence_id).file.open("rb") as stream:
        return stream.read()


def test_a_jpeg_loses_its_gps_and_camera_data_but_keeps_its_orientation(api, people, case):
    original = _jpeg_with_gps(orientation=6)  # "rotate 90° clockwise to display"
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the position is there

    response = _upload(api, people.customer_user, case, original)

    assert response.status_code == 201, response.content
    kept = Image.open(io.BytesIO(_stored(response.json()["id"])))
    exif = kept.getexif()
    assert kept.format == "JPEG" and not exif.get_ifd(GPS_IFD) and 0xA431 not in exif
    assert b"SERIAL-12345" not in _stored(response.json()["id"])
    assert kept.size == (20, 40)  # turned upright: the pixels carry the orientation now
    top = kept.convert("RGB").getpixel((10, 5))
    assert top[0] > 200 and top[2] < 60  # red on top after the clockwise turn


def test_bytes_hidden_after_an_image_are_dropped(api, people, case):
    data = png_bytes() + b"<html><script>alert(document.cookie)</script></html>"
    response = _upload(api, people.customer_user, case, data, "x.png")
    assert response.status_code == 201
    assert b"<script>" not in _stored(response.json()["id"])


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<!doctype html><html><script>alert(1)</script></html>", "unsupported_type"),
        (b"GIF89a/*\x00\x00*/=1;alert(document.domain)//" + b"\x00" * 40, "undecodable"),  # GIF/JS polyglot
        (b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script>" * 10, "undecodable"),  # JPEG magic only
    ],
    ids=["html", "gif-js-polyglot", "jpeg-header-then-html"],
)
def test_html_and_polyglots_are_refused(api, people, case, data, code):
    response = _upload(api, people.customer_user, case, data, "evil.jpg")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("file", code)
    assert error["message"] and not Evidence.objects.exists()


@override_settings(EVIDENCE_MAX_FILES_PER_CASE=2)
def test_a_case_takes_a_limited_number_of_files(api, people, case):
    assert _upload(api, people.customer_user, case, png_bytes(), "1.png").status_code == 201
    assert _upload(api, people.customer_user, case, png_bytes(), "2.png").status_code == 201
    response = _upload(api, people.customer_user, case, png_bytes(), "3.png")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "file",
        "message": "A case takes at most 2 files",
        "code": "too_many_files",
    }
    assert Evidence.objects.count() == 2


def test_files_are_served_only_to_who_may_see_the_case_with_safe_headers(api, people, case):
    photo = _upload(api, people.customer_user, case, _jpeg_with_gps()).json()
    video = _upload(api, people.customer_user, case, mp4_bytes(), "clip.mp4", kind="video").json()

    owner = Client()
    owner.force_login(people.customer_user)
    response = owner.get(photo["url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(response.streaming_content) == _stored(photo["id"])

    download = owner.get(video["url"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")

    stranger = Client()
    stranger.force_login(people.other_customer_user)
    assert stranger.get(photo["url"]).status_code == 404
    assert Client().get(photo["url"]).status_code == 404  # signed out
    assert Client().get("/media/evidence/../../etc/passwd").status_code == 404

    agent = Client()
    agent.force_login(people.agent)
    assert agent.get(photo["url"]).status_code == 200
    integration = Client().get(
        photo["url"], HTTP_AUTHORIZATION=f"Bearer {token_create(username='agent', scope='read')}"
    )
    assert integration.status_code == 200
