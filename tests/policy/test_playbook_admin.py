import pytest
import yaml

from aftersale.policy.models import PlaybookVersion
from aftersale.policy.services import DEFAULT_PLAYBOOK
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def director_client(client):
    user = UserFactory(username="boss", role="director", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_add_form_starts_from_the_active_playbook(director_client):
    page = director_client.get("/admin/policy/playbookversion/add/")
    assert page.status_code == 200
    assert "window_days: 7" in page.content.decode()


def test_invalid_yaml_in_the_admin_shows_every_path_and_stores_nothing(director_client):
    data = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    data["quality"]["return_days"] = 3
    page = director_client.post(
        "/admin/policy/playbookversion/add/",
        {"source": yaml.safe_dump(data, allow_unicode=True), "reason": "试", "activate": "on"},
    )
    assert page.status_code == 200
    assert "quality.return_days: 必须 ≥ 7（三包法定最低）" in page.content.decode()
    assert PlaybookVersion.objects.count() == 1


def test_valid_yaml_in_the_admin_publishes_a_version(director_client):
    data = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    data["quality"]["exchange_days"] = 30
    page = director_client.post(
        "/admin/policy/playbookversion/add/",
        {"source": yaml.safe_dump(data, allow_unicode=True), "reason": "30天换货", "activate": "on"},
    )
    assert page.status_code == 302
    version = PlaybookVersion.objects.get(is_active=True)
    assert version.number == 2 and version.content["quality"]["exchange_days"] == 30
