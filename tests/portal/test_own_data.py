"""The person's own copy of everything stored about them."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from vegviser.assessments.services import record_instrument
from vegviser.audit.models import AccessRecord
from vegviser.audit.services import record_access
from vegviser.portal.export import document_context, everything_about
from vegviser.referrals.models import ReferrerRequest
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import Person

from ..conftest import World, client_for
from ..factories import ReferralFactory, UserFactory
from ..plans.helpers import plan_for


def test_the_person_downloads_everything_as_json(world: World) -> None:
    record_access(actor=world.ke_officer, person_ids=[world.patient.pk], purpose="registry")
    response = client_for(world, "patient_user").get(reverse("portal:my_data_json"))
    assert response["Content-Type"].startswith("application/json")
    assert world.patient.national_id not in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["national_id"] == world.patient.national_id
    assert data["person"]["family_name"] == "Andersen"
    readers = [entry["who"] for entry in data["who_has_read"]]
    assert world.ke_officer.display_name in readers
    assert set(data) == {
        "created",
        "person",
        "relations",
        "consents",
        "coordinators",
        "reports_of_need",
        "plans",
        "agreements",
        "goals",
        "ratings",
        "measures",
        "meetings",
        "evaluations",
        "instrument_results",
        "messages",
        "referrals",
        "who_has_read",
        "changes",
    }
    assert (
        AccessRecord.objects.filter(person_id=world.patient.pk, purpose="own-data", channel="export").count()
        == 1
    )


def test_the_person_downloads_everything_as_pdf(world: World) -> None:
    response = client_for(world, "patient_user").get(reverse("portal:my_data_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Andersen" in text
    # The person's own number, in their own copy, under plain labels in the reader's language.
    assert world.patient.national_id in text
    assert "Fødselsdato" in text
    assert "given_name" not in text


def test_no_one_else_and_not_under_16(world: World) -> None:
    for persona in ["ke_officer", "coordinator", "system_admin", "anonymous"]:
        response = client_for(world, persona).get(reverse("portal:my_data_json"))
        assert response.status_code in (302, 404)
        assert not response.get("Content-Type", "").startswith("application/json")
    today = timezone.localdate()
    born = date(today.year - 15, 1, 1)
    child_user = UserFactory(username="barn")
    Person.objects.create(
        given_name="Ung",
        family_name="Person",
        birth_date=born,
        national_id=synthetic_national_id(born),
        user=child_user,
    )
    from django.test import Client

    from ..conftest import sign_in

    client = Client()
    sign_in(client, child_user)
    assert client.get(reverse("portal:my_data_json")).status_code == 404
    assert client.get(reverse("portal:my_data")).status_code == 404


def test_the_own_copy_holds_the_plan_its_goals_and_the_messages(world: World) -> None:
    from vegviser.plans import services

    from ..plans.helpers import plan_for

    plan = plan_for(world)
    services.send_message(actor=world.patient_user, plan=plan, text="Kan vi flytte møtet?")
    response = client_for(world, "patient_user").get(reverse("portal:my_data_json"))
    data = json.loads(response.content)
    assert data["plans"][0]["what_matters"] == "Å gå tur med hunden"
    assert [goal["goal"] for goal in data["goals"]] == ["Gå 1 km uten hjelp"]
    assert [measure["measure"] for measure in data["measures"]] == ["Gangtrening"]
    assert data["messages"][0]["message"] == "Kan vi flytte møtet?"
    assert data["messages"][0]["who"] == world.patient_user.display_name
    pdf = client_for(world, "patient_user").get(reverse("portal:my_data_pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Gangtrening" in text and "Kan vi flytte møtet?" in text


# Complete and readable


def _history(world: World) -> None:
    """The patient's active plan with their own rating and comment, a meeting with approved minutes and a
    decision, and an evaluation with an unrounded T-score."""
    from datetime import datetime, timedelta

    from vegviser.plans import services
    from vegviser.plans.models import Evaluation, Meeting, MeetingDecision, PlanVersion

    from ..plans.helpers import plan_for

    plan = plan_for(world, active=True)
    services.rate_progress(
        actor=world.patient_user, goal=plan.goals.get(), attainment=1, comment="Gikk hele runden i dag"
    )
    starts = timezone.make_aware(datetime(2026, 3, 4, 10, 30))
    meeting = Meeting.objects.create(
        plan=plan,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Rådhuset",
        minutes="Vi gikk gjennom målet om å gå en kilometer.",
        minutes_approved_at=starts + timedelta(days=1),
        minutes_approved_by=world.coordinator,
    )
    MeetingDecision.objects.create(meeting=meeting, text="Fysioterapeuten kommer to ganger i uka.")
    version = PlanVersion.objects.create(plan=plan, number=99, reason="evaluation", snapshot={})
    Evaluation.objects.create(
        plan=plan,
        evaluated_on=date(2026, 3, 5),
        next_revision=date(2026, 9, 5),
        t_score=53.27894,
        summary="God framgang",
        plan_version=version,
    )


def _pdf_text(content: bytes) -> str:
    # A table cell's text may wrap: one space between words, whatever the layout.
    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_copy_holds_the_own_comments_the_minutes_and_the_decisions(world: World) -> None:
    _history(world)
    data = json.loads(client_for(world, "patient_user").get(reverse("portal:my_data_json")).content)
    assert [(r["comment"], r["level"]) for r in data["ratings"]] == [("Gikk hele runden i dag", "+1")]
    meeting = next(m for m in data["meetings"] if m["place"] == "Rådhuset")
    assert meeting["minutes"] == "Vi gikk gjennom målet om å gå en kilometer."
    assert meeting["decisions"] == ["Fysioterapeuten kommer to ganger i uka."]
    assert meeting["minutes_approved_by"] == world.coordinator.display_name
    text = _pdf_text(client_for(world, "patient_user").get(reverse("portal:my_data_pdf")).content)
    for words in ("Gikk hele runden i dag", "Vi gikk gjennom målet", "Fysioterapeuten kommer to ganger"):
        assert words in text


def test_the_document_prints_dates_as_the_person_reads_them_and_the_t_score_rounded(world: World) -> None:
    _history(world)
    text = _pdf_text(client_for(world, "patient_user").get(reverse("portal:my_data_pdf")).content)
    assert "04.03.2026 10:30" in text  # the meeting, in local time
    assert "05.03.2026" in text  # the evaluation
    assert "2026-03-04" not in text and "T10:30" not in text
    assert "53,3" in text and "53,27" not in text
    data = json.loads(client_for(world, "patient_user").get(reverse("portal:my_data_json")).content)
    # For other systems the dates stay ISO 8601 and the score a number, rounded too.
    assert data["evaluations"][0]["t_score"] == 53.3
    assert data["evaluations"][0]["when"] == "2026-03-05"


# A long history: prepared by a job


def _long(settings: Any) -> None:
    settings.VEGVISER_MY_DATA_IN_BACKGROUND_FROM = 0


def _prepare(client: Any, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("portal:my_data_prepare"))


def test_a_long_history_is_prepared_by_a_job_and_offered_when_ready(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from vegviser.accounts.models import Notification
    from vegviser.portal.models import PreparedCopy

    _long(settings)
    _history(world)
    client = client_for(world, "patient_user")
    page = client.get(reverse("portal:my_data")).content.decode()
    assert "Forbered dataene mine" in page
    assert reverse("portal:my_data_pdf") not in page
    # The direct download does not build it within the request.
    direct = client.get(reverse("portal:my_data_pdf"))
    assert direct.status_code == 302 and direct["Location"] == reverse("portal:my_data")
    before = AccessRecord.objects.filter(person_id=world.patient.pk, purpose="own-data").count()
    assert _prepare(client, django_capture_on_commit_callbacks).status_code == 302
    copy = PreparedCopy.objects.get(person=world.patient)
    assert copy.status == PreparedCopy.Status.READY
    assert Notification.objects.filter(user=world.patient_user, url=reverse("portal:my_data")).exists()
    page = client.get(reverse("portal:my_data")).content.decode()
    pdf_url = reverse("portal:my_data_prepared_pdf", kwargs={"pk": copy.pk})
    assert pdf_url in page
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert world.patient.national_id not in response["Content-Disposition"]
    assert "Gikk hele runden i dag" in _pdf_text(b"".join(response.streaming_content))
    data = json.loads(
        b"".join(
            client.get(reverse("portal:my_data_prepared_json", kwargs={"pk": copy.pk})).streaming_content
        )
    )
    assert data["ratings"][0]["comment"] == "Gikk hele runden i dag"
    # Each download is a read of the person's data, logged.
    reads = AccessRecord.objects.filter(person_id=world.patient.pk, purpose="own-data")
    assert reads.count() == before + 2
    assert set(reads.values_list("channel", flat=True)) >= {"print", "export"}


def test_while_it_is_prepared_the_page_says_so_and_asks_again(world: World, settings: Any) -> None:
    from vegviser.portal.models import PreparedCopy

    _long(settings)
    # Asked for, the job not yet run (no commit in this test).
    client = client_for(world, "patient_user")
    client.post(reverse("portal:my_data_prepare"))
    copy = PreparedCopy.objects.get(person=world.patient)
    assert copy.status == PreparedCopy.Status.PREPARING
    page = client.get(reverse("portal:my_data")).content.decode()
    assert "Kopien din blir laget." in page
    assert 'hx-trigger="every 5s"' in page
    # Without JavaScript, a link to look again.
    assert f'href="{reverse("portal:my_data")}"' in page
    part = client.get(reverse("portal:my_data"), headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith("<section") and "<html" not in part
    # Pressing again makes no second job.
    client.post(reverse("portal:my_data_prepare"))
    assert PreparedCopy.objects.filter(person=world.patient).count() == 1
    assert client.get(reverse("portal:my_data_prepared_pdf", kwargs={"pk": copy.pk})).status_code == 404


def test_a_failed_job_says_so_and_can_be_tried_again(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from unittest import mock

    from vegviser.portal import export
    from vegviser.portal.models import PreparedCopy

    _long(settings)
    client = client_for(world, "patient_user")
    with mock.patch.object(export, "build", side_effect=RuntimeError("the disk is full")):
        _prepare(client, django_capture_on_commit_callbacks)
    failed = PreparedCopy.objects.get(person=world.patient)
    assert failed.status == PreparedCopy.Status.FAILED
    page = client.get(reverse("portal:my_data")).content.decode()
    assert "Kopien din kunne ikke lages." in page
    assert "Prøv igjen" in page
    _prepare(client, django_capture_on_commit_callbacks)
    assert PreparedCopy.objects.filter(person=world.patient, status=PreparedCopy.Status.READY).count() == 1


def test_only_the_person_may_download_a_prepared_copy(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from vegviser.portal.models import PreparedCopy

    _long(settings)
    _prepare(client_for(world, "patient_user"), django_capture_on_commit_callbacks)
    copy = PreparedCopy.objects.get(person=world.patient)
    for persona in ["coordinator", "ke_officer", "system_admin"]:
        client = client_for(world, persona)
        for name in ("portal:my_data_prepared_pdf", "portal:my_data_prepared_json"):
            assert client.get(reverse(name, kwargs={"pk": copy.pk})).status_code == 404
        assert client.post(reverse("portal:my_data_prepare")).status_code == 404
    assert PreparedCopy.objects.count() == 1


def test_a_prepared_copy_is_deleted_with_its_files_after_the_kept_days(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.core.files.storage import default_storage

    from vegviser.portal import services
    from vegviser.portal.models import PreparedCopy

    _long(settings)
    client = client_for(world, "patient_user")
    _prepare(client, django_capture_on_commit_callbacks)
    copy = PreparedCopy.objects.get(person=world.patient)
    names = [copy.pdf.name, copy.json.name]
    assert all(default_storage.exists(name) for name in names)
    assert services.delete_expired_copies() == 0
    PreparedCopy.objects.update(
        finished_at=timezone.now() - timedelta(days=settings.VEGVISER_MY_DATA_KEPT_DAYS)
    )
    # Run out: no longer offered, even before the hourly job deletes it.
    assert client.get(reverse("portal:my_data_prepared_pdf", kwargs={"pk": copy.pk})).status_code == 404
    assert services.delete_expired_copies() == 1
    assert not PreparedCopy.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_the_copy_holds_the_referrals_with_what_was_asked_and_attached(world: World) -> None:
    referral = ReferralFactory(
        person=world.patient, reason="Vurdering etter hjerneslag.", diagnosis_codes=["I63.9"]
    )
    ReferrerRequest.objects.create(referral=referral, asked_for="Epikrise fra sykehuset.", asker_name="Hilde")
    client = client_for(world, "patient_user")
    [shown] = json.loads(client.get(reverse("portal:my_data_json")).content)["referrals"]
    assert (shown["unit"], shown["reason"], shown["diagnoses"]) == (
        referral.receiving_unit.name,
        "Vurdering etter hjerneslag.",
        ["I63.9 Uspesifisert hjerneinfarkt"],
    )
    assert shown["asked_of_referrer"] == ["Epikrise fra sykehuset."]
    assert shown["received"] == referral.received_on.isoformat()
    response = client.get(reverse("portal:my_data_pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Henvisninger til spesialisthelsetjenesten" in text and "Epikrise fra sykehuset." in text


def test_the_copy_holds_the_results_of_instruments(world: World) -> None:
    plan = plan_for(world)
    record_instrument(
        actor=world.coordinator,
        plan=plan,
        instrument="six-minute-walk",
        administered_on=timezone.localdate() - timedelta(days=2),
        response={
            "resourceType": "QuestionnaireResponse",
            "questionnaire": "Questionnaire/six-minute-walk",
            "item": [{"linkId": "metres", "answer": [{"valueDecimal": 312.5}]}],
        },
    )
    data = json.loads(client_for(world, "patient_user").get(reverse("portal:my_data_json")).content)
    [result] = data["instrument_results"]
    assert (result["instrument"], result["score_value"], result["recorded_by"]) == (
        "6 minutters gangtest",
        312.5,
        world.coordinator.display_name,
    )
    with translation.override("en"):
        context = document_context(world.patient, everything_about(world.patient))
        tables = {str(title): rows for title, _columns, rows in context["tables"]}
    [[row]] = tables["Results of instruments"]
    assert row[1:5] == ("Six-minute walk test", "6-minute walk distance", "312.5", "metres")
