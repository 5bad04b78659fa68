from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "aftersale.sla"
    label = "sla"
    verbose_name = _("服务时效与升级")

    def ready(self) -> None:
        from . import handlers, health, metrics  # noqa: F401 (health, metrics register on import)

        handlers.register()
