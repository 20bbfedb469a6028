"""Goal attainment scaling (GAS): the aggregated T-score for a set of goals.

Each goal in a plan is rated on the five-point GAS scale

    -2  much less than expected
    -1  somewhat less than expected
     0  the expected outcome
    +1  somewhat better than expected
    +2  much better than expected

and the ratings are combined into one T-score (Kiresuk & Sherman 1968):

    T = 50 + 10·Σ(wᵢxᵢ) / sqrt((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²)

where xᵢ is the attainment of goal i, wᵢ its weight and ρ the assumed correlation between goals
(conventionally 0.3). T is 50 when every goal is met exactly as expected, with a standard deviation
of about 10 under the method's assumptions.

In rehabilitation practice (Turner-Stokes 2009) a goal's weight is the product of its importance to
the person (rated by the person) and its expected difficulty (rated by the team), each on a 0–3 scale;
this is the practice that the later, simplified "GAS-light" approach builds on, and the one Vegviser
follows. Goals without both ratings are scored unweighted.

This module is pure Python with no Django dependency so it can be used anywhere.

Sources:
    Kiresuk TJ, Sherman RE. Goal attainment scaling: a general method for evaluating comprehensive
    community mental health programs. Community Mental Health Journal 1968;4(6):443–453.

    Turner-Stokes L. Goal attainment scaling (GAS) in rehabilitation: a practical guide.
    Clinical Rehabilitation 2009;23(4):362–370. doi:10.1177/0269215508101742.
    (The formulas as first printed contained errors; the published erratum gives the formula above.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "DEFAULT_RHO",
    "MAX_ATTAINMENT",
    "MAX_RATING",
    "MIN_ATTAINMENT",
    "MIN_RATING",
    "t_score",
    "weights_for",
]

MIN_ATTAINMENT = -2.0
MAX_ATTAINMENT = 2.0
DEFAULT_RHO = 0.3
MIN_RATING = 0
MAX_RATING = 3


def t_score(
    attainments: Sequence[float],
    weights: Sequence[float] | None = None,
    rho: float = DEFAULT_RHO,
) -> float:
    """Return the Kiresuk–Sherman goal attainment T-score for a set of goals.

    Args:
        attainments: the attainment level of each goal, from -2 to +2. Usually one of the five
            whole levels, but any value in [-2, 2] is accepted because averaged ratings (several
            raters, or several follow-ups) can be fractional.
        weights: one non-negative weight per goal, in the same order as ``attainments``. In
            Vegviser a weight is importance × difficulty (see :func:`weights_for`). ``None``
            means unweighted: every weight is 1.
        rho: the assumed correlation between the goal scales, in [0, 1). 0.3 by default: the
            conventional value since Kiresuk & Sherman, and the one Turner-Stokes (2009) uses.

    Returns:
        The T-score. 50 means every goal was met as expected; with ρ = 0.3 an unweighted single
        goal ranges from 30 (−2) to 70 (+2).

    Raises:
        ValueError: if there are no goals; if an attainment is outside [-2, 2] or not a finite
            number; if ``weights`` is not the same length as ``attainments`` or contains a
            negative or non-finite weight; or if ``rho`` is not in [0, 1).

    All-zero weights:
        If every weight is zero (for example, importance or difficulty was rated 0 for every
        goal), the score falls back to the unweighted score rather than raising. The formula is
        undefined in that case — both the numerator and the denominator are zero — and ratings
        that make every goal weightless say nothing about how the goals compare with one
        another, so treating them as equally weighted is the only reading that still uses the
        attainments. When only some weights are zero, those goals simply do not count.

    The result depends only on the ratios between weights (multiplying every weight by the same
    positive constant leaves it unchanged) and not on the order of the goals: the sums are
    computed with :func:`math.fsum`, which is correctly rounded, so permuting the goals together
    with their weights gives exactly the same float.
    """
    xs = [float(x) for x in attainments]
    if not xs:
        raise ValueError("At least one goal is needed to compute a goal attainment T-score.")
    for index, x in enumerate(xs):
        if not MIN_ATTAINMENT <= x <= MAX_ATTAINMENT:  # also rejects NaN
            raise ValueError(
                f"Attainment of goal {index} is {x!r}; it must be between "
                f"{MIN_ATTAINMENT:g} and {MAX_ATTAINMENT:g}."
            )
    rho = float(rho)
    if not 0.0 <= rho < 1.0:  # also rejects NaN
        raise ValueError(f"rho is {rho!r}; the correlation between goals must be in [0, 1).")

    if weights is None:
        ws = [1.0] * len(xs)
    else:
        ws = [float(w) for w in weights]
        if len(ws) != len(xs):
            raise ValueError(f"Got {len(ws)} weights for {len(xs)} goals; give exactly one weight per goal.")
        for index, w in enumerate(ws):
            if not math.isfinite(w) or w < 0.0:
                raise ValueError(f"Weight of goal {index} is {w!r}; weights must be finite and non-negative.")
        largest = max(ws)
        # All weights zero: the formula is 0/0, so fall back to unweighted (see the docstring).
        # Otherwise divide by the largest weight. The score is invariant to scaling the weights,
        # and this keeps every weight in [0, 1] with at least one equal to 1, so the squares can
        # neither underflow to a zero denominator nor overflow for extreme inputs.
        ws = [w / largest for w in ws] if largest > 0.0 else [1.0] * len(xs)

    numerator = math.fsum(w * x for w, x in zip(ws, xs, strict=True))
    sum_of_squares = math.fsum(w * w for w in ws)
    total = math.fsum(ws)
    denominator = math.sqrt((1.0 - rho) * sum_of_squares + rho * total * total)
    return 50.0 + 10.0 * numerator / denominator


def weights_for(goals: Sequence[tuple[int | None, int | None]]) -> list[float] | None:
    """Return the GAS weight (importance × difficulty) of each goal, or ``None`` for unweighted.

    Args:
        goals: one ``(importance, difficulty)`` pair per goal, each rated 0–3 (Turner-Stokes
            2009: importance to the person, 0 = not at all … 3 = very; difficulty as judged by
            the team, 0 = not at all … 3 = very), or ``None`` where the rating has not been
            given.

    Returns:
        ``None`` if any goal lacks its importance or its difficulty. A plan is either weighted
        throughout or not at all: mixing weighted goals with goals given some default weight
        would let a missing rating change the score, so the whole plan is then scored
        unweighted — pass the ``None`` straight on to :func:`t_score`. Otherwise the list of
        products, in the same order as ``goals`` (0–9 each). An empty ``goals`` gives ``[]``.

        A product of zero (importance or difficulty rated 0) makes that goal count for nothing;
        if every product is zero, :func:`t_score` falls back to the unweighted score.

    Raises:
        ValueError: if a given rating is not a whole number from 0 to 3.
    """
    products: list[float] = []
    complete = True
    for index, (importance, difficulty) in enumerate(goals):
        for name, rating in (("importance", importance), ("difficulty", difficulty)):
            if rating is not None and (
                isinstance(rating, bool)
                or not isinstance(rating, int)
                or not MIN_RATING <= rating <= MAX_RATING
            ):
                raise ValueError(
                    f"The {name} of goal {index} is {rating!r}; it must be a whole number "
                    f"from {MIN_RATING} to {MAX_RATING}."
                )
        if importance is None or difficulty is None:
            complete = False
        else:
            products.append(float(importance * difficulty))
    return products if complete else None
