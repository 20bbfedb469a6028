"""Tests for vegviser.assessments.gas: the Kiresuk–Sherman goal attainment T-score.

The known values are worked out by hand in the comments, from
T = 50 + 10·Σ(wᵢxᵢ) / sqrt((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²).
"""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vegviser.assessments.gas import t_score, weights_for

LEVELS = (-2.0, -1.0, 0.0, 1.0, 2.0)

# The five whole levels are what clinicians record; averaged ratings can be anything in [-2, 2].
attainment = st.one_of(st.sampled_from(LEVELS), st.floats(min_value=-2.0, max_value=2.0))
# Weights as Vegviser makes them (importance × difficulty, 0–9) and arbitrary positive reals.
positive_weight = st.one_of(
    st.sampled_from((1.0, 2.0, 3.0, 4.0, 6.0, 9.0)),
    st.floats(min_value=1e-6, max_value=1e6),
)
rhos = st.floats(min_value=0.0, max_value=0.99)


@st.composite
def weighted_goals(draw: st.DrawFn, min_size: int = 1, max_size: int = 8) -> tuple[list[float], list[float]]:
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    xs = draw(st.lists(attainment, min_size=n, max_size=n))
    ws = draw(st.lists(positive_weight, min_size=n, max_size=n))
    return xs, ws


# --- Known values ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 7])
@pytest.mark.parametrize("weights", [None, "ones", "mixed"])
def test_all_goals_met_as_expected_score_exactly_50(n: int, weights: str | None) -> None:
    # Σwᵢ·0 = 0, so T = 50 + 0 whatever the weights.
    ws = {None: None, "ones": [1.0] * n, "mixed": [float(i % 9 + 1) for i in range(n)]}[weights]
    assert t_score([0] * n, ws) == 50.0


def test_one_goal_one_level_above_expected_scores_60() -> None:
    # 50 + 10·1 / sqrt(0.7·1 + 0.3·1²) = 50 + 10/1 = 60.
    assert t_score([1]) == pytest.approx(60.0, abs=1e-12)


def test_one_goal_ranges_from_30_to_70() -> None:
    # Denominator 1 as above: 50 ± 10·2.
    assert t_score([-2]) == pytest.approx(30.0, abs=1e-12)
    assert t_score([2]) == pytest.approx(70.0, abs=1e-12)


def test_three_goals_one_level_above_expected_unweighted() -> None:
    # 50 + 10·3 / sqrt(0.7·3 + 0.3·3²) = 50 + 30/sqrt(2.1 + 2.7) = 50 + 30/sqrt(4.8)
    # sqrt(4.8) ≈ 2.190890 → 30/2.190890 ≈ 13.693064 → T ≈ 63.693064.
    assert t_score([1, 1, 1]) == pytest.approx(63.693064, abs=1e-6)
    assert t_score([1, 1, 1], rho=0.3) == t_score([1, 1, 1])


def test_weighted_example_worked_by_hand() -> None:
    # w = (2, 6, 9), x = (−1, 0, +2):
    #   Σwx   = −2 + 0 + 18 = 16
    #   Σw²   = 4 + 36 + 81 = 121
    #   (Σw)² = 17² = 289
    #   denominator = sqrt(0.7·121 + 0.3·289) = sqrt(84.7 + 86.7) = sqrt(171.4) ≈ 13.091982
    #   T = 50 + 160/13.091982 ≈ 50 + 12.221220 = 62.221220
    assert t_score([-1, 0, 2], [2, 6, 9]) == pytest.approx(62.221220, abs=1e-6)
    # Unweighted, the same goals give 50 + 10·1/sqrt(4.8) ≈ 54.564355: the weights matter.
    assert t_score([-1, 0, 2]) == pytest.approx(54.564355, abs=1e-6)


