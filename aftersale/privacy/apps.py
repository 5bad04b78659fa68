from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "aftersale.privacy"
    label = "privacy"
    verbose_name = _("数据生命周期")
