"""Scoring of the instruments in the library: one function per instrument, with its published reference.

Each function takes the answers as plain numbers (or texts, where the person's own words are part of the
instrument) and returns what the instrument's source defines as its score, nothing more: no composite that no
source defines. Scores come back as :class:`Score` rows with a code and a UCUM unit, ready to be stored one
per row and later sent as an Observation.

Bad input never gives a number: a missing item, an answer out of range or of the wrong kind raises
:class:`ScoreError`, whose message is translatable and names the item, so a form can show it beside the field
and keep what was typed.

The scoring functions read their answers from a flat mapping of ``linkId`` to value (see
:func:`answers_from_response` for the FHIR QuestionnaireResponse form); repeating groups (the activities of
the PSFS, the problems of the COPM, the variables of IPLOS) are a list of such mappings.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

__all__ = [
    "BARTHEL_ITEMS",
    "EQ5D_DIMENSIONS",
    "EQ5D_NORWAY_DIMENSION_WEIGHTS",
    "EQ5D_NORWAY_LEVEL_WEIGHTS",
    "IPLOS_SCORES",
    "WHODAS_12_ITEMS",
    "Score",
    "ScoreError",
    "answers_from_response",
    "barthel",
    "berg",
    "change",
    "copm",
    "eq5d_5l",
    "eq5d_5l_index_norway",
    "eq5d_5l_profile",
    "iplos",
    "modified_rankin",
    "psfs",
    "six_minute_walk",
    "sppb",
    "timed_up_and_go",
    "whodas_12",
]

# UCUM units. Scores without a physical unit carry the annotation {score}, as FHIR's examples do.
SCORE_UNIT = "{score}"
SECONDS = "s"
METRES = "m"


@dataclass(frozen=True)
class Score:
    """One score of one instrument: what is stored as a row and becomes an Observation.

    ``subject`` names what the score is about when an instrument gives several of the same kind: the IPLOS
    variable it rates. It is ``""`` otherwise.
    """

    code: str
    value: float | int | str
    unit: str
    subject: str = ""


class ScoreError(ValueError):
    """An answer that cannot be scored: the message is translatable and names the item.

    ``item`` is the ``linkId`` of the question (for a repeating group, ``group[index].linkId``), so a form can
    put the message beside the field. ``str()`` gives the message in the active language.
    """

    def __init__(self, message: Any, *, item: str = "", **params: Any) -> None:
        self.message = message
        self.item = item
        self.params = {"item": item, **params}
        super().__init__(str(self))

    def __str__(self) -> str:
        return str(self.message) % self.params


MISSING = _("%(item)s has no answer; every item must be answered before the instrument can be scored.")
NOT_WHOLE = _(
    "The answer to %(item)s is %(value)s; it must be a whole number from %(minimum)s to %(maximum)s."
)
NOT_ONE_OF = _("The answer to %(item)s is %(value)s; it must be one of %(allowed)s.")
NOT_POSITIVE = _("The answer to %(item)s is %(value)s; it must be a number greater than %(minimum)s.")
NOT_NEGATIVE = _("The answer to %(item)s is %(value)s; it must be a number, %(minimum)s or more.")
NOT_TEXT = _("%(item)s must be written in words.")
COUNT = _("%(item)s has %(count)s entries; it must have from %(minimum)s to %(maximum)s.")
NOT_PROFILE = _(
    "%(value)s is not an EQ-5D-5L profile: it must be five digits, each from 1 to 5, "
    "in the order mobility, self-care, usual activities, pain/discomfort, anxiety/depression."
)


def _present(answers: Mapping[str, Any], item: str, prefix: str = "") -> Any:
    value = answers.get(item)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ScoreError(MISSING, item=prefix + item)
    return value


def _whole(answers: Mapping[str, Any], item: str, minimum: int, maximum: int, prefix: str = "") -> int:
    value = _present(answers, item, prefix)
    number = _as_number(value)
    if number is None or number != int(number) or not minimum <= number <= maximum:
        raise ScoreError(NOT_WHOLE, item=prefix + item, value=value, minimum=minimum, maximum=maximum)
    return int(number)


def _as_number(value: Any) -> float | None:
    # Booleans are ints to Python but never an answer to a numeric question.
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _text(answers: Mapping[str, Any], item: str, prefix: str = "") -> str:
    value = _present(answers, item, prefix)
    if not isinstance(value, str):
        raise ScoreError(NOT_TEXT, item=prefix + item)
    return value.strip()


def _entries(answers: Mapping[str, Any], group: str, minimum: int, maximum: int) -> list[Mapping[str, Any]]:
    entries = answers.get(group) or []
    if not isinstance(entries, list | tuple) or not all(isinstance(entry, Mapping) for entry in entries):
        raise ScoreError(MISSING, item=group)
    if not minimum <= len(entries) <= maximum:
        raise ScoreError(COUNT, item=group, count=len(entries), minimum=minimum, maximum=maximum)
    return list(entries)


def change(before: float, after: float) -> float:
    """The change from one score to a later one, as after − before (positive is a higher score)."""
    return float(after) - float(before)


# --- Patient-Specific Functional Scale ------------------------------------------------------------------
# Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on individual patients: a report
# of a patient specific measure. Physiotherapy Canada 1995;47(4):258–263. The person names the activities they
# have difficulty with and rates each from 0 (unable to perform) to 10 (able to perform at the level before
# the problem); the score is the mean of the ratings. Three to five activities.
PSFS_MIN_ACTIVITIES = 3
PSFS_MAX_ACTIVITIES = 5
PSFS_MIN_RATING = 0
PSFS_MAX_RATING = 10


def psfs(answers: Mapping[str, Any]) -> list[Score]:
    """The PSFS mean of 3–5 activity ratings, 0–10 (higher is better)."""
    activities = _entries(answers, "activities", PSFS_MIN_ACTIVITIES, PSFS_MAX_ACTIVITIES)
    ratings = []
    for index, activity in enumerate(activities):
        prefix = f"activities[{index}]."
        _text(activity, "activity", prefix)
        ratings.append(_whole(activity, "rating", PSFS_MIN_RATING, PSFS_MAX_RATING, prefix))
    return [Score("psfs-mean", math.fsum(ratings) / len(ratings), SCORE_UNIT)]


# --- Barthel Index --------------------------------------------------------------------------------------
# Mahoney FI, Barthel DW. Functional evaluation: the Barthel Index. Maryland State Medical Journal
# 1965;14:61–65: ten items scored in steps of 5, total 0–100. The 0–20 form divides every item by five:
# Collin C, Wade DT, Davies S, Horne V. The Barthel ADL Index: a reliability study. International Disability
# Studies 1988;10(2):61–63. The points each item allows, on the 0–100 form:
BARTHEL_ITEMS: dict[str, tuple[int, ...]] = {
    "feeding": (0, 5, 10),
    "bathing": (0, 5),
    "grooming": (0, 5),
    "dressing": (0, 5, 10),
    "bowels": (0, 5, 10),
    "bladder": (0, 5, 10),
    "toilet": (0, 5, 10),
    "transfers": (0, 5, 10, 15),
    "mobility": (0, 5, 10, 15),
    "stairs": (0, 5, 10),
}


def barthel(answers: Mapping[str, Any]) -> list[Score]:
    """The Barthel Index on both published scales: 0–100 and 0–20 (higher is more independent)."""
    total = 0
    for item, allowed in BARTHEL_ITEMS.items():
        value = _present(answers, item)
        number = _as_number(value)
        if number is None or number not in allowed:
            raise ScoreError(
                NOT_ONE_OF, item=item, value=value, allowed=", ".join(str(points) for points in allowed)
            )
        total += int(number)
    return [Score("barthel-100", total, SCORE_UNIT), Score("barthel-20", total // 5, SCORE_UNIT)]


# --- modified Rankin Scale ------------------------------------------------------------------------------
# van Swieten JC, Koudstaal PJ, Visser MC, Schouten HJ, van Gijn J. Interobserver agreement for the assessment
# of handicap in stroke patients. Stroke 1988;19(5):604–607: one grade, 0 (no symptoms) to 6 (dead).


def modified_rankin(answers: Mapping[str, Any]) -> list[Score]:
    """The mRS grade, 0–6 (higher is more disability)."""
    return [Score("mrs", _whole(answers, "grade", 0, 6), SCORE_UNIT)]


# --- WHODAS 2.0, 12 items -------------------------------------------------------------------------------
# Üstün TB, Kostanjsek N, Chatterji S, Rehm J (eds). Measuring Health and Disability: Manual for WHO
# Disability Assessment Schedule (WHODAS 2.0). World Health Organization, 2010. "Simple" scoring sums the item
# scores, none (1) to extreme or cannot do (5): 12–60 for the twelve items. The 0–100 figure here is that same
# simple sum placed on 0–100, (sum − 12) / 48 × 100, with 0 no difficulty and 100 extreme difficulty in every
# item. It is not the manual's item-response-theory ("complex") score, whose item weights come from WHO's own
# algorithm.
WHODAS_12_ITEMS = tuple(f"S{number}" for number in range(1, 13))


def whodas_12(answers: Mapping[str, Any]) -> list[Score]:
    """The WHODAS 2.0 12-item simple sum (12–60) and the same on 0–100 (higher is more disability)."""
    total = sum(_whole(answers, item, 1, 5) for item in WHODAS_12_ITEMS)
    return [
        Score("whodas-12-sum", total, SCORE_UNIT),
        Score("whodas-12-percent", (total - 12) * 100 / 48, "%"),
    ]


# --- EQ-5D-5L -------------------------------------------------------------------------------------------
# Herdman M, Gudex C, Lloyd A, et al. Development and preliminary testing of the new five-level version of
# EQ-5D (EQ-5D-5L). Quality of Life Research 2011;20(10):1727–1736: five dimensions, each at level 1 (no
# problems) to 5 (extreme problems or unable), written as a five-digit profile in this order, and the EQ VAS,
# 0 (the worst health you can imagine) to 100 (the best).
EQ5D_DIMENSIONS = ("MO", "SC", "UA", "PD", "AD")

# The Norwegian value set: Garratt AM, et al. EQ-5D-5L value set for Norway: a hybrid model
# using cTTO and DCE data. Quality of Life Research 2024. doi:10.1007/s11136-024-03837-3. Its values have one
# weight per dimension and one common weight per level, so the value of a profile is
#     1 − Σ over dimensions of (dimension weight × level weight),
# from 1 (11111) to −0.453 (55555). The ten weights are read off the value set as distributed with the
# eq5dsuite analysis package (Maths in Health, eq5dsuite value sets, file EQ-5D-5L/NO.csv, MIT licence): the
# level-5 decrement of each dimension gives its weight, and the level 2–4 decrements divided by it give the
# same level weights for all five dimensions. They reproduce, to the six decimals published, every state of
# that table checked; the tests hold a sample of published states, from the best to the worst.
EQ5D_NORWAY_DIMENSION_WEIGHTS: dict[str, Decimal] = {
    "MO": Decimal("0.205"),
    "SC": Decimal("0.206"),
    "UA": Decimal("0.179"),
    "PD": Decimal("0.391"),
    "AD": Decimal("0.472"),
}
EQ5D_NORWAY_LEVEL_WEIGHTS: dict[int, Decimal] = {
    1: Decimal("0"),
    2: Decimal("0.152"),
    3: Decimal("0.317"),
    4: Decimal("0.775"),
    5: Decimal("1"),
}


def eq5d_5l_profile(profile: str) -> tuple[int, int, int, int, int]:
    """The five levels of a profile a professional typed, such as ``"12345"``; raises :class:`ScoreError`."""
    cleaned = profile.strip() if isinstance(profile, str) else ""
    if len(cleaned) != 5 or any(digit not in "12345" for digit in cleaned):
        raise ScoreError(NOT_PROFILE, item="profile", value=profile)
    levels = tuple(int(digit) for digit in cleaned)
    return levels[0], levels[1], levels[2], levels[3], levels[4]


def eq5d_5l_index_norway(levels: Sequence[int]) -> float:
    """The Norwegian value of an EQ-5D-5L profile, from −0.453 to 1 (Garratt et al. 2024)."""
    if len(levels) != len(EQ5D_DIMENSIONS):
        raise ScoreError(NOT_PROFILE, item="profile", value="".join(str(level) for level in levels))
    for dimension, level in zip(EQ5D_DIMENSIONS, levels, strict=True):
        if isinstance(level, bool) or level not in EQ5D_NORWAY_LEVEL_WEIGHTS:
            raise ScoreError(NOT_WHOLE, item=dimension, value=level, minimum=1, maximum=5)
    # Decimal arithmetic: the published values are exact to six decimals, and so is this sum.
    decrement = sum(
        (
            EQ5D_NORWAY_DIMENSION_WEIGHTS[dimension] * EQ5D_NORWAY_LEVEL_WEIGHTS[level]
            for dimension, level in zip(EQ5D_DIMENSIONS, levels, strict=True)
        ),
        Decimal(0),
    )
    return float(Decimal(1) - decrement)


def eq5d_5l(answers: Mapping[str, Any]) -> list[Score]:
    """The EQ-5D-5L profile, its Norwegian index value and the EQ VAS (0–100)."""
    levels = [_whole(answers, dimension, 1, 5) for dimension in EQ5D_DIMENSIONS]
    vas = _whole(answers, "VAS", 0, 100)
    return [
        Score("eq5d-5l-profile", "".join(str(level) for level in levels), ""),
        Score("eq5d-5l-index-no", eq5d_5l_index_norway(levels), SCORE_UNIT),
        Score("eq5d-5l-vas", vas, SCORE_UNIT),
    ]


# --- IPLOS/KPR function variables -----------------------------------------------------------------------
# Helsedirektoratet, IPLOS-registeret, "Hvordan vurdere skår på bistandsvariablene?": each variable is scored
# 1 (no problems or challenges) to 5 (full need of assistance), or 9 (not relevant). The register defines no
# sum or mean of the variables, so none is made: each variable is its own score.
IPLOS_SCORES = (1, 2, 3, 4, 5, 9)
# Not the register's: a guard against runaway input, well above the number of variables a record holds.
IPLOS_MAX_VARIABLES = 30


def iplos(answers: Mapping[str, Any]) -> list[Score]:
    """One score per IPLOS/KPR variable (1–5, or 9 for not relevant); no composite."""
    variables = _entries(answers, "variables", 1, IPLOS_MAX_VARIABLES)
    scores = []
    for index, variable in enumerate(variables):
        prefix = f"variables[{index}]."
        name = _text(variable, "variable", prefix)
        value = _present(variable, "score", prefix)
        number = _as_number(value)
        if number is None or number not in IPLOS_SCORES:
            raise ScoreError(
                NOT_ONE_OF,
                item=prefix + "score",
                value=value,
                allowed=", ".join(str(score) for score in IPLOS_SCORES),
            )
        scores.append(Score("iplos-variable", int(number), SCORE_UNIT, subject=name))
    return scores


# --- Canadian Occupational Performance Measure ----------------------------------------------------------
# Law M, Baptiste S, Carswell A, McColl MA, Polatajko H, Pollock N. Canadian Occupational Performance Measure,
# 5th edition. Ottawa: CAOT Publications ACE, 2014. The person names up to five occupational performance
# problems and rates each for performance and for satisfaction from 1 to 10; each score is the mean over the
# problems. Only the numbers and the person's own words are kept; the form itself is licensed.
COPM_MAX_PROBLEMS = 5


def copm(answers: Mapping[str, Any]) -> list[Score]:
    """The COPM performance and satisfaction scores: means of 1–10 ratings over 1–5 problems."""
    problems = _entries(answers, "problems", 1, COPM_MAX_PROBLEMS)
    performance, satisfaction = [], []
    for index, problem in enumerate(problems):
        prefix = f"problems[{index}]."
        _text(problem, "problem", prefix)
        performance.append(_whole(problem, "performance", 1, 10, prefix))
        satisfaction.append(_whole(problem, "satisfaction", 1, 10, prefix))
    return [
        Score("copm-performance", math.fsum(performance) / len(performance), SCORE_UNIT),
        Score("copm-satisfaction", math.fsum(satisfaction) / len(satisfaction), SCORE_UNIT),
    ]


# --- Timed and counted tests ----------------------------------------------------------------------------


def _positive(answers: Mapping[str, Any], item: str) -> float:
    value = _present(answers, item)
    number = _as_number(value)
    if number is None or number <= 0:
        raise ScoreError(NOT_POSITIVE, item=item, value=value, minimum=0)
    return number


def timed_up_and_go(answers: Mapping[str, Any]) -> list[Score]:
    """Timed Up and Go, in seconds.

    Podsiadlo D, Richardson S. The timed "Up & Go": a test of basic functional mobility for frail elderly
    persons. Journal of the American Geriatrics Society 1991;39(2):142–148.
    """
    return [Score("tug", _positive(answers, "seconds"), SECONDS)]


def six_minute_walk(answers: Mapping[str, Any]) -> list[Score]:
    """Six-minute walk distance, in metres.

    ATS Committee on Proficiency Standards for Clinical Pulmonary Function Laboratories. ATS statement:
    guidelines for the six-minute walk test. American Journal of Respiratory and Critical Care Medicine
    2002;166(1):111–117. A person who starts and cannot continue walks 0 m, which is a result, not a gap.
    """
    value = _present(answers, "metres")
    number = _as_number(value)
    if number is None or number < 0:
        raise ScoreError(NOT_NEGATIVE, item="metres", value=value, minimum=0)
    return [Score("six-minute-walk", number, METRES)]


def berg(answers: Mapping[str, Any]) -> list[Score]:
    """Berg Balance Scale total, 0–56 (higher is better balance).

    Berg KO, Wood-Dauphinee SL, Williams JI, Maki B. Measuring balance in the elderly: validation of an
    instrument. Canadian Journal of Public Health 1992;83 Suppl 2:S7–S11. Fourteen items scored 0–4; the total
    is entered as it was counted on the form.
    """
    return [Score("berg", _whole(answers, "total", 0, 56), SCORE_UNIT)]


# Guralnik JM, Simonsick EM, Ferrucci L, et al. A short physical performance battery assessing lower extremity
# function. Journal of Gerontology 1994;49(2):M85–M94: balance, gait speed and chair stands, each 0–4; total
# 0–12.
SPPB_COMPONENTS = ("balance", "gait", "chair")


def sppb(answers: Mapping[str, Any]) -> list[Score]:
    """Short Physical Performance Battery total, 0–12, from its three component scores (each 0–4)."""
    total = sum(_whole(answers, component, 0, 4) for component in SPPB_COMPONENTS)
    return [Score("sppb", total, SCORE_UNIT)]


# --- Reading a QuestionnaireResponse --------------------------------------------------------------------

_ANSWER_VALUES = (
    "valueInteger",
    "valueDecimal",
    "valueString",
    "valueBoolean",
    "valueDate",
    "valueDateTime",
    "valueQuantity",
)


def _answer_value(answer: Mapping[str, Any]) -> Any:
    if "valueCoding" in answer:
        coding = answer["valueCoding"]
        code = coding.get("code")
        # A choice whose codes are points (the Barthel Index) scores by its points.
        number = _as_number(code)
        return int(number) if number is not None and number == int(number) else code
    for key in _ANSWER_VALUES:
        if key in answer:
            value = answer[key]
            return value.get("value") if key == "valueQuantity" else value
    return None


def answers_from_response(response: Mapping[str, Any]) -> dict[str, Any]:
    """The answers of a FHIR R4 QuestionnaireResponse as the mapping the scoring functions read.

    A group that repeats (it appears more than once, or holds nested items) becomes a list of mappings; an
    item with no answer is left out, so the scoring function reports it as missing.
    """

    def read(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for item in items:
            link_id = item["linkId"]
            if "item" in item:
                found.setdefault(link_id, []).append(read(item["item"]))
                continue
            answers = item.get("answer") or []
            if answers:
                found[link_id] = _answer_value(answers[0])
        return found

    return read(response.get("item", []))


ScoringFunction = Callable[[Mapping[str, Any]], list[Score]]
