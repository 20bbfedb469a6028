"""How many persons each page of the access table (tests/core/test_page_access.py) reads when an allowed
persona opens it by GET in the table's world: the access records that one request must write.

A page that shows health data of one person writes one record; a page that shows none (account pages,
organisations, empty forms, the person's own download page) writes none. Lists write one record per person
named, and the table's world has nobody on them: they are declared 0 here and checked with people on them in
tests/audit/test_reads_logged.py. A new page is taken to read one person: one that reads none, or a list, must
be declared so here.

Used by the access table for every persona; kept apart from it because tests/audit/test_reads_logged.py
imports the table, and the table imports these declarations.
"""

from __future__ import annotations

# Pages that show no health data: they must write no access record.
NO_HEALTH_DATA = {
    "home",  # links to the user's pages
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:keepalive",
    "accounts:user_list",  # users and their organisations: the administrator sees no health data
    "accounts:user_create",
    "accounts:user_edit",
    # Notices hold a name and a date the reminders addressed to the user, who had a role in the plan or the
    # report when it was written; the page that the notice links to logs the read.
    "accounts:notifications",
    "registry:organisation_list",
    "registry:organisation_create",
    "registry:organisation_edit",
    "registry:organisation_members",
    "registry:person_create",  # an empty form
    "portal:my_data",  # the person's own page with two download links; the downloads log
    "intake:report_create",  # an empty form
    "access:emergency_open",  # an empty form: the plan is looked up when posted
    "portal:index",  # whose page to open: the user and those they act for, by name only
    "portal:ask_for_help",  # a form to the coordinating unit
    "referrals:referral_register",  # an empty form
    # Helsedirektoratet's published guides: about conditions, never about a person.
    "referrals:priority_guide_list",
    "referrals:priority_guide_detail",
    "registry:code_search",  # the national code lists: no person's data
    "episodes:episode_create",  # an empty form: opened from a referral, it reads that referral's person
    # Collaboration agreements between a municipality and a health trust: no health data.
    "registry:agreement_list",
    "registry:agreement_create",
    "registry:agreement_edit",
    "registry:agreement_document",
    # Quality indicators: suppressed aggregates of an area, never a person.
    "indicators:dashboard",
    "indicators:dashboard_download",
}
# Lists: one record per person named, and nobody on them in the table's world (test_reads_logged.py puts
# people on them).
LISTS = {
    "plans:mine",
    "plans:overview",
    "plans:overview_csv",
    "intake:queue",
    "intake:my_reports",
    "referrals:work_list",
    "referrals:waiting_list",
    "episodes:episode_list",
    "access:emergency_review",
    "registry:person_search",  # the search is posted; the page opened by GET is the empty form
    "audit:search",  # likewise
    "assessments:follow_up",  # who needs following up, across the user's plans
    "referrals:trust",  # the plans the trust's professionals take part in (tests/referrals/test_trust.py)
}


def reads(name: str) -> int:
    """The access records written when an allowed persona opens the page `name` by GET in the table's
    world: none for a page without health data or a list, one for any other."""
    return 0 if name in NO_HEALTH_DATA | LISTS else 1
