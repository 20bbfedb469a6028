"""Building blocks shared by the domain apps."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataModel(models.Model):
    """Base for rows that hold personal data: a UUID key, so that URLs reveal neither counts nor order,
    and a version number for optimistic concurrency (a stale form is a conflict, never an overwrite)."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
