"""Each user's journey in a real browser, as the demo's users: from the login page (and the authenticator's
code, for the professionals, as production requires) to the end of a task of their own, checking what they see
at each step and what was stored.

The coordinating unit decides on a report and reads the decision letter; the coordinator builds Per's plan
further and calls a meeting; a full participant updates her own measure and writes in the plan log; a limited
participant reads her measure and is refused the rest; Per rates his progress and writes to his coordinator,
who sees both; a mother acts for Emil; Ulrik, 16, uses his own pages while his mother is kept out of them; and
the rehabilitation ward admits a patient, discharges him and hands him over to the municipality.
The journeys run in Bokmål, Nynorsk (chosen with the page's switcher) and English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.access.policy import PlanRole
from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord, ReadPurpose, RefusalRecord
from vegviser.intake.models import NeedReport, ReportStatus
from vegviser.plans.models import (
    Goal,
    GoalRating,
    GoalStatus,
    IndividualPlan,
    Measure,
    MeasureStatus,
    Meeting,
    PlanMessage,
    PlanNote,
)
from vegviser.plans.selectors import coordinator_attention
from vegviser.registry.models import Person

from ..factories import PASSWORD, PersonFactory, PersonRelationFactory, UserFactory
from .conftest import BROWSER_DB, as_user, authenticator_for, axe_check, profile, submit

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture(autouse=True)
def _two_factor_for_professionals(settings: Any) -> None:
    # As in production: a professional signs in with a code as well as the password; a citizen does not.
    settings.VEGVISER_REQUIRE_2FA = True


def visit(page: Page, link: Any) -> None:
    """Follow a link as the user would. (The accessibility sweep checks every page; a journey checks the
    pages where its task ends.)"""
    with page.expect_navigation():
        link.click()


def menu(page: Page, name: str) -> Any:
    return page.get_by_role("navigation", name=re.compile("^(Main menu|Hovudmeny|Hovedmeny)$")).get_by_role(
        "link", name=name, exact=True
    )


def heading(page: Page) -> str:
    return page.locator("main h1").inner_text()


def told(page: Page) -> str:
    """What the page says about the step just taken: its messages and alerts, and the form's errors."""
    return " ".join(page.locator(".ds-alert, [data-error-summary]").all_inner_texts())


def professional(context: BrowserContext, server: LiveServer, username: str) -> Page:
    """Signed in with the password and the code from the authenticator app."""
    return as_user(context, server, username, authenticator=authenticator_for(username))


def open_from_my_plans(page: Page, my_plans: str, role: str, person: str = "Per Andersen") -> str:
    """From the menu to "My plans", which shows the user's role in the person's plan, and on to that plan;
    what the row said."""
    visit(page, menu(page, my_plans))
    row = page.locator("main table tbody tr", has_text=person)
    said = row.inner_text()
    assert role in said, said
    visit(page, row.get_by_role("link", name=person))
    return said


def rate_the_first_goal(page: Page, words: tuple[str, str, str], level: int, comment: str) -> str:
    """From the portal's plan page, rate the first goal that may be rated, with a comment; the goal's text.
    `words` are the link's, the comment field's and the button's, in the page's language."""
    link, comment_label, save = words
    visit(page, page.get_by_role("link", name=re.compile(f"^{link}")).first)
    goal_text = page.locator("main h1 + p strong").inner_text()
    page.locator(f"input[name=attainment][value='{level}']").check()
    page.get_by_label(comment_label).fill(comment)
    submit(page, save)
    return goal_text


def pers_plan() -> IndividualPlan:
    return IndividualPlan.objects.get(person__given_name="Per", person__family_name="Andersen")


# The coordinating unit, in Bokmål


