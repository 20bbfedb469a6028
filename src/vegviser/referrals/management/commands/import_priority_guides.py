from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vegviser.referrals.guide_services import import_file
from vegviser.referrals.priority_guides import SHIPPED_FILE, MalformedGuideFile


class Command(BaseCommand):
    help = (
        "Load Helsedirektoratet's priority-guide conditions for habilitation and rehabilitation: the shipped "
        "file, or a file of items saved from the content API (api.helsedirektoratet.no/innhold/innhold). "
        "Conditions are matched by their id; one no longer in the file is withdrawn if an assessment refers "
        "to it, and removed otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            default=str(SHIPPED_FILE),
            help="A JSON array of items (default: the shipped file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_file(options["file"])
        except MalformedGuideFile as error:
            # Nothing was written: the import runs in one transaction, after the whole file was read.
            raise CommandError(f"{options['file']}: {error} Nothing was imported.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Priority guides imported from {options['file']}: {report.new} new, "
                f"{report.changed} changed, {report.unchanged} unchanged, "
                f"{report.withdrawn} withdrawn, {report.removed} removed."
            )
        )
