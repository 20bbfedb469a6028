"""The person's own pages: their plan, their goals and progress, messages, consent, who has seen them, and
asking for help; for parents, guardians and attorneys the same pages of those they act for. Thin: each view
checks the policy through a selector, calls one service, and renders."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access import selectors as consent_selectors
from vegviser.access.models import Consent
from vegviser.access.policy import Action
from vegviser.access.services import give_sharing_again, renew_own_consent, withdraw_own_consent
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.assessments import progress as assessment_progress
from vegviser.assessments import selectors as assessment_selectors
from vegviser.assessments import services as assessment_services
from vegviser.assessments.forms import PortalInstrumentForm
from vegviser.assessments.labels import page_language
from vegviser.assessments.library import instruments
from vegviser.assessments.models import SentQuestionnaire
from vegviser.assessments.scoring import ScoreError
from vegviser.audit import selectors as audit_selectors
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.core.documents import pdf_response
from vegviser.core.editing import versioned_edit
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once
from vegviser.intake.services import ask_for_help
from vegviser.plans import notices
from vegviser.plans import selectors as plan_selectors
from vegviser.plans import services as plan_services
from vegviser.plans.forms.plan import MessageForm
from vegviser.plans.models import Goal, GoalStatus, IndividualPlan, PlanStatus
from vegviser.registry.models import Person

from . import export, selectors, services
from .forms import AskForHelpForm, OwnGoalForm, RatingForm, WhatMattersForm, WithdrawForm
from .models import PreparedCopy
from .selectors import Subject


def _context(request: AuthenticatedRequest, subject: Subject, **context: Any) -> dict[str, Any]:
    """What every portal page knows: whose page it is, whom else the user may switch to, what they may do."""
    plan = context.get("plan")
    return context | {
        "subject": subject,
        "person": subject.person,
        "others": [s for s in selectors.subjects(request.user) if s.person.pk != subject.person.pk],
        "may_contribute": plan is not None and policy.can(request.user, Action.PORTAL_CONTRIBUTE, plan),
        "may_answer": plan is not None and policy.can(request.user, Action.PORTAL_QUESTIONNAIRE, plan),
        "may_consent": policy.can(request.user, Action.PORTAL_CONSENT, subject.person),
        "may_see_log": policy.can(request.user, Action.PORTAL_ACCESS_LOG, subject.person),
        "own_data": subject.is_self and policy.can(request.user, Action.OWN_DATA_EXPORT, subject.person),
    }


def _words(subject: Subject, own: str, of_another: str, **values: Any) -> str:
    """`own` on one's own pages; on the pages of someone the user acts for, `of_another`, naming them (as
    `name`). Both are filled with `values`."""
    if subject.acted_for is None:
        return own % values
    return of_another % {**values, "name": subject.acted_for.given_name}


def _page(request: AuthenticatedRequest, template: str, subject: Subject, **context: Any) -> HttpResponse:
    return render(request, template, _context(request, subject, **context))


def _to_home(subject: Subject | uuid.UUID) -> HttpResponse:
    pk = subject.person.pk if isinstance(subject, Subject) else subject
    return redirect("portal:home", pk=pk)


def _plan_of(
    request: AuthenticatedRequest,
    subject: Subject,
    *,
    purpose: ReadPurpose,
    action: Action = Action.PLAN_VIEW,
) -> IndividualPlan | None:
    """The person's plan, if the user may do `action` to it (else 404), its read logged; none yet, and the
    user is told how to ask for one."""
    plan = selectors.current_plan(subject.person)
    if plan is None:
        messages.info(
            request, _("There is no individual plan yet. You can ask for one under “Ask for help”.")
        )
        return None
    policy.require(request.user, action, plan)
    selectors.log_read(user=request.user, subject=subject, plan=plan, purpose=purpose)
    return plan


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    """Whose page: straight to one's own when there is only one, else a choice."""
    found = selectors.subjects(request.user)
    if len(found) == 1:
        return _to_home(found[0])
    return render(request, "portal/index.html", {"subjects": found})


