from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "aftersale.channels"
    label = "channels"
    verbose_name = _("通知与渠道")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import handlers, memo, metrics  # noqa: F401 (metrics register on import)
        from .models import WebhookSubscription

        handlers.register()
        # Subscribers changed (admin, API): forget the ones remembered for this transaction.
        post_save.connect(memo.forget, sender=WebhookSubscription, dispatch_uid="channels.memo.save")
        post_delete.connect(memo.forget, sender=WebhookSubscription, dispatch_uid="channels.memo.delete")
