"""Reading Helsedirektoratet's priority guides (prioriteringsveiledere) for habilitation and rehabilitation.

The guides are data, not code: each condition with its recommendation arrives as an item in the shape the
content API (api.helsedirektoratet.no, /innhold/innhold) serves, either from the file shipped beside this
module (data/priority_guides.json, see data/README.md) or from a file an operator saved from the API. These
functions only read: they turn the items into plain values and refuse a malformed file with a message that
says what is wrong where. Writing them to the database is `guide_services.import_conditions`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .models import CareType, PriorityGuide

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "priority_guides.json"

# Each guide's part of Helsedirektoratet's addresses, as found in an item's "veileder", its links or its url.
GUIDE_SLUGS = {
    "habilitering-av-barn-og-unge": PriorityGuide.HABILITATION_CHILDREN,
    "habilitering-av-voksne": PriorityGuide.HABILITATION_ADULTS,
    "fysikalsk-medisin-og-rehabilitering": PriorityGuide.PHYSICAL_MEDICINE,
}

# The headings the guides use, word for word, to read a recommendation from its text.
RIGHT_HEADING = "Veiledende rett til nødvendig helsehjelp i spesialisthelsetjenesten?"
CARE_HEADING = "Aktuell helsehjelp i spesialisthelsetjenesten"
DEADLINE_HEADING = "Veiledende frist for "
FACTORS_HEADING = "Individuelle forhold som kan endre rettighetsstatus eller frist for start helsehjelp"
EXPLANATION_HEADING = "Utdypende forklaring på tilstand"
REASONS_HEADING = "Begrunnelse for "
WEEKS = re.compile(r"^(\d{1,3})\s+uker?$")
# What a deadline is for, as the guides write it; "start helsehjelp" names neither.
CARE_TYPES = {"start utredning": CareType.ASSESSMENT, "start behandling": CareType.TREATMENT}
RIGHTS = {"ja": True, "nei": False}
# The three criteria of prioriteringsforskriften § 2, as the reasons name them.
CRITERIA = ("nytte", "kostnadseffektivitet", "alvorlighet")


class MalformedGuideFile(ValueError):
    """The file is not a list of priority-guide items this importer can read; the message says why."""


@dataclass(frozen=True)
class Reasons:
    """The guide's reasons, one sentence per criterion as published ("Helsehjelpen anses å være nyttig")."""

    benefit: str = ""
    cost_effectiveness: str = ""
    severity: str = ""

    def as_list(self) -> list[str]:
        return [reason for reason in (self.benefit, self.cost_effectiveness, self.severity) if reason]


@dataclass(frozen=True)
class GuideCondition:
    """One condition's recommendation from a priority guide. `source` is the item exactly as read."""

    source_id: str
    guide: str
    title: str
    text: str
    url: str
    last_changed: date | None
    suggests_right: bool | None
    suggested_weeks: int | None
    care_type: str
    care: str = ""
    explanation: str = ""
    individual_factors: tuple[str, ...] = ()
    reasons: Reasons = field(default_factory=Reasons)
    source: Mapping[str, Any] = field(default_factory=dict, compare=False)


