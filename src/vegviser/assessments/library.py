"""The instrument library: each instrument's questionnaire as data, its scoring as code, in one registry.

Each instrument is a FHIR R4 Questionnaire in ``assessments/instruments/<code>.json``, shipped with the app.
Its texts are in Bokmål, the questionnaire's ``language`` (``nb``); the Nynorsk and English texts sit beside
each text in FHIR's standard translation extension
(``http://hl7.org/fhir/StructureDefinition/translation``, with ``lang`` and ``content``) on the element's
``_text``, ``_title``, ``_display`` or ``_copyright``. So one file carries all three languages and stays a
valid Questionnaire any FHIR tool can read; :func:`translated` picks the text for a language.

Where the instrument's text is licensed (EQ-5D-5L, WHODAS 2.0), an item's text is only its code (``MO``,
``S1``), the same in every language, and carries no translation. ``description`` names the published source;
``copyright`` is the licence note: what may be shipped, and what the operator needs. The score, its
range and its reference live in :mod:`vegviser.assessments.scoring`; the tests hold the questionnaire and the
scoring function to the same items and ranges.

``fhir.resources`` is not a dependency yet, so :func:`load_questionnaire` checks the JSON itself: the
structure this library relies on, not the whole FHIR specification.

To add an instrument: write ``instruments/<code>.json`` (a Questionnaire whose ``id`` is the code), a scoring
function with its reference in :mod:`~vegviser.assessments.scoring`, and an entry in ``_REGISTRY`` below with
any minimal important change the literature gives; the tests in ``tests/assessments/`` then cover it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from vegviser.assessments import scoring

__all__ = [
    "LANGUAGES",
    "TRANSLATION",
    "Instrument",
    "InstrumentDataError",
    "MinimalImportantChange",
    "instrument",
    "instruments",
    "load_questionnaire",
    "translated",
]

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
BASE_LANGUAGE = "nb"
LANGUAGES = ("nb", "nn", "en")
_TRANSLATED_LANGUAGES = ("nn", "en")
# The item types these questionnaires use; a new one must be taught to the forms before it is allowed here.
ITEM_TYPES = frozenset({"group", "string", "integer", "decimal", "choice"})


class InstrumentDataError(ValueError):
    """A questionnaire file that does not hold what the library needs (a fault in the shipped data)."""


@dataclass(frozen=True)
class MinimalImportantChange:
    """The smallest change in a score that the literature finds important to the person, with its source.

    ``population`` says where it was measured: a value found in one group is a guide, not a law, elsewhere.
    """

    score: str
    value: float
    reference: str
    population: str


@dataclass(frozen=True)
class Instrument:
    code: str
    questionnaire: dict[str, Any]
    score: scoring.ScoringFunction
    # Which way is better for each score: True when a higher score is better, False when lower is, None when
    # the score has no order (an EQ-5D-5L profile; an IPLOS score, where 9 means "not relevant").
    higher_is_better: dict[str, bool | None]
    minimal_important_changes: tuple[MinimalImportantChange, ...] = ()
    # The instrument's own words are licensed: only codes and numbers are shipped.
    licensed_text: bool = False

    def title(self, language: str) -> str:
        return translated(self.questionnaire, "title", language)

    @property
    def source(self) -> str:
        return str(self.questionnaire["description"])

    def licence_note(self, language: str) -> str:
        return translated(self.questionnaire, "copyright", language)

    def minimal_important_change(self, score: str) -> MinimalImportantChange | None:
        return next((mic for mic in self.minimal_important_changes if mic.score == score), None)


def translated(element: dict[str, Any], field: str, language: str) -> str:
    """The text of ``element[field]`` in ``language`` (nb, nn or en), falling back to Bokmål."""
    base = element.get(field)
    if base is None:
        raise KeyError(field)
    if language == BASE_LANGUAGE:
        return str(base)
    for extension in element.get(f"_{field}", {}).get("extension", []):
        if extension.get("url") != TRANSLATION:
            continue
        parts = {part["url"]: part for part in extension.get("extension", [])}
        if parts.get("lang", {}).get("valueCode") == language:
            return str(parts["content"]["valueString"])
    return str(base)


def _translations(element: dict[str, Any], field: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for extension in element.get(f"_{field}", {}).get("extension", []):
        if extension.get("url") != TRANSLATION:
            continue
        parts = {part.get("url"): part for part in extension.get("extension", [])}
        language = parts.get("lang", {}).get("valueCode")
        content = parts.get("content", {}).get("valueString")
        if not isinstance(language, str) or not isinstance(content, str) or not content.strip():
            raise InstrumentDataError(f"A translation of {field} has no language or no text.")
        found[language] = content
    return found


def _check_words(element: dict[str, Any], field: str, where: str, code: str | None = None) -> None:
    text = element.get(field)
    if not isinstance(text, str) or not text.strip():
        raise InstrumentDataError(f"{where} has no {field}.")
    translations = _translations(element, field)
    if code is not None and text == code and not translations:
        return  # a licensed instrument's item: its code, the same in every language
    missing = [language for language in _TRANSLATED_LANGUAGES if language not in translations]
    if missing:
        raise InstrumentDataError(f"{where}: {field} has no translation into {', '.join(missing)}.")


def _check_items(items: Any, where: str, seen: set[str]) -> None:
    if not isinstance(items, list) or not items:
        raise InstrumentDataError(f"{where} has no items.")
    for item in items:
        link_id = item.get("linkId") if isinstance(item, dict) else None
        if not isinstance(link_id, str) or not link_id:
            raise InstrumentDataError(f"An item in {where} has no linkId.")
        if link_id in seen:
            raise InstrumentDataError(f"{where}: the linkId {link_id} is used twice.")
        seen.add(link_id)
        item_where = f"{where}, item {link_id}"
        if item.get("type") not in ITEM_TYPES:
            raise InstrumentDataError(f"{item_where} has the type {item.get('type')!r}.")
        _check_words(item, "text", item_where, code=link_id)
        if item["type"] == "group":
            _check_items(item.get("item"), item_where, seen)
        elif "item" in item:
            raise InstrumentDataError(f"{item_where} holds items but is not a group.")
        if item["type"] == "choice":
            options = item.get("answerOption")
            if not isinstance(options, list) or not options:
                raise InstrumentDataError(f"{item_where} is a choice without answer options.")
            codes = [option.get("valueCoding", {}).get("code") for option in options]
            if None in codes or len(set(codes)) != len(codes):
                raise InstrumentDataError(f"{item_where} has an answer option without a code, or one twice.")
            for option in options:
                _check_words(
                    option["valueCoding"], "display", f"{item_where}, option {option['valueCoding']['code']}"
                )


def load_questionnaire(text: str, code: str) -> dict[str, Any]:
    """Parse and check one instrument's Questionnaire JSON; raises :class:`InstrumentDataError`."""
    try:
        questionnaire = json.loads(text)
    except json.JSONDecodeError as error:
        raise InstrumentDataError(f"{code}: not JSON ({error}).") from error
    if not isinstance(questionnaire, dict) or questionnaire.get("resourceType") != "Questionnaire":
        raise InstrumentDataError(f"{code}: not a FHIR Questionnaire.")
    if questionnaire.get("id") != code:
        raise InstrumentDataError(f"{code}: the file's id is {questionnaire.get('id')!r}, not {code!r}.")
    if questionnaire.get("status") != "active":
        raise InstrumentDataError(f"{code}: the questionnaire is not active.")
    if questionnaire.get("language") != BASE_LANGUAGE:
        raise InstrumentDataError(f"{code}: the questionnaire's language must be {BASE_LANGUAGE}.")
    description = questionnaire.get("description")
    if not isinstance(description, str) or not description.strip():
        raise InstrumentDataError(f"{code}: the description must name the source.")
    _check_words(questionnaire, "title", code)
    _check_words(questionnaire, "copyright", code)
    _check_items(questionnaire.get("item"), code, set())
    return questionnaire