@login_required
def home(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    subject = selectors.get_subject(user=request.user, pk=pk)
    summary = selectors.home(user=request.user, subject=subject)
    return _page(request, "portal/home.html", subject, home=summary, plan=summary.plan)


@login_required
def plan(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """The whole plan in plain words."""
    subject = selectors.get_subject(user=request.user, pk=pk)
    current = _plan_of(request, subject, purpose=ReadPurpose.PORTAL_PLAN)
    if current is None:
        return _to_home(subject)
    content = plan_selectors.plan_content(user=request.user, plan=current, linked_plans=False, history=False)
    selectors.attach_progress(content)
    agreement = plan_selectors.agreement(current)
    return _page(
        request,
        "portal/plan.html",
        subject,
        plan=current,
        content=content,
        agreement=agreement,
        may_agree=current.status == PlanStatus.ACTIVE
        and not agreement.given_by(request.user)
        and policy.can(request.user, Action.PORTAL_PLAN_AGREE, current),
        now=timezone.now(),
    )


@login_required
def results(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """The person's progress: each instrument's scores and each goal's ratings over time, and in plain words
    what changed since the first."""
    subject = selectors.get_subject(user=request.user, pk=pk)
    current = _plan_of(
        request, subject, purpose=ReadPurpose.ASSESSMENT_RESULTS, action=Action.ASSESSMENT_RESULTS
    )
    if current is None:
        return _to_home(subject)
    found = assessment_selectors.plan_results(request.user, current, page_language())
    name = subject.acted_for.given_name if subject.acted_for is not None else None
    content = plan_selectors.plan_content(user=request.user, plan=current, linked_plans=False, history=False)
    return _page(
        request,
        "portal/results.html",
        subject,
        plan=current,
        results=found,
        changes=[
            (series, words)
            for result in found
            for series in result.series
            if (words := assessment_progress.change_in_words(series, name)) is not None
        ],
        goals=assessment_selectors.goal_progress(content.goals),
    )


@login_required
@require_POST
def plan_agree(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """The person, or whoever consents for them, confirms having read the plan and agreeing to it."""
    subject = selectors.get_subject(user=request.user, pk=pk)
    current = _plan_of(request, subject, purpose=ReadPurpose.PORTAL_PLAN, action=Action.PORTAL_PLAN_AGREE)
    if current is None:
        return _to_home(subject)
    try:
        plan_services.agree_to_plan(actor=request.user, plan=current)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _words(
                subject,
                _("Thank you. Your coordinator can see that you have read and agree to the plan."),
                _("Thank you. The coordinator for %(name)s can see that you have read and agree to it."),
            ),
        )
    return redirect("portal:plan", pk=subject.person.pk)


@login_required
def what_matters(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    subject = selectors.get_subject(user=request.user, pk=pk)
    current = _plan_of(request, subject, purpose=ReadPurpose.PORTAL_PLAN, action=Action.PORTAL_CONTRIBUTE)
    if current is None:
        return _to_home(subject)
    response = versioned_edit(
        request,
        form_class=WhatMattersForm,
        instance=current,
        save=lambda data, version: plan_services.update_what_matters(
            actor=request.user, plan=current, text=data["what_matters"], expected_version=version
        ),
        template="portal/form.html",
        context=_form_context(
            request,
            subject,
            current,
            _words(subject, _("What matters to me"), _("What matters to %(name)s")),
            "what-matters",
        ),
        form_kwargs={"acted_for": subject.acted_for},
    )
    return response or redirect("portal:plan", pk=subject.person.pk)


def _form_context(
    request: AuthenticatedRequest, subject: Subject, plan: IndividualPlan, title: str, draft: str
) -> dict[str, Any]:
    return _context(request, subject, plan=plan, title=title, draft=f"{draft}-{plan.pk}")


@login_required
@submitted_once
def goal_add(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    subject = selectors.get_subject(user=request.user, pk=pk)
    current = _plan_of(request, subject, purpose=ReadPurpose.PORTAL_PLAN, action=Action.PORTAL_CONTRIBUTE)
    if current is None:
        return _to_home(subject)
    form = OwnGoalForm(posted(request), acted_for=subject.acted_for)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.propose_goal(actor=request.user, plan=current, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _words(
                    subject,
                    _("Your goal was sent to your coordinator, who will go through it with you."),
                    _("The goal was sent to the coordinator for %(name)s, who will go through it with you."),
                ),
            )
            return redirect("portal:plan", pk=subject.person.pk)
    context = _form_context(request, subject, current, _("Propose a new goal"), "own-goal")
    return render(request, "portal/form.html", {**context, "form": form})


@login_required
def goal_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    goal = plan_selectors.get_plan_item(
        Goal, user=request.user, pk=pk, action=Action.PORTAL_GOAL_EDIT, purpose=ReadPurpose.PORTAL_PLAN
    )
    subject = selectors.get_subject(user=request.user, pk=goal.plan.person_id)
    response = versioned_edit(
        request,
        form_class=OwnGoalForm,
        instance=goal,
        save=lambda data, version: plan_services.update_own_goal(
            actor=request.user, goal=goal, data=data, expected_version=version
        ),
        template="portal/form.html",
        context=_form_context(
            request,
            subject,
            goal.plan,
            _words(subject, _("Change my goal"), _("Change the goal for %(name)s")),
            f"own-goal-{goal.pk}",
        ),
        form_kwargs={"acted_for": subject.acted_for},
    )
    return response or redirect("portal:plan", pk=subject.person.pk)


@login_required
@submitted_once
def goal_rate(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Where the person is now on the goal's scale; the coordinator sees it at the next evaluation."""
    goal = plan_selectors.get_plan_item(
        Goal, user=request.user, pk=pk, action=Action.PORTAL_CONTRIBUTE, purpose=ReadPurpose.PORTAL_PLAN
    )
    subject = selectors.get_subject(user=request.user, pk=goal.plan.person_id)
    if goal.status != GoalStatus.ACTIVE:
        messages.error(request, _("Progress can be rated on active goals only."))
        return redirect("portal:plan", pk=subject.person.pk)
    form = RatingForm(posted(request), goal=goal, acted_for=subject.acted_for)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.rate_progress(
                actor=request.user,
                goal=goal,
                attainment=form.cleaned_data["attainment"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _words(
                    subject,
                    _("Thank you. Your coordinator will see your rating at the next evaluation."),
                    _("Thank you. The coordinator for %(name)s will see your rating at the next evaluation."),
                ),
            )
            return redirect("portal:plan", pk=subject.person.pk)
    title = _words(subject, _("Rate my progress"), _("Rate the progress of %(name)s"))
    context = _form_context(request, subject, goal.plan, title, f"rating-{goal.pk}")
    return render(request, "portal/rate.html", {**context, "form": form, "goal": goal})


@login_required
def questionnaires(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """The questionnaires the team has sent: those to answer, and those answered."""
    subject = selectors.get_subject(user=request.user, pk=pk)
    current = _plan_of(
        request, subject, purpose=ReadPurpose.PORTAL_QUESTIONNAIRE, action=Action.PORTAL_QUESTIONNAIRE
    )
    if current is None:
        return _to_home(subject)
    waiting, answered = assessment_selectors.portal_questionnaires(current, page_language())
    return _page(
        request,
        "portal/questionnaires.html",
        subject,
        plan=current,
        waiting=waiting,
        answered=answered,
        today=timezone.localdate(),
    )


@login_required
@submitted_once
def questionnaire(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """One questionnaire: answered on the phone, kept as a draft to continue later, and once answered a plain
    summary of the scores."""
    sent = plan_selectors.get_plan_item(
        SentQuestionnaire,
        user=request.user,
        pk=pk,
        action=Action.PORTAL_QUESTIONNAIRE,
        purpose=ReadPurpose.PORTAL_QUESTIONNAIRE,
    )
    subject = selectors.get_subject(user=request.user, pk=sent.plan.person_id)
    language = page_language()
    found = instruments()[sent.instrument]
    back = redirect("portal:questionnaires", pk=subject.person.pk)
    if not sent.is_open:
        if request.method == "POST":
            messages.error(
                request,
                _("This questionnaire has already been answered. The answers were kept the first time.")
                if sent.administration_id
                else _("A newer questionnaire has replaced this one. Answer the newest one instead."),
            )
        if sent.administration_id is None:
            return back
        return _page(
            request,
            "portal/questionnaire_done.html",
            subject,
            plan=sent.plan,
            sent=sent,
            title=found.title(language),
            summary=assessment_selectors.answer_summary(request.user, sent, language),
        )
    form = PortalInstrumentForm(posted(request), instrument=found, language=language, draft=sent.draft)
    if request.method == "POST":
        try:
            if "later" in request.POST:
                assessment_services.save_draft(actor=request.user, sent=sent, draft=form.typed())
                messages.success(request, _("Your answers are saved. You can continue where you stopped."))
                return back
            if form.is_valid():
                assessment_services.answer_questionnaire(
                    actor=request.user, sent=sent, response=form.questionnaire_response()
                )
                messages.success(request, _("Thank you. Your answers were sent."))
                return redirect("portal:questionnaire", pk=sent.pk)
            # Kept as typed, so that nothing is lost if the page is left before it is put right.
            assessment_services.save_draft(actor=request.user, sent=sent, draft=form.typed())
        except ScoreError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            if error.code in {"answered", "closed"}:
                messages.error(request, " ".join(error.messages))
                return redirect("portal:questionnaire", pk=sent.pk)
            add_service_error(form, error)
    return _page(
        request,
        "portal/questionnaire.html",
        subject,
        plan=sent.plan,
        sent=sent,
        form=form,
        title=found.title(language),
        sections=form.sections(),
        late=sent.due_on < timezone.localdate(),
    )


@login_required
@submitted_once
def conversation(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Messages with the coordinator and the team."""
    subject = selectors.get_subject(user=request.user, pk=pk)
    current = _plan_of(request, subject, purpose=ReadPurpose.PORTAL_MESSAGES, action=Action.PLAN_MESSAGES)
    if current is None:
        return _to_home(subject)
    form = MessageForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.send_message(actor=request.user, plan=current, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("portal:messages", pk=subject.person.pk)
    thread = plan_selectors.conversation(user=request.user, plan=current)
    notices.mark_read(user=request.user, url=reverse("portal:messages", kwargs={"pk": subject.person.pk}))
    return _page(request, "portal/messages.html", subject, plan=current, thread=thread, form=form)


@login_required
def consents(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """What the person has agreed to, and with whom information is shared."""
    subject = selectors.get_subject(user=request.user, pk=pk, action=Action.PORTAL_CONSENT)
    selectors.log_read(user=request.user, subject=subject, plan=None, purpose=ReadPurpose.PORTAL_CONSENT)
    rows = consent_selectors.consents_of(
        user=request.user, person=subject.person, action=Action.PORTAL_CONSENT, page_logged=True
    )
    return _page(request, "portal/consents.html", subject, consents=rows, today=timezone.localdate())


def _own_consent(request: AuthenticatedRequest, pk: uuid.UUID) -> tuple[Consent, Subject]:
    consent = Consent.objects.select_related("person").filter(pk=pk).first()
    if consent is None:
        raise Http404
    subject = selectors.get_subject(user=request.user, pk=consent.person_id, action=Action.PORTAL_CONSENT)
    selectors.log_read(user=request.user, subject=subject, plan=None, purpose=ReadPurpose.PORTAL_CONSENT)
    return consent, subject


@login_required
def consent_withdraw(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """What withdrawing means, in plain words, then the choice: all of it, or one organisation."""
    consent, subject = _own_consent(request, pk)
    today = timezone.localdate()
    if consent.withdrawn_at is not None:
        # Sent twice (a double click, the back button): said plainly, nothing more happens.
        messages.error(request, _("This consent has already been withdrawn."))
        return redirect("portal:consents", pk=subject.person.pk)
    if consent.valid_to is not None and consent.valid_to < today:
        # Withdrawing one organisation gives a new consent for the others from today: from a consent that
        # has run out, that would renew it instead.
        messages.error(request, _("This consent has run out, so there is nothing to withdraw."))
        return redirect("portal:consents", pk=subject.person.pk)
    # A consent not yet in force is withdrawn whole: a new one without an organisation would start today.
    organisations = list(consent.shared_with.order_by("name")) if consent.valid_from <= today else []
    form = WithdrawForm(posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["organisation"]
        organisation = next((o for o in organisations if str(o.pk) == chosen), None)
        try:
            withdraw_own_consent(actor=request.user, consent=consent, organisation=organisation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if organisation is None:
                messages.success(request, _("The consent is withdrawn."))
            else:
                messages.success(
                    request,
                    _words(
                        subject,
                        _("%(organisation)s no longer gets information from your plan."),
                        _("%(organisation)s no longer gets information from the plan for %(name)s."),
                        organisation=organisation.name,
                    ),
                )
        return redirect("portal:consents", pk=subject.person.pk)
    return _page(request, "portal/consent_withdraw.html", subject, consent=consent, form=form)


@login_required
@require_POST
@submitted_once
def consent_renew(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    consent, subject = _own_consent(request, pk)
    try:
        renew_own_consent(actor=request.user, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The consent is renewed from today."))
    return redirect("portal:consents", pk=subject.person.pk)


@login_required
@require_POST
@submitted_once
def consent_share_again(
    request: AuthenticatedRequest, pk: uuid.UUID, organisation: uuid.UUID
) -> HttpResponse:
    """The sharing with one organisation the person withdrew it for, given back; the others as they are."""
    consent, subject = _own_consent(request, pk)
    chosen = consent.withdrawn_for.filter(pk=organisation).first()
    if chosen is None:
        raise Http404
    try:
        give_sharing_again(actor=request.user, consent=consent, organisation=chosen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _words(
                subject,
                _("%(organisation)s gets information from your plan again."),
                _("%(organisation)s gets information from the plan for %(name)s again."),
                organisation=chosen.name,
            ),
        )
    return redirect("portal:consents", pk=subject.person.pk)


@login_required
def access_log(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Who has seen the person's information, emergency access included."""
    subject = selectors.get_subject(user=request.user, pk=pk, action=Action.PORTAL_ACCESS_LOG)
    current = selectors.current_plan(subject.person)
    selectors.log_read(user=request.user, subject=subject, plan=current, purpose=ReadPurpose.PLAN_ACCESS_LOG)
    reads = audit_selectors.reads_of_person(
        subject.person.pk,
        own=[subject.person.user_id, request.user.pk],
        show_own=request.GET.get("own") == "1",
        page=request.GET.get("page", 1),
    )
    emergencies = current.emergency_accesses.order_by("-granted_at") if current is not None else []
    return _page(request, "portal/access_log.html", subject, reads=reads, emergencies=emergencies)


@login_required
@submitted_once
def help_request(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Ask the coordinating unit for a plan, a coordinator or a child coordinator."""
    subject = selectors.get_subject(user=request.user, pk=pk, action=Action.PORTAL_ASK_HELP)
    age = subject.person.age_on(timezone.localdate())
    form = AskForHelpForm(posted(request), child=age is None or age < 18, acted_for=subject.acted_for)
    if request.method == "POST" and form.is_valid():
        try:
            ask_for_help(actor=request.user, person=subject.person, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your request was sent to the coordinating unit in %(municipality)s. They will contact "
                    "you."
                )
                % {"municipality": subject.person.municipality},
            )
            return _to_home(subject)
    return _page(request, "portal/ask_for_help.html", subject, form=form)


def _own_person(request: AuthenticatedRequest) -> Person:
    """The user's own person, if they may have their own copy; else 404 (a refusal logged as such)."""
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404
    policy.require(request.user, Action.OWN_DATA_EXPORT, person)
    return person


def _log_own_read(request: AuthenticatedRequest, person: Person, channel: str) -> None:
    record_access(
        actor=request.user, person_ids=[person.pk], obj=person, purpose=ReadPurpose.OWN_DATA, channel=channel
    )


def _in_background(person: Person) -> bool:
    return export.history_size(person) >= settings.VEGVISER_MY_DATA_IN_BACKGROUND_FROM


@login_required
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own copy: downloaded at once, or for a long history prepared by a job and offered when
    ready. The part that tells how the preparing goes is asked again by htmx until it is done, or by the
    reload link without JavaScript."""
    person = _own_person(request)
    context = {
        "person": person,
        "in_background": _in_background(person),
        "copy": services.latest_copy(user=request.user, person=person),
    }
    if request.htmx:
        return render(request, "portal/_prepared_copy.html", context)
    return render(request, "portal/my_data.html", context)


@login_required
@require_POST
def my_data_prepare(request: AuthenticatedRequest) -> HttpResponse:
    person = _own_person(request)
    services.ask_for_copy(actor=request.user, person=person, language=get_language())
    messages.success(request, _("Your copy is being prepared. You will get a notice when it is ready."))
    return redirect("portal:my_data")


def _too_long(request: AuthenticatedRequest) -> HttpResponse:
    messages.info(
        request,
        _("Your history is long, so your copy is prepared in the background. Press “Prepare my data”."),
    )
    return redirect("portal:my_data")


@login_required
def my_data_json(request: AuthenticatedRequest) -> HttpResponse:
    person = _own_person(request)
    if _in_background(person):
        return _too_long(request)
    _log_own_read(request, person, Channel.EXPORT)
    response = HttpResponse(
        export.build(person, kind="json", language=get_language()),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name("json")}"'
    return response


@login_required
def my_data_pdf(request: AuthenticatedRequest) -> HttpResponse:
    person = _own_person(request)
    if _in_background(person):
        return _too_long(request)
    _log_own_read(request, person, Channel.PRINT)
    data = export.everything_about(person)
    context = export.document_context(person, data)
    return pdf_response(request, "portal/my_data_document.html", context, filename=_file_name("pdf"))


def _file_name(kind: str, day: date | None = None) -> str:
    # The date only: a file name travels (downloads folder, e-mail) and must carry no personal data.
    return f"vegviser-mine-data-{(day or timezone.localdate()):%Y-%m-%d}.{kind}"


@login_required
def my_data_prepared(request: AuthenticatedRequest, pk: uuid.UUID, kind: str) -> FileResponse:
    """A prepared copy, to the one who asked for it while they may still have it; for anyone else 404. The
    download is logged as a read of the person's data, as the direct one is."""
    person = _own_person(request)
    copy = services.latest_copy(user=request.user, person=person)
    if copy is None or copy.pk != pk or copy.status != PreparedCopy.Status.READY:
        raise Http404
    stored = copy.pdf if kind == "pdf" else copy.json
    if not stored:
        raise Http404
    _log_own_read(request, person, Channel.PRINT if kind == "pdf" else Channel.EXPORT)
    content_type = "application/pdf" if kind == "pdf" else "application/json; charset=utf-8"
    assert copy.finished_at is not None
    return FileResponse(
        stored.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=_file_name(kind, timezone.localdate(copy.finished_at)),
    )
