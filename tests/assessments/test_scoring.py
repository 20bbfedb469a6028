"""The scoring functions against published or hand-worked values, their bounds and their refusals.

Hand-worked values are worked out in the comments; the EQ-5D-5L values are published states of the Norwegian
value set (Garratt et al. 2024, doi:10.1007/s11136-024-03837-3) as distributed in the eq5dsuite value sets
(Maths in Health, file EQ-5D-5L/NO.csv).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from vegviser.assessments import scoring
from vegviser.assessments.scoring import Score, ScoreError


def values(scores: list[Score]) -> dict[str, Any]:
    return {score.code: score.value for score in scores}


def activities(*ratings: Any) -> dict[str, Any]:
    return {"activities": [{"activity": f"Activity {n}", "rating": r} for n, r in enumerate(ratings)]}


# --- PSFS -----------------------------------------------------------------------------------------------


def test_psfs_is_the_mean_of_the_ratings() -> None:
    # (3 + 5 + 7) / 3 = 5; (0 + 10 + 4 + 6 + 2) / 5 = 4.4
    assert scoring.psfs(activities(3, 5, 7)) == [Score("psfs-mean", 5.0, "{score}")]
    assert values(scoring.psfs(activities(0, 10, 4, 6, 2))) == {"psfs-mean": pytest.approx(4.4)}


@pytest.mark.parametrize(
    ("answers", "item"),
    [
        (activities(3, 5), "activities"),  # fewer than three activities
        (activities(1, 2, 3, 4, 5, 6), "activities"),  # more than five
        (activities(3, 11, 7), "activities[1].rating"),
        (activities(3, -1, 7), "activities[1].rating"),
        (activities(3, 5.5, 7), "activities[1].rating"),
        (activities(3, None, 7), "activities[1].rating"),
        ({"activities": [{"activity": "", "rating": 3}] * 3}, "activities[0].activity"),
        ({}, "activities"),
    ],
)
def test_psfs_refuses_what_it_cannot_score(answers: dict[str, Any], item: str) -> None:
    with pytest.raises(ScoreError) as raised:
        scoring.psfs(answers)
    assert raised.value.item == item


@given(st.lists(st.integers(0, 10), min_size=3, max_size=5), st.data())
def test_psfs_stays_in_range_and_rises_with_each_rating(ratings: list[int], data: st.DataObject) -> None:
    mean = values(scoring.psfs(activities(*ratings)))["psfs-mean"]
    assert 0 <= mean <= 10
    index = data.draw(st.integers(0, len(ratings) - 1))
    higher = [*ratings]
    higher[index] = data.draw(st.integers(ratings[index], 10))
    assert values(scoring.psfs(activities(*higher)))["psfs-mean"] >= mean


# --- Barthel Index --------------------------------------------------------------------------------------

BARTHEL_EXAMPLE = {
    "feeding": 10,
    "bathing": 0,
    "grooming": 5,
    "dressing": 5,
    "bowels": 10,
    "bladder": 5,
    "toilet": 5,
    "transfers": 10,
    "mobility": 10,
    "stairs": 0,
}


def test_barthel_gives_both_published_totals() -> None:
    # 10 + 0 + 5 + 5 + 10 + 5 + 5 + 10 + 10 + 0 = 60 of 100, which is 12 of 20.
    assert values(scoring.barthel(BARTHEL_EXAMPLE)) == {"barthel-100": 60, "barthel-20": 12}
    best = {item: max(points) for item, points in scoring.BARTHEL_ITEMS.items()}
    assert values(scoring.barthel(best)) == {"barthel-100": 100, "barthel-20": 20}
    assert values(scoring.barthel(dict.fromkeys(scoring.BARTHEL_ITEMS, 0))) == {
        "barthel-100": 0,
        "barthel-20": 0,
    }


@pytest.mark.parametrize(
    ("change", "item"),
    [
        ({"bathing": 10}, "bathing"),  # bathing is 0 or 5 only
        ({"transfers": 20}, "transfers"),
        ({"feeding": 7}, "feeding"),
        ({"stairs": None}, "stairs"),
        ({"mobility": "fast"}, "mobility"),
    ],
)
def test_barthel_refuses_points_the_item_does_not_have(change: dict[str, Any], item: str) -> None:
    with pytest.raises(ScoreError) as raised:
        scoring.barthel({**BARTHEL_EXAMPLE, **change})
    assert raised.value.item == item


barthel_answers = st.fixed_dictionaries(
    {item: st.sampled_from(points) for item, points in scoring.BARTHEL_ITEMS.items()}
)


@given(barthel_answers, st.sampled_from(sorted(scoring.BARTHEL_ITEMS)), st.data())
def test_barthel_stays_in_range_and_rises_with_each_item(
    answers: dict[str, int], item: str, data: st.DataObject
) -> None:
    scores = values(scoring.barthel(answers))
    assert 0 <= scores["barthel-100"] <= 100 and 0 <= scores["barthel-20"] <= 20
    assert scores["barthel-100"] == 5 * scores["barthel-20"]
    higher = data.draw(st.sampled_from([p for p in scoring.BARTHEL_ITEMS[item] if p >= answers[item]]))
    raised = values(scoring.barthel({**answers, item: higher}))
    assert raised["barthel-100"] >= scores["barthel-100"] and raised["barthel-20"] >= scores["barthel-20"]


# --- modified Rankin Scale ------------------------------------------------------------------------------


@pytest.mark.parametrize("grade", range(7))
def test_mrs_is_the_grade(grade: int) -> None:
    assert scoring.modified_rankin({"grade": grade}) == [Score("mrs", grade, "{score}")]


@pytest.mark.parametrize("grade", [-1, 7, 2.5, True, "two", None])
def test_mrs_refuses_grades_outside_0_to_6(grade: Any) -> None:
    with pytest.raises(ScoreError) as raised:
        scoring.modified_rankin({"grade": grade})
    assert raised.value.item == "grade"


# --- WHODAS 2.0, 12 items -------------------------------------------------------------------------------


def whodas(*levels: int) -> dict[str, int]:
    return dict(zip(scoring.WHODAS_12_ITEMS, levels, strict=True))


def test_whodas_12_simple_sum_and_its_0_to_100_form() -> None:
    assert values(scoring.whodas_12(whodas(*[1] * 12))) == {"whodas-12-sum": 12, "whodas-12-percent": 0}
    assert values(scoring.whodas_12(whodas(*[5] * 12))) == {"whodas-12-sum": 60, "whodas-12-percent": 100}
    # Six items at 2 and six at 3: 12 + 18 = 30; (30 − 12) / 48 × 100 = 37.5.
    assert values(scoring.whodas_12(whodas(*[2] * 6, *[3] * 6))) == {
        "whodas-12-sum": 30,
        "whodas-12-percent": 37.5,
    }


def test_whodas_12_names_the_missing_or_wrong_item() -> None:
    answers = whodas(*[2] * 12)
    del answers["S7"]
    with pytest.raises(ScoreError) as raised:
        scoring.whodas_12(answers)
    assert raised.value.item == "S7"
    with pytest.raises(ScoreError) as raised:
        scoring.whodas_12({**whodas(*[2] * 12), "S12": 6})
    assert raised.value.item == "S12"


@given(st.lists(st.integers(1, 5), min_size=12, max_size=12), st.integers(0, 11), st.data())
def test_whodas_12_stays_in_range_and_rises_with_each_item(
    levels: list[int], index: int, data: st.DataObject
) -> None:
    scores = values(scoring.whodas_12(whodas(*levels)))
    assert 12 <= scores["whodas-12-sum"] <= 60 and 0 <= scores["whodas-12-percent"] <= 100
    higher = [*levels]
    higher[index] = data.draw(st.integers(levels[index], 5))
    assert values(scoring.whodas_12(whodas(*higher)))["whodas-12-sum"] >= scores["whodas-12-sum"]


# --- EQ-5D-5L -------------------------------------------------------------------------------------------

# Published states of the Norwegian EQ-5D-5L value set.
NORWEGIAN_VALUES = {
    "11111": 1,
    "11112": 0.928256,
    "21111": 0.96884,
    "12345": 0.13692,
    "13524": 0.330466,
    "22222": 0.779144,
    "33333": 0.539399,
    "35142": 0.354246,
    "44444": -0.126075,
    "51155": -0.068,
    "54321": 0.519175,
    "54421": 0.437193,
    "14355": -0.079393,
    "25313": 0.556473,
    "31524": 0.330783,
    "43155": -0.087177,
    "52525": 0.053256,
    "55555": -0.453,
}


@pytest.mark.parametrize(("profile", "value"), sorted(NORWEGIAN_VALUES.items()))
def test_eq5d_5l_index_matches_the_published_norwegian_values(profile: str, value: float) -> None:
    assert round(scoring.eq5d_5l_index_norway(scoring.eq5d_5l_profile(profile)), 6) == value


def test_eq5d_5l_gives_profile_index_and_vas() -> None:
    answers = {"MO": 3, "SC": 5, "UA": 1, "PD": 4, "AD": 2, "VAS": 55}
    assert values(scoring.eq5d_5l(answers)) == {
        "eq5d-5l-profile": "35142",
        "eq5d-5l-index-no": pytest.approx(0.354246, abs=1e-9),
        "eq5d-5l-vas": 55,
    }


@pytest.mark.parametrize("profile", ["1234", "123456", "12a45", "62345", "10345", "", "1 2345", 12345, None])
def test_eq5d_5l_profile_must_be_five_digits_1_to_5(profile: Any) -> None:
    with pytest.raises(ScoreError) as raised:
        scoring.eq5d_5l_profile(profile)
    assert raised.value.item == "profile"


def test_eq5d_5l_refuses_a_vas_outside_0_to_100_and_a_missing_dimension() -> None:
    with pytest.raises(ScoreError) as raised:
        scoring.eq5d_5l({"MO": 1, "SC": 1, "UA": 1, "PD": 1, "AD": 1, "VAS": 101})
    assert raised.value.item == "VAS"
    with pytest.raises(ScoreError) as raised:
        scoring.eq5d_5l({"MO": 1, "SC": 1, "UA": 1, "AD": 1, "VAS": 80})
    assert raised.value.item == "PD"


levels5 = st.lists(st.integers(1, 5), min_size=5, max_size=5)


@given(levels5, st.integers(0, 4), st.data())
def test_eq5d_5l_index_stays_in_range_and_falls_with_each_level(
    levels: list[int], index: int, data: st.DataObject
) -> None:
    value = scoring.eq5d_5l_index_norway(levels)
    assert -0.453 <= value <= 1
    worse = [*levels]
    worse[index] = data.draw(st.integers(levels[index], 5))
    assert scoring.eq5d_5l_index_norway(worse) <= value


# --- IPLOS/KPR ------------------------------------------------------------------------------------------


def test_iplos_keeps_each_variable_as_its_own_score_without_a_composite() -> None:
    answers = {"variables": [{"variable": "Spise", "score": 2}, {"variable": "Hukommelse", "score": 9}]}
    assert scoring.iplos(answers) == [
        Score("iplos-variable", 2, "{score}", subject="Spise"),
        Score("iplos-variable", 9, "{score}", subject="Hukommelse"),
    ]


@pytest.mark.parametrize("score", [0, 6, 7, 8, 10, 2.5, None])
def test_iplos_refuses_scores_other_than_1_to_5_or_9(score: Any) -> None:
    with pytest.raises(ScoreError) as raised:
        scoring.iplos(
            {"variables": [{"variable": "Spise", "score": 3}, {"variable": "Lage mat", "score": score}]}
        )
    assert raised.value.item == "variables[1].score"


# --- COPM -----------------------------------------------------------------------------------------------


def problems(*ratings: tuple[int, int]) -> dict[str, Any]:
    return {
        "problems": [
            {"problem": f"Problem {n}", "performance": p, "satisfaction": s}
            for n, (p, s) in enumerate(ratings)
        ]
    }


def test_copm_means_and_their_change() -> None:
    # Performance (2 + 4 + 3) / 3 = 3, satisfaction (1 + 3 + 2) / 3 = 2; later (6 + 7 + 5) / 3 = 6 and
    # (5 + 6 + 4) / 3 = 5: a change of 3 in each.
    first = values(scoring.copm(problems((2, 1), (4, 3), (3, 2))))
    later = values(scoring.copm(problems((6, 5), (7, 6), (5, 4))))
    assert first == {"copm-performance": 3.0, "copm-satisfaction": 2.0}
    assert later == {"copm-performance": 6.0, "copm-satisfaction": 5.0}
    assert scoring.change(first["copm-performance"], later["copm-performance"]) == 3.0
    assert scoring.change(later["copm-satisfaction"], first["copm-satisfaction"]) == -3.0


@pytest.mark.parametrize(
    ("answers", "item"),
    [
        (problems((0, 5)), "problems[0].performance"),
        (problems((5, 11)), "problems[0].satisfaction"),
        (problems(*[(5, 5)] * 6), "problems"),
        ({"problems": [{"problem": "  ", "performance": 5, "satisfaction": 5}]}, "problems[0].problem"),
        ({"problems": [{"problem": 42, "performance": 5, "satisfaction": 5}]}, "problems[0].problem"),
    ],
)
def test_copm_refuses_what_it_cannot_score(answers: dict[str, Any], item: str) -> None:
    with pytest.raises(ScoreError) as raised:
        scoring.copm(answers)
    assert raised.value.item == item


@given(st.lists(st.tuples(st.integers(1, 10), st.integers(1, 10)), min_size=1, max_size=5), st.data())
def test_copm_stays_in_range_and_rises_with_each_rating(
    ratings: list[tuple[int, int]], data: st.DataObject
) -> None:
    scores = values(scoring.copm(problems(*ratings)))
    assert all(1 <= value <= 10 for value in scores.values())
    index = data.draw(st.integers(0, len(ratings) - 1))
    higher = [*ratings]
    higher[index] = (
        data.draw(st.integers(ratings[index][0], 10)),
        data.draw(st.integers(ratings[index][1], 10)),
    )
    raised = values(scoring.copm(problems(*higher)))
    assert all(raised[code] >= scores[code] for code in scores)


# --- Timed and counted tests ----------------------------------------------------------------------------


def test_measurements_keep_their_units() -> None:
    assert scoring.timed_up_and_go({"seconds": 12.5}) == [Score("tug", 12.5, "s")]
    # A decimal comma, as a Norwegian keyboard gives it.
    assert scoring.timed_up_and_go({"seconds": "9,8"}) == [Score("tug", 9.8, "s")]
    assert scoring.six_minute_walk({"metres": 420}) == [Score("six-minute-walk", 420.0, "m")]
    assert scoring.six_minute_walk({"metres": 0}) == [Score("six-minute-walk", 0.0, "m")]
    assert scoring.berg({"total": 41}) == [Score("berg", 41, "{score}")]
    # 4 + 3 + 2 = 9
    assert scoring.sppb({"balance": 4, "gait": 3, "chair": 2}) == [Score("sppb", 9, "{score}")]


@pytest.mark.parametrize(
    ("function", "answers", "item"),
    [
        (scoring.timed_up_and_go, {"seconds": 0}, "seconds"),
        (scoring.timed_up_and_go, {"seconds": -3}, "seconds"),
        (scoring.timed_up_and_go, {"seconds": "fast"}, "seconds"),
        (scoring.timed_up_and_go, {"seconds": float("nan")}, "seconds"),
        (scoring.timed_up_and_go, {}, "seconds"),
        (scoring.six_minute_walk, {"metres": -1}, "metres"),
        (scoring.six_minute_walk, {"metres": float("inf")}, "metres"),
        (scoring.berg, {"total": 57}, "total"),
        (scoring.berg, {"total": -1}, "total"),
        (scoring.sppb, {"balance": 5, "gait": 3, "chair": 2}, "balance"),
        (scoring.sppb, {"balance": 4, "chair": 2}, "gait"),
    ],
)
def test_measurements_refuse_impossible_values(function: Any, answers: dict[str, Any], item: str) -> None:
    with pytest.raises(ScoreError) as raised:
        function(answers)
    assert raised.value.item == item


@given(
    st.integers(0, 4),
    st.integers(0, 4),
    st.integers(0, 4),
    st.sampled_from(scoring.SPPB_COMPONENTS),
    st.data(),
)
def test_sppb_stays_in_range_and_rises_with_each_component(
    balance: int, gait: int, chair: int, component: str, data: st.DataObject
) -> None:
    answers = {"balance": balance, "gait": gait, "chair": chair}
    total = values(scoring.sppb(answers))["sppb"]
    assert 0 <= total <= 12
    higher = {**answers, component: data.draw(st.integers(answers[component], 4))}
    assert values(scoring.sppb(higher))["sppb"] >= total


# --- Errors and responses -------------------------------------------------------------------------------


def test_the_error_is_translated_and_names_the_item() -> None:
    with pytest.raises(ScoreError) as raised:
        scoring.modified_rankin({"grade": 9})
    with translation.override("en"):
        english = str(raised.value)
    with translation.override("nb"):
        bokmal = str(raised.value)
    with translation.override("nn"):
        nynorsk = str(raised.value)
    assert english == "The answer to grade is 9; it must be a whole number from 0 to 6."
    assert "grade" in bokmal and "9" in bokmal and bokmal != english
    assert "grade" in nynorsk and nynorsk not in (english, bokmal)


def test_a_questionnaire_response_is_scored_as_answered() -> None:
    response = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            *(
                {"linkId": item, "answer": [{"valueCoding": {"code": str(points)}}]}
                for item, points in BARTHEL_EXAMPLE.items()
            ),
        ],
    }
    assert values(scoring.barthel(scoring.answers_from_response(response))) == {
        "barthel-100": 60,
        "barthel-20": 12,
    }
    psfs_response = {
        "resourceType": "QuestionnaireResponse",
        "item": [
            {
                "linkId": "activities",
                "item": [
                    {"linkId": "activity", "answer": [{"valueString": f"Activity {n}"}]},
                    {"linkId": "rating", "answer": [{"valueInteger": rating}]},
                ],
            }
            for n, rating in enumerate((2, 4, 9))
        ],
    }
    assert values(scoring.psfs(scoring.answers_from_response(psfs_response))) == {"psfs-mean": 5.0}
    # An unanswered item is missing, not zero.
    psfs_response["item"][1]["item"][1].pop("answer")
    with pytest.raises(ScoreError) as raised:
        scoring.psfs(scoring.answers_from_response(psfs_response))
    assert raised.value.item == "activities[1].rating"
