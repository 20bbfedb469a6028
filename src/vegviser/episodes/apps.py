from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpisodesConfig(AppConfig):
    name = "vegviser.episodes"
    label = "episodes"
    verbose_name = _("Episodes of care in the specialist health service")
