"""The person's own copy of a long history: asked for on the page, prepared by a job on the queue, told when
ready, and deleted after a while. The job is one of Huey's; `tasks.py` names the jobs for the consumer."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from vegviser.access.policy import Action, authorise
from vegviser.audit.models import AuditAction
from vegviser.audit.services import save_new
from vegviser.plans import notices
from vegviser.registry.models import Person

from . import export
from .models import PreparedCopy

if TYPE_CHECKING:
    from vegviser.accounts.models import User

logger = logging.getLogger(__name__)
# A copy still being prepared after this long was lost (the consumer stopped with it): it may be asked again.
PREPARING_AT_MOST = timedelta(hours=1)


def ask_for_copy(*, actor: User, person: Person, language: str) -> PreparedCopy:
    """A copy of everything about `person`, prepared by a job once this transaction commits. One already
    being prepared is the one given back: pressing twice makes one job."""
    authorise(actor, Action.OWN_DATA_EXPORT, person)
    preparing = (
        PreparedCopy.objects.filter(
            person=person,
            requested_by=actor,
            status=PreparedCopy.Status.PREPARING,
            requested_at__gte=timezone.now() - PREPARING_AT_MOST,
        )
        .order_by("-requested_at")
        .first()
    )
    if preparing is not None:
        return preparing
    with transaction.atomic():
        copy = save_new(
            PreparedCopy(person=person, requested_by=actor, language=language),
            actor=actor,
            action=AuditAction.OWN_COPY_REQUEST,
            fields=["language", "status"],
            person_id=person.pk,
        )
    transaction.on_commit(lambda: prepare_copy(copy.pk))
    return copy


@db_task()
def prepare_copy(copy_id: uuid.UUID) -> None:
    """The job: the PDF and the JSON into storage, and a notice to the one who asked. A failure is kept on
    the copy, which the page then offers to ask again."""
    copy = PreparedCopy.objects.select_related("person", "requested_by").filter(pk=copy_id).first()
    if copy is None or copy.status != PreparedCopy.Status.PREPARING:
        return
    try:
        pdf = export.build(copy.person, kind="pdf", language=copy.language)
        data = export.build(copy.person, kind="json", language=copy.language)
    except Exception:
        # The copy's id only: the log names no person.
        logger.exception("Preparing the copy %s failed", copy.pk)
        PreparedCopy.objects.filter(pk=copy.pk).update(
            status=PreparedCopy.Status.FAILED, finished_at=timezone.now()
        )
        return
    with transaction.atomic():
        copy.pdf.save("data.pdf", ContentFile(pdf), save=False)
        copy.json.save("data.json", ContentFile(data), save=False)
        copy.status = PreparedCopy.Status.READY
        copy.finished_at = timezone.now()
        copy.save(update_fields=["pdf", "json", "status", "finished_at"])
        notices.tell(
            users=[copy.requested_by],
            key=f"my-data-{copy.pk}",
            message=_("Your copy of everything Vegviser stores about you is ready to download."),
            params={},
            url=reverse("portal:my_data"),
            email=True,
            announce="notice",
        )


def latest_copy(*, user: User, person: Person) -> PreparedCopy | None:
    """The newest copy the user asked for of the person, unless it has run out."""
    copy = PreparedCopy.objects.filter(person=person, requested_by=user).order_by("-requested_at").first()
    if copy is None or _expired(copy):
        return None
    if (
        copy.status == PreparedCopy.Status.PREPARING
        and copy.requested_at < timezone.now() - PREPARING_AT_MOST
    ):
        # Lost with a consumer that stopped: shown as failed, so that it can be asked again.
        copy.status = PreparedCopy.Status.FAILED
    return copy


def _expired(copy: PreparedCopy) -> bool:
    kept_until = copy.kept_until
    return kept_until is not None and kept_until <= timezone.now()


def delete_copy(copy: PreparedCopy) -> None:
    for field in (copy.pdf, copy.json):
        if field:
            field.delete(save=False)
    copy.delete()


def delete_expired_copies() -> int:
    """Every copy prepared more than VEGVISER_MY_DATA_KEPT_DAYS ago, with its files; the count deleted."""
    limit = timezone.now() - timedelta(days=settings.VEGVISER_MY_DATA_KEPT_DAYS)
    expired = list(
        PreparedCopy.objects.filter(
            Q(finished_at__lte=limit) | Q(finished_at__isnull=True, requested_at__lte=limit)
        )
    )
    for copy in expired:
        delete_copy(copy)
    return len(expired)


@db_periodic_task(crontab(minute="7"))
def delete_expired_copies_hourly() -> None:
    delete_expired_copies()
