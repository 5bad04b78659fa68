import re

import pytest

pytestmark = pytest.mark.django_db
EXTERNAL_ASSET = re.compile(r'(?:src|href)="(?:https?:)?//')


@pytest.mark.parametrize("path", ["/", "/api/v1/docs", "/admin/login/"])
def test_pages_load_and_fetch_nothing_from_the_internet(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not EXTERNAL_ASSET.search(response.content.decode())


def test_health_reports_the_database(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_api_docs_assets_are_served_locally(client):
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
