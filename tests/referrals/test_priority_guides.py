"""The priority guides as data: the shipped file and files saved from Helsedirektoratet's content API are read
into conditions, imported by source id (again and again, to the same result), withdrawn rather than deleted
while an assessment rests on them, refused whole when malformed; and searched by those who work in a
habilitation or rehabilitation unit, by no one else."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord
from vegviser.referrals.guide_services import import_conditions, import_file
from vegviser.referrals.models import (
    Assessment,
    AssessmentOutcome,
    CareType,
    PriorityGuide,
    PriorityGuideCondition,
    RightStatus,
)
from vegviser.referrals.priority_guides import (
    SHIPPED_FILE,
    MalformedGuideFile,
    load_file,
    parse_document,
    parse_item,
    parse_items,
)
from vegviser.registry.models import MembershipRole, Organisation, OrganisationKind

from ..conftest import World, client_as
from ..factories import MembershipFactory, OrganisationFactory, ReferralFactory, habilitation_unit

ASD_TEXT = """Gjennomgripende utviklingsforstyrrelse/ASD - mistanke (veiledende frist 12 uker)
Veiledende rett til nødvendig helsehjelp i spesialisthelsetjenesten?
Ja
Aktuell helsehjelp i spesialisthelsetjenesten
Kognitiv vurdering inkludert adaptive ferdigheter.
Veiledende frist for start utredning
12 uker
Individuelle forhold som kan endre rettighetsstatus eller frist for start helsehjelp for enkelte pasienter
 • alder/livsfase
 • sansetap
