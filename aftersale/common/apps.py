from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "aftersale.common"
    label = "common"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import logs, metrics

        logs.connect_celery()
        metrics.connect_celery()
