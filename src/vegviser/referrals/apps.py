from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "vegviser.referrals"
    label = "referrals"
    verbose_name = _("Referrals to the specialist health service")
