"""Handbook downloads from the playbook versions' admin page."""

from __future__ import annotations

import io

import pytest
import yaml
from docx import Document as Docx

from aftersale.policy.services import DEFAULT_PLAYBOOK, playbook_publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/policy/playbookversion/"


@pytest.fixture
def director(client):
    user = UserFactory(username="boss", role="director", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client, user


def _act(client, action, *numbers):
    from aftersale.policy.models import PlaybookVersion

    ids = [str(PlaybookVersion.objects.get(number=n).pk) for n in numbers]
    return client.post(CHANGELIST, {"action": action, "_selected_action": ids})


def test_the_changelist_offers_the_downloads(director):
    client, _user = director
    page = client.get(CHANGELIST).content.decode()
    assert "handbook_pdf_zh_hans" in page and "handbook_docx_en" in page and "handbook_diff_action" in page


def test_download_docx_and_markdown(director):
    client, _user = director
    response = _act(client, "handbook_docx_zh_hans", 1)
    assert response["Content-Disposition"] == 'attachment; filename="handbook-v1-zh-hans.docx"'
    assert "退换货流程" in [p.text for p in Docx(io.BytesIO(response.content)).paragraphs]
    markdown = _act(client, "handbook_md_en", 1)
    assert markdown.content.decode().startswith("# After-sales Service Standard Operating Handbook")


def test_diff_of_two_versions_and_a_wrong_selection(director):
    client, user = director
    content = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    content["service_levels"]["first_response_minutes"] = 20
    playbook_publish(source=yaml.safe_dump(content, allow_unicode=True), reason="faster", actor=user)
    diff = _act(client, "handbook_diff_action", 1, 2)
    assert diff.status_code == 200 and "+- 首次响应：20 分钟。" in diff.content.decode()
    wrong = _act(client, "handbook_pdf_en", 1, 2)
    assert wrong.status_code == 302  # back to the list with a message; nothing downloaded
