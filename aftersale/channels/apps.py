from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "aftersale.channels"
    label = "channels"
    verbose_name = _("通知与渠道")

    def ready(self) -> None:
        from aftersale.common.process_cache import forget_on_change

        from . import handlers, metrics  # noqa: F401 (metrics register on import)
        from .models import WebhookSubscription
        from .webhooks_out import SUBSCRIPTIONS_KEY

        handlers.register()
        forget_on_change([WebhookSubscription], SUBSCRIPTIONS_KEY)
