from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.accounts.models import Profession
from vegviser.assessments import selectors as assessment_selectors
from vegviser.assessments.labels import page_language
from vegviser.audit.models import Channel
from vegviser.core.documents import document_in_language, document_language
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once
from vegviser.core.services import ConflictError
from vegviser.referrals.models import Referral
from vegviser.registry.codes import icd10_name, ncmp_name
from vegviser.registry.models import OrganisationKind
from vegviser.registry.services import find_or_register_person

from . import selectors, services
from .forms import DischargeForm, EpisodeForm, NewEpisodeForm, SummarySentForm, codes_text, discharge_data
from .models import Episode, LevelOfCare, Specialty


@login_required
def episode_list(request: AuthenticatedRequest) -> HttpResponse:
    show = selectors.DISCHARGED if request.GET.get("show") == selectors.DISCHARGED else selectors.OPEN
    episodes = selectors.unit_episodes(user=request.user, show=show)
    context = {
        "episodes": episodes,
        "show": show,
        "filters": [(selectors.OPEN, _("Open")), (selectors.DISCHARGED, _("Discharged"))],
        "to_admit": selectors.referrals_to_admit(user=request.user),
        "may_start": policy.can(request.user, Action.EPISODE_WRITE),
        "several_units": len(policy.episode_reader_units(request.user)) > 1,
    }
    return render(request, "episodes/episode_list.html", context)


def _referral_from(request: AuthenticatedRequest) -> Referral | None:
    """The referral the episode follows from, named in the address (its id, never a person's number)."""
    value = request.GET.get("referral", "")
    if not value:
        return None
    try:
        pk = uuid.UUID(value)
    except ValueError:
        return None
    return selectors.referral_to_admit(user=request.user, pk=pk)


def _initial_from(referral: Referral | None, units: Any) -> dict[str, Any]:
    """What a new episode starts from: the unit's specialty, and the referral's diagnoses."""
    unit = (
        referral.receiving_unit if referral is not None else (units.first() if units.count() == 1 else None)
    )
    initial: dict[str, Any] = {"admitted_at": timezone.localtime().replace(second=0, microsecond=0)}
    if unit is not None and unit.kind == OrganisationKind.REHABILITATION_UNIT:
        initial.update(specialty=Specialty.PHYSICAL_MEDICINE, level_of_care=LevelOfCare.INPATIENT)
    if referral is not None:
        initial["secondary_diagnoses"] = codes_text(referral.diagnosis_codes)
    return initial


