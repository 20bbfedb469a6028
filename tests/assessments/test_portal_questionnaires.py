"""Questionnaires sent to the person's portal: sending from the plan, answering on the phone with a draft to
continue later, bad input, answered twice, answered late, schedules and their reminders, and who may do
each."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from vegviser.accounts.models import Notification
from vegviser.assessments import services
from vegviser.assessments.models import Administration, RecordedScore, Schedule, SentQuestionnaire
from vegviser.audit.models import AccessRecord, AuditAction, AuditRecord, ReadPurpose
from vegviser.plans.models import AccessLevel, IndividualPlan

from ..conftest import World, client_as
from ..plans.helpers import english_messages, plan_for
from ..portal.helpers import family

pytestmark = pytest.mark.usefixtures(english_messages.__name__)
TODAY = timezone.localdate


def _send(
    world: World, plan: IndividualPlan, *, due_in: int = 7, instrument: str = "psfs"
) -> SentQuestionnaire:
    return services.send_questionnaire(
        actor=world.coordinator, plan=plan, instrument=instrument, due_on=TODAY() + timedelta(days=due_in)
    )


def _answers(*ratings: str) -> dict[str, str]:
    data = {}
    for index, rating in enumerate(ratings):
        data[f"activities__{index}__activity"] = f"Gå i trapper {index}"
        data[f"activities__{index}__rating"] = rating
    return data


def _url(sent: SentQuestionnaire) -> str:
    return reverse("portal:questionnaire", kwargs={"pk": sent.pk})


def _page_messages(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


# Sending


def test_a_coordinator_sends_a_questionnaire_and_the_person_is_told_without_health_content(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    plan = plan_for(world, active=True)
    world.patient_user.email = "per@example.org"
    world.patient_user.save()
    coordinator = client_as(world.coordinator)
    page = coordinator.get(reverse("assessments:send", kwargs={"pk": plan.pk})).content.decode()
    # Only instruments whose text may be shown to the person are offered.
    assert 'value="psfs"' in page and 'value="eq5d-5l"' not in page and 'value="whodas-12"' not in page
    due = TODAY() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("assessments:send", kwargs={"pk": plan.pk}),
            {"instrument": "psfs", "due_on": due.isoformat()},
        )
    assert response.status_code == 302
    sent = SentQuestionnaire.objects.get(plan=plan)
    assert (sent.instrument, sent.due_on, sent.sent_by, sent.person_id) == (
        "psfs",
        due,
        world.coordinator,
        world.patient.pk,
    )
    assert AuditRecord.objects.filter(action=AuditAction.QUESTIONNAIRE_SEND, object_id=str(sent.pk)).exists()
    notice = Notification.objects.get(user=world.patient_user, key=f"questionnaire:{sent.pk}")
    assert notice.url == _url(sent)
    [email] = [m for m in mail.outbox if world.patient_user.email in m.to]
    # The email says there is a notice, and nothing of whom or what.
    for word in ("Per", "Andersen", "PSFS", "Patient-Specific", "questionnaire"):
        assert word not in email.body and word not in email.subject
    results = coordinator.get(reverse("assessments:plan_results", kwargs={"pk": plan.pk})).content.decode()
    assert "waiting for an answer" in results


def test_a_licensed_instrument_and_a_past_date_are_refused(world: World) -> None:
    plan = plan_for(world, active=True)
    with pytest.raises(ValidationError) as licensed:
        _send(world, plan, instrument="eq5d-5l")
    assert "licensed" in str(licensed.value)
    page = client_as(world.coordinator).post(
        reverse("assessments:send", kwargs={"pk": plan.pk}),
        {"instrument": "psfs", "due_on": (TODAY() - timedelta(days=1)).isoformat()},
    )
    assert page.status_code == 200
    assert "cannot be before the day it is sent" in page.content.decode()
    assert not SentQuestionnaire.objects.exists()


def test_who_may_send_and_who_may_not(world: World) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    send_url = reverse("assessments:send", kwargs={"pk": plan.pk})
    assert client_as(world.coordinator).get(send_url).status_code == 200
    for user in (world.team_member, world.patient_user, world.ke_officer, world.system_admin):
        assert client_as(user).get(send_url).status_code == 404, user
    with pytest.raises(PermissionDenied):
        services.send_questionnaire(
            actor=world.team_member, plan=plan, instrument="psfs", due_on=TODAY() + timedelta(days=3)
        )


def test_a_full_participant_may_send(world: World) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.FULL)
    response = client_as(world.team_member).post(
        reverse("assessments:send", kwargs={"pk": plan.pk}),
        {"instrument": "psfs", "due_on": (TODAY() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302
    assert SentQuestionnaire.objects.filter(plan=plan, sent_by=world.team_member).exists()


# Answering in the portal


def test_the_person_sees_it_answers_it_and_sees_a_plain_summary(world: World) -> None:
    plan = plan_for(world, active=True)
    sent = _send(world, plan)
    person = client_as(world.patient_user)
    home = person.get(reverse("portal:home", kwargs={"pk": world.patient.pk})).content.decode()
    assert "There is 1 questionnaire to answer." in home
    listing = person.get(reverse("portal:questionnaires", kwargs={"pk": world.patient.pk})).content.decode()
    assert _url(sent) in listing
    page = person.get(_url(sent))
    assert page.status_code == 200 and "Save and continue later" in page.content.decode()
    response = person.post(_url(sent), _answers("4", "6", "8"))
    assert response.status_code == 302 and response["Location"] == _url(sent)
    sent.refresh_from_db()
    administration = sent.administration
    assert administration is not None
    assert administration.in_portal and administration.recorded_by == world.patient_user
    assert administration.administered_on == TODAY() and not sent.answered_late
    assert RecordedScore.objects.get(administration=administration).value == 6.0
    done = person.get(_url(sent)).content.decode()
    assert "Your result" in done and "(0–10):</strong> 6" in done
    assert "first time, so there is nothing to compare with" in done
    # The team sees where the answers came from.
    results = client_as(world.coordinator).get(reverse("assessments:plan_results", kwargs={"pk": plan.pk}))
    assert "answered in the portal" in results.content.decode()


def test_a_second_answer_is_compared_with_the_first_in_plain_words(world: World) -> None:
    plan = plan_for(world, active=True)
    first = _send(world, plan)
    person = client_as(world.patient_user)
    person.post(_url(first), _answers("6", "6", "6"))
    second = _send(world, plan)
    person.post(_url(second), _answers("3", "3", "3"))
    done = person.get(_url(second)).content.decode()
    assert "less good than last time" in done
    assert "large enough to matter" in done


def test_out_of_range_and_missing_answers_are_explained_and_kept(world: World) -> None:
    plan = plan_for(world, active=True)
    sent = _send(world, plan)
    person = client_as(world.patient_user)
    page = person.post(_url(sent), _answers("4", "11", "6"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Please correct the following" in content
    assert 'value="11"' in content and 'value="Gå i trapper 1"' in content
    sent.refresh_from_db()
    assert sent.administration is None
    # Kept as a draft too, in case the page is left before it is put right.
    assert sent.draft["activities__1__rating"] == "11"
    missing = person.post(_url(sent), {"activities__0__activity": "Gå", "activities__0__rating": ""})
    assert missing.status_code == 200
    assert missing.context["form"].errors
    assert not Administration.objects.exists()


def test_stop_and_continue_later(world: World) -> None:
    plan = plan_for(world, active=True)
    sent = _send(world, plan)
    person = client_as(world.patient_user)
    response = person.post(
        _url(sent), {"activities__0__activity": "Gå i trapper", "activities__0__rating": "5", "later": "1"}
    )
    assert response.status_code == 302
    assert "Your answers are saved" in _page_messages(person.get(response["Location"]))[0]
    sent.refresh_from_db()
    assert sent.draft == {"activities__0__activity": "Gå i trapper", "activities__0__rating": "5"}
    assert sent.administration is None
    assert AuditRecord.objects.filter(action=AuditAction.QUESTIONNAIRE_DRAFT, object_id=str(sent.pk)).exists()
    again = person.get(_url(sent)).content.decode()
    assert 'value="Gå i trapper"' in again and 'value="5"' in again


def test_answered_twice_is_refused_and_the_first_answers_stand(world: World) -> None:
    plan = plan_for(world, active=True)
    sent = _send(world, plan)
    person = client_as(world.patient_user)
    person.post(_url(sent), _answers("4", "6", "8"))
    second = person.post(_url(sent), _answers("1", "1", "1"), follow=True)
    assert any("already been answered" in message for message in _page_messages(second))
    assert Administration.objects.count() == 1
    assert RecordedScore.objects.get().value == 6.0
    with pytest.raises(ValidationError, match="already been answered"):
        services.answer_questionnaire(actor=world.patient_user, sent=sent, response={})


def test_answered_after_the_date_is_taken_and_marked_late(world: World) -> None:
    plan = plan_for(world, active=True)
    sent = _send(world, plan, due_in=0)
    SentQuestionnaire.objects.filter(pk=sent.pk).update(due_on=TODAY() - timedelta(days=3))
    person = client_as(world.patient_user)
    page = person.get(_url(sent)).content.decode()
    assert "You can still answer it" in page
    person.post(_url(sent), _answers("5", "5", "5"))
    sent.refresh_from_db()
    assert sent.administration is not None and sent.answered_late
    assert "answered after the date" in person.get(_url(sent)).content.decode()


def test_a_newer_questionnaire_replaces_an_unanswered_one(world: World) -> None:
    plan = plan_for(world, active=True)
    older = _send(world, plan)
    newer = _send(world, plan)
    older.refresh_from_db()
    assert older.closed_at is not None and newer.is_open
    person = client_as(world.patient_user)
    response = person.post(_url(older), _answers("5", "5", "5"), follow=True)
    assert any("newer questionnaire has replaced" in message for message in _page_messages(response))
    assert not Administration.objects.exists()


def test_a_parent_answers_for_a_young_child_and_not_for_a_teenager(world: World) -> None:
    child = family(world, age=9)
    sent = _send(world, child.plan)
    parent = client_as(child.relative_user)
    assert parent.get(_url(sent)).status_code == 200
    assert Notification.objects.filter(user=child.relative_user, key=f"questionnaire:{sent.pk}").exists()
    parent.post(_url(sent), _answers("7", "7", "7"))
    sent.refresh_from_db()
    assert sent.administration is not None and sent.administration.recorded_by == child.relative_user
    assert "The result for Emil" in parent.get(_url(sent)).content.decode()

    teenager = family(world, age=13)
    teen_sent = _send(world, teenager.plan)
    assert client_as(teenager.relative_user).get(_url(teen_sent)).status_code == 404
    assert not Notification.objects.filter(user=teenager.relative_user).filter(
        key__startswith="questionnaire"
    )


def test_no_one_else_opens_the_questionnaire(world: World) -> None:
    plan = plan_for(world, active=True)
    sent = _send(world, plan)
    for user in (world.coordinator, world.team_member, world.ke_officer, world.system_admin):
        assert client_as(user).get(_url(sent)).status_code == 404, user
        assert client_as(user).post(_url(sent), _answers("5", "5", "5")).status_code == 404, user
    ended = family(world, age=30, kind="guardian", relation_ended=True)
    ended_sent = _send(world, ended.plan)
    assert client_as(ended.relative_user).get(_url(ended_sent)).status_code in (403, 404)
    assert not Administration.objects.exists()


def test_the_portal_reads_are_logged(world: World) -> None:
    plan = plan_for(world, active=True)
    sent = _send(world, plan)
    person = client_as(world.patient_user)
    person.get(reverse("portal:questionnaires", kwargs={"pk": world.patient.pk}))
    person.get(_url(sent))
    reads = AccessRecord.objects.filter(
        actor=world.patient_user, purpose=ReadPurpose.PORTAL_QUESTIONNAIRE, person_id=world.patient.pk
    )
    assert reads.count() == 2


# Schedules and reminders


def _schedule(world: World, plan: IndividualPlan, *, every: int = 4) -> Schedule:
    return services.set_schedule(
        actor=world.coordinator,
        plan=plan,
        instrument="psfs",
        every_weeks=every,
        starts_on=TODAY(),
        ends_on=TODAY() + timedelta(weeks=12),
    )


def test_a_schedule_sends_at_once_and_then_each_occurrence_once(world: World) -> None:
    plan = plan_for(world, active=True)
    response = client_as(world.coordinator).post(
        reverse("assessments:schedule", kwargs={"pk": plan.pk}),
        {
            "instrument": "psfs",
            "every_weeks": "4",
            "starts_on": TODAY().isoformat(),
            "ends_on": (TODAY() + timedelta(weeks=12)).isoformat(),
        },
    )
    assert response.status_code == 302
    schedule = Schedule.objects.get(plan=plan)
    first = SentQuestionnaire.objects.get(schedule=schedule)
    assert (first.sent_on, first.due_on) == (TODAY(), TODAY() + timedelta(days=services.ANSWER_DAYS))
    # Nothing new until the next occurrence; then it is sent once however often the reminders run.
    assert services.send_due(today=TODAY() + timedelta(weeks=2))["questionnaires"] == 0
    later = TODAY() + timedelta(weeks=4)
    assert services.send_due(today=later)["questionnaires"] == 1
    assert services.send_due(today=later)["questionnaires"] == 0
    assert SentQuestionnaire.objects.filter(schedule=schedule).count() == 2
    first.refresh_from_db()
    assert first.closed_at is not None  # the newer one replaced the unanswered first
    # After the end date, nothing more.
    assert services.send_due(today=TODAY() + timedelta(weeks=20))["questionnaires"] == 0


def test_one_reminder_for_an_unanswered_questionnaire(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    plan = plan_for(world, active=True)
    world.patient_user.email = "per@example.org"
    world.patient_user.save()
    sent = _send(world, plan, due_in=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due(today=TODAY() + timedelta(days=1))["questionnaire_reminders"] == 0
        assert services.send_due(today=TODAY() + timedelta(days=2))["questionnaire_reminders"] == 1
        assert services.send_due(today=TODAY() + timedelta(days=3))["questionnaire_reminders"] == 0
    assert Notification.objects.filter(key=f"questionnaire-reminder:{sent.pk}").count() == 1
    assert len(mail.outbox) == 1 and "PSFS" not in mail.outbox[0].body


def test_no_reminder_once_answered(world: World) -> None:
    plan = plan_for(world, active=True)
    sent = _send(world, plan, due_in=0)
    client_as(world.patient_user).post(_url(sent), _answers("5", "5", "5"))
    assert services.send_due(today=TODAY())["questionnaire_reminders"] == 0


def test_the_remind_command_sends_questionnaires_and_reminders(world: World) -> None:
    plan = plan_for(world, active=True)
    _send(world, plan, due_in=0)
    out = StringIO()
    call_command("remind", stdout=out, stderr=StringIO())
    assert "1 questionnaire reminders" in out.getvalue()
    out = StringIO()
    call_command("remind", stdout=out, stderr=StringIO())
    assert "0 questionnaire reminders" in out.getvalue()


def test_stopping_a_schedule(world: World) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    schedule = _schedule(world, plan)
    assert client_as(world.team_member).post(
        reverse("assessments:schedule_stop", kwargs={"pk": schedule.pk})
    ).status_code in (403, 404)
    response = client_as(world.coordinator).post(
        reverse("assessments:schedule_stop", kwargs={"pk": schedule.pk})
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.stopped_at is not None and schedule.stopped_by == world.coordinator
    assert services.send_due(today=TODAY() + timedelta(weeks=4))["questionnaires"] == 0
    with pytest.raises(ValidationError, match="already been stopped"):
        services.stop_schedule(actor=world.coordinator, schedule=schedule)


def test_a_second_schedule_for_the_same_questionnaire_is_refused(world: World) -> None:
    plan = plan_for(world, active=True)
    _schedule(world, plan)
    with pytest.raises(ValidationError, match="already has a schedule"):
        _schedule(world, plan)
