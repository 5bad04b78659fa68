import pytest
from django.utils import translation

from tests.console.browser import browser_db, chromium_browser, desktop, phone  # noqa: F401


@pytest.fixture(autouse=True)
def _site_language():
    """A request in English leaves English active in the thread; each test starts in the default."""
    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")
