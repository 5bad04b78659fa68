from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "aftersale.quality"
    label = "quality"
    verbose_name = _("质量与满意度")

    def ready(self) -> None:
        from . import handlers

        handlers.register()
