"""Emergency access ("break the glass"): granted at once with a reason, for at most four hours, shown to the
person, and reviewed by the coordinating unit."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from vegviser.access.models import EmergencyAccess
from vegviser.access.policy import PlanRole, plan_role
from vegviser.access.services import open_emergency_access, review_emergency_access
from vegviser.audit.models import AccessRecord, AuditRecord

from ..conftest import World, client_for, english
from ..plans.helpers import plan_for

REASON = "Innlagt akutt på legevakten, trenger å se tiltakene"


def test_break_the_glass_through_the_page(world: World) -> None:
    plan = plan_for(world, active=True)
    client = english(world, "org_admin")
    detail = reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    assert client.get(detail).status_code == 404
    response = client.post(
        reverse("access:emergency_open"),
        {"national_id": world.patient.national_id, "reason": REASON, "hours": "2"},
    )
    assert response.status_code == 302 and response["Location"] == detail
    # The identity number went in the body, never into an address.
    assert world.patient.national_id not in response["Location"]
    page = client.get(detail)
    assert page.status_code == 200 and "emergency access" in page.content.decode()
    access = EmergencyAccess.objects.get()
    assert access.user == world.org_admin and access.reason == REASON
    assert access.expires_at - access.granted_at == timedelta(hours=2)
    assert AuditRecord.objects.filter(action="emergency.open").count() == 1
    record = AccessRecord.objects.filter(object_id=str(plan.pk)).latest("at")
    assert record.actor == world.org_admin and record.actor_role == "plan:emergency"
    # Emergency access reads; it never edits.
    assert client.get(reverse("plans:plan_edit", kwargs={"pk": plan.pk})).status_code == 404


def test_a_reason_is_required_and_four_hours_is_the_limit(world: World) -> None:
    plan = plan_for(world, active=True)
    client = english(world, "org_admin")
    response = client.post(
        reverse("access:emergency_open"),
        {"national_id": world.patient.national_id, "reason": "", "hours": "5"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page and "Select a valid choice." in page
    assert not EmergencyAccess.objects.exists()
    with pytest.raises(ValidationError):
        open_emergency_access(actor=world.org_admin, plan=plan, reason=REASON, hours=5)
    with pytest.raises(ValidationError):
        open_emergency_access(actor=world.org_admin, plan=plan, reason="kort", hours=1)


def test_an_unknown_number_is_a_clear_message(world: World) -> None:
    plan_for(world, active=True)
    from ..factories import PersonFactory

    other = PersonFactory()
    response = english(world, "org_admin").post(
        reverse("access:emergency_open"), {"national_id": other.national_id, "reason": REASON, "hours": "1"}
    )
    assert "No open individual plan was found for this identity number." in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_only_professionals_break_the_glass(world: World) -> None:
    plan = plan_for(world, active=True)
    for persona in ("system_admin", "patient_user"):
        assert client_for(world, persona).get(reverse("access:emergency_open")).status_code == 404
    with pytest.raises(PermissionDenied):
        open_emergency_access(actor=world.system_admin, plan=plan, reason=REASON, hours=1)


def test_emergency_access_expires_on_time(world: World) -> None:
    plan = plan_for(world, active=True)
    opened = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=opened):
        open_emergency_access(actor=world.org_admin, plan=plan, reason=REASON, hours=1)
    with mock.patch("django.utils.timezone.now", return_value=opened + timedelta(minutes=59)):
        assert plan_role(world.org_admin, plan) == PlanRole.EMERGENCY
    with mock.patch("django.utils.timezone.now", return_value=opened + timedelta(hours=1)):
        assert plan_role(world.org_admin, plan) is None
    with mock.patch("django.utils.timezone.now", return_value=opened + timedelta(hours=1, seconds=1)):
        assert (
            client_for(world, "org_admin")
            .get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
            .status_code
            == 404
        )


def test_the_person_sees_it_and_the_unit_reviews_it(world: World) -> None:
    plan = plan_for(world, active=True)
    access = open_emergency_access(actor=world.org_admin, plan=plan, reason=REASON, hours=1)
    log = (
        english(world, "patient_user")
        .get(reverse("plans:plan_access_log", kwargs={"pk": plan.pk}))
        .content.decode()
    )
    assert REASON in log and world.org_admin.display_name in log and "Not yet checked" in log
    review = english(world, "ke_officer").get(reverse("access:emergency_review")).content.decode()
    assert REASON in review and world.patient.full_name in review
    assert (
        REASON
        not in english(world, "ke_officer_tromso").get(reverse("access:emergency_review")).content.decode()
    )
    url = reverse("access:emergency_reviewed", kwargs={"pk": access.pk})
    assert client_for(world, "ke_officer_tromso").post(url, {"note": "OK"}).status_code == 404
    assert client_for(world, "ke_officer").post(url, {"note": "Begrunnet"}).status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == world.ke_officer and access.review_note == "Begrunnet"
    assert REASON not in english(world, "ke_officer").get(reverse("access:emergency_review")).content.decode()
    with pytest.raises(ValidationError, match="already been reviewed"):
        review_emergency_access(actor=world.ke_officer, access=access, note="Igjen")
    log = (
        english(world, "patient_user")
        .get(reverse("plans:plan_access_log", kwargs={"pk": plan.pk}))
        .content.decode()
    )
    assert "Checked by the coordinating unit" in log
