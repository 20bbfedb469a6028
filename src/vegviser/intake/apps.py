from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "vegviser.intake"
    label = "intake"
    verbose_name = _("Reports of need and coordinators")