def test_the_coordinating_unit_decides_on_a_report_and_reads_the_letter(
    server: LiveServer, demo: None, context: BrowserContext
) -> None:
    report = NeedReport.objects.get(person__given_name="Sigrid")
    assert report.status == ReportStatus.RECEIVED and report.assigned_to is None

    page = professional(context, server, "ke")
    assert page.url == f"{server.url}/"
    visit(page, menu(page, "Meldinger om behov"))
    row = page.locator("main table tbody tr", has_text="Sigrid Johansen")
    visit(page, row.get_by_role("link", name="Sigrid Johansen"))
    assert heading(page) == "Melding om behov – Sigrid Johansen"
    facts = page.locator("main dl.facts").inner_text()
    assert report.case_number in facts and "Lårhalsbrudd, operert." in page.locator("main").inner_text()

    # She takes the case herself ...
    page.select_option("#id_officer", label="Kari Enge")
    submit(page, "Tildel")
    assert "Meldingen er tildelt." in told(page)
    assert "Kari Enge" in page.locator("main dl.facts").inner_text()

    # ... and grants the coordinator asked for.
    visit(page, page.get_by_role("link", name="Gjør vedtak"))
    assert heading(page) == "Vedtak på meldingen om Sigrid Johansen"
    page.get_by_label("Koordinator innvilget", exact=True).check()
    submit(page, "Lagre vedtaket")
    assert "Vedtaket er lagret." in told(page)
    axe_check(page)

    report.refresh_from_db()
    assert report.assigned_to is not None and report.assigned_to.username == "ke"
    assert (report.status, report.coordinator_granted) == (ReportStatus.DECIDED, True)
    assert report.decided_by is not None and report.decided_by.username == "ke"

    # The letter to Sigrid, in her language, with the decision and how to complain.
    visit(page, page.locator("main").get_by_role("link", name="Vedtaksbrev", exact=True))
    letter = page.locator("main").inner_text()
    for text in [
        "Vedtak om koordinator",
        "Koordinator: innvilget",
        report.case_number,
        "Du har rett til å klage",
        "Statsforvalteren",
        "Kari Enge",
        "75 55 50 00",
    ]:
        assert text in letter, text
    assert page.locator("html").get_attribute("lang") == "nb"


# The coordinator, in English


def test_the_coordinator_adds_goals_and_a_measure_and_calls_a_meeting(
    server: LiveServer, demo: None, english: BrowserContext
) -> None:
    plan = pers_plan()
    frida = plan.participants.get(user__username="fysio")
    target = timezone.localdate() + timedelta(days=60)

    page = professional(english, server, "koordinator")
    open_from_my_plans(page, "My plans", "Coordinator")
    assert heading(page) == "Individual plan for Per Andersen"
    plan_url = page.url

    # A main goal, in Per's words ...
    visit(page, page.get_by_role("link", name="Add a goal", exact=True))
    page.fill("#id_text", "Jeg vil handle alene på Glasshuset.")
    submit(page, "Save")
    assert "The goal was added." in told(page)
    main = Goal.objects.get(plan=plan, text="Jeg vil handle alene på Glasshuset.")
    assert (main.parent, main.status) == (None, GoalStatus.ACTIVE)

    # ... a sub-goal under it, with a date to reach it by ...
    card = page.locator("article", has=page.get_by_role("heading", name=main.text, exact=True))
    visit(page, card.get_by_role("link", name="Add a sub-goal"))
    assert page.input_value("#id_parent") == str(main.pk)
    page.fill("#id_text", "Ta bussen til sentrum alene.")
    page.fill("#id_target_date", target.isoformat())
    submit(page, "Save")
    assert "The goal was added." in told(page)
    sub = Goal.objects.get(plan=plan, text="Ta bussen til sentrum alene.")
    assert (sub.parent, sub.target_date) == (main, target)
    card = page.locator("article", has=page.get_by_role("heading", name=main.text, exact=True))
    assert card.get_by_role("heading", name="Sub-goal: Ta bussen til sentrum alene.").count() == 1
    assert f"by {target:%d.%m.%Y}" in card.inner_text()

    # ... a measure towards them, with the physiotherapist responsible ...
    visit(page, page.get_by_role("link", name="Add a measure", exact=True))
    page.fill("#id_title", "Busstrening med fysioterapeut")
    page.fill("#id_scope", "Fire turer, én i uka")
    page.select_option("#id_responsible_participant", label=str(frida))
    page.fill("#id_how", "Sammen til sentrum og hjem igjen, så Per alene med telefonen på.")
    page.locator("main form").get_by_label(main.text, exact=True).check()
    page.locator("main form").get_by_label(sub.text, exact=True).check()
    submit(page, "Save")
    assert "The measure was added." in told(page)
    measure = Measure.objects.get(plan=plan, title="Busstrening med fysioterapeut")
    assert measure.responsible_participant == frida
    assert set(measure.goals.all()) == {main, sub}
    measure_row = page.locator("main table tbody tr", has_text="Busstrening med fysioterapeut")
    assert "Frida Ystad" in measure_row.inner_text()

    # ... and a meeting of the responsibility group to go through them.
    assert page.url == plan_url
    visit(page, page.get_by_role("link", name="Schedule a meeting"))
    starts = (timezone.localtime() + timedelta(days=7)).replace(hour=13, minute=0, second=0, microsecond=0)
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "Bodø rådhus, møterom 3")
    page.fill("#id_agenda", "Nye mål: handle alene og ta bussen")
    assert page.get_by_label(str(frida)).is_checked()  # the whole group is invited
    submit(page, "Schedule")
    assert "The meeting was scheduled." in told(page)
    assert heading(page) == "Meeting of the responsibility group"
    axe_check(page)
    assert "Bodø rådhus, møterom 3" in page.locator("main").inner_text()
    meeting = Meeting.objects.get(plan=plan, place="Bodø rådhus, møterom 3")
    assert meeting.starts_at == starts
    assert set(meeting.invited.all()) == set(plan.participants.filter(active=True))


