"""What each score is called on a page, its unit in words, and how many decimals it is shown with.

The scoring functions name their scores by code (``barthel-100``); these are the words for the codes, in the
order an instrument's scores are read (the total before its conversion).
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .library import BASE_LANGUAGE, LANGUAGES

_SCORES = {
    "psfs-mean": gettext_lazy("PSFS mean (0–10)"),
    "barthel-100": gettext_lazy("Barthel Index (0–100)"),
    "barthel-20": gettext_lazy("Barthel Index (0–20)"),
    "mrs": gettext_lazy("mRS grade (0–6)"),
    "whodas-12-sum": gettext_lazy("WHODAS 2.0 sum (12–60)"),
    "whodas-12-percent": gettext_lazy("WHODAS 2.0 on 0–100"),
    "eq5d-5l-profile": gettext_lazy("EQ-5D-5L profile"),
    "eq5d-5l-index-no": gettext_lazy("EQ-5D-5L index, Norwegian value set"),
    "eq5d-5l-vas": gettext_lazy("EQ VAS (0–100)"),
    "iplos-variable": gettext_lazy("IPLOS score (1–5, 9 not relevant)"),
    "copm-performance": gettext_lazy("COPM performance (1–10)"),
    "copm-satisfaction": gettext_lazy("COPM satisfaction (1–10)"),
    "tug": gettext_lazy("Timed Up and Go"),
    "six-minute-walk": gettext_lazy("6-minute walk distance"),
    "berg": gettext_lazy("Berg Balance Scale (0–56)"),
    "sppb": gettext_lazy("SPPB total (0–12)"),
}
_ORDER = {code: position for position, code in enumerate(_SCORES)}
# The Norwegian value set is published to three decimals; means and measurements to two at most. Negative, as
# the `floatformat` filter takes it: no decimals at all for a whole number (a Barthel total of 85, not 85.00).
_DECIMALS = {"eq5d-5l-index-no": -3}
# Each score's own range, the y axis of its chart; a measurement (seconds, metres) and the EQ-5D-5L index
# (whose lowest value depends on the value set) have none, and their axis follows the values.
_RANGES: dict[str, tuple[float, float]] = {
    "psfs-mean": (0, 10),
    "barthel-100": (0, 100),
    "barthel-20": (0, 20),
    "mrs": (0, 6),
    "whodas-12-sum": (12, 60),
    "whodas-12-percent": (0, 100),
    "eq5d-5l-vas": (0, 100),
    "copm-performance": (1, 10),
    "copm-satisfaction": (1, 10),
    "berg": (0, 56),
    "sppb": (0, 12),
}


def score_label(code: str) -> str:
    label = _SCORES.get(code)
    return str(label) if label is not None else code


def score_order(code: str) -> int:
    return _ORDER.get(code, len(_ORDER))


def score_range(code: str) -> tuple[float, float] | None:
    return _RANGES.get(code)


def decimals(code: str) -> int:
    """The `floatformat` argument for the score's values and changes."""
    return _DECIMALS.get(code, -2)


def unit_label(unit: str) -> str:
    """The UCUM unit in words; a score without a physical unit ({score}) has none to show."""
    if unit in ("", "{score}"):
        return ""
    return {"s": _("seconds"), "m": _("metres"), "%": "%"}.get(unit, unit)


def page_language() -> str:
    """The language the page is in, as the library knows it (its questionnaires' nb, nn or en)."""
    language = (get_language() or BASE_LANGUAGE).split("-")[0]
    return language if language in LANGUAGES else BASE_LANGUAGE
