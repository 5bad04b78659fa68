from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "aftersale.channels"
    label = "channels"
    verbose_name = _("通知与渠道")

    def ready(self) -> None:
        from . import handlers

        handlers.register()
