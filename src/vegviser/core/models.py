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


class Submission(models.Model):
    """A create form's submission, by the one-time token the form carried: a second arrival of the same token
    (a double click, a resent request) finds it and is led to what the first one stored, instead of storing
    again. The unique token decides between arrivals at the same moment, in the transaction that creates."""

    token = models.UUIDField(_("token"), unique=True)
    # Where the form was posted: a token is good for its own form only.
    path = models.CharField(_("form address"), max_length=2000)
    # Who sent it (the user's id): a token is good for that user only.
    sender = models.CharField(_("sender"), max_length=64, blank=True)
    # Where the first arrival led the user once it had stored what it was sent.
    url = models.CharField(_("address of the result"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return str(self.token)
