from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "aftersale.cases"
    label = "cases"
    verbose_name = _("售后单")

    def ready(self) -> None:
        from aftersale.common.process_cache import forget_on_change

        from .models import CaseCategory
        from .selectors import ACTIVE_CATEGORIES_KEY

        forget_on_change([CaseCategory], ACTIVE_CATEGORIES_KEY)
