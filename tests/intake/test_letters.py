"""The decision letter and the interim reply: what the law asks the letter to say, in the person's language;
and who may send an interim reply, and when."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from vegviser.audit.models import AuditRecord
from vegviser.intake.models import InterimReply, NeedReport
from vegviser.intake.services import send_interim_reply

from ..conftest import World, client_for, english
from ..factories import NeedReportFactory, days_ago
from .test_reports import make_report

# What the letters say, in each language: the case, the law, the right to see the documents, the complaint.
CONTENTS = {
    "nb": [
        "Vedtak om individuell plan og koordinator",
        "Vårt saksnummer",
        "helse- og omsorgstjenesteloven § 7-1",
        "pasient- og brukerrettighetsloven § 2-5",
        "helse- og omsorgstjenesteloven § 7-2",
        "forvaltningsloven § 18",
        "pasient- og brukerrettighetsloven § 7-2",
        "fire uker",
        "Statsforvalteren",
    ],
    "nn": [
        "Vedtak om individuell plan og koordinator",
        "Saksnummeret vårt",
        "helse- og omsorgstenestelova § 7-1",
        "pasient- og brukarrettslova § 2-5",
        "forvaltningslova § 18",
        "pasient- og brukarrettslova § 7-2",
        "fire veker",
        "Statsforvaltaren",
    ],
    "en": [
        "Decision on individual plan and coordinator",
        "Our case number",
        "(helse- og omsorgstjenesteloven) § 7-1",
        "(pasient- og brukerrettighetsloven) § 2-5",
        "forvaltningsloven § 18",
        "pasient- og brukerrettighetsloven § 7-2",
        "four weeks",
        "Statsforvalteren",
    ],
}
UNIT = ["Storgata 1, 8006 Bodø", "75 55 50 00", "ke@bodo.kommune.no"]


@pytest.fixture
def unit_contact(world: World) -> None:
    world.ke_unit.address, world.ke_unit.phone, world.ke_unit.email = UNIT
    world.ke_unit.save()


def decided_report(world: World, language: str) -> NeedReport:
    world.patient.preferred_language = language
    world.patient.save()
    report = make_report(world)
    english(world, "ke_officer").post(
        reverse("intake:report_decide", kwargs={"pk": report.pk}),
        {"plan_granted": "on", "coordinator_granted": "on"},
    )
    report.refresh_from_db()
    return report


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_decision_letter_says_what_the_law_asks_in_the_persons_language(
    world: World, unit_contact: None, language: str
) -> None:
    report = decided_report(world, language)
    html = english(world, "ke_officer").get(reverse("intake:decision_letter", kwargs={"pk": report.pk}))
    text = html.content.decode()
    assert f'<html lang="{language}">' in text
    for expected in [*CONTENTS[language], *UNIT, report.case_number]:
        assert expected in text, expected
    assert world.patient.national_id not in text


def test_the_decision_letter_as_pdf_carries_the_case_number_and_the_unit(
    world: World, unit_contact: None
) -> None:
    report = decided_report(world, "nb")
    response = english(world, "ke_officer").get(
        reverse("intake:decision_letter_pdf", kwargs={"pk": report.pk})
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in [report.case_number, "75 55 50 00", "forvaltningsloven § 18", "fire uker"]:
        assert expected in text, expected


def test_the_title_names_what_was_asked_for(world: World) -> None:
    report = make_report(world, needs_plan="", needs_coordinator="on")
    english(world, "ke_officer").post(
        reverse("intake:report_decide", kwargs={"pk": report.pk}), {"coordinator_granted": "on"}
    )
    text = english(world, "ke_officer").get(reverse("intake:decision_letter", kwargs={"pk": report.pk}))
    assert "Vedtak om koordinator" in text.content.decode()
    assert "§ 2-5" not in text.content.decode()


def test_case_numbers_count_within_the_year_and_the_municipality(world: World) -> None:
    first = NeedReportFactory(person=world.patient)
    second = NeedReportFactory(person=world.patient)
    elsewhere = NeedReportFactory(person=world.person_tromso)
    year = timezone.localdate().year
    assert (first.case_number, second.case_number) == (f"{year}/0001", f"{year}/0002")
    assert elsewhere.case_number == f"{year}/0001"
    # A number given is kept.
    second.description = "Endret"
    second.save()
    second.refresh_from_db()
    assert second.case_number == f"{year}/0002"


def overdue_report(world: World, days: int = 31) -> NeedReport:
    report = make_report(world)
    NeedReport.objects.filter(pk=report.pk).update(received_at=days_ago(days))
    report.refresh_from_db()
    return report


def interim_form(days: int = 14) -> dict[str, str]:
    expected = timezone.localdate() + timedelta(days=days)
    return {
        "reason": "Vi venter på en uttalelse fra sykehuset.",
        "decision_expected_on": expected.isoformat(),
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nb",
            [
                "Foreløpig svar",
                "Vi regner med å avgjøre saken innen",
                "forvaltningsloven § 18",
                "Statsforvalteren",
            ],
        ),
        (
            "nn",
            [
                "Førebels svar",
                "Vi reknar med å avgjere saka innan",
                "forvaltningslova § 18",
                "Statsforvaltaren",
            ],
        ),
        ("en", ["Interim reply", "We expect to decide by", "forvaltningsloven § 18", "Statsforvalteren"]),
    ],
)
def test_the_officer_sends_an_interim_reply_after_30_days(
    world: World, unit_contact: None, language: str, expected: list[str]
) -> None:
    world.patient.preferred_language = language
    world.patient.save()
    report = overdue_report(world)
    client = english(world, "ke_officer")
    detail = client.get(reverse("intake:report_detail", kwargs={"pk": report.pk})).content.decode()
    assert reverse("intake:interim_reply", kwargs={"pk": report.pk}) in detail
    response = client.post(reverse("intake:interim_reply", kwargs={"pk": report.pk}), interim_form())
    reply = InterimReply.objects.get(report=report)
    assert response["Location"] == reverse("intake:interim_letter", kwargs={"pk": reply.pk})
    assert reply.sent_by == world.ke_officer
    record = AuditRecord.objects.get(action="need_report.interim_reply")
    assert (record.actor, record.person_id) == (world.ke_officer, world.patient.pk)
    letter = client.get(response["Location"]).content.decode()
    expected_on = (timezone.localdate() + timedelta(days=14)).strftime("%d.%m.%Y")
    for text in [
        *expected,
        report.case_number,
        expected_on,
        "Vi venter på en uttalelse fra sykehuset.",
        *UNIT,
    ]:
        assert text in letter, text
    # Listed on the report, with its letter.
    detail = client.get(reverse("intake:report_detail", kwargs={"pk": report.pk})).content.decode()
    assert reverse("intake:interim_letter_pdf", kwargs={"pk": reply.pk}) in detail
    pdf = client.get(reverse("intake:interim_letter_pdf", kwargs={"pk": reply.pk}))
    assert pdf["Content-Type"] == "application/pdf"


def test_no_interim_reply_before_30_days(world: World) -> None:
    report = overdue_report(world, days=30)
    client = english(world, "ke_officer")
    url = reverse("intake:interim_reply", kwargs={"pk": report.pk})
    assert url not in client.get(reverse("intake:report_detail", kwargs={"pk": report.pk})).content.decode()
    assert client.get(url)["Location"] == reverse("intake:report_detail", kwargs={"pk": report.pk})
    assert client.post(url, interim_form()).status_code == 302
    with pytest.raises(ValidationError, match="more than 30 days"):
        send_interim_reply(
            actor=world.ke_officer,
            report=report,
            reason="For tidlig",
            decision_expected_on=timezone.localdate() + timedelta(days=7),
        )
    assert not InterimReply.objects.exists()


def test_no_interim_reply_once_decided_nor_with_a_past_date(world: World) -> None:
    report = overdue_report(world)
    client = english(world, "ke_officer")
    url = reverse("intake:interim_reply", kwargs={"pk": report.pk})
    response = client.post(url, interim_form(days=0))
    assert "The decision must be expected after today." in response.content.decode()
    client.post(
        reverse("intake:report_decide", kwargs={"pk": report.pk}),
        {"plan_granted": "on", "coordinator_granted": "on"},
    )
    assert client.post(url, interim_form())["Location"] == reverse(
        "intake:report_detail", kwargs={"pk": report.pk}
    )
    assert not InterimReply.objects.exists()


@pytest.mark.parametrize(
    "persona", ["coordinator", "ke_officer_tromso", "team_member", "system_admin", "patient_user"]
)
def test_only_the_unit_sends_an_interim_reply(world: World, persona: str) -> None:
    """The reporter (the coordinator here) and the other municipality's unit may not."""
    report = overdue_report(world)
    url = reverse("intake:interim_reply", kwargs={"pk": report.pk})
    assert client_for(world, persona).post(url, interim_form()).status_code == 404
    user = getattr(world, persona)
    with pytest.raises(PermissionDenied):
        send_interim_reply(
            actor=user,
            report=report,
            reason="x",
            decision_expected_on=timezone.localdate() + timedelta(days=7),
        )
    assert not InterimReply.objects.exists()