@login_required
@submitted_once
def episode_create(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.EPISODE_WRITE)
    referral = _referral_from(request)
    units = selectors.staff_units(user=request.user)
    form = NewEpisodeForm(
        posted(request),
        units=units,
        from_referral=referral is not None,
        initial=_initial_from(referral, units),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Registering the person and starting the episode stand or fall together.
            with transaction.atomic():
                if referral is not None:
                    person, unit = referral.person, referral.receiving_unit
                else:
                    unit = data["unit"]
                    person = find_or_register_person(
                        actor=request.user,
                        national_id=data["national_id"],
                        given_name=data["given_name"],
                        family_name=data["family_name"],
                        municipality=data["municipality"],
                    )
                episode = services.start_episode(
                    actor=request.user, person=person, unit=unit, data=data, referral=referral
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The episode of care was started."))
            return redirect("episodes:episode_detail", pk=episode.pk)
    return render(
        request, "episodes/episode_form.html", {"form": form, "referral": referral, "creating": True}
    )


def _names(codes: list[str], name_of: Any) -> list[tuple[str, str]]:
    return [(code, name_of(code) or "") for code in codes]


def _professions(episode: Episode) -> list[str]:
    return [str(Profession(value).label) for value in episode.professions if value in Profession.values]


def _summary_sent_form(episode: Episode, data: Any = None) -> SummarySentForm:
    """The form to record that the summary was sent: to the referrer unless it is recorded already."""
    referrer = episode.referral.referrer_name if episode.referral is not None else ""
    return SummarySentForm(
        data,
        initial={"summary_sent_to": episode.summary_sent_to or referrer}
        | ({"summary_sent_on": episode.summary_sent_on} if episode.summary_sent_on else {}),
    )


def _episode_page(
    request: AuthenticatedRequest, episode: Episode, *, sent_form: SummarySentForm | None = None
) -> HttpResponse:
    may_write = policy.can(request.user, Action.EPISODE_WRITE, episode)
    if sent_form is None and may_write and not episode.is_open:
        sent_form = _summary_sent_form(episode)
    context = {
        "episode": episode,
        "diagnoses": _names(episode.diagnoses(), icd10_name),
        "procedures": _names(episode.procedure_codes, ncmp_name),
        "professions": _professions(episode),
        "handover": selectors.handover_state(user=request.user, episode=episode),
        "may_write": may_write,
        "sent_form": sent_form,
        "results": assessment_selectors.episode_results(request.user, episode, page_language()),
    }
    return render(request, "episodes/episode_detail.html", context)


@login_required
def episode_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _episode_page(request, selectors.get_episode(user=request.user, pk=pk))


@login_required
@require_POST
@submitted_once
def summary_sent(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Record that the discharge summary was sent: to whom and the day, as the sender gives them."""
    episode = selectors.get_episode(user=request.user, pk=pk, action=Action.EPISODE_WRITE)
    if episode.is_open:
        return redirect("episodes:episode_detail", pk=episode.pk)
    form = _summary_sent_form(episode, request.POST)
    if form.is_valid():
        try:
            services.record_summary_sent(
                actor=request.user,
                episode=episode,
                sent_to=form.cleaned_data["summary_sent_to"],
                sent_on=form.cleaned_data["summary_sent_on"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Recorded that the discharge summary was sent."))
            return redirect("episodes:episode_detail", pk=episode.pk)
    return _episode_page(request, episode, sent_form=form)


@login_required
def episode_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    episode = selectors.get_episode(user=request.user, pk=pk, action=Action.EPISODE_WRITE)
    form = EpisodeForm(posted(request), instance=episode)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_episode(
                actor=request.user,
                episode=episode,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ConflictError:
            form.add_error(None, ConflictError.message)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("episodes:episode_detail", pk=episode.pk)
    return render(request, "episodes/episode_form.html", {"form": form, "episode": episode})


@login_required
@submitted_once
def episode_discharge(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    episode = selectors.get_episode(user=request.user, pk=pk, action=Action.EPISODE_WRITE)
    if not episode.is_open:
        return redirect("episodes:episode_detail", pk=episode.pk)
    municipality = episode.person.municipality
    form = DischargeForm(
        posted(request),
        instance=episode,
        municipality=municipality.name if municipality is not None else _("the person's municipality"),
        handover_text=selectors.default_handover_text(episode),
        may_hand_over=episode.level_of_care == LevelOfCare.INPATIENT and municipality is not None,
        initial={"discharged_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.discharge(
                actor=request.user,
                episode=episode,
                data=discharge_data(form),
                expected_version=form.cleaned_data["version"] or 0,
                handover=form.handover(),
            )
        except ConflictError:
            form.add_error(None, ConflictError.message)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if episode.handover_id is not None:
                messages.success(
                    request,
                    _("Discharged. The report of need was sent to the coordinating unit of %(municipality)s.")
                    % {"municipality": municipality.name if municipality is not None else ""},
                )
            else:
                messages.success(request, _("Discharged. The discharge summary is ready."))
            return redirect("episodes:episode_detail", pk=episode.pk)
    return render(request, "episodes/discharge_form.html", {"form": form, "episode": episode})


def _summary(request: AuthenticatedRequest, pk: uuid.UUID, *, as_pdf: bool) -> HttpResponse:
    """The discharge summary (epikrise), in the person's language where the UI has it (Bokmål otherwise)."""
    episode = selectors.discharge_summary(
        user=request.user, pk=pk, channel=Channel.PRINT if as_pdf else Channel.WEB
    )
    language = document_language(episode.person)
    context = {
        "episode": episode,
        "letter_language": language,
        "as_pdf": as_pdf,
        "diagnoses": _names(episode.diagnoses(), icd10_name),
        "procedures": _names(episode.procedure_codes, ncmp_name),
    }
    filename = f"epikrise-{timezone.localtime(episode.discharged_at):%Y-%m-%d}.pdf" if as_pdf else None
    return document_in_language(
        request,
        "episodes/discharge_summary.html",
        context,
        language=language,
        pdf_filename=filename,
        translated=lambda: {"professions": _professions(episode)},
    )


@login_required
def discharge_summary(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _summary(request, pk, as_pdf=False)


@login_required
def discharge_summary_pdf(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    return _summary(request, pk, as_pdf=True)
