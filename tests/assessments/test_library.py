"""The instrument library: questionnaires load, carry three languages and their licence notes, and agree with
their scoring functions on items and ranges."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from vegviser.assessments import scoring
from vegviser.assessments.library import (
    TRANSLATION,
    InstrumentDataError,
    instrument,
    instruments,
    load_questionnaire,
    translated,
)
from vegviser.assessments.scoring import ScoreError

EXPECTED = {
    "psfs",
    "barthel",
    "mrs",
    "whodas-12",
    "eq5d-5l",
    "iplos",
    "copm",
    "tug",
    "six-minute-walk",
    "berg",
    "sppb",
}
EXT = "http://hl7.org/fhir/StructureDefinition/"


def leaves(items: list[dict[str, Any]], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for item in items:
        if item["type"] == "group":
            yield from leaves(item["item"], f"{prefix}{item['linkId']}[0].")
        else:
            yield prefix + item["linkId"], item


def extension(item: dict[str, Any], name: str) -> Any:
    for ext in item.get("extension", []):
        if ext["url"] == EXT + name:
            return next(value for key, value in ext.items() if key.startswith("value"))
    return None


def lowest_answer(item: dict[str, Any]) -> Any:
    if item["type"] == "string":
        return "In the person's own words"
    if item["type"] == "choice":
        return int(item["answerOption"][0]["valueCoding"]["code"])
    minimum = extension(item, "minValue")
    return minimum if minimum is not None and (item["type"] != "decimal" or minimum > 0) else 1


def complete_answers(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The fewest, lowest answers the questionnaire allows: each repeating group as often as its minimum."""
    answers: dict[str, Any] = {}
    for item in items:
        if item["type"] == "group":
            times = extension(item, "questionnaire-minOccurs") or 1
            answers[item["linkId"]] = [complete_answers(item["item"]) for _ in range(times)]
        else:
            answers[item["linkId"]] = lowest_answer(item)
    return answers