# A full participant, in Bokmål


def test_a_full_participant_updates_her_measure_and_writes_in_the_plan_log(
    server: LiveServer, demo: None, context: BrowserContext
) -> None:
    plan = pers_plan()
    mine = Measure.objects.get(plan=plan, title="Fysioterapi: gang- og balansetrening")
    others = Measure.objects.get(plan=plan, title="Ergoterapi: hjelpemidler og energiøkonomisering")

    page = professional(context, server, "fysio")
    open_from_my_plans(page, "Mine planer", "Deltaker")
    assert heading(page) == "Individuell plan for Per Andersen"
    # She reads the whole plan, and changes only her own measure; the plan itself is the coordinator's.
    assert "Hva som er viktig for meg" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Legg til et mål").count() == 0
    other_row = page.locator("main table tbody tr", has_text=others.title)
    assert other_row.get_by_role("link", name=re.compile("^Endre")).count() == 0

    my_row = page.locator("main table tbody tr", has_text=mine.title)
    visit(page, my_row.get_by_role("link", name=re.compile("^Endre")))
    page.select_option("#id_status", label="Fullført")
    submit(page, "Lagre")
    assert "Endringene er lagret." in told(page)
    assert "Fullført" in page.locator("main table tbody tr", has_text=mine.title).inner_text()
    mine.refresh_from_db()
    assert mine.status == MeasureStatus.DONE

    # What she found, for the others in the plan.
    page.get_by_label("Merknad").fill(
        "Per går nå 3 km med stav. Gangtreningen er avsluttet, hjemmeprogrammet fortsetter."
    )
    submit(page, "Legg til i loggen")
    assert "Notatet er lagt til i planloggen." in told(page)
    note = PlanNote.objects.filter(plan=plan).latest("created_at")
    assert note.author is not None and note.author.username == "fysio"
    assert note.text.startswith("Per går nå 3 km med stav.")
    log = page.locator("main section", has=page.get_by_role("heading", name="Planlogg"))
    log.locator("summary").click()
    axe_check(page)
    assert "Per går nå 3 km med stav." in log.inner_text()

    # Another's measure, asked for by its address: refused as if it did not exist.
    response = page.goto(f"{server.url}/plans/measures/{others.pk}/edit/")
    assert response is not None and response.status == 404
    assert heading(page) == "Fant ikke siden"


# A limited participant, who chooses Nynorsk