Begrunnelse for rett til nødvendig helsehjelp i spesialisthelsetjenesten
Helsehjelpen anses å være nyttig
Helsehjelpen anses å være kostnadseffektiv
Begrunnelse for frist start helsehjelp i spesialisthelsetjenesten
Tilstanden anses å være alvorlig"""

GUIDE_ROOT = "https://www.helsedirektoratet.no/veiledere/prioriteringsveiledere"


def api_item(source_id: str = "a1b2", **changes: Any) -> dict[str, Any]:
    """An item as the content API serves it: no "data" of ours, the guide only in the addresses."""
    item: dict[str, Any] = {
        "id": source_id,
        "tittel": "Gjennomgripende utviklingsforstyrrelse/ASD - mistanke (veiledende frist 12 uker)",
        "tekst": "<p>" + ASD_TEXT.replace("\n", "<br/>") + "</p>",
        "url": f"{GUIDE_ROOT}/habilitering-av-barn-og-unge-i-spesialisthelsetjenesten/tilstander/{source_id}",
        "sistFagligOppdatert": "2015-09-24T00:00:00",
        "infoType": "prioriteringsveileder",
    }
    item.update(changes)
    return item


def write(tmp_path: Path, items: Any, name: str = "items.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


# The parser


def test_the_shipped_file_holds_conditions_of_all_three_guides() -> None:
    conditions = load_file(SHIPPED_FILE)
    assert {condition.guide for condition in conditions} == set(PriorityGuide.values)
    assert len({condition.source_id for condition in conditions}) == len(conditions)
    for condition in conditions:
        assert condition.url.startswith("https://")
        assert condition.suggests_right is not None
        # The structured fields agree with the published text they were taken from.
        from_text = parse_item({**condition.source, "data": None})
        assert from_text.suggests_right == condition.suggests_right
        assert from_text.suggested_weeks == condition.suggested_weeks
        assert from_text.care_type == condition.care_type
        assert from_text.individual_factors == condition.individual_factors
        assert from_text.reasons == condition.reasons


def test_the_shipped_text_is_kept_as_published() -> None:
    brain_injury = next(c for c in load_file(SHIPPED_FILE) if "hjerneskade" in c.title)
    assert brain_injury.guide == PriorityGuide.PHYSICAL_MEDICINE
    assert brain_injury.last_changed == date(2015, 9, 24)
    assert (brain_injury.suggests_right, brain_injury.suggested_weeks) == (True, 4)
    assert brain_injury.care_type == CareType.ASSESSMENT
    assert brain_injury.explanation == "Følger av hjerneskade (traumatisk - atraumatisk - hjerneslag)."
    assert "Tilstanden anses å være alvorlig" in brain_injury.text
    assert brain_injury.reasons.severity == "Tilstanden anses å være alvorlig"


def test_an_item_from_the_api_is_read_from_its_html_text() -> None:
    condition = parse_item(api_item())
    assert condition.guide == PriorityGuide.HABILITATION_CHILDREN
    assert (condition.suggests_right, condition.suggested_weeks) == (True, 12)
    assert condition.care_type == CareType.ASSESSMENT
    assert condition.care == "Kognitiv vurdering inkludert adaptive ferdigheter."
    assert condition.individual_factors == ("alder/livsfase", "sansetap")
    assert condition.reasons.benefit == "Helsehjelpen anses å være nyttig"
    assert condition.reasons.cost_effectiveness == "Helsehjelpen anses å være kostnadseffektiv"
    assert condition.last_changed == date(2015, 9, 24)
    # The item itself is kept unchanged.
    assert condition.source["tekst"].startswith("<p>Gjennomgripende")


def test_no_right_and_no_deadline_are_read_as_such() -> None:
    text = (
        "Veiledende rett til nødvendig helsehjelp i spesialisthelsetjenesten?\nNei\n"
        "Begrunnelse for ikke å gi rett til nødvendig helsehjelp i spesialisthelsetjenesten\n"
        "Helsehjelpen anses ikke å være nyttig\n"
    )
    condition = parse_item(api_item(tekst=text))
    assert (condition.suggests_right, condition.suggested_weeks, condition.care_type) == (False, None, "")
    assert condition.reasons.benefit == "Helsehjelpen anses ikke å være nyttig"


def test_the_guide_is_found_in_the_links() -> None:
    item = api_item(url="", links=[{"rel": "root", "href": f"{GUIDE_ROOT}/habilitering-av-voksne-i-sht"}])
    assert parse_item(item).guide == PriorityGuide.HABILITATION_ADULTS


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "not JSON"),
        ('{"id": "x"}', "JSON array"),
        ("[]", "no conditions"),
        ("[1]", "Item 1 is not an object"),
        ('[{"tittel": "T"}]', "Item 1 has no id"),
        ('[{"id": "x", "tittel": " "}]', "has no title"),
        ('[{"id": "x", "tittel": "T", "url": "https://example.org/annet"}]', "none of the three guides"),
    ],
)
def test_a_malformed_file_is_refused_with_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(MalformedGuideFile, match=message):
        parse_document(raw)


def test_a_bad_field_names_the_item() -> None:
    with pytest.raises(MalformedGuideFile, match=r"Item 2 \(b\): sistFagligOppdatert"):
        parse_items([api_item("a"), api_item("b", sistFagligOppdatert="i fjor")])
    with pytest.raises(MalformedGuideFile, match="rettighet must be Ja or Nei"):
        parse_items([api_item(data={"rettighet": "Kanskje"})])
    with pytest.raises(MalformedGuideFile, match="frist must be a number of weeks"):
        parse_items([api_item(data={"rettighet": "Ja", "frist": "tolv"})])
    with pytest.raises(MalformedGuideFile, match="appears more than once"):
        parse_items([api_item("a"), api_item("a")])


# The import


def test_the_command_imports_the_shipped_file_and_again_changes_nothing(db: None) -> None:
    out = StringIO()
    call_command("import_priority_guides", stdout=out)
    count = len(load_file(SHIPPED_FILE))
    assert PriorityGuideCondition.objects.count() == count
    assert f"{count} new, 0 changed, 0 unchanged" in out.getvalue()
    out = StringIO()
    call_command("import_priority_guides", stdout=out)
    assert f"0 new, 0 changed, {count} unchanged, 0 withdrawn, 0 removed" in out.getvalue()
    assert PriorityGuideCondition.objects.count() == count


def test_an_import_updates_by_source_id(db: None, tmp_path: Path) -> None:
    import_file(write(tmp_path, [api_item("a"), api_item("b")]))
    first = PriorityGuideCondition.objects.get(source_id="a")
    assert (first.suggests_right, first.suggested_weeks, first.care_type) == (True, 12, CareType.ASSESSMENT)
    assert first.source["id"] == "a"
    later = ASD_TEXT.replace("12 uker", "8 uker")
    report = import_file(write(tmp_path, [api_item("a", tekst=later), api_item("b")]))
    assert (report.new, report.changed, report.unchanged) == (0, 1, 1)
    first.refresh_from_db()
    assert first.suggested_weeks == 8
    assert first.source["tekst"] == later


def test_a_condition_an_assessment_rests_on_is_withdrawn_not_deleted(world: World, tmp_path: Path) -> None:
    import_file(write(tmp_path, [api_item("kept"), api_item("used"), api_item("unused")]))
    used = PriorityGuideCondition.objects.get(source_id="used")
    Assessment.objects.create(
        referral=ReferralFactory(person=world.patient),
        right=RightStatus.NO_NEED,
        condition=used,
        outcome=AssessmentOutcome.ADVICE,
        to_referrer="Råd",
        assessor_name="Lege",
    )
    report = import_file(write(tmp_path, [api_item("kept")]))
    assert (report.unchanged, report.withdrawn, report.removed) == (1, 1, 1)
    used.refresh_from_db()
    assert used.withdrawn
    assert not PriorityGuideCondition.objects.filter(source_id="unused").exists()
    # Withdrawn once is reported once; back in the guide, it is offered again.
    assert import_file(write(tmp_path, [api_item("kept")])).withdrawn == 0
    report = import_file(write(tmp_path, [api_item("kept"), api_item("used")]))
    assert report.changed == 1
    used.refresh_from_db()
    assert not used.withdrawn


def test_a_malformed_file_imports_nothing(db: None, tmp_path: Path) -> None:
    import_conditions(parse_items([api_item("a")]))
    path = write(tmp_path, [api_item("b"), {"id": "c"}])
    with pytest.raises(CommandError, match=r"Item 2 \(c\) has no title \(tittel\)\. Nothing was imported\."):
        call_command("import_priority_guides", str(path))
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_priority_guides", str(tmp_path / "missing.json"))
    assert list(PriorityGuideCondition.objects.values_list("source_id", flat=True)) == ["a"]


# The pages


def member_of(unit: Organisation, role: str = MembershipRole.REFERRAL_CLERK) -> User:
    return MembershipFactory(organisation=unit, role=role).user


@pytest.fixture
def guides(db: None) -> None:
    import_file()


def test_the_assessor_searches_the_guides(world: World, guides: None) -> None:
    client = client_as(member_of(habilitation_unit(), MembershipRole.ASSESSING_CLINICIAN))
    url = reverse("referrals:priority_guide_list")
    page = client.get(url).content.decode()
    assert "Følger av hjerneskade - raskt progredierende funksjonssvikt" in page
    assert "Gjennomgripende utviklingsforstyrrelse/ASD - mistanke" in page
    page = client.get(url, {"q": "hjerneskade"}).content.decode()
    assert "Følger av hjerneskade" in page
    assert "ASD - mistanke" not in page
    page = client.get(url, {"guide": PriorityGuide.HABILITATION_ADULTS}).content.decode()
    assert "autismespekterforstyrrelse - mistanke (veiledende frist 16 uker)" in page
    assert "Følger av hjerneskade" not in page
    # A word the text has, though the title does not.
    assert "Følger av hjerneskade" in client.get(url, {"q": "traumatisk"}).content.decode()
    assert "No condition matches" in client.get(url, {"q": "finnesikke"}).content.decode()


def test_a_guide_that_is_not_one_gets_a_message_and_all_conditions(world: World, guides: None) -> None:
    client = client_as(member_of(habilitation_unit()))
    response = client.get(reverse("referrals:priority_guide_list"), {"guide": "ortopedi", "q": "x" * 201})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the three guides." in page
    assert "Write at most 200 characters." in page
    assert "Følger av hjerneskade" in page


def test_the_detail_shows_the_text_unchanged_with_its_source(world: World, guides: None) -> None:
    condition = PriorityGuideCondition.objects.get(title__startswith="Følger av hjerneskade")
    client = client_as(member_of(habilitation_unit()))
    before = AccessRecord.objects.count()
    page = client.get(reverse("referrals:priority_guide_detail", args=[condition.pk])).content.decode()
    for line in condition.source["tekst"].splitlines():
        assert line in page
    assert f'href="{condition.url}"' in page
    assert "24.09.2015" in page
    # About a condition, not a person: nothing to log.
    assert AccessRecord.objects.count() == before


def test_a_withdrawn_condition_is_shown_as_such_and_searched_by_none(world: World, guides: None) -> None:
    condition = PriorityGuideCondition.objects.get(title__startswith="Følger av hjerneskade")
    condition.withdrawn = True
    condition.save()
    client = client_as(member_of(habilitation_unit()))
    listed = client.get(reverse("referrals:priority_guide_list")).content.decode()
    assert "Følger av hjerneskade" not in listed
    page = client.get(reverse("referrals:priority_guide_detail", args=[condition.pk])).content.decode()
    assert "no longer in the published guide" in page


@pytest.mark.parametrize(
    "role", [MembershipRole.REFERRAL_CLERK, MembershipRole.ASSESSING_CLINICIAN, MembershipRole.EPISODE_STAFF]
)
def test_anyone_in_a_habilitation_or_rehabilitation_unit_may_read(world: World, role: str) -> None:
    rehabilitation = OrganisationFactory(name="Rehabilitering", kind=OrganisationKind.REHABILITATION_UNIT)
    for unit in [habilitation_unit(), rehabilitation]:
        assert policy.can(member_of(unit, role), Action.PRIORITY_GUIDE_VIEW)


def test_the_municipality_and_former_staff_get_404(world: World, guides: None) -> None:
    condition = PriorityGuideCondition.objects.first()
    assert condition is not None
    former = MembershipFactory(
        organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK, active=False
    )
    refused = [world.ke_officer, world.coordinator, world.patient_user, former.user]
    for user in refused:
        assert not policy.can(user, Action.PRIORITY_GUIDE_VIEW)
        client = client_as(user)
        assert client.get(reverse("referrals:priority_guide_list")).status_code == 404
        assert client.get(reverse("referrals:priority_guide_detail", args=[condition.pk])).status_code == 404


def test_the_demo_loads_the_shipped_guides(db: None) -> None:
    from vegviser.demo.loader import load_demo

    load_demo()
    assert PriorityGuideCondition.objects.filter(withdrawn=False).count() == len(load_file(SHIPPED_FILE))


def test_a_condition_written_by_other_means_shows_its_text_alone(world: World) -> None:
    condition = PriorityGuideCondition.objects.create(
        guide=PriorityGuide.PHYSICAL_MEDICINE,
        source_id="by-hand",
        title="Tilstand",
        source={"tekst": "Teksten som publisert"},
    )
    client = client_as(member_of(habilitation_unit()))
    page = client.get(reverse("referrals:priority_guide_detail", args=[condition.pk])).content.decode()
    assert "Teksten som publisert" in page