def at(answers: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The mapping holding the item at ``group[0].item`` and the item's own linkId."""
    *groups, link_id = path.split(".")
    for group in groups:
        answers = answers[group.split("[")[0]][0]
    return answers, link_id


def test_the_library_holds_the_instruments_the_plan_asks_for() -> None:
    assert set(instruments()) == EXPECTED
    for code, found in instruments().items():
        assert found.code == code == found.questionnaire["id"]
        assert instrument(code) is found
    with pytest.raises(KeyError):
        instrument("sf-36")


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_instrument_has_a_title_source_and_licence_note_in_three_languages(code: str) -> None:
    found = instrument(code)
    assert found.source.strip()
    for language in ("nb", "nn", "en"):
        assert found.title(language).strip()
        assert found.licence_note(language).strip()
    assert len({found.licence_note(language) for language in ("nb", "nn", "en")}) == 3


def test_texts_are_read_in_the_chosen_language_with_bokmal_as_fallback() -> None:
    barthel = instrument("barthel")
    assert [barthel.title(language) for language in ("nb", "nn", "en")] == [
        "Barthels ADL-indeks",
        "Barthels ADL-indeks",
        "Barthel Index",
    ]
    feeding = barthel.questionnaire["item"][0]
    assert [translated(feeding, "text", language) for language in ("nb", "nn", "en")] == [
        "Spising",
        "Eting",
        "Feeding",
    ]
    assert translated(feeding, "text", "se") == "Spising"


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_questionnaire_and_its_scoring_agree_on_every_item(code: str) -> None:
    found = instrument(code)
    items = found.questionnaire["item"]
    answers = complete_answers(items)
    scores = found.score(answers)
    assert scores and {score.code for score in scores} <= set(found.higher_is_better)
    for path, item in leaves(items):
        # Every item is needed: without it the scoring function names it.
        without = copy.deepcopy(answers)
        holder, link_id = at(without, path)
        del holder[link_id]
        with pytest.raises(ScoreError) as raised:
            found.score(without)
        assert raised.value.item == path
        # Every bound in the questionnaire is the scoring function's bound too.
        maximum = extension(item, "maxValue")
        for outside in ([maximum + 1] if maximum is not None else []) + (
            [extension(item, "minValue") - 1] if extension(item, "minValue") is not None else []
        ):
            beyond = copy.deepcopy(answers)
            holder, link_id = at(beyond, path)
            holder[link_id] = outside
            with pytest.raises(ScoreError):
                found.score(beyond)
        if item["type"] == "choice":
            for option in item["answerOption"]:
                chosen = copy.deepcopy(answers)
                holder, link_id = at(chosen, path)
                holder[link_id] = int(option["valueCoding"]["code"])
                found.score(chosen)


def test_the_barthel_questionnaire_offers_exactly_the_points_its_scoring_allows() -> None:
    items = {item["linkId"]: item for item in instrument("barthel").questionnaire["item"]}
    assert list(items) == list(scoring.BARTHEL_ITEMS)
    for link_id, points in scoring.BARTHEL_ITEMS.items():
        options = items[link_id]["answerOption"]
        assert tuple(int(option["valueCoding"]["code"]) for option in options) == points
        assert tuple(option["extension"][0]["valueDecimal"] for option in options) == points


def test_the_iplos_questionnaire_offers_exactly_the_registers_scores() -> None:
    variables = instrument("iplos").questionnaire["item"][0]
    score = next(item for item in variables["item"] if item["linkId"] == "score")
    assert (
        tuple(int(option["valueCoding"]["code"]) for option in score["answerOption"]) == scoring.IPLOS_SCORES
    )


@pytest.mark.parametrize("code", ["eq5d-5l", "whodas-12"])
def test_licensed_questionnaires_ship_codes_not_words(code: str) -> None:
    found = instrument(code)
    assert found.licensed_text
    for _path, item in leaves(found.questionnaire["item"]):
        assert item["text"] == item["linkId"]
        assert "_text" not in item and "answerOption" not in item


def test_the_copm_ships_numbers_and_the_persons_own_words_only() -> None:
    found = instrument("copm")
    assert found.licensed_text
    kinds = {item["linkId"]: item["type"] for _path, item in leaves(found.questionnaire["item"])}
    assert kinds == {"problem": "string", "performance": "integer", "satisfaction": "integer"}


def test_measurements_carry_their_ucum_unit() -> None:
    units = {
        code: extension(item, "questionnaire-unit")["code"]
        for code in ("tug", "six-minute-walk")
        for _path, item in leaves(instrument(code).questionnaire["item"])
    }
    assert units == {"tug": "s", "six-minute-walk": "m"}


def test_minimal_important_changes_only_where_the_literature_gives_one() -> None:
    with_change = {code for code, found in instruments().items() if found.minimal_important_changes}
    assert with_change == {"psfs", "copm", "barthel"}
    assert instrument("copm").minimal_important_change("copm-performance").value == 2.0
    assert instrument("copm").minimal_important_change("copm-satisfaction").value == 2.0
    assert instrument("psfs").minimal_important_change("psfs-mean").value == 2.0
    assert instrument("barthel").minimal_important_change("barthel-20").value == 1.85
    assert instrument("barthel").minimal_important_change("barthel-100") is None
    assert instrument("eq5d-5l").minimal_important_change("eq5d-5l-index-no") is None
    for found in instruments().values():
        for change in found.minimal_important_changes:
            assert change.score in found.higher_is_better
            assert re.search(r"\b(19|20)\d\d\b", change.reference)
            assert change.population


# --- The loader's checks --------------------------------------------------------------------------------


def barthel_json() -> dict[str, Any]:
    return copy.deepcopy(instrument("barthel").questionnaire)


def test_the_loader_accepts_a_shipped_file() -> None:
    assert load_questionnaire(json.dumps(barthel_json()), "barthel")["id"] == "barthel"


def broken(change: Any) -> dict[str, Any]:
    questionnaire = barthel_json()
    change(questionnaire)
    return questionnaire


@pytest.mark.parametrize(
    ("questionnaire", "message"),
    [
        (broken(lambda q: q.update(resourceType="Patient")), "not a FHIR Questionnaire"),
        (broken(lambda q: q.update(id="mrs")), "not 'barthel'"),
        (broken(lambda q: q.update(status="draft")), "not active"),
        (broken(lambda q: q.update(language="en")), "language"),
        (broken(lambda q: q.pop("description")), "source"),
        (broken(lambda q: q.pop("_copyright")), "copyright has no translation"),
        (broken(lambda q: q["item"][0]["_text"]["extension"].pop()), "no translation into en"),
        (broken(lambda q: q["item"][1].update(linkId="feeding")), "used twice"),
        (broken(lambda q: q["item"][1].update(type="boolean")), "type"),
        (broken(lambda q: q["item"][1].pop("answerOption")), "without answer options"),
        (
            broken(lambda q: q["item"][1]["answerOption"][1]["valueCoding"].update(code="0")),
            "one twice",
        ),
        (
            broken(lambda q: q["item"][0]["_text"]["extension"][0]["extension"][1].update(valueString=" ")),
            "no language or no text",
        ),
        (broken(lambda q: q.update(item=[])), "no items"),
    ],
)
def test_the_loader_refuses_a_file_the_library_cannot_use(
    questionnaire: dict[str, Any], message: str
) -> None:
    with pytest.raises(InstrumentDataError, match=message):
        load_questionnaire(json.dumps(questionnaire), "barthel")


def test_the_loader_refuses_what_is_not_json() -> None:
    with pytest.raises(InstrumentDataError, match="not JSON"):
        load_questionnaire("{", "barthel")


def test_translations_use_the_standard_fhir_extension() -> None:
    title = instrument("psfs").questionnaire["_title"]["extension"]
    assert {extension["url"] for extension in title} == {TRANSLATION}
    assert [part["url"] for part in title[0]["extension"]] == ["lang", "content"]