def test_a_limited_participant_sees_her_own_measure_and_is_refused_the_rest(
    server: LiveServer, demo: None, context: BrowserContext
) -> None:
    plan = pers_plan()
    per = plan.person
    hers = Measure.objects.get(plan=plan, title="Ergoterapi: hjelpemidler og energiøkonomisering")
    assert not AccessRecord.objects.filter(actor__username="ergo").exists()
    meeting = Meeting.objects.filter(plan=plan, invited__user__username="ergo").first()
    assert meeting is not None

    page = professional(context, server, "ergo")
    assert page.locator("html").get_attribute("lang") == "nb"
    with page.expect_navigation():
        page.locator(".language-switcher").get_by_role("button", name="Nynorsk").click()
    assert page.locator("html").get_attribute("lang") == "nn"
    assert User.objects.get(username="ergo").language == "nn"

    open_from_my_plans(page, "Planane mine", "Deltakar, avgrensa tilgang")
    assert heading(page) == "Individuell plan for Per Andersen"
    main = page.locator("main").inner_text()
    # Her measure and the goals it serves; nothing else of the plan.
    assert hers.title in main
    for goal in hers.goals.all():
        assert goal.text in main
    for hidden in [
        "Fysioterapi: gang- og balansetrening",
        "Jeg vil kjøre bil igjen",
        "Frida Ystad",
        plan.what_matters[:40],
    ]:
        assert hidden not in main, hidden
    assert page.locator("main").get_by_role("link", name="Meldingar").count() == 0

    # The rest, asked for by address: the site's 404 page, in her language, each time.
    for address in [
        f"/plans/{plan.pk}/messages/",
        f"/plans/{plan.pk}/print/",
        f"/plans/measures/{hers.pk}/edit/",
    ]:
        response = page.goto(server.url + address)
        assert response is not None and response.status == 404, address
        assert heading(page) == "Fann ikkje sida"
        assert "Sida finst ikkje, eller du har ikkje tilgang til henne." in page.locator("main").inner_text()
    axe_check(page)
    # A meeting she is invited to she opens, and sees who coordinates, to write to them.
    response = page.goto(server.url + f"/plans/meetings/{meeting.pk}/")
    assert response is not None and response.status == 200
    assert User.objects.get(username="koordinator").display_name in page.locator("main").inner_text()
    # Her read of the plan is in the log Per can see, and each refusal is kept for the unit's review.
    reads = AccessRecord.objects.filter(actor__username="ergo", person_id=per.pk)
    assert list(reads.filter(purpose=ReadPurpose.PLAN).values_list("object_id", flat=True)) == [str(plan.pk)]
    assert RefusalRecord.objects.filter(actor__username="ergo", person_id=per.pk).count() == 3


# The patient, in Bokmål, and the coordinator who reads what he wrote


def test_the_patient_rates_a_goal_and_writes_to_his_coordinator_who_sees_both(
    server: LiveServer, demo: None, context: BrowserContext
) -> None:
    per = Person.objects.get(given_name="Per", family_name="Andersen")
    plan = pers_plan()
    coordinator = User.objects.get(username="koordinator")
    before = coordinator_attention(user=coordinator, plans=[(plan, PlanRole.COORDINATOR)])[plan.pk]
    assert before.unread_messages and before.new_self_ratings  # so the counts below are in the plural

    page = as_user(context, server, "pasient")
    assert page.url == f"{server.url}/me/{per.pk}/"
    assert heading(page) == "Hei, Per"
    visit(page, page.get_by_role("navigation", name="Mine sider").get_by_role("link", name="Planen"))
    assert heading(page) == "Min individuelle plan"

    goal_text = rate_the_first_goal(
        page,
        ("Vurder framdriften", "Kommentar", "Lagre vurderingen min"),
        1,
        "Gikk til butikken og hjem igjen uten å stoppe.",
    )
    assert "Takk. Koordinatoren din ser vurderingen din ved neste evaluering." in told(page)
    rating = GoalRating.objects.filter(goal__plan=plan, rated_by__username="pasient").latest("created_at")
    assert (rating.attainment, rating.goal.text, rating.evaluation) == (1, goal_text, None)

    visit(page, page.get_by_role("navigation", name="Mine sider").get_by_role("link", name="Meldinger"))
    page.get_by_label("Melding").fill("Kan vi ta busstrening på neste møte?")
    submit(page, "Send")
    assert "Meldingen er sendt." in told(page)
    axe_check(page)
    assert page.locator("main").get_by_text("Kan vi ta busstrening på neste møte?").count() == 1
    message = PlanMessage.objects.filter(plan=plan).latest("created_at")
    assert (message.author.username, message.from_person_side) == ("pasient", True)

    # His coordinator is told of both on "My plans", and reads them.
    page = professional(context, server, "koordinator")
    to_look_at = open_from_my_plans(page, "Mine planer", "Koordinator")
    assert f"{before.unread_messages + 1} uleste meldinger" in to_look_at
    assert f"{before.new_self_ratings + 1} egne vurderinger siden forrige evaluering" in to_look_at
    card = page.locator("main article", has_text=goal_text).first
    assert "«Gikk til butikken og hjem igjen uten å stoppe.»" in card.inner_text()
    visit(page, page.locator("main").get_by_role("link", name="Meldinger", exact=True))
    assert page.locator("main").get_by_text("Kan vi ta busstrening på neste møte?").count() == 1


