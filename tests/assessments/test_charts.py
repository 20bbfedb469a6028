"""The charts' geometry (scales, bounds, a single point, all values equal, a fall) and the words that stand
for them: the text alternative, and what changed said plainly to the person in Bokmål, Nynorsk and English."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.utils import translation

from vegviser.assessments import charts, labels, progress
from vegviser.assessments.charts import HEIGHT, LEFT, RIGHT, TOP, WIDTH, chart, nice_scale
from vegviser.assessments.library import MinimalImportantChange
from vegviser.assessments.selectors import ScoreRow, Series

BOTTOM = HEIGHT - charts.BOTTOM
RIGHT_EDGE = WIDTH - RIGHT


def test_a_score_with_a_range_is_drawn_on_that_range() -> None:
    drawn = chart([(date(2026, 3, 12), 45), (date(2026, 6, 12), 95)], bounds=(0, 100), decimals=-2)
    assert drawn is not None
    assert (drawn.low, drawn.high) == (0, 100)
    assert [tick.label for tick in drawn.y_ticks] == ["0", "25", "50", "75", "100"]
    first, last = drawn.points
    # Time runs left to right, from the left axis to the right edge; 45 of 100 sits 45 % up the plot.
    assert (first.x, last.x) == (LEFT, RIGHT_EDGE)
    assert first.y == pytest.approx(BOTTOM - 0.45 * (BOTTOM - TOP), abs=0.1)
    assert last.y < first.y
    assert drawn.line == f"{first.x:.1f},{first.y:.1f} {last.x:.1f},{last.y:.1f}"


def test_the_x_axis_is_proportional_to_time() -> None:
    days = [date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 31)]
    drawn = chart([(day, 5) for day in days], bounds=(0, 10))
    assert drawn is not None
    middle = drawn.points[1].x
    assert middle == pytest.approx(LEFT + (RIGHT_EDGE - LEFT) / 3, abs=0.1)


def test_a_measurement_without_range_starts_at_zero_on_round_steps() -> None:
    low, high, step = nice_scale([110, 230, 350])
    assert (low, high, step) == (0, 400, 100)
    drawn = chart([(date(2026, 1, 1), 110), (date(2026, 2, 1), 350)])
    assert drawn is not None
    assert all(TOP - 0.1 <= point.y <= BOTTOM + 0.1 for point in drawn.points)


def test_a_value_outside_the_range_widens_the_axis_to_hold_it() -> None:
    low, high, _step = nice_scale([-0.3, 0.9], bounds=(0, 1))
    assert low <= -0.3 and high >= 1


def test_a_single_point_sits_in_the_middle_with_one_date() -> None:
    drawn = chart([(date(2026, 3, 12), 7)], bounds=(0, 10))
    assert drawn is not None
    (point,) = drawn.points
    assert point.x == pytest.approx((LEFT + RIGHT_EDGE) / 2, abs=0.1)
    assert len(drawn.x_ticks) == 1


def test_all_values_equal_still_give_an_axis_with_height() -> None:
    low, high, step = nice_scale([3, 3, 3])
    assert high > low and step > 0
    assert low <= 3 <= high
    drawn = chart([(date(2026, 1, 1), 0), (date(2026, 2, 1), 0)])
    assert drawn is not None
    assert drawn.high > drawn.low
    assert all(point.y == pytest.approx(BOTTOM, abs=0.1) for point in drawn.points)


def test_a_fall_draws_downwards_and_a_negative_goal_rating_is_signed() -> None:
    drawn = chart(
        [(date(2026, 1, 1), 1), (date(2026, 2, 1), -2)], bounds=(-2, 2), decimals=0, reference=0, signed=True
    )
    assert drawn is not None
    assert drawn.points[1].y > drawn.points[0].y
    assert drawn.points[1].y == pytest.approx(BOTTOM, abs=0.1)
    labels = [tick.label for tick in drawn.y_ticks]
    assert labels == ["\u22122", "\u22121", "0", "+1", "+2"]
    # The expected outcome, 0, is halfway up.
    assert drawn.reference == pytest.approx((TOP + BOTTOM) / 2, abs=0.1)


def test_the_minimal_important_change_is_a_band_around_the_first_value_within_the_plot() -> None:
    drawn = chart([(date(2026, 1, 1), 9), (date(2026, 2, 1), 6)], bounds=(0, 10), band_around_first=2)
    assert drawn is not None and drawn.band is not None
    # From 7 up to the top of the range (9 + 2 is cut at 10).
    assert drawn.band.top == pytest.approx(TOP, abs=0.1)
    assert drawn.band.bottom == pytest.approx(BOTTOM - 0.7 * (BOTTOM - TOP), abs=0.1)
    assert chart([(date(2026, 1, 1), 5)], bounds=(0, 10)).band is None  # type: ignore[union-attr]


def test_nothing_to_draw_is_no_chart() -> None:
    assert chart([]) is None


def test_date_labels_do_not_crowd_each_other() -> None:
    days = [date(2026, 1, day) for day in range(1, 29)]
    drawn = chart([(day, day.day) for day in days])
    assert drawn is not None
    positions = [tick.position for tick in drawn.x_ticks]
    assert positions[0] == LEFT and positions[-1] == RIGHT_EDGE
    assert drawn.x_ticks[0].anchor == "start" and drawn.x_ticks[-1].anchor == "end"
    spans = [charts.label_span(tick.position, tick.anchor) for tick in drawn.x_ticks]
    assert all(after[0] - before[1] >= charts.LABEL_SPACE for before, after in itertools.pairwise(spans))


def test_a_date_near_the_first_gives_way_to_its_label() -> None:
    """Four dates as the demo's PSFS has them: the second is 28 days after the first in a span of 92, too
    close for its label beside the first's, which starts at its point."""
    days = [date(2026, 9, 7), date(2026, 10, 5), date(2026, 11, 2), date(2026, 12, 8)]
    drawn = chart([(day, index) for index, day in enumerate(days)])
    assert drawn is not None
    spans = [charts.label_span(tick.position, tick.anchor) for tick in drawn.x_ticks]
    assert all(after[0] - before[1] >= charts.LABEL_SPACE for before, after in itertools.pairwise(spans))
    assert drawn.x_ticks[0].label == charts._date(days[0])
    assert drawn.x_ticks[-1].label == charts._date(days[-1])


