"""Municipality names in Sami and Kven, their languages, and the folding that makes search forgiving.

The registry holds one parallel name per municipality. Where the official name has a second parallel name,
or a parallel name the registry lacks, it is listed in ``EXTRA_PARALLEL_NAMES`` from Statistics Norway's
classification of municipalities (KLASS 131, names in force on 1 January 2024).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NORTHERN_SAMI, SOUTHERN_SAMI, LULE_SAMI, KVEN = "se", "sma", "smj", "fkv"

LANGUAGE_NAMES: dict[str, str | Promise] = {
    NORTHERN_SAMI: _("Northern Sami"),
    SOUTHERN_SAMI: _("South Sami"),
    LULE_SAMI: _("Lule Sami"),
    KVEN: _("Kven"),
}
# Shown, without a lang attribute, for a name whose language is not recorded here.
UNKNOWN_LANGUAGE = _("Sami or Kven name")

# The language of the registry's `alternative_name`, by municipality number.
ALTERNATIVE_NAME_LANGUAGE = {
    "1826": SOUTHERN_SAMI,  # Aarborte – Hattfjelldal
    "1875": LULE_SAMI,  # Hábmer – Hamarøy
    "5025": SOUTHERN_SAMI,  # Rosse – Røros
    "5041": SOUTHERN_SAMI,  # Snåase – Snåsa
    "5043": SOUTHERN_SAMI,  # Raarvihke – Røyrvik
    "5512": NORTHERN_SAMI,  # Dielddanuorri – Tjeldsund
    "5518": NORTHERN_SAMI,  # Loabák – Lavangen
    "5540": NORTHERN_SAMI,  # Gáivuotna – Kåfjord – Kaivuono
    "5610": NORTHERN_SAMI,  # Kárášjohka – Karasjok
    "5612": NORTHERN_SAMI,  # Guovdageaidnu – Kautokeino
    "5628": NORTHERN_SAMI,  # Deatnu – Tana
    "5636": NORTHERN_SAMI,  # Unjárga – Nesseby
}

# Official parallel names that the registry's single `alternative_name` does not hold (language "" = not
# recorded here).
EXTRA_PARALLEL_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "1841": (("Fuossko", ""),),
    "1853": (("Evenássi", NORTHERN_SAMI),),
    "1870": (("Suortá", NORTHERN_SAMI),),
    "5503": (("Hárstták", NORTHERN_SAMI),),
    "5538": (("Omasvuotna", NORTHERN_SAMI), ("Omasvuono", KVEN)),
    "5540": (("Kaivuono", KVEN),),
    "5544": (("Ráisa", NORTHERN_SAMI), ("Raisi", KVEN)),
    "5622": (("Porsáŋgu", NORTHERN_SAMI), ("Porsanki", KVEN)),
}


@dataclass(frozen=True)
class ParallelName:
    name: str
    language: str  # BCP 47 code for the lang attribute, or "" when not known

    @property
    def language_name(self) -> str | Promise:
        return LANGUAGE_NAMES.get(self.language, UNKNOWN_LANGUAGE)


def parallel_names(number: str, alternative_name: str) -> tuple[ParallelName, ...]:
    names = []
    if alternative_name:
        names.append(ParallelName(alternative_name, ALTERNATIVE_NAME_LANGUAGE.get(number, "")))
    known = {name.name for name in names}
    names += [
        ParallelName(name, language)
        for name, language in EXTRA_PARALLEL_NAMES.get(number, ())
        if name not in known
    ]
    return tuple(names)


# Sami letters that Unicode does not decompose into a base letter and an accent.
_PLAIN_LETTERS = str.maketrans({"ŋ": "n", "đ": "d", "ŧ": "t", "ø": "o", "æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case without accents, so that "karasjohka" finds Kárášjohka and "tromso" finds Tromsø."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.replace("-", " ").replace("–", " ").split())


# Æ, Ø and Å come after Z in Norwegian; other accented letters sort with their base letter.
_NORWEGIAN_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}"})
_SAMI_LETTERS = str.maketrans({"ŋ": "n", "đ": "d", "ŧ": "t"})


def sort_key(name: str) -> str:
    text = name.casefold().translate(_NORWEGIAN_ORDER)
    text = unicodedata.normalize("NFKD", text.translate(_SAMI_LETTERS))
    return "".join(char for char in text if not unicodedata.combining(char))