# A parent acting for her child, in English


def test_a_parent_chooses_her_child_reads_his_plan_rates_and_writes_for_him(
    server: LiveServer, demo: None, english: BrowserContext
) -> None:
    emil = Person.objects.get(given_name="Emil", family_name="Haugen")

    page = as_user(english, server, "forelder")
    assert page.url == f"{server.url}/me/"
    assert heading(page) == "Whose page do you want to open?"
    visit(page, page.locator("main").get_by_role("link", name=re.compile("Emil Haugen")))
    assert page.url == f"{server.url}/me/{emil.pk}/"
    assert "You are acting for Emil Haugen." in page.locator("main .portal-subject").inner_text()
    pages_for_emil = page.get_by_role("navigation", name="Pages for Emil")

    visit(page, pages_for_emil.get_by_role("link", name="The plan"))
    assert heading(page) == "The individual plan for Emil Haugen"
    assert page.get_by_text("Emil vil gå selv ute i friminuttene").count() >= 1

    goal_text = rate_the_first_goal(
        page,
        ("Rate the progress", "Comment", "Save my rating"),
        0,
        "Emil gikk alene til skolebussen tre dager denne uka.",
    )
    # Told of Emil in the third person: the parent acts for him.
    assert "Thank you. The coordinator for Emil will see your rating at the next evaluation." in told(page)
    rating = GoalRating.objects.filter(goal__plan__person=emil).latest("created_at")
    assert (rating.rated_by.username, rating.attainment, rating.goal.text) == ("forelder", 0, goal_text)

    visit(page, pages_for_emil.get_by_role("link", name="Messages"))
    page.get_by_label("Message").fill("Emil har vært syk, så vi må flytte møtet i neste uke.")
    submit(page, "Send")
    assert "Your message was sent." in told(page)
    axe_check(page)
    message = PlanMessage.objects.filter(plan__person=emil).latest("created_at")
    assert (message.author.username, message.from_person_side) == ("forelder", True)


# A 16-year-old, in Nynorsk, and a parent kept out


@pytest.fixture
def nynorsk(browser: Browser) -> Iterator[BrowserContext]:
    yield from profile(browser, "nn-NO")


def test_the_young_person_proposes_a_goal_and_writes_and_his_mother_sees_none_of_it(
    server: LiveServer, demo: None, nynorsk: BrowserContext
) -> None:
    ulrik = Person.objects.get(given_name="Ulrik", family_name="Nilsen")
    plan = IndividualPlan.objects.get(person=ulrik)

    page = as_user(nynorsk, server, "ungdom")
    assert page.url == f"{server.url}/me/{ulrik.pk}/"
    assert heading(page) == "Hei, Ulrik"
    own_pages = page.get_by_role("navigation", name="Mine sider")
    visit(page, own_pages.get_by_role("link", name="Planen"))
    assert "Være på skolen minst fire dager i uka." in page.locator("main").inner_text()

    # His own goal, proposed to the coordinator.
    visit(page, page.get_by_role("link", name="Føreslå eit nytt mål"))
    page.get_by_label("Målet mitt").fill("Begynne på fotballtreninga igjen før sommaren.")
    submit(page, "Lagre")
    assert "Målet ditt er sendt til koordinatoren din, som går gjennom det med deg." in told(page)
    goal = Goal.objects.get(plan=plan, text="Begynne på fotballtreninga igjen før sommaren.")
    assert goal.status == GoalStatus.PROPOSED and goal.written_by is not None
    assert goal.written_by.username == "ungdom"

    # A message to the coordinator, about what his mother need not hear.
    visit(page, own_pages.get_by_role("link", name="Meldingar"))
    page.get_by_label("Melding").fill("Kan vi ha møtet utan mamma denne gongen?")
    submit(page, "Send")
    assert "Meldinga er send." in told(page)
    axe_check(page)
    assert PlanMessage.objects.filter(plan=plan, author__username="ungdom").count() == 1

    # His mother: from 16 she reads none of his pages, and her own do not lead to them.
    mother = PersonFactory(
        given_name="Nina",
        family_name="Nilsen",
        user=UserFactory(username="ulriks_mor", first_name="Nina", last_name="Nilsen"),
    )
    PersonRelationFactory(person=ulrik, relative=mother)
    page = as_user(nynorsk, server, "ulriks_mor", PASSWORD)
    assert page.url == f"{server.url}/me/{mother.pk}/"
    assert page.get_by_role("navigation", name="Byt til ein annan person").count() == 0
    refused = {f"/me/{ulrik.pk}/plan/": 403, f"/me/{ulrik.pk}/messages/": 403, f"/plans/{plan.pk}/": 404}
    for address, status in refused.items():
        response = page.goto(server.url + address)
        assert response is not None and response.status == status, address
        shown = page.locator("main").inner_text()
        for private in ["fotballtreninga", "utan mamma", "Være på skolen"]:
            assert private not in shown, (address, private)
    axe_check(page)


