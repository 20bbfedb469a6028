"""The person's own copy of everything stored about them."""

from __future__ import annotations

import io
import json
from datetime import date

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from vegviser.audit.models import AccessRecord
from vegviser.audit.services import record_access
from vegviser.registry.identity import synthetic_national_id
from vegviser.registry.models import Person

from ..conftest import World, client_for
from ..factories import UserFactory


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
        "goals",
        "measures",
        "meetings",
        "evaluations",
        "messages",
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