# Minimal important changes, only where the literature gives one; each with its source beside it.
_PSFS_MIC = MinimalImportantChange(
    score="psfs-mean",
    value=2.0,
    # Moseng T, Tveter AT, Holm I, Dagfinrud H. The Patient-Specific Functional Scale: a useful tool for
    # physiotherapists working in primary care. Fysioterapeuten 2013;80(2):20–26: from the minimal important
    # change and the smallest detectable change, a change of 2 points is both clinically and statistically
    # relevant. Abbott JH, Schmitt JM (J Orthop Sports Phys Ther 2014;44(8):560–564,
    # doi:10.2519/jospt.2014.5248) found 1.3, 2.3 and 2.7 for a small, medium and large change as the patient
    # rated it.
    reference="Moseng T, Tveter AT, Holm I, Dagfinrud H. Fysioterapeuten 2013;80(2):20–26",
    population="Patients with musculoskeletal disorders in Norwegian primary care physiotherapy",
)
_COPM_REFERENCE = (
    "Law M, et al. Canadian Occupational Performance Measure, 5th edition, 2014 (a change of 2 points or "
    "more); supported by Ohno K, et al. J Patient Rep Outcomes 2021. doi:10.1186/s41687-021-00405-y "
    "(2.20 for performance, 2.06 for satisfaction)"
)
# The manual's value came first from an adult mental health programme; Ohno et al. found it again in
# subacute rehabilitation inpatients with various conditions.
_COPM_POPULATION = "Clients of occupational therapy; confirmed in subacute rehabilitation inpatients"
_BARTHEL_MIC = MinimalImportantChange(
    score="barthel-20",
    value=1.85,
    # Hsieh YW, Wang CH, Wu SC, Chen PC, Sheu CF, Hsieh CL. Establishing the minimal clinically important
    # difference of the Barthel Index in stroke patients. Neurorehabilitation and Neural Repair
    # 2007;21(3):233–238. doi:10.1177/1545968306294729. On the 0–20 form.
    reference="Hsieh YW, et al. Neurorehabil Neural Repair 2007;21(3):233–238. doi:10.1177/1545968306294729",
    population="People after stroke",
)

