from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from aftersale.api import api
from aftersale.cases.files import evidence_file
from aftersale.common.views import api_not_found, health, metrics, ready
from aftersale.console.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health, name="health"),
    path("readyz", ready, name="ready"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("console/quality/", include("aftersale.quality.urls")),
    path("", include("aftersale.privacy.urls")),  # /console/privacy/… and /portal/privacy/
    path("stats/", include("aftersale.quality.public_urls")),  # public return and complaint rates
    path("console/", include("aftersale.console.urls")),
    path("portal/", include("aftersale.portal.urls")),
    path("", include("aftersale.knowledge.urls")),  # /portal/help/… and /console/knowledge/…
    path("notifications/", include("aftersale.channels.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),  # after the API: only what none of its routes matched
    # Evidence files, only to who may see their case (docs/security.md); never serve MEDIA_ROOT directly.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", evidence_file, name="evidence_file"),
]

admin.site.site_header = "aftersale 售后服务管理"
admin.site.site_title = "aftersale"
