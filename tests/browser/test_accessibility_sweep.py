"""WCAG 2.1 AA over every page each demo user can reach, and every public page, in all three languages.

With the demo data loaded, anonymous and each demo user crawl Vegviser in Bokmål, Nynorsk and English from
the home page and the public information, following every link (GET only). Each kind of page is swept once
per user and language: axe-core finds no WCAG 2.0/2.1 A or AA violation, the page does not scroll sideways at
320 px nor at 200 % zoom, every field has an accessible name, there is exactly one h1, and the page says its
language. Public pages, the same for everyone, and the page for a missing address are swept as anonymous
and as one signed-in user. The forms on a short list are also submitted empty, and their error state swept,
with the error summary first, focusable and linked to its fields. A sample of Tab stops per kind of page
shows a focus indicator. Everything found is listed at the end; the figures (pages × languages per user,
time) go to the terminal summary and a JSON file.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from vegviser.accounts.models import User
from vegviser.assessments.models import SentQuestionnaire
from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.episodes.models import Episode
from vegviser.intake.models import NeedReport, ReportStatus
from vegviser.plans.models import JoinAnswer, JoinRequest
from vegviser.referrals.models import Assessment, WaitingTime

from .conftest import BROWSER_DB, SWEEP_REPORT, sign_in
from .sweep import DESKTOP, Crawl, Sweep, cpu_seconds, interleave

pytestmark = [pytest.mark.browser, BROWSER_DB]

ANONYMOUS = "anonymous"
# The home page (the login page for anonymous) and the public information.
START_PATHS = ("/", "/info/")


def behind_filters() -> dict[str, list[str]]:
    """Pages a user reaches only through a list's filter or one particular object, which the crawl (one page
    of each kind per user) passes by: they are added to that user's start pages."""
    decided = NeedReport.objects.filter(status=ReportStatus.DECIDED).order_by("decided_at").first()
    assert decided is not None, "the demo has a decided report of need"
    stay = Episode.objects.filter(discharged_at__isnull=False, handover__isnull=False).first()
    assert stay is not None, "the demo has a discharged stay with a handover"
    breached = WaitingTime.objects.filter(helfo_notified_on__isnull=False).first()
    assert breached is not None, "the demo has a breach with Helfo notified"
    asked = JoinRequest.objects.filter(answer=JoinAnswer.PENDING).select_related("plan").first()
    assert asked is not None, "the demo has a request to join a plan waiting for its answer"
    coordinator = asked.plan.person.coordinator_assignments.filter(active=True).get().coordinator
    referral = breached.assessment.referral_id
    # The letter to the person gives the appointment when care starts within four months: one that has it.
    with_appointment = Assessment.objects.filter(
        appointment_at__isnull=False, referral__receiving_unit__memberships__user__username="henvisning"
    ).first()
    assert with_appointment is not None, "the demo's clerk has an assessed referral with an appointment"
    # Per's questionnaires: the crawl opens one of the kind, the one to answer; the summary of one answered is
    # the same address pattern.
    answered = SentQuestionnaire.objects.filter(administration__isnull=False).order_by("sent_on").first()
    assert answered is not None, "the demo has a questionnaire Per has answered"
    # The coordinating unit finds decided reports under the queue's "all" filter, and their letter there; the
    # ward finds its discharged episodes, and their summaries, under the list's "discharged" filter. The
    # clerk reaches one referral's letters and one wait's handling and letter of the many; the coordinator
    # answers a request to join from a notice, which the crawl does not open.
    return {
        "ke": [reverse("intake:decision_letter", args=[decided.pk])],
        "avdeling": [
            reverse("episodes:discharge_summary", args=[stay.pk]),
            reverse("plans:join_request", args=[asked.plan_id]),
        ],
        "henvisning": [
            reverse("referrals:letter_person", args=[with_appointment.referral_id]),
            reverse("referrals:letter_referrer", args=[referral]),
            reverse("referrals:waiting_detail", args=[referral]),
            reverse("referrals:breach_letter", args=[referral]),
        ],
        coordinator.username: [
            reverse("plans:join_accept", args=[asked.pk]),
        ],
        "pasient": [reverse("portal:questionnaire", args=[answered.pk])],
        # The ward's physician recorded Per's instruments in his stay: its page shows their charts.
        "lege": [reverse("episodes:episode_detail", args=[stay.pk])],
    }


def test_every_page_in_every_language(
    server: LiveServer,
    browser: Browser,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    load_demo()
    # Every user the demo made, so that a user added to the demo is swept too.
    users = [ANONYMOUS, *User.objects.order_by("date_joined", "username").values_list("username", flat=True)]
    if os.environ.get("VEGVISER_SWEEP_USERS") and not os.environ.get("CI"):
        # A quicker run while fixing pages, e.g. VEGVISER_SWEEP_USERS=anonymous,pasient; CI sweeps everyone.
        users = [user for user in users if user in os.environ["VEGVISER_SWEEP_USERS"].split(",")]
    extra_starts = behind_filters()
    languages = tuple(code for code, _name in settings.LANGUAGES)
    language_cookie = settings.LANGUAGE_COOKIE_NAME
    sweep = Sweep(origin=server.url, languages=languages)
    # One tab per language for the whole sweep, so that the browser's caches stay warm from user to user.
    contexts = [browser.new_context(locale="nb-NO", viewport=DESKTOP) for _language in languages]
    for context in contexts:
        context.set_default_timeout(20_000)
    tabs = [context.new_page() for context in contexts]
    started, cpu_before = time.monotonic(), cpu_seconds()
    try:
        for user in users:
            # One login per user, whose session the three tabs share, each with its language's cookie; the
            # three crawl in turns.
            for context in contexts:
                context.clear_cookies()
            session: list[Any] = []
            if user != ANONYMOUS:
                sign_in(tabs[0], server, user, DEMO_PASSWORD)
                session = [cookie for cookie in contexts[0].cookies() if cookie["name"] != language_cookie]
            for context, language in zip(contexts, languages, strict=True):
                context.clear_cookies()
                chosen = {"name": language_cookie, "value": language, "url": server.url}
                context.add_cookies([*session, chosen])
            starts = (*START_PATHS, *extra_starts.get(user, ()))
            interleave(
                Crawl(sweep, tab, user, language, signed_in=bool(session)).run(starts)
                for tab, language in zip(tabs, languages, strict=True)
            )
    finally:
        for context in contexts:
            context.close()
    cpu_after = cpu_seconds()
    cpu = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}

    figures = sweep.figures(time.monotonic() - started, cpu)
    summary = tmp_path_factory.mktemp("accessibility-sweep") / "summary.json"
    sweep.write(summary, figures)
    request.config.stash[SWEEP_REPORT] = sweep.summary_lines(figures, summary)

    empty = [key for key, pages in sweep.swept.items() if not pages]
    assert not empty, f"crawls that swept nothing: {empty}"
    if sweep.failures:
        pytest.fail(sweep.failure_message(), pytrace=False)
