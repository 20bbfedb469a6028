"""Create forms are processed once, however often a submission arrives.

Each create form carries a one-time token (`{% submission_field %}` in its template, a new one each time the
form is opened, the same one while it is shown again with errors). The view, marked `@submitted_once`, first
claims the token in the database, in the transaction that stores the new row: a second arrival of the token
(a double click, a request sent again) meets the unique constraint and is led, with no error, to where the
first arrival led. A claim that stored nothing (the form came back with errors) is dropped, so the corrected
form is processed once too. Works across processes, since the database decides, never memory."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Submission

# The name of the form field that carries the token.
FIELD = "submission"
# A request sent again arrives within moments, a page restored from the history within days; after that the
# record of a submission is deleted.
SUBMISSIONS_KEPT = timedelta(days=7)

View = Callable[..., HttpResponse]


def posted_token(request: HttpRequest) -> uuid.UUID | None:
    """The token the POST carries, if it is one."""
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def form_token(request: HttpRequest | None) -> uuid.UUID:
    """The token a form carries when shown: the posted one while the same submission is shown again (with
    errors, or for a confirmation), so that it still counts once; a new one otherwise."""
    token = posted_token(request) if request is not None else None
    return token or uuid.uuid4()


class _Duplicate(Exception):
    pass


def submitted_once(view: View) -> View:
    """Process a create view's POST once per token (see the module). A POST without a token is processed as
    it comes: the form is what guarantees the token, and a client that sends none gets no guarantee."""

    @wraps(view)
    def once(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = posted_token(request)
        if token is None:
            return view(request, *args, **kwargs)
        try:
            with transaction.atomic():
                try:
                    # In a savepoint: a failed claim leaves the transaction usable for nothing else anyway,
                    # but tells the claim's failure apart from anything the view does.
                    with transaction.atomic():
                        claim = Submission.objects.create(
                            token=token, path=request.path, sender=_sender(request)
                        )
                except IntegrityError as error:
                    raise _Duplicate from error
                response = view(request, *args, **kwargs)
                location = response.get("Location") if 300 <= response.status_code < 400 else None
                if location and _refused(request):
                    # Led away with the reason it could not be done: sent again, it is tried again.
                    location = None
                if location:
                    claim.url = location
                    claim.save(update_fields=["url"])
                else:
                    claim.delete()
        except _Duplicate:
            return _already_sent(request, token)
        if location:
            _forget_old()
        return response

    once.submitted_once = True  # type: ignore[attr-defined]
    return once


def _already_sent(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    # The first arrival has committed by now: the unique constraint waited for it.
    earlier = Submission.objects.filter(token=token).first()
    if (
        earlier is None
        or earlier.path != request.path
        or earlier.sender != _sender(request)
        or not earlier.url
    ):
        raise SuspiciousOperation("A submission token was sent to another form, or by another user.")
    messages.info(request, _("This was sent more than once; it was dealt with once."))
    return redirect(earlier.url)


def _sender(request: HttpRequest) -> str:
    """Who sends: a token is good for the user it was given to only, and never leads anyone else to what
    that user stored."""
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else ""


def _refused(request: HttpRequest) -> bool:
    """Whether the view told the user it could not do what was asked (an error before the redirect). Looking
    at the messages must not use them up: they are still to be shown on the next page."""
    storage = messages.get_messages(request)
    if not isinstance(storage, BaseStorage):
        return False
    used = storage.used
    refused = any(message.level >= messages.ERROR for message in storage)
    storage.used = used
    return refused


def _forget_old() -> None:
    """Delete the records of submissions older than they are needed. Outside the create's transaction: a
    failure here (two requests deleting the same rows) loses nothing."""
    try:
        with transaction.atomic():
            Submission.objects.filter(created_at__lt=timezone.now() - SUBMISSIONS_KEPT).delete()
    except DatabaseError:
        pass