_REGISTRY: tuple[
    tuple[str, scoring.ScoringFunction, dict[str, bool | None], tuple[MinimalImportantChange, ...], bool], ...
] = (
    ("psfs", scoring.psfs, {"psfs-mean": True}, (_PSFS_MIC,), False),
    ("barthel", scoring.barthel, {"barthel-100": True, "barthel-20": True}, (_BARTHEL_MIC,), False),
    ("mrs", scoring.modified_rankin, {"mrs": False}, (), False),
    ("whodas-12", scoring.whodas_12, {"whodas-12-sum": False, "whodas-12-percent": False}, (), True),
    (
        "eq5d-5l",
        scoring.eq5d_5l,
        {"eq5d-5l-profile": None, "eq5d-5l-index-no": True, "eq5d-5l-vas": True},
        (),
        True,
    ),
    ("iplos", scoring.iplos, {"iplos-variable": None}, (), False),
    (
        "copm",
        scoring.copm,
        {"copm-performance": True, "copm-satisfaction": True},
        (
            MinimalImportantChange("copm-performance", 2.0, _COPM_REFERENCE, _COPM_POPULATION),
            MinimalImportantChange("copm-satisfaction", 2.0, _COPM_REFERENCE, _COPM_POPULATION),
        ),
        True,
    ),
    ("tug", scoring.timed_up_and_go, {"tug": False}, (), False),
    ("six-minute-walk", scoring.six_minute_walk, {"six-minute-walk": True}, (), False),
    ("berg", scoring.berg, {"berg": True}, (), True),
    ("sppb", scoring.sppb, {"sppb": True}, (), False),
)


@cache
def instruments() -> dict[str, Instrument]:
    """Every instrument in the library, by code, in the order above."""
    folder = resources.files("vegviser.assessments") / "instruments"
    found = {}
    for code, score, higher_is_better, changes, licensed in _REGISTRY:
        text = (folder / f"{code}.json").read_text(encoding="utf-8")
        found[code] = Instrument(
            code=code,
            questionnaire=load_questionnaire(text, code),
            score=score,
            higher_is_better=higher_is_better,
            minimal_important_changes=changes,
            licensed_text=licensed,
        )
    return found


def instrument(code: str) -> Instrument:
    """One instrument by its code; ``KeyError`` if the library has none by that code."""
    return instruments()[code]
