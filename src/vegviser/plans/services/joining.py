"""A specialist professional asks to take part in a person's plan; the plan's coordinator answers.

The municipality leads the plan and the specialist service takes part (the regulation on habilitation,
rehabilitation, individual plan and coordinator § 16). The coordinator decides who takes part, and no one is
let in unless the person's consent to the plan names the asker's unit (IP element h): a consent that names
only the health trust does not cover the trust's units, since the person chooses each service they share
with, and the consent form offers each unit by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.models import Consent
from vegviser.access.policy import Action, authorise
from vegviser.audit.models import AuditAction
from vegviser.audit.services import describe_actor, save_change, save_new
from vegviser.registry.models import Organisation

from .. import notices
from ..models import AccessLevel, IndividualPlan, JoinAnswer, JoinRequest, ParticipantKind
from .participants import add_participant

if TYPE_CHECKING:
    from vegviser.accounts.models import User

JOIN_REQUEST_FIELDS = ["plan", "user", "asker_name", "organisation", "message"]
ANSWER_FIELDS = ["answer", "answered_at", "answered_by", "answered_by_name"]


def consent_covers(plan: IndividualPlan, organisation: Organisation) -> bool:
    """Whether the person's consent to the plan in force names the organisation itself."""
    consent = Consent.objects.in_force_for(plan.person, covering="plan")
    return consent is not None and consent.shared_with.filter(pk=organisation.pk).exists()


def join_page(plan: IndividualPlan) -> str:
    return reverse("plans:join_request", kwargs={"pk": plan.pk})


@transaction.atomic
def ask_to_join(
    *, actor: User, plan: IndividualPlan, organisation: Organisation, message: str
) -> JoinRequest:
    """The asker's request to the coordinator, for one of the units that has the person in a referral."""
    authorise(actor, Action.PLAN_JOIN_ASK, plan)
    if organisation not in policy.units_with_person(actor, plan.person):
        raise ValidationError({"organisation": _("Choose one of your units that has the person's referral.")})
    if JoinRequest.objects.filter(plan=plan, user=actor, answer=JoinAnswer.PENDING).exists():
        raise ValidationError(_("You have already asked to take part in this plan."))
    name, _role, _organisation = describe_actor(actor)
    join_request = JoinRequest(
        plan=plan, user=actor, asker_name=name, organisation=organisation, message=message.strip()
    )
    save_new(
        join_request,
        actor=actor,
        action=AuditAction.PLAN_JOIN_ASK,
        fields=JOIN_REQUEST_FIELDS,
        person_id=plan.person_id,
    )
    notices.tell(
        users=policy.coordinators_in_office([plan.person_id]).get(plan.person_id, []),
        key=f"join-request:{join_request.pk}",
        message=_("%(name)s at %(unit)s asks to take part in the plan for %(person)s."),
        params={"name": name, "unit": organisation.name, "person": plan.person.full_name},
        url=reverse("plans:plan_detail", kwargs={"pk": plan.pk}),
        email=True,
        announce="notice",
    )
    return join_request


def _answer(actor: User, join_request: JoinRequest, answer: str) -> JoinRequest:
    name, _role, _organisation = describe_actor(actor)
    return save_change(
        join_request,
        actor=actor,
        action=AuditAction.PLAN_JOIN_ACCEPT
        if answer == JoinAnswer.ACCEPTED
        else AuditAction.PLAN_JOIN_DECLINE,
        fields=ANSWER_FIELDS,
        data={
            "answer": answer,
            "answered_at": timezone.now(),
            "answered_by": actor,
            "answered_by_name": name,
        },
        person_id=join_request.plan.person_id,
    )


@transaction.atomic
def accept_join_request(
    *, actor: User, join_request: JoinRequest, role: str, access_level: str = AccessLevel.FULL
) -> JoinRequest:
    """The asker takes part from today, through the same service as any participant the coordinator adds.
    Refused, with the request left waiting, while the person's consent does not name the asker's unit or the
    asker no longer works there: the coordinator cannot let in anyone the person has not agreed to share
    with."""
    authorise(actor, Action.PLAN_JOIN_ANSWER, join_request)
    plan, unit, asker = join_request.plan, join_request.organisation, join_request.user
    if not consent_covers(plan, unit):
        raise ValidationError(
            _(
                "The person's consent to the plan does not name %(unit)s, so %(name)s cannot take part yet. "
                "The consent must first name the unit itself (naming the health trust is not enough); the "
                "coordinating unit records consent. The request waits for your answer until then."
            ),
            params={"unit": unit.name, "name": join_request.asker_name},
            code="consent",
        )
    if not asker.is_active or not asker.memberships.filter(organisation=unit, active=True).exists():
        raise ValidationError(
            _("%(name)s no longer works at %(unit)s. Decline the request."),
            params={"unit": unit.name, "name": join_request.asker_name},
            code="left",
        )
    add_participant(
        actor=actor,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": asker,
            "organisation": unit,
            "name": asker.display_name,
            "role": role,
            "access_level": access_level,
            "email": asker.email,
            "phone": asker.phone,
            "joined_on": timezone.localdate(),
        },
    )
    answered = _answer(actor, join_request, JoinAnswer.ACCEPTED)
    _tell_asker(
        answered,
        _("You now take part in the plan for %(person)s, for %(unit)s."),
        url=reverse("plans:plan_detail", kwargs={"pk": plan.pk}),
    )
    return answered


@transaction.atomic
def decline_join_request(*, actor: User, join_request: JoinRequest) -> JoinRequest:
    authorise(actor, Action.PLAN_JOIN_ANSWER, join_request)
    answered = _answer(actor, join_request, JoinAnswer.DECLINED)
    _tell_asker(
        answered,
        _("The coordinator declined your request to take part in the plan for %(person)s."),
        url=join_page(join_request.plan),
    )
    return answered


def _tell_asker(join_request: JoinRequest, message: Any, *, url: str) -> None:
    notices.tell(
        users=[join_request.user],
        key=f"join-request:{join_request.pk}:{join_request.answer}",
        message=message,
        params={"person": join_request.plan.person.full_name, "unit": join_request.organisation.name},
        url=url,
        email=True,
        announce="notice",
    )