def test_rho_zero_unweighted_is_sum_over_root_n_worked_by_hand() -> None:
    # ρ = 0, unweighted: denominator sqrt(1·n + 0) = sqrt(n).
    # x = (−1, 0, +2): 50 + 10·1/sqrt(3) ≈ 50 + 5.773503 = 55.773503.
    assert t_score([-1, 0, 2], rho=0.0) == pytest.approx(55.773503, abs=1e-6)
    # x = (+2, +2, +2, +2): 50 + 10·8/sqrt(4) = 50 + 40 = 90.
    assert t_score([2, 2, 2, 2], rho=0) == pytest.approx(90.0, abs=1e-12)


@given(xs=st.lists(attainment, min_size=1, max_size=12))
def test_rho_zero_unweighted_is_sum_over_root_n(xs: list[float]) -> None:
    assert t_score(xs, rho=0.0) == pytest.approx(50 + 10 * math.fsum(xs) / math.sqrt(len(xs)), abs=1e-9)


def test_three_goals_extremes_worked_by_hand() -> None:
    # All at −2: 50 − 10·6/sqrt(4.8) ≈ 50 − 27.386128 = 22.613872; all at +2: ≈ 77.386128.
    assert t_score([-2, -2, -2]) == pytest.approx(22.613872, abs=1e-6)
    assert t_score([2, 2, 2]) == pytest.approx(77.386128, abs=1e-6)


def test_fractional_attainments_are_accepted() -> None:
    # Two raters gave +1 and +2, one gave −1 and 0: x = (1.5, −0.5), Σx = 1.
    # 50 + 10·1/sqrt(0.7·2 + 0.3·4) = 50 + 10/sqrt(2.6) ≈ 50 + 6.201737 = 56.201737.
    assert t_score([1.5, -0.5]) == pytest.approx(56.201737, abs=1e-6)


@given(xs=st.lists(attainment, min_size=1, max_size=8), c=positive_weight, rho=rhos)
def test_equal_weights_are_the_same_as_unweighted(xs: list[float], c: float, rho: float) -> None:
    assert t_score(xs, [c] * len(xs), rho) == pytest.approx(t_score(xs, None, rho), abs=1e-9)


# --- Properties --------------------------------------------------------------------------------


@given(goals=weighted_goals(), rho=rhos)
def test_negating_all_attainments_mirrors_the_score_around_50(
    goals: tuple[list[float], list[float]], rho: float
) -> None:
    xs, ws = goals
    above = t_score(xs, ws, rho) - 50
    below = t_score([-x for x in xs], ws, rho) - 50
    assert above == pytest.approx(-below, abs=1e-9)


@given(xs=st.lists(attainment, min_size=1, max_size=8), rho=rhos)
def test_negating_all_attainments_mirrors_the_unweighted_score_around_50(xs: list[float], rho: float) -> None:
    assert t_score(xs, rho=rho) + t_score([-x for x in xs], rho=rho) == pytest.approx(100.0, abs=1e-9)


@given(goals=weighted_goals(), rho=rhos, data=st.data())
def test_raising_one_goal_never_lowers_the_score(
    goals: tuple[list[float], list[float]], rho: float, data: st.DataObject
) -> None:
    xs, ws = goals
    i = data.draw(st.integers(min_value=0, max_value=len(xs) - 1), label="goal")
    raised = data.draw(st.floats(min_value=xs[i], max_value=2.0), label="raised attainment")
    better = [*xs[:i], raised, *xs[i + 1 :]]
    assert t_score(better, ws, rho) >= t_score(xs, ws, rho)


@given(goals=weighted_goals(), rho=rhos, data=st.data())
def test_raising_one_goal_by_a_whole_level_raises_the_score(
    goals: tuple[list[float], list[float]], rho: float, data: st.DataObject
) -> None:
    # With Vegviser-sized weights (at least 1 each), a whole level is a visible change.
    xs, _ = goals
    ws = data.draw(st.lists(st.sampled_from((1, 2, 3, 4, 6, 9)), min_size=len(xs), max_size=len(xs)))
    candidates = [i for i, x in enumerate(xs) if x <= 1.0]
    if not candidates:
        xs[0], candidates = 0.0, [0]
    i = data.draw(st.sampled_from(candidates), label="goal")
    better = [*xs[:i], xs[i] + 1.0, *xs[i + 1 :]]
    assert t_score(better, ws, rho) > t_score(xs, ws, rho) + 1e-6


