"""The reference data in `data/`: municipalities, health trusts and the four regional health authorities.

Used by a data migration, so it works on historical models passed in by the migration framework.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.utils.text import slugify

MUNICIPALITIES_CSV = Path(__file__).resolve().parent / "data" / "municipalities_2024.csv"
HEALTH_TRUST_KIND = "health_trust"


def read_municipalities() -> list[dict[str, str]]:
    with MUNICIPALITIES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_municipalities(health_region: Any, municipality: Any, organisation: Any) -> int:
    """Create regions, health trusts and municipalities; running it again changes nothing."""
    rows = read_municipalities()
    regions = {}
    for name in sorted({row["rhf"] for row in rows}):
        regions[name], _ = health_region.objects.get_or_create(code=slugify(name), defaults={"name": name})
    trusts: dict[str, Any] = {}
    for row in rows:
        for trust_name in row["helseforetak_opptaksomrade"].split(";"):
            trust_name = trust_name.strip()
            if trust_name and trust_name not in trusts:
                trusts[trust_name] = organisation.objects.filter(
                    name=trust_name, kind=HEALTH_TRUST_KIND
                ).first()
                if trusts[trust_name] is None:
                    trusts[trust_name] = organisation.objects.create(
                        name=trust_name, kind=HEALTH_TRUST_KIND, health_region=regions[row["rhf"]]
                    )
    for row in rows:
        record, _ = municipality.objects.update_or_create(
            number=row["kommunenummer"],
            defaults={
                "name": row["kommunenavn"],
                "alternative_name": row["kommunenavn_alternativ"],
                "county_number": row["fylkesnummer"],
                "county_name": row["fylkesnavn"],
                "population": int(row["folkemengde_2024_01_01"]),
                "health_region": regions[row["rhf"]],
            },
        )
        names = [name.strip() for name in row["helseforetak_opptaksomrade"].split(";") if name.strip()]
        record.health_trusts.set([trusts[name] for name in names])
    return len(rows)