def test_numbers_follow_the_language() -> None:
    with translation.override("nb"):
        assert charts.number(0.125, -3) == "0,125"
        assert charts.number(-1.5, -2) == "\u22121,50" or charts.number(-1.5, -2) == "\u22121,5"
    with translation.override("en"):
        assert charts.number(0.125, -3) == "0.125"


# Words


def _series(
    code: str, values: list[float], *, higher: bool | None = True, mic: float | None = None
) -> Series:
    days = [date(2026, 3, 12), date(2026, 4, 20), date(2026, 6, 10)][: len(values)]
    minimal = MinimalImportantChange(code, mic, "Ref", "Pop") if mic is not None else None
    series = Series(
        code=code,
        subject="",
        label=labels.score_label(code),
        unit="",
        decimals=-2,
        higher_is_better=higher,
        minimal_important_change=minimal,
    )
    first = values[0]
    for day, value in zip(days, values, strict=False):
        difference = value - first
        direction = "" if difference == 0 else ("better" if (difference > 0) == higher else "worse")
        important = None if mic is None else abs(difference) >= mic
        series.rows.append(
            ScoreRow(
                administered_on=day,
                value=value,
                value_code="",
                recorded_by="",
                context="",
                first_direction=direction,
                first_important=important,
            )
        )
    series.draw()
    return series


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "You walked 120 metres further than on March 12, 2026."),
        ("nb", "Du gikk 120 meter lenger enn 12. mars 2026."),
        ("nn", "Du gjekk 120 meter lenger enn 12. mars 2026."),
    ],
)
def test_the_person_reads_how_much_further_they_walked(language: str, expected: str) -> None:
    with translation.override(language):
        words = progress.change_in_words(_series("six-minute-walk", [230, 350]))
    assert words is not None
    assert words.what == expected


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("en", "You walked 1 metre less than", "You walked 30 metres less than"),
        ("nb", "Du gikk 1 meter kortere enn", "Du gikk 30 meter kortere enn"),
        ("nn", "Du gjekk 1 meter kortare enn", "Du gjekk 30 meter kortare enn"),
    ],
)
def test_one_metre_and_many_metres_less_take_their_own_forms(language: str, one: str, many: str) -> None:
    with translation.override(language):
        single = progress.change_in_words(_series("six-minute-walk", [200, 199]))
        several = progress.change_in_words(_series("six-minute-walk", [200, 170]))
    assert single is not None and several is not None
    assert single.what.startswith(one)
    assert several.what.startswith(many)


