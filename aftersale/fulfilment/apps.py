from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "aftersale.fulfilment"
    label = "fulfilment"
    verbose_name = _("执行与履约")

    def ready(self) -> None:
        from .services import compensation, returns, workorders

        compensation.register()
        returns.register()
        workorders.register()
