from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "aftersale.common"
    label = "common"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import logs

        logs.connect_celery()
