"""The statistics pages: the public page with no login, a leader's or coordinating unit's dashboard for
their area only, the definitions, the CSV, XLSX and JSON exports; who may not see them; and bad filters.

The world has plans in Bodø only: 3 persons with an active plan (fewer than 5: Bodø's count is hidden, and so
is one more figure beside it, so that Bodø's cannot be worked out from Helse Nord's), and 6 in Tromsø, shown.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.audit.models import AccessRecord
from vegviser.indicators.dimensions import Period, PeriodKind
from vegviser.indicators.selectors import Cell, ShownRow, ShownTable
from vegviser.indicators.views import _write_xlsx
from vegviser.plans.models import PlanStatus
from vegviser.registry.models import HealthRegion, Membership, MembershipRole, OrganisationKind

from ..conftest import World, client_as
from ..factories import IndividualPlanFactory, MembershipFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PUBLIC = reverse("indicators:public")
DASHBOARD = reverse("indicators:dashboard")


def _plans(municipality, count: int) -> None:  # type: ignore[no-untyped-def]
    activated = timezone.now() - timedelta(days=1)
    for _ in range(count):
        person = PersonFactory(municipality=municipality, national_id="")
        IndividualPlanFactory(
            person=person, municipality=municipality, status=PlanStatus.ACTIVE, activated_at=activated
        )


@pytest.fixture
def plans(world: World) -> None:
    _plans(world.bodo, 3)
    _plans(world.tromso, 6)


def analyst(kind: str, **organisation: object):  # type: ignore[no-untyped-def]
    return MembershipFactory(
        organisation=OrganisationFactory(kind=kind, **organisation), role=MembershipRole.INDICATOR_ANALYST
    ).user


def rows(html: str) -> dict[str, str]:
    """Each row of the page's tables by its header, with its cells' text: enough to read a figure."""
    import re

    found = {}
    for header, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', html, flags=re.S):
        texts = re.findall(r"<td[^>]*>(?:<abbr[^>]*>)?([^<]*)", cells)
        found.setdefault(header.strip(), "|".join(text.strip() for text in texts))
    return found


def test_the_public_page_needs_no_login_and_hides_small_counts(world: World, plans: None) -> None:
    response = client_as(None).get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    shown = rows(html)
    # Bodø's 3 persons are hidden: shown as the colon with its explanation, never as 0 or 3.
    assert shown["Bodø"].split("|")[0] == ":"
    assert shown["Bodø"].split("|")[1] == "53,712"  # the population is public
    assert "not shown" in html and "never shown as 0" in html
    # Tromsø's 6 could be worked out from Helse Nord's 9 less Bodø's: one of them is hidden as well.
    assert ":" in (shown["Tromsø"].split("|")[0], shown["Helse Nord"].split("|")[0])
    assert "<caption>" in html and 'scope="col"' in html
    assert 'class="ds-table stacked-table"' in html
    # Nothing about a person, and no read of one logged.
    assert world.patient.family_name not in html
    assert AccessRecord.objects.count() == 0


def test_the_public_page_shows_counts_at_or_above_the_minimum(world: World) -> None:
    _plans(world.bodo, 5)
    _plans(world.tromso, 7)
    shown = rows(client_as(None).get(PUBLIC).content.decode())
    assert shown["Bodø"].split("|")[0] == "5"
    assert shown["Tromsø"].split("|")[0] == "7"
    assert shown["Norway"].split("|")[0] == "12"


def test_the_filters_choose_indicator_and_period(world: World, plans: None) -> None:
    quarter = Period.containing(PeriodKind.QUARTER, timezone.localdate())
    response = client_as(None).get(PUBLIC, {"indicator": "DAYS-TO-DECISION", "period": str(quarter)})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Days from report of need to decision, {quarter}" in html
    assert "Median, days" in html
    assert reverse("indicators:definitions") + "#DAYS-TO-DECISION" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"indicator": "NO-SUCH", "period": "2026"}, "There is no indicator with the code NO-SUCH"),
        ({"indicator": "IP-PER-1000", "period": "1999"}, "1999 is not one of them"),
        ({"indicator": "IP-PER-1000", "period": ""}, "Choose a period."),
        ({"indicator": "", "period": "2026"}, "Choose an indicator."),
    ],
)
def test_a_bad_filter_gets_a_message_not_an_error(world: World, query: dict[str, str], message: str) -> None:
    response = client_as(None).get(PUBLIC, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<table" not in response.content.decode()
    csv = client_as(None).get(reverse("indicators:public_download", args=["municipalities", "csv"]), query)
    assert csv.status_code == 400
    assert message in csv.content.decode()


def test_the_csv_is_the_table_as_shown(world: World, plans: None) -> None:
    response = client_as(None).get(reverse("indicators:public_download", args=["municipalities", "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "Area;Persons;Inhabitants;Per 1 000 inhabitants"
    bodo = next(line for line in lines if line.startswith("Bodø;"))
    assert bodo.split(";")[1] == ":"
    assert (
        client_as(None).get(reverse("indicators:public_download", args=["nothing", "csv"])).status_code == 404
    )
    assert (
        client_as(None).get(reverse("indicators:public_download", args=["municipalities", "ods"])).status_code
        == 404
    )


def test_the_workbook_is_the_table_as_shown_with_numbers_to_count_with(world: World, plans: None) -> None:
    response = client_as(None).get(reverse("indicators:public_download", args=["municipalities", "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('-municipalities.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1] == ["Area", "Persons", "Inhabitants", "Per 1 000 inhabitants"]
    by_area = {row[0]: row[1:] for row in values[2:] if row[0]}
    # Oslo's figures are numbers; Bodø's three persons are hidden with the page's mark, never as 0, and so
    # are the other figures of Helse Nord that would give them away.
    assert by_area["Oslo"] == [0, 717710, 0]
    assert by_area["Bodø"] == [":", 53712, ":"]
    assert by_area["Tromsø"][0] == ":"
    legend = {row[0]: row[1] for row in values if row[0] == ":"}
    assert legend[":"].startswith("Not shown: fewer than 5 cases")


def test_a_name_in_the_workbook_is_text_not_a_formula(world: World) -> None:
    workbook = io.BytesIO()
    table = ShownTable(
        key="municipalities",
        caption="=HYPERLINK(1)",
        row_heading="Area",
        columns=("Persons",),
        rows=(ShownRow(header="=1+1", cells=(Cell("1", value=1, whole=True),)),),
    )
    response = HttpResponse()
    _write_xlsx(response, table)
    workbook.write(response.content)
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None
    assert sheet["A1"].value == "=HYPERLINK(1)" and sheet["A1"].data_type == "s"
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"


def test_the_national_export_has_every_indicator_and_no_person(world: World, plans: None) -> None:
    response = client_as(None).get(reverse("indicators:national_export"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert [item["code"] for item in data["indicators"]][:2] == ["IP-PER-1000", "COORDINATOR-PER-1000"]
    persons = data["indicators"][0]["rows"]
    bodo = next(row for row in persons if row["code"] == "1804" and row["age_group"] == "all")
    assert bodo["suppressed"] is True and bodo["figures"]["count"] == ":"
    assert set(bodo) == {"level", "code", "name", "age_group", "category", "suppressed", "figures"}
    assert world.patient.family_name not in response.content.decode()
    bad = client_as(None).get(reverse("indicators:national_export"), {"period": "1999"})
    assert bad.status_code == 400


def test_the_definitions_are_one_click_away(world: World) -> None:
    html = client_as(None).get(reverse("indicators:definitions")).content.decode()
    assert 'id="IP-PER-1000"' in html and 'id="GAS-T-SCORE-50"' in html
    assert "Crude rate: not age-standardised" in html
    assert reverse("indicators:definitions") in client_as(None).get(PUBLIC).content.decode()


def test_the_system_administrator_sees_no_statistics(world: World, plans: None) -> None:
    client = client_as(world.system_admin)
    for url in (PUBLIC, DASHBOARD, reverse("indicators:definitions"), reverse("indicators:national_export")):
        assert client.get(url).status_code == 404, url
    assert (
        client.get(reverse("indicators:public_download", args=["municipalities", "csv"])).status_code == 404
    )
    assert not policy.can(world.system_admin, Action.INDICATORS_AREA, ("nation", "NO"))


def test_a_municipal_leader_sees_their_municipality_by_age(world: World, plans: None) -> None:
    leader = analyst(OrganisationKind.OTHER_MUNICIPAL_SERVICE, municipality=world.bodo)
    response = client_as(leader).get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bodø by age group" in html
    assert "All ages" in html
    assert "Tromsø" not in rows(html)
    assert AccessRecord.objects.count() == 0
    # Another municipality is not theirs: refused, whatever the form is sent.
    tromso = client_as(leader).get(DASHBOARD, {"area": "municipality:5501", "indicator": "IP-PER-1000"})
    assert "You do not see the indicators of municipality:5501" in tromso.content.decode()
    assert "<table" not in tromso.content.decode()
    assert not policy.can(leader, Action.INDICATORS_AREA, ("municipality", "5501"))


def test_the_coordinating_unit_sees_its_own_municipality(world: World, plans: None) -> None:
    html = client_as(world.ke_officer_tromso).get(DASHBOARD).content.decode()
    assert "Tromsø by age group" in html
    assert "Bodø" not in html.split("<main", 1)[1].split("</form>", 1)[1]
    refused = client_as(world.ke_officer_tromso).get(DASHBOARD, {"area": "municipality:1804"})
    assert "<table" not in refused.content.decode()
    csv = client_as(world.ke_officer_tromso).get(
        reverse("indicators:dashboard_download", args=["ages", "csv"]), {"area": "municipality:1804"}
    )
    assert csv.status_code == 400


@pytest.mark.parametrize("persona", ["coordinator", "team_member", "org_admin", "patient_user"])
def test_who_is_not_a_leader_nor_the_unit_has_no_dashboard(world: World, persona: str) -> None:
    client = client_as(getattr(world, persona))
    assert client.get(DASHBOARD).status_code == 404
    assert client.get(reverse("indicators:dashboard_download", args=["ages", "csv"])).status_code == 404
    # The published figures stay theirs to see, as anyone's.
    assert client.get(PUBLIC).status_code == 200


def test_a_regional_leader_sees_the_region_and_its_municipalities(world: World, plans: None) -> None:
    nord = HealthRegion.objects.get(name="Helse Nord")
    leader = analyst(OrganisationKind.REGIONAL_HEALTH_AUTHORITY, municipality=None, health_region=nord)
    html = client_as(leader).get(DASHBOARD).content.decode()
    assert "Helse Nord by age group" in html
    assert "the municipalities of Helse Nord" in html
    shown = rows(html)
    assert "Bodø" in shown and "Oslo" not in shown
    csv = client_as(leader).get(reverse("indicators:dashboard_download", args=["municipalities", "csv"]))
    assert csv.status_code == 200 and "Bodø;:" in csv.content.decode("utf-8-sig")


def test_a_national_leader_sees_the_nation(world: World) -> None:
    leader = analyst(OrganisationKind.NATIONAL_HEALTH_AUTHORITY, municipality=None)
    assert policy.indicator_areas(leader) == {("nation", "NO")}
    assert "Norway by age group" in client_as(leader).get(DASHBOARD).content.decode()


def test_a_trust_leader_sees_the_trust(world: World) -> None:
    trust = OrganisationFactory(kind=OrganisationKind.HEALTH_TRUST, municipality=None)
    user = MembershipFactory(organisation=trust, role=MembershipRole.INDICATOR_ANALYST).user
    assert policy.indicator_areas(user) == {("health_trust", str(trust.pk))}


def test_an_ended_role_sees_no_dashboard(world: World) -> None:
    leader = analyst(OrganisationKind.OTHER_MUNICIPAL_SERVICE, municipality=world.bodo)
    Membership.objects.filter(user=leader).update(active=False)
    assert client_as(leader).get(DASHBOARD).status_code == 404


def test_only_the_system_administrator_grants_the_analyst_role(world: World) -> None:
    target = MembershipFactory(organisation=world.physio).user
    role = MembershipRole.INDICATOR_ANALYST
    assert role in policy.PRIVILEGED_ROLES
    assert not policy.may_grant(world.org_admin, target, world.physio, role)
    assert policy.may_grant(world.system_admin, target, world.physio, role)
    assert role not in dict(policy.grantable_roles(world.org_admin))


def test_the_menu_and_footer_lead_to_the_pages(world: World) -> None:
    leader = analyst(OrganisationKind.OTHER_MUNICIPAL_SERVICE, municipality=world.bodo)
    assert DASHBOARD in client_as(leader).get(reverse("home")).content.decode()
    assert DASHBOARD in client_as(world.ke_officer).get(reverse("home")).content.decode()
    assert DASHBOARD not in client_as(world.coordinator).get(reverse("home")).content.decode()
    assert PUBLIC in client_as(None).get(reverse("public:index")).content.decode()
    assert PUBLIC not in client_as(world.system_admin).get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "caption", "decimal"),
    [
        ("nb", "Statistikk: habilitering og rehabilitering", "Norge og helseregionene", "53\xa0712"),
        ("nn", "Statistikk: habilitering og rehabilitering", "Noreg og helseregionane", "53\xa0712"),
        ("en", "Statistics: habilitation and rehabilitation", "Norway and the health regions", "53,712"),
    ],
)
def test_the_pages_in_each_language(
    world: World, plans: None, language: str, heading: str, caption: str, decimal: str
) -> None:
    html = client_as(None, language=language).get(PUBLIC).content.decode()
    assert heading in html and caption in html
    assert decimal in html
    dashboard = client_as(world.ke_officer, language=language).get(DASHBOARD)
    assert dashboard.status_code == 200


def test_the_chart_draws_the_table_and_says_where_its_text_is(world: World) -> None:
    _plans(world.bodo, 5)
    _plans(world.tromso, 7)
    html = client_as(None).get(PUBLIC).content.decode()
    chart = html.split('<figure class="indicator-chart"', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in chart and "<title" in chart
    assert "The same figures are in the table below." in chart
    # Helse Nord has every one of the 12 plans: the longest bar; another region has none.
    # 12 of 487 744 inhabitants: 0.0 per 1 000, as the table shows it.
    assert "Helse Nord: 0.0<" in chart
    assert 'width="100.0%"' in chart
    assert chart.count("<rect") == 2  # Norway and Helse Nord; the regions with none have no bar


def test_a_hidden_figure_has_no_bar(world: World, plans: None) -> None:
    html = client_as(None).get(PUBLIC).content.decode()
    chart = html.split('<figure class="indicator-chart"', 1)[1].split("</figure>", 1)[0]
    assert ": not shown" in chart
    assert "<rect" not in chart.split(": not shown")[0].rsplit("<text", 1)[1]


def test_a_regional_health_authority_needs_its_region(world: World) -> None:
    from django.core.exceptions import ValidationError

    authority = OrganisationFactory.build(kind=OrganisationKind.REGIONAL_HEALTH_AUTHORITY, municipality=None)
    with pytest.raises(ValidationError) as refused:
        authority.full_clean()
    assert "health_region" in refused.value.message_dict
    authority.health_region = HealthRegion.objects.get(name="Helse Nord")
    authority.full_clean()


def test_a_filter_left_out_takes_its_default(world: World, plans: None) -> None:
    # The public page's link carries no area: the dashboard takes the user's own.
    html = client_as(world.ke_officer).get(DASHBOARD, {"indicator": "GAS-T-SCORE"}).content.decode()
    assert "Goal attainment T-scores at evaluation" in html and "Bodø by age group" in html
    assert "T-score 50-59" in html
    sent_empty = client_as(world.ke_officer).get(DASHBOARD, {"indicator": "GAS-T-SCORE", "area": ""})
    assert "Choose an area." in sent_empty.content.decode()