@given(goals=weighted_goals(), rho=rhos, factor=st.floats(min_value=1e-6, max_value=1e6))
def test_scaling_all_weights_leaves_the_score_unchanged(
    goals: tuple[list[float], list[float]], rho: float, factor: float
) -> None:
    xs, ws = goals
    assert t_score(xs, [w * factor for w in ws], rho) == pytest.approx(t_score(xs, ws, rho), abs=1e-9)


@given(goals=weighted_goals(), rho=rhos, data=st.data())
def test_permuting_goals_with_their_weights_leaves_the_score_unchanged(
    goals: tuple[list[float], list[float]], rho: float, data: st.DataObject
) -> None:
    # Exactly the same float: the sums are correctly rounded (math.fsum), as gas.py documents.
    xs, ws = goals
    order = data.draw(st.permutations(range(len(xs))), label="order")
    assert t_score([xs[k] for k in order], [ws[k] for k in order], rho) == t_score(xs, ws, rho)


@given(goals=weighted_goals(), rho=rhos)
def test_all_at_minus_two_is_the_minimum_and_all_at_plus_two_the_maximum(
    goals: tuple[list[float], list[float]], rho: float
) -> None:
    xs, ws = goals
    n = len(xs)
    assert t_score([-2] * n, ws, rho) <= t_score(xs, ws, rho) <= t_score([2] * n, ws, rho)


@given(n=st.integers(min_value=1, max_value=20), rho=rhos)
def test_unweighted_extremes_for_n_goals(n: int, rho: float) -> None:
    # Unweighted, all at ±2: 50 ± 10·2n / sqrt((1−ρ)·n + ρ·n²).
    spread = 20 * n / math.sqrt((1 - rho) * n + rho * n * n)
    assert t_score([-2] * n, rho=rho) == pytest.approx(50 - spread, abs=1e-9)
    assert t_score([2] * n, rho=rho) == pytest.approx(50 + spread, abs=1e-9)


@given(goals=weighted_goals(min_size=2), rho=rhos, data=st.data())
def test_a_goal_with_weight_zero_counts_for_nothing(
    goals: tuple[list[float], list[float]], rho: float, data: st.DataObject
) -> None:
    xs, ws = goals
    i = data.draw(st.integers(min_value=0, max_value=len(xs) - 1), label="weightless goal")
    with_zero = [*ws[:i], 0.0, *ws[i + 1 :]]
    without = (xs[:i] + xs[i + 1 :], ws[:i] + ws[i + 1 :])
    assert t_score(xs, with_zero, rho) == pytest.approx(t_score(*without, rho), abs=1e-9)


def test_extreme_but_valid_weights_give_a_finite_score() -> None:
    # Squaring 1e-200 underflows and squaring 1e200 overflows; the ratio of the weights is all that
    # matters, so these must score like (1, 1) and (1, 2).
    assert t_score([1, -1], [1e-200, 1e-200]) == pytest.approx(t_score([1, -1]), abs=1e-9)
    assert t_score([2, 1], [1e200, 2e200]) == pytest.approx(t_score([2, 1], [1, 2]), abs=1e-9)
    assert t_score([2], [5e-324]) == pytest.approx(70.0, abs=1e-9)