def load_file(path: Path | str) -> list[GuideCondition]:
    """The conditions in a file of items; MalformedGuideFile if it cannot be read as one."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise MalformedGuideFile(f"The file cannot be read: {error.strerror or error}.") from error
    except UnicodeDecodeError as error:
        raise MalformedGuideFile("The file is not UTF-8 text.") from error
    return parse_document(raw)


def parse_document(raw: str) -> list[GuideCondition]:
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as error:
        raise MalformedGuideFile(
            f"The file is not JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from error
    return parse_items(items)


def parse_items(items: Any) -> list[GuideCondition]:
    """Each item as a condition, in the file's order. The whole file is refused for one bad item: an import
    that took only part of a guide would withdraw the rest."""
    if not isinstance(items, list):
        raise MalformedGuideFile("The file must hold a JSON array of items, as the content API serves them.")
    if not items:
        raise MalformedGuideFile("The file holds no conditions.")
    conditions: list[GuideCondition] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        condition = parse_item(item, number=number)
        if condition.source_id in seen:
            raise MalformedGuideFile(f"Item {number}: the id {condition.source_id!r} appears more than once.")
        seen.add(condition.source_id)
        conditions.append(condition)
    return conditions


def parse_item(item: Any, *, number: int = 1) -> GuideCondition:
    """One item as a condition. The structured fields come from the item's "data" where it has them, and
    otherwise from its text, which carries the same headings on every page of the guides."""
    if not isinstance(item, dict):
        raise MalformedGuideFile(f"Item {number} is not an object.")
    source_id = item.get("id")
    if isinstance(source_id, int) and not isinstance(source_id, bool):
        source_id = str(source_id)
    if not isinstance(source_id, str) or not source_id.strip():
        raise MalformedGuideFile(f"Item {number} has no id.")
    where = f"Item {number} ({source_id})"
    title = item.get("tittel")
    if not isinstance(title, str) or not title.strip():
        raise MalformedGuideFile(f"{where} has no title (tittel).")
    text = item.get("tekst", "")
    if not isinstance(text, str):
        raise MalformedGuideFile(f"{where}: the text (tekst) is not a string.")
    url = item.get("url") or ""
    if not isinstance(url, str):
        raise MalformedGuideFile(f"{where}: the url is not a string.")
    guide = _guide(item)
    if guide is None:
        raise MalformedGuideFile(
            f"{where} belongs to none of the three guides (habilitation of children and young people, "
            "habilitation of adults, physical medicine and rehabilitation)."
        )
    last_changed = _date(item.get("sistFagligOppdatert"), where)
    data = item.get("data")
    if data is not None and not isinstance(data, dict):
        raise MalformedGuideFile(f"{where}: data is not an object.")
    read = _from_data(data, where) if data and "rettighet" in data else _from_text(plain_text(text))
    return GuideCondition(
        source_id=source_id.strip(),
        guide=guide,
        title=title.strip(),
        text=text,
        url=url,
        last_changed=last_changed,
        source=item,
        **read,
    )


def plain_text(text: str) -> str:
    """The text with any HTML markup taken away, one paragraph or list item a line."""
    if "<" not in text:
        return text
    text = re.sub(r"(?i)<br\s*/?>|</(p|li|h[1-6]|div|dt|dd|tr)>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _guide(item: Mapping[str, Any]) -> str | None:
    places: list[Any] = [item.get("veileder"), item.get("url")]
    links = item.get("links")
    if isinstance(links, list):
        places += [link.get("href") for link in links if isinstance(link, dict)]
    for place in places:
        if isinstance(place, str):
            for slug, guide in GUIDE_SLUGS.items():
                if slug in place:
                    return guide.value
    return None


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            # The API gives a date and time; the date is what the page shows.
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise MalformedGuideFile(f"{where}: sistFagligOppdatert {value!r} is not a date (YYYY-MM-DD).")


def _from_data(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    right = data.get("rettighet")
    if not isinstance(right, str) or right.strip().lower() not in RIGHTS:
        raise MalformedGuideFile(f"{where}: rettighet must be Ja or Nei, not {right!r}.")
    weeks = data.get("frist")
    if weeks is not None and (isinstance(weeks, bool) or not isinstance(weeks, int) or not 0 < weeks < 1000):
        raise MalformedGuideFile(f"{where}: frist must be a number of weeks, not {weeks!r}.")
    kind = data.get("fristType") or ""
    if not isinstance(kind, str):
        raise MalformedGuideFile(f"{where}: fristType must be text, not {kind!r}.")
    factors = data.get("individuelleForhold") or []
    if not isinstance(factors, list) or not all(isinstance(factor, str) for factor in factors):
        raise MalformedGuideFile(f"{where}: individuelleForhold must be a list of texts.")
    reasons = data.get("begrunnelse") or {}
    if not isinstance(reasons, dict) or not all(isinstance(reasons.get(key, ""), str) for key in CRITERIA):
        raise MalformedGuideFile(
            f"{where}: begrunnelse must give nytte, kostnadseffektivitet and alvorlighet as texts."
        )
    return {
        "suggests_right": RIGHTS[right.strip().lower()],
        "suggested_weeks": weeks,
        "care_type": CARE_TYPES.get(kind.strip().lower(), ""),
        "care": _text(data.get("aktuellHelsehjelp")),
        "explanation": _text(data.get("utdypendeForklaring")),
        "individual_factors": tuple(factors),
        "reasons": Reasons(
            benefit=reasons.get("nytte", ""),
            cost_effectiveness=reasons.get("kostnadseffektivitet", ""),
            severity=reasons.get("alvorlighet", ""),
        ),
    }


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _lines(text: str) -> list[str]:
    # List markers are layout, not words: "• alder" and "- alder" are the factor "alder".
    lines = (line.strip().lstrip("•-–").strip() for line in text.splitlines())
    return [line for line in lines if line]


def _from_text(text: str) -> dict[str, Any]:
    """The recommendation read from the page's text: each heading followed by what it heads."""
    found: dict[str, Any] = {
        "suggests_right": None,
        "suggested_weeks": None,
        "care_type": "",
        "care": "",
        "explanation": "",
    }
    factors: list[str] = []
    reasons: dict[str, str] = {}
    section = ""
    for line in _lines(text):
        if line == RIGHT_HEADING:
            section = "right"
        elif line == CARE_HEADING:
            section = "care"
        elif line == EXPLANATION_HEADING:
            section = "explanation"
        elif line.startswith(FACTORS_HEADING):
            section = "factors"
        elif line.startswith(REASONS_HEADING):
            section = "reasons"
        elif line.startswith(DEADLINE_HEADING):
            section = "weeks"
            found["care_type"] = CARE_TYPES.get(line.removeprefix(DEADLINE_HEADING).lower(), "")
        elif section == "right" and line.lower() in RIGHTS:
            found["suggests_right"] = RIGHTS[line.lower()]
            section = ""
        elif section == "weeks" and (weeks := WEEKS.match(line)):
            found["suggested_weeks"] = int(weeks.group(1))
            section = ""
        elif section in ("care", "explanation"):
            found[section] = f"{found[section]}\n{line}".strip()
        elif section == "factors":
            factors.append(line)
        elif section == "reasons":
            reasons.update(_criterion(line))
    return {
        **found,
        "individual_factors": tuple(factors),
        "reasons": Reasons(
            benefit=reasons.get("nytte", ""),
            cost_effectiveness=reasons.get("kostnadseffektivitet", ""),
            severity=reasons.get("alvorlighet", ""),
        ),
    }


def _criterion(line: str) -> dict[str, str]:
    """Which criterion a reason grades, by the word the guides use for it."""
    lowered = line.lower()
    if "kostnadseffektiv" in lowered:
        return {"kostnadseffektivitet": line}
    if "nyttig" in lowered:
        return {"nytte": line}
    if "alvorlig" in lowered:
        return {"alvorlighet": line}
    return {}


def guides_of(conditions: Iterable[GuideCondition]) -> dict[str, int]:
    """How many conditions each guide has, for the import's report."""
    counts: dict[str, int] = {}
    for condition in conditions:
        counts[condition.guide] = counts.get(condition.guide, 0) + 1
    return counts
