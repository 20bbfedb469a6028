"""The unit's waiting list, and the handling of a wait: a breach reported to Helfo and told to the person,
the appointment, a postponement the person chose, the start of care."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.core.documents import document_in_language, document_language
from vegviser.core.forms import add_service_error
from vegviser.core.http import render_page
from vegviser.core.once import submitted_once

from . import selectors, services
from .forms import BreachLetterSentForm, HelfoNotifiedForm, PostponementForm, WaitEndForm
from .waiting import BREACH_STATES, WaitState, wait_of


@login_required
def waiting_list(request: AuthenticatedRequest) -> HttpResponse:
    show = request.GET.get("show", selectors.WAIT_ALL)
    if show not in selectors.WAIT_FILTERS:
        show = selectors.WAIT_ALL
    sort = "-deadline" if request.GET.get("sort") == "-deadline" else "deadline"
    rows = selectors.waiting_list(user=request.user, show=show, descending=sort == "-deadline")
    filters = [
        (selectors.WAIT_ALL, _("All")),
        (selectors.WAIT_BREACH, _("Deadline breached")),
        (selectors.WAIT_EXPECTED, _("Breach expected")),
        (selectors.WAIT_HANDLED, _("Helfo notified")),
    ]
    context = {
        "rows": rows,
        "show": show,
        "sort": sort,
        "next_sort": "deadline" if sort == "-deadline" else "-deadline",
        "filters": filters,
        "several_units": len(policy.referral_reader_units(request.user)) > 1,
    }
    return render_page(request, "referrals/waiting_list.html", context, part="referrals/_waiting_list.html")


def _wait_page(
    request: AuthenticatedRequest, waiting: selectors.Waiting, bound: forms.Form | None = None
) -> HttpResponse:
    """The wait with its forms, one of them as posted (with its errors and what was typed) if given."""
    referral = waiting.referral
    may_handle = policy.can(request.user, Action.REFERRAL_WAIT_HANDLE, referral)
    wait = wait_of(waiting.assessment)
    ended = waiting.state == WaitState.ENDED
    forms_shown: dict[str, forms.Form] = {}
    if may_handle and not ended:
        forms_shown = {
            "helfo_form": HelfoNotifiedForm(),
            "letter_form": BreachLetterSentForm(),
            "postponement_form": PostponementForm(),
            "end_form": WaitEndForm(received_on=referral.received_on),
        }
    if bound is not None:
        forms_shown[_FORM_NAMES[type(bound)]] = bound
    context = {
        "waiting": waiting,
        "referral": referral,
        "assessment": waiting.assessment,
        "wait": wait,
        "may_handle": may_handle and not ended,
        # The letter is made by those who handle the wait, also after it ended (a copy to print again).
        "may_write_letter": may_handle,
        "breach": waiting.state in BREACH_STATES,
        **forms_shown,
    }
    return render(request, "referrals/waiting_detail.html", context)


_FORM_NAMES: dict[type[forms.Form], str] = {
    HelfoNotifiedForm: "helfo_form",
    BreachLetterSentForm: "letter_form",
    PostponementForm: "postponement_form",
    WaitEndForm: "end_form",
}


@login_required
def waiting_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _wait_page(request, selectors.get_waiting(user=request.user, pk=pk))


def _handle(
    request: AuthenticatedRequest,
    pk: uuid.UUID,
    make_form: Callable[[selectors.Waiting], forms.Form],
    record: Callable[[selectors.Waiting, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Post one of the wait's forms: recorded through its service and back to the wait, or the page again
    with the form as typed and what is wrong with it."""
    waiting = selectors.get_waiting(user=request.user, pk=pk, action=Action.REFERRAL_WAIT_HANDLE)
    form = make_form(waiting)
    if form.is_valid():
        try:
            record(waiting, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("referrals:waiting_detail", pk=pk)
    return _wait_page(request, waiting, bound=form)


@login_required
@require_POST
@submitted_once
def helfo_notified(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _handle(
        request,
        pk,
        lambda waiting: HelfoNotifiedForm(request.POST),
        lambda waiting, data: services.record_helfo_notified(
            actor=request.user, referral=waiting.referral, notified_on=data["helfo_notified_on"]
        ),
        _("Recorded that Helfo was notified. Send the person the letter on the breach."),
    )


@login_required
@require_POST
@submitted_once
def breach_letter_sent(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _handle(
        request,
        pk,
        lambda waiting: BreachLetterSentForm(request.POST),
        lambda waiting, data: services.record_breach_letter_sent(
            actor=request.user, referral=waiting.referral, sent_on=data["breach_letter_sent_on"]
        ),
        _("Recorded that the letter was sent."),
    )


@login_required
@require_POST
@submitted_once
def postponement(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _handle(
        request,
        pk,
        lambda waiting: PostponementForm(request.POST),
        lambda waiting, data: services.record_postponement(
            actor=request.user,
            referral=waiting.referral,
            code=data["postponement_code"],
            chosen_on=data["postponement_chosen_on"],
            postponed_to=data["postponed_to"],
        ),
        _("The postponement was recorded. A breach is counted from the new date."),
    )


@login_required
@require_POST
@submitted_once
def wait_end(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _handle(
        request,
        pk,
        lambda waiting: WaitEndForm(request.POST, received_on=waiting.referral.received_on),
        lambda waiting, data: services.record_wait_end(
            actor=request.user,
            referral=waiting.referral,
            ended_on=data["ended_on"],
            end_code=data["end_code"],
        ),
        _("The end of the wait was recorded."),
    )


def _breach_letter(request: AuthenticatedRequest, pk: uuid.UUID, *, as_pdf: bool) -> HttpResponse:
    """The letter «Varsel om fristbrudd» to the person, in their language where the UI has it (Bokmål
    otherwise). Only once Helfo has been told, since the letter says so."""
    waiting = selectors.get_waiting(
        user=request.user,
        pk=pk,
        action=Action.REFERRAL_WAIT_HANDLE,
        channel=Channel.PRINT if as_pdf else Channel.WEB,
        purpose=ReadPurpose.BREACH_LETTER,
    )
    wait = waiting.assessment.wait if waiting.helfo_notified else None
    if wait is None:
        messages.error(
            request, _("Record that Helfo was notified first: the letter says Helfo has been told.")
        )
        return redirect("referrals:waiting_detail", pk=pk)
    letter_date = wait.breach_letter_sent_on or wait.helfo_notified_on
    assert letter_date is not None
    language = document_language(waiting.referral.person)
    context = {
        "waiting": waiting,
        "referral": waiting.referral,
        "assessment": waiting.assessment,
        "wait": wait,
        "unit": waiting.referral.receiving_unit,
        "letter_language": language,
        "letter_date": letter_date,
        # As of the letter's date: printed again later, it says what it said when it was sent.
        "breached": letter_date > waiting.deadline,
        "as_pdf": as_pdf,
    }
    filename = f"varsel-om-fristbrudd-{wait.helfo_notified_on:%Y-%m-%d}.pdf" if as_pdf else None
    return document_in_language(
        request, "referrals/waiting_letter.html", context, language=language, pdf_filename=filename
    )


@login_required
def breach_letter(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _breach_letter(request, pk, as_pdf=False)


@login_required
def breach_letter_pdf(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _breach_letter(request, pk, as_pdf=True)