# The rehabilitation ward, in English


def test_the_ward_admits_discharges_and_hands_over_to_the_municipality(
    server: LiveServer, demo: None, english: BrowserContext
) -> None:
    from vegviser.episodes.models import Episode

    tor = Person.objects.get(given_name="Tor", family_name="Hansen")
    page = professional(english, server, "avdeling")
    visit(page, menu(page, "Episodes of care"))
    assert heading(page) == "Episodes of care"
    assert "Per Andersen" in page.locator("main table").inner_text()

    # She admits Tor for rehabilitation; the condition as main diagnosis is refused with the rule.
    visit(page, page.locator("main").get_by_role("link", name="Start an episode of care"))
    page.get_by_label("The person's identity number").fill(tor.national_id)
    page.get_by_label("Given name").fill("Tor")
    page.get_by_label("Family name").fill("Hansen")
    page.select_option("#id_municipality", value="1804")
    page.get_by_label("Inpatient (døgn)").check()
    page.get_by_label("Treatment", exact=True).check()
    admitted = timezone.localtime() - timedelta(days=12)
    page.fill("#id_admitted_at", f"{admitted:%Y-%m-%dT10:00}")
    page.get_by_label("Main diagnosis (ICD-10)").fill("I63.5")
    submit(page, "Start the episode")
    assert "Z50" in told(page)
    assert page.get_by_label("The person's identity number").input_value() == tor.national_id
    page.get_by_label("Main diagnosis (ICD-10)").fill("Z50.89")
    page.get_by_label("Secondary diagnoses (ICD-10)").fill("I63.5")
    submit(page, "Start the episode")
    assert "The episode of care was started." in told(page)
    assert heading(page) == "Episode of care for Tor Hansen"

    # At discharge the need goes to Bodø's coordinating unit in one step; the summary, sent to the GP by hand,
    # is recorded as sent afterwards.
    visit(page, page.locator("main").get_by_role("link", name="Discharge", exact=True))
    assert "is to be discharged on" in page.get_by_label("The needs, as the ward sees them").input_value()
    page.get_by_label("Course of the episode").fill("Gangtrening daglig; går nå med stokk.")
    page.get_by_label("An individual plan is being made").check()
    page.get_by_label(re.compile("^Report a need for coordinated services to Bodø")).check()
    page.get_by_label("Yes, the person (or whoever consents for them) agrees to the report").check()
    submit(page, "Discharge")
    assert "The report of need was sent to the coordinating unit of Bodø" in told(page)
    assert "Received by the coordinating unit" in page.locator("main").inner_text()
    assert "Not recorded as sent to anyone." in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_label("Sent to", exact=True).fill("Sofie Strand, Sentrum legekontor")
    page.get_by_label("Date it was sent").fill(timezone.localdate().isoformat())
    submit(page, "Record that the discharge summary was sent")
    assert "Recorded that the discharge summary was sent." in told(page)
    assert "Recorded as sent to Sofie Strand, Sentrum legekontor" in page.locator("main").inner_text()

    episode = Episode.objects.get(person=tor)
    assert episode.main_diagnosis == "Z50.89" and not episode.is_open
    assert episode.handover is not None and episode.handover.reported_by.username == "avdeling"
    assert episode.handover.status == ReportStatus.RECEIVED