@pytest.mark.parametrize(
    ("language", "expected", "verdict"),
    [
        ("en", "Barthel Index (0–100) went up 15 points since the first, March 12, 2026.", "That is better."),
        (
            "nb",
            "Barthels ADL-indeks (0–100) gikk opp 15 poeng siden den første, 12. mars 2026.",
            "Det er bedre.",
        ),
        (
            "nn",
            "Barthels ADL-indeks (0–100) gjekk opp 15 poeng sidan den første, 12. mars 2026.",
            "Det er betre.",
        ),
    ],
)
def test_a_score_went_up_since_the_first(language: str, expected: str, verdict: str) -> None:
    with translation.override(language):
        words = progress.change_in_words(_series("barthel-100", [45, 50, 60]))
    assert words is not None
    assert words.what == expected
    assert words.verdict == verdict


def test_a_lower_score_that_is_better_says_so_and_names_the_minimal_important_change() -> None:
    with translation.override("en"):
        words = progress.change_in_words(_series("mrs", [4, 2], higher=False, mic=1))
    assert words is not None
    assert words.what.startswith("mRS grade (0–6) went down 2 points")
    assert words.verdict == "That is better, and at least the smallest change known to matter."


def test_a_fall_smaller_than_the_minimal_important_change_is_worse_but_small() -> None:
    with translation.override("en"):
        words = progress.change_in_words(_series("psfs-mean", [6, 5.5], mic=2))
    assert words is not None
    assert "went down 0.50 points" in words.what
    assert words.verdict == "That is worse, but less than the smallest change known to matter."


def test_on_the_pages_of_someone_acted_for_the_words_name_them() -> None:
    with translation.override("nb"):
        words = progress.change_in_words(_series("six-minute-walk", [230, 350]), name="Emil")
        timed = progress.change_in_words(_series("tug", [20, 14], higher=False), name="Emil")
    assert words is not None and timed is not None
    assert words.what.startswith("Emil gikk 120 meter lenger")
    assert timed.what.startswith("Timed Up and Go tok Emil 6 sekunder kortere tid")


def test_one_score_or_a_code_has_no_change_in_words() -> None:
    assert progress.change_in_words(_series("barthel-100", [45])) is None
    coded = _series("eq5d-5l-profile", [1, 1], higher=None)
    for row in coded.rows:
        row.value = None
        row.value_code = "11111"
    assert progress.change_in_words(coded) is None


def test_a_profile_has_no_chart_but_an_ordered_score_has_one_with_its_summary() -> None:
    assert _series("eq5d-5l-profile", [1, 2], higher=None).chart is None
    with translation.override("en"):
        series = _series("barthel-100", [45, 75, 95])
    assert series.chart is not None
    assert series.summary == (
        "Barthel Index (0–100): 3 values from March 12, 2026 to June 10, 2026. First 45, latest 95; "
        "lowest 45, highest 95."
    )
