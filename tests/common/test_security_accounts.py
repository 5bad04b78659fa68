"""Staff accounts: argon2 password hashes, sign-in lockout (django-axes) and the TOTP second factor."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from aftersale.common.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _sign_in(client: Client, username: str, password: str, url: str = "/console/login/"):
    return client.post(url, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="zh-hans")


# ---- argon2 -------------------------------------------------------------------------------------


def test_passwords_hash_with_argon2_and_old_pbkdf2_hashes_upgrade_at_sign_in(settings, people):
    from aftersale import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # undo the tests' fast MD5
    people.agent.set_password(PASSWORD)
    people.agent.save()
    assert people.agent.password.startswith("argon2$argon2id$")

    User.objects.filter(pk=people.agent.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    response = _sign_in(Client(), "agent", PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/console/"
    assert User.objects.get(pk=people.agent.pk).password.startswith("argon2$argon2id$")


# ---- lockout ------------------------------------------------------------------------------------


def test_five_failures_lock_the_username_then_the_cool_off_lets_it_in(people):
    people.agent.set_password(PASSWORD)
    people.agent.save()
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(4):
            response = _sign_in(client, "agent", "wrong")
            assert response.status_code == 200  # the form again, with its error
        locked = _sign_in(client, "agent", "wrong")
        assert locked.status_code == 429
        assert "登录已锁定 15 分钟" in locked.content.decode()

        refused = _sign_in(client, "agent", PASSWORD)  # the right password no longer helps
        assert refused.status_code == 429 and "_auth_user_id" not in client.session

        english = client.post(
            "/console/login/", {"username": "agent", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert english.status_code == 429 and "Too many wrong passwords" in english.content.decode()

        traveller.shift(16 * 60)
        response = _sign_in(client, "agent", PASSWORD)
        assert response.status_code == 302 and response["Location"] == "/console/"


def test_the_lockout_is_per_username_and_address(people):
    people.agent.set_password(PASSWORD)
    people.agent.save()
    for _ in range(5):
        _sign_in(Client(REMOTE_ADDR="10.0.0.1"), "agent", "wrong")
    assert _sign_in(Client(REMOTE_ADDR="10.0.0.1"), "agent", PASSWORD).status_code == 429
    assert _sign_in(Client(REMOTE_ADDR="10.0.0.2"), "agent", PASSWORD).status_code == 302


def test_the_admin_sign_in_locks_out_too_and_an_admin_can_unlock(people):
    from django.core.management import call_command

    people.admin.set_password(PASSWORD)
    people.admin.is_staff = True
    people.admin.save()
    client = Client()
    for _ in range(5):
        _sign_in(client, "admin", "wrong", url="/admin/login/?next=/admin/")
    assert _sign_in(client, "admin", PASSWORD, url="/admin/login/?next=/admin/").status_code == 429

    call_command("axes_reset_username", "admin")
    response = _sign_in(client, "admin", PASSWORD, url="/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


# ---- second factor ------------------------------------------------------------------------------


@pytest.fixture
def otp_roles(settings):
    settings.OTP_REQUIRED_ROLES = ["director", "admin"]


def _code(device: TOTPDevice, *, at: float | None = None) -> str:
    kwargs = {"t0": device.t0, "step": device.step, "digits": device.digits}
    if at is not None:
        kwargs["t"] = at
    return f"{totp(device.bin_key, **kwargs):06d}"


def test_a_director_enrols_a_device_before_any_console_page(otp_roles, people):
    people.director.set_password(PASSWORD)
    people.director.save()
    client = Client()

    response = _sign_in(client, "director", PASSWORD)
    assert response.status_code == 302
    queue = client.get("/console/")
    assert queue.status_code == 302 and queue["Location"].startswith("/console/otp/?next=/console/")
    assert client.get("/admin/").status_code == 302
    assert client.get("/console/quality/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401  # the session is not enough for the API yet

    page = client.get("/console/otp/?next=/console/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html and "<script" not in html.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=people.director)
    assert not device.confirmed

    wrong = client.post("/console/otp/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above started the device's back-off
    device.throttling_failure_timestamp = None
    device.save()

    done = client.post("/console/otp/", {"code": _code(device), "next": "/console/"})
    assert done.status_code == 302 and done["Location"] == "/console/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/console/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_a_verified_device_is_asked_for_at_every_sign_in(otp_roles, people):
    device = TOTPDevice.objects.create(user=people.admin, name="phone", confirmed=True)
    people.admin.set_password(PASSWORD)
    people.admin.is_staff = True
    people.admin.save()
    client = Client()
    _sign_in(client, "admin", PASSWORD, url="/admin/login/?next=/admin/")

    assert client.get("/admin/").status_code == 302
    page = client.get("/console/otp/")
    assert "data:image/svg+xml" not in page.content.decode()  # no new secret shown to a signed-in guesser
    response = client.post("/console/otp/", {"code": _code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_agents_need_no_second_factor_and_tokens_are_unaffected(otp_roles, people):
    from aftersale.common.services import token_create

    client = Client()
    client.force_login(people.agent)
    assert client.get("/console/").status_code == 200
    key = token_create(username="director")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["username"] == "director"
