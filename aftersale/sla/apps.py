from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "aftersale.sla"
    label = "sla"
    verbose_name = _("服务时效与升级")

    def ready(self) -> None:
        from aftersale.common.models import User
        from aftersale.common.process_cache import forget_on_change

        from . import handlers, health, metrics  # noqa: F401 (health, metrics register on import)
        from .models import AgentProfile, HolidayOverride, TeamSchedule
        from .routing import ROSTER_KEY
        from .timing import OVERRIDES_KEY, SCHEDULES_KEY

        handlers.register()
        forget_on_change([User, AgentProfile], ROSTER_KEY)
        forget_on_change([TeamSchedule], SCHEDULES_KEY)
        forget_on_change([HolidayOverride], OVERRIDES_KEY)
