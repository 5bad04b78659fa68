from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "aftersale.policy"
    label = "policy"
    verbose_name = _("售后政策")

    def ready(self) -> None:
        from aftersale.common.process_cache import forget_on_change

        from .models import PlaybookVersion
        from .services import ACTIVE_NUMBER_KEY

        forget_on_change([PlaybookVersion], ACTIVE_NUMBER_KEY)
