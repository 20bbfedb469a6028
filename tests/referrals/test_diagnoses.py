"""A referral's diagnoses: checked against the shipped code list the clerk chose (ICD-10, or ICPC-2 from a
GP), an unknown code named without losing what else was typed, and every code shown with its name."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vegviser.referrals import services
from vegviser.referrals.models import DiagnosisSystem, Referral
from vegviser.registry.models import MembershipRole

from ..conftest import World, client_as
from ..factories import MembershipFactory, ReferralFactory, habilitation_unit
from .test_referrals import referral_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(world: World) -> Any:
    return MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user


def _register(clerk: Any, language: str = "en", **overrides: Any) -> Any:
    return client_as(clerk, language=language).post(
        reverse("referrals:referral_register"), referral_form(**overrides)
    )


def test_the_form_offers_both_lists_and_suggests_codes(world: World, clerk: Any) -> None:
    page = client_as(clerk).get(reverse("referrals:referral_register")).content.decode()
    # ICD-10 unless the clerk chooses ICPC-2.
    assert re.search(r'<input type="radio" name="diagnosis_system" value="icd10"[^>]* checked>', page)
    icpc2 = re.search(r'<input type="radio" name="diagnosis_system" value="icpc2"[^>]*>', page)
    assert icpc2 is not None and "checked" not in icpc2.group()
    # The suggestions are fed from the code search; the field is plain text without JavaScript.
    assert '<datalist id="diagnosis-suggestions"></datalist>' in page
    assert f'data-code-suggestions="{reverse("registry:code_search")}"' in page
    assert 'list="diagnosis-suggestions"' in page


def test_an_unknown_code_is_named_and_nothing_typed_is_lost(world: World, clerk: Any) -> None:
    response = _register(clerk, diagnoses="F84.0, X99.9")
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert response.context["form"].errors["diagnoses"] == ["Unknown ICD-10 code: X99.9"]
    content = response.content.decode()
    assert 'value="F84.0, X99.9"' in content
    assert 'value="Sofie Strand"' in content and "Helsesykepleier og NAV." in content
    assert 'value="1234567"' in content and "Spørsmål om autismespekterforstyrrelse." in content


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "Ukjente ICD-10-koder: X99.9, Y00.00"),
        ("nn", "Ukjende ICD-10-kodar: X99.9, Y00.00"),
        ("en", "Unknown ICD-10 codes: X99.9, Y00.00"),
    ],
)
def test_the_message_is_in_the_clerks_language(world: World, clerk: Any, language: str, message: str) -> None:
    response = _register(clerk, language=language, diagnoses="X99.9 F84.0 Y00.00")
    assert message in response.content.decode()


def test_a_referral_from_a_gp_is_coded_in_icpc2(world: World, clerk: Any) -> None:
    response = _register(clerk, diagnosis_system="icpc2", diagnoses="t90, p85, A01")
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.diagnosis_system == DiagnosisSystem.ICPC2
    assert referral.diagnosis_codes == ["T90", "P85", "A01"]
    page = client_as(clerk).get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "Diagnoses (ICPC-2)" in page
    assert "<li>T90 Diabetes type 2</li>" in page
    assert "<li>P85 Psykisk utviklingshemning</li>" in page


def test_the_codes_are_checked_against_the_list_chosen(world: World, clerk: Any) -> None:
    # A01 is pain in ICPC-2; in ICD-10 it is only a group, whose codes are named.
    response = _register(clerk, diagnoses="A01")
    assert response.context["form"].errors["diagnoses"] == [
        "A01 is a group of ICD-10 codes: give one of its codes, such as A01.0, A01.1, A01.2."
    ]
    response = _register(clerk, diagnosis_system="icpc2", diagnoses="F84.0")
    assert response.context["form"].errors["diagnoses"] == ["Unknown ICPC-2 code: F84.0"]
    # The choice is kept with the codes.
    assert re.search(r'value="icpc2"[^>]* checked>', response.content.decode())
    assert not Referral.objects.exists()


def test_the_detail_page_shows_each_code_with_its_name(world: World, clerk: Any) -> None:
    _register(clerk, diagnoses="f840, z501")
    referral = Referral.objects.get()
    assert (referral.diagnosis_system, referral.diagnosis_codes) == ("icd10", ["F84.0", "Z50.1"])
    page = client_as(clerk, language="nb").get(reverse("referrals:referral_detail", args=[referral.pk]))
    content = page.content.decode()
    assert "Diagnoser (ICD-10)" in content
    assert "<li>F84.0 Barneautisme</li>" in content
    assert "<li>Z50.1 Annen fysikalsk behandling</li>" in content


def test_the_service_refuses_an_unknown_code_too(world: World, clerk: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.register_referral(
            actor=clerk,
            person=world.patient,
            unit=habilitation_unit(),
            data={
                "named_as": "Per Andersen",
                "referrer_name": "Kari",
                "referrer_organisation": "Legekontoret",
                "received_on": timezone.localdate(),
                "reason": "x",
                "consent": "yes",
                "diagnosis_codes": ["I63.9", "Q99.99"],
            },
        )
    # Outside a request, in the default language.
    assert caught.value.message_dict["diagnosis_codes"] == ["Ukjent ICD-10-kode: Q99.99"]
    assert not Referral.objects.exists()


def test_a_code_a_later_list_drops_stays_on_the_referral(world: World, clerk: Any) -> None:
    """The list changes each year: a stored referral keeps its codes, shown without a name, and its work goes
    on; only a change of its diagnoses is checked again."""
    referral = ReferralFactory(person=world.patient)
    Referral.objects.filter(pk=referral.pk).update(diagnosis_codes=["F84.0", "Q99.99"])
    referral = Referral.objects.get(pk=referral.pk)
    services.ask_referrer(actor=clerk, referral=referral, asked_for="Epikrise.")
    assert Referral.objects.get(pk=referral.pk).diagnosis_codes == ["F84.0", "Q99.99"]
    content = client_as(clerk).get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "<li>F84.0 Barneautisme</li>" in content and "<li>Q99.99</li>" in content
    referral.diagnosis_codes = ["F84.0", "Q99.99", "Z50.1"]
    with pytest.raises(ValidationError):
        referral.full_clean()


def test_a_referral_without_diagnoses_shows_a_dash(world: World, clerk: Any) -> None:
    _register(clerk, diagnoses="")
    referral = Referral.objects.get()
    assert referral.diagnosis_codes == []
    content = client_as(clerk).get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "Diagnoses (ICD-10)</dt><dd>–</dd>" in content