# --- Errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attainments", "weights", "rho", "message"),
    [
        ([], None, 0.3, "At least one goal"),
        ([], [], 0.3, "At least one goal"),
        ([0, 2.5], None, 0.3, "Attainment of goal 1"),
        ([-2.01], None, 0.3, "Attainment of goal 0"),
        ([3], None, 0.3, "between -2 and 2"),
        ([math.nan], None, 0.3, "Attainment of goal 0"),
        ([math.inf], None, 0.3, "Attainment of goal 0"),
        ([0, 1], [1], 0.3, "Got 1 weights for 2 goals"),
        ([0, 1], [1, 2, 3], 0.3, "Got 3 weights for 2 goals"),
        ([0, 1], [], 0.3, "Got 0 weights for 2 goals"),
        ([0, 1], [1, -1], 0.3, "Weight of goal 1"),
        ([0, 1], [-0.001, 1], 0.3, "non-negative"),
        ([0, 1], [1, math.inf], 0.3, "Weight of goal 1"),
        ([0, 1], [1, math.nan], 0.3, "Weight of goal 1"),
        ([0, 1], None, -0.1, "rho"),
        ([0, 1], None, 1.0, "rho"),
        ([0, 1], None, 1.5, "rho"),
        ([0, 1], None, math.nan, "rho"),
    ],
)
def test_invalid_input_is_refused(
    attainments: list[float], weights: list[float] | None, rho: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        t_score(attainments, weights, rho)


def test_the_limits_themselves_are_accepted() -> None:
    # −2, +2 and ρ = 0 are inside the allowed ranges; ρ just below 1 is too.
    assert t_score([-2, 2], [0, 1], rho=0.0) == pytest.approx(70.0, abs=1e-12)
    assert math.isfinite(t_score([1, 1], rho=0.999999))


# --- weights_for -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "goals",
    [
        [(None, 2)],
        [(2, None)],
        [(None, None)],
        [(3, 3), (2, 1), (None, 3)],
        [(1, None), (3, 3)],
    ],
)
def test_weights_for_is_none_when_any_goal_lacks_a_rating(goals: list[tuple[int | None, int | None]]) -> None:
    assert weights_for(goals) is None


def test_weights_for_is_importance_times_difficulty() -> None:
    assert weights_for([(1, 2), (2, 3), (3, 3), (0, 3), (3, 0)]) == [2.0, 6.0, 9.0, 0.0, 0.0]
    assert weights_for([]) == []


def test_weights_for_feeds_t_score() -> None:
    # (1·2, 2·3, 3·3) = (2, 6, 9): the weighted example above, ≈ 62.221220.
    ws = weights_for([(1, 2), (2, 3), (3, 3)])
    assert t_score([-1, 0, 2], ws) == pytest.approx(62.221220, abs=1e-6)
    # A missing rating makes the plan unweighted: ≈ 54.564355.
    assert t_score([-1, 0, 2], weights_for([(1, 2), (None, 3), (3, 3)])) == pytest.approx(54.564355, abs=1e-6)


@pytest.mark.parametrize(
    "goals",
    [
        [(0, 0), (0, 0), (0, 0)],
        [(0, 3), (2, 0), (0, 1)],
    ],
)
def test_all_zero_weights_fall_back_to_unweighted(goals: list[tuple[int | None, int | None]]) -> None:
    ws = weights_for(goals)
    assert ws == [0.0, 0.0, 0.0]
    xs = [-1, 0, 2]
    # Unweighted: 50 + 10·1/sqrt(4.8) ≈ 54.564355.
    assert t_score(xs, ws) == t_score(xs)
    assert t_score(xs, ws) == pytest.approx(54.564355, abs=1e-6)


@given(xs=st.lists(attainment, min_size=1, max_size=8), rho=rhos)
def test_all_zero_weights_always_equal_the_unweighted_score(xs: list[float], rho: float) -> None:
    assert t_score(xs, [0.0] * len(xs), rho) == t_score(xs, None, rho)


@pytest.mark.parametrize(
    ("goals", "message"),
    [
        ([(4, 1)], "importance of goal 0"),
        ([(1, 1), (2, -1)], "difficulty of goal 1"),
        ([(1, 1), (None, 7)], "difficulty of goal 1"),
        ([(1.5, 1)], "whole number from 0 to 3"),
        ([(True, 1)], "importance of goal 0"),
    ],
)
def test_weights_for_refuses_ratings_outside_0_to_3(goals: list[tuple[Any, Any]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        weights_for(goals)


def test_gas_does_not_import_django() -> None:
    code = (
        "import sys, vegviser.assessments.gas\n"
        "print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
