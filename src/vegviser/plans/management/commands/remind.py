from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from vegviser.assessments.services import send_due
from vegviser.plans.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send today's reminders as notices in the app and emails: plan revisions within 14 days or overdue, "
        "meetings tomorrow, reports of need undecided after 30 days, referrals to assess by the next working "
        "day, expected breaches of the deadline for care, questionnaires to the portal that fall due by "
        "their schedules and one reminder of each not answered by its date. Run daily from cron; running "
        "again the same day sends nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        if not settings.VEGVISER_SITE_URL:
            self.stderr.write("VEGVISER_SITE_URL is not set: the emails will carry no link.")
        counts = send_reminders(dry_run=dry_run)
        # The questionnaires' own notices and emails go to the person's side; counted apart from the above.
        questionnaires = send_due(dry_run=dry_run)
        summary = (
            f"Reminders: {counts['revision']} plan revisions, {counts['meeting']} meetings, "
            f"{counts['report']} reports of need, {counts['assessment']} referral assessments, "
            f"{counts['breach']} notices of expected breaches; "
            f"{counts['notifications']} notices, {counts['emails']} emails; "
            f"{questionnaires['questionnaires']} questionnaires sent by schedules, "
            f"{questionnaires['questionnaire_reminders']} questionnaire reminders"
        )
        self.stdout.write(f"{summary} (dry run: nothing sent)." if dry_run else f"{summary}.")
