"""The person's own copy of a long history, prepared by a job and kept for a while for them to download."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def copy_path(instance: PreparedCopy, filename: str) -> str:
    # Under the copy's id only: never the person's name or number.
    return f"my-data/{instance.pk}.{filename.rsplit('.', 1)[-1]}"


class PreparedCopy(models.Model):
    """One request for the person's own copy: while a job prepares it, once it is ready (the PDF and the JSON
    in storage, served only through the portal's view), or when the job failed. Deleted, files and all, a
    set number of days after it was prepared (VEGVISER_MY_DATA_KEPT_DAYS)."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    # The documents are written in the language the person read the page in.
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREPARING)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=copy_path, blank=True)
    json = models.FileField(_("JSON"), upload_to=copy_path, blank=True)

    class Meta:
        verbose_name = _("prepared copy of my data")
        verbose_name_plural = _("prepared copies of my data")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["person", "-requested_at"], name="portal_copy_person_time")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def kept_until(self) -> datetime | None:
        if self.finished_at is None:
            return None
        return self.finished_at + timedelta(days=settings.VEGVISER_MY_DATA_KEPT_DAYS)
