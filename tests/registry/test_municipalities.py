from __future__ import annotations

import pytest
from django.db.models import Sum

from vegviser.registry.models import HealthRegion, Municipality, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def test_all_357_municipalities_with_the_published_population() -> None:
    assert Municipality.objects.count() == 357
    # SSB's published total for 1 January 2024.
    assert Municipality.objects.aggregate(total=Sum("population"))["total"] == 5_550_203


def test_the_four_regional_health_authorities() -> None:
    assert set(HealthRegion.objects.values_list("name", flat=True)) == {
        "Helse Sør-Øst",
        "Helse Vest",
        "Helse Midt-Norge",
        "Helse Nord",
    }
    assert not Municipality.objects.filter(health_region__isnull=True).exists()


def test_numbers_keep_their_leading_zero_and_parallel_names_are_kept() -> None:
    oslo = Municipality.objects.get(number="0301")
    assert oslo.name == "Oslo"
    hattfjelldal = Municipality.objects.get(number="1826")
    assert hattfjelldal.alternative_name == "Aarborte"
    assert str(hattfjelldal) == "Hattfjelldal / Aarborte"


def test_health_trusts_and_regions_follow_the_catchment_table() -> None:
    bodo = Municipality.objects.get(number="1804")
    assert bodo.health_region.name == "Helse Nord"
    assert [trust.name for trust in bodo.health_trusts.all()] == ["Nordlandssykehuset HF"]
    # Oslo is split between four hospitals.
    assert Municipality.objects.get(number="0301").health_trusts.count() == 4
    trust = Organisation.objects.get(name="Nordlandssykehuset HF")
    assert trust.kind == OrganisationKind.HEALTH_TRUST
    assert trust.health_region is not None and trust.health_region.name == "Helse Nord"


@pytest.mark.parametrize(
    ("county", "region"),
    [("03", "Helse Sør-Øst"), ("11", "Helse Vest"), ("50", "Helse Midt-Norge"), ("55", "Helse Nord")],
)
def test_region_agrees_with_the_county_rule(county: str, region: str) -> None:
    regions = set(
        Municipality.objects.filter(county_number=county).values_list("health_region__name", flat=True)
    )
    assert regions == {region}


def test_loading_again_changes_nothing() -> None:
    from vegviser.registry.reference import load_municipalities

    before = (Municipality.objects.count(), Organisation.objects.count(), HealthRegion.objects.count())
    load_municipalities(HealthRegion, Municipality, Organisation)
    assert (
        Municipality.objects.count(),
        Organisation.objects.count(),
        HealthRegion.objects.count(),
    ) == before
