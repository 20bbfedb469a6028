from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vegviser.registry.codes import FILES, CodeSystem


def icd10_as_written(code: str) -> str:
    """ICD-10 as Norway writes it, with a point after the category (F840 is F84.0; G80 and T4n stay)."""
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def read_compiled(path: Path) -> list[dict[str, str]]:
    """A list of {"code", "text"} as navikt/diagnosekoder compiles it from Helsedirektoratet's code API."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"{path}: {error}") from error
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and isinstance(row.get("code"), str) and isinstance(row.get("text"), str)
        for row in rows
    ):
        raise CommandError(f"{path}: expected a JSON list of objects with «code» and «text».")
    return rows


def write_list(system: CodeSystem, rows: list[tuple[str, str]]) -> None:
    codes = [code for code, _text in rows]
    if len(set(codes)) != len(codes):
        raise CommandError(f"{system.label}: the same code twice.")
    with FILES[system].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "text"])
        writer.writerows(rows)


class Command(BaseCommand):
    help = (
        "Write the shipped ICD-10 and ICPC-2 lists (src/vegviser/registry/data/icd10.csv, icpc2.csv) from "
        "the ICD10.json and ICPC2.json of navikt/diagnosekoder (packages/@navikt/diagnosekoder/src/). The "
        "texts are kept as they are; ICD-10 codes get their point (F840 is F84.0). See data/README.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--icd10", type=Path, required=True, help="The compiled ICD10.json.")
        parser.add_argument("--icpc2", type=Path, required=True, help="The compiled ICPC2.json.")

    def handle(self, *args: Any, **options: Any) -> None:
        icd10 = [(icd10_as_written(row["code"]), row["text"]) for row in read_compiled(options["icd10"])]
        icpc2 = [(row["code"], row["text"]) for row in read_compiled(options["icpc2"])]
        write_list(CodeSystem.ICD10, icd10)
        write_list(CodeSystem.ICPC2, icpc2)
        self.stdout.write(f"ICD-10: {len(icd10)} codes; ICPC-2: {len(icpc2)} codes.")
