from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vegviser.access import policy
from vegviser.access import selectors as consent_selectors
from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.audit.models import ReadPurpose
from vegviser.core.editing import versioned_edit
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once
from vegviser.core.services import ConflictError
from vegviser.core.uploads import document_response
from vegviser.intake import selectors as intake_selectors

from . import codes, selectors, services
from .forms import (
    AgreementEditForm,
    AgreementForm,
    MembershipForm,
    OrganisationForm,
    PersonForm,
    PersonSearchForm,
    RelationForm,
)
from .models import CollaborationAgreement, Membership, Organisation, PersonRelation


@login_required
def person_search(request: AuthenticatedRequest) -> HttpResponse:
    # The query goes in the POST body: an identity number must never appear in a URL.
    policy.require(request.user, Action.PERSON_SEARCH)
    form = PersonSearchForm(posted(request))
    results = None
    if request.method == "POST" and form.is_valid():
        results = selectors.search_persons(user=request.user, query=form.cleaned_data["query"])
    return render(request, "registry/person_search.html", {"form": form, "results": results})


@login_required
@submitted_once
def person_create(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.PERSON_CREATE)
    form = PersonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        person = services.create_person(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The person was registered."))
        if policy.can(request.user, Action.PERSON_VIEW, person):
            return redirect("registry:person_detail", pk=person.pk)
        return redirect("registry:person_search")
    return render(request, "registry/person_form.html", {"form": form, "creating": True})


@login_required
def person_detail(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    person = selectors.get_person(user=request.user, pk=pk)
    relatives, related_to = selectors.relations_of(person)
    may_see_consents = policy.can(request.user, Action.CONSENT_VIEW, person)
    context = {
        "person": person,
        "relatives": relatives,
        "related_to": related_to,
        "today": timezone.localdate(),
        "may_edit": policy.can(request.user, Action.PERSON_EDIT, person),
        "consents": consent_selectors.consents_of(user=request.user, person=person, page_logged=True)
        if may_see_consents
        else None,
        "coordinators": intake_selectors.coordinators_of(person) if may_see_consents else None,
        "may_appoint": policy.can(request.user, Action.COORDINATOR_APPOINT, person),
        # The unit sees that a plan exists, its status and dates; the content only if it may read the plan.
        "plans": [
            (plan, policy.can(request.user, Action.PLAN_VIEW, plan))
            for plan in person.plans.select_related("person").order_by("-created_at")
        ],
    }
    return render(request, "registry/person_detail.html", context)


@login_required
def person_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    person = selectors.get_person(
        user=request.user, pk=pk, action=Action.PERSON_EDIT, purpose=ReadPurpose.REGISTRY_EDIT
    )
    response = versioned_edit(
        request,
        form_class=PersonForm,
        instance=person,
        save=lambda data, version: services.update_person(
            actor=request.user, person=person, data=data, expected_version=version
        ),
        template="registry/person_form.html",
        context={"person": person},
    )
    return response or redirect("registry:person_detail", pk=person.pk)


@login_required
@submitted_once
def relation_create(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    person = selectors.get_person(
        user=request.user, pk=pk, action=Action.PERSON_EDIT, purpose=ReadPurpose.REGISTRY_EDIT
    )
    form = RelationForm(posted(request), person=person, visible=policy.visible_persons(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, relative=form.cleaned_data["relative_national_id"])
        services.add_relation(actor=request.user, person=person, data=data)
        messages.success(request, _("The relation was added."))
        return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/relation_form.html", {"form": form, "person": person})


@login_required
@require_POST
def relation_end(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    relation = get_object_or_404(PersonRelation.objects.select_related("person"), pk=pk)
    policy.require(request.user, Action.PERSON_EDIT, relation.person)
    today = timezone.localdate()
    if relation.valid_to is None or relation.valid_to > today:
        services.end_relation(actor=request.user, relation=relation, valid_to=max(today, relation.valid_from))
        messages.success(request, _("The relation was ended."))
    return redirect("registry:person_detail", pk=relation.person_id)


@login_required
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.ORGANISATION_LIST)
    organisations = (
        policy.manageable_organisations(request.user)
        .select_related("municipality", "parent")
        .order_by("name")
    )
    kind = request.GET.get("kind", "")
    if kind:
        organisations = organisations.filter(kind=kind)
    context = {
        "organisations": organisations,
        "may_create": policy.can(request.user, Action.ORGANISATION_CREATE),
        "may_edit": policy.is_system_admin(request.user),
    }
    return render(request, "registry/organisation_list.html", context)


@login_required
@submitted_once
def organisation_create(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.ORGANISATION_CREATE)
    form = OrganisationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.create_organisation(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The organisation was created."))
        return redirect("registry:organisation_list")
    return render(request, "registry/organisation_form.html", {"form": form, "creating": True})


@login_required
def organisation_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    policy.require(request.user, Action.ORGANISATION_EDIT, organisation)
    form = OrganisationForm(posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                actor=request.user,
                organisation=organisation,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ConflictError:
            form.add_error(None, ConflictError.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("registry:organisation_list")
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@submitted_once
def organisation_members(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    policy.require(request.user, Action.MEMBERS_MANAGE, organisation)
    form = MembershipForm(posted(request), organisation=organisation, actor=request.user)
    if request.method == "POST" and form.is_valid():
        services.add_membership(
            actor=request.user,
            organisation=organisation,
            user=form.cleaned_data["username"],
            role=form.cleaned_data["role"],
        )
        messages.success(request, _("The membership was added."))
        return redirect("registry:organisation_members", pk=organisation.pk)
    memberships = (
        organisation.memberships.filter(active=True).select_related("user").order_by("user__last_name")
    )
    context = {"organisation": organisation, "memberships": memberships, "form": form}
    return render(request, "registry/organisation_members.html", context)


@login_required
@require_POST
def membership_end(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk, active=True)
    policy.require(request.user, Action.MEMBERS_MANAGE, membership.organisation)
    services.end_membership(actor=request.user, membership=membership)
    messages.success(request, _("The membership was ended."))
    return redirect("registry:organisation_members", pk=membership.organisation_id)


# At most this many suggestions, and this much of a query: a clerk types a code or a few words of its name.
CODE_SUGGESTIONS = 20
CODE_QUERY_LENGTH = 60


@login_required
def code_search(request: AuthenticatedRequest) -> JsonResponse:
    """Codes matching what a form's user types, for the form's suggestions: code list data only, never a
    person's, so it reads no health data and logs no read. A form works without it."""
    policy.require(request.user, Action.CODE_LIST_SEARCH)
    system = request.GET.get("system", codes.CodeSystem.ICD10)
    if system not in codes.CodeSystem.values:
        return JsonResponse({"error": "system", "systems": codes.CodeSystem.values}, status=400)
    query = request.GET.get("q", "")[:CODE_QUERY_LENGTH]
    found = codes.search(system, query, limit=CODE_SUGGESTIONS)
    response = JsonResponse(
        {"system": system, "results": [{"code": code.code, "name": code.name} for code in found]}
    )
    # What the user typed stays out of shared caches; the lists change once a year.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def agreement_list(request: AuthenticatedRequest) -> HttpResponse:
    agreements = selectors.agreements(user=request.user)
    today = timezone.localdate()
    context = {
        "rows": [(agreement, agreement.in_force_on(today)) for agreement in agreements],
        "may_manage": policy.can(request.user, Action.AGREEMENT_MANAGE),
    }
    return render(request, "registry/agreement_list.html", context)


@login_required
@submitted_once
def agreement_create(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.AGREEMENT_MANAGE)
    form = AgreementForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_agreement(actor=request.user, data=data, document=data["document"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The collaboration agreement was registered."))
            return redirect("registry:agreement_list")
    return render(request, "registry/agreement_form.html", {"form": form, "creating": True})


@login_required
def agreement_edit(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    agreement = get_object_or_404(CollaborationAgreement, pk=pk)
    policy.require(request.user, Action.AGREEMENT_MANAGE, agreement)
    response = versioned_edit(
        request,
        form_class=AgreementEditForm,
        instance=agreement,
        save=lambda data, version: services.update_agreement(
            actor=request.user, agreement=agreement, data=data, expected_version=version
        ),
        template="registry/agreement_form.html",
        context={"agreement": agreement},
    )
    if response is not None:
        return response
    messages.success(request, _("The changes were saved."))
    return redirect("registry:agreement_list")


@login_required
def agreement_document(request: AuthenticatedRequest, pk: uuid.UUID) -> FileResponse:
    agreement = selectors.get_agreement(user=request.user, pk=pk)
    return document_response(agreement.document)
