"""The national code lists: ICD-10 diagnoses and NCMP procedures, by the names the rest of Vegviser looks
them up with (`CodeSystem`, `validate_codes`, `icd10_name`, `ncmp_name`).

This module holds only the codes the episodes of care are tried with; the full lists, read from data files,
replace it with the same functions (a code not in the list is refused by name either way).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import ngettext_lazy


class CodeSystem(models.TextChoices):
    # The names of the code systems are the same in every language.
    ICD10 = "icd10", "ICD-10"
    ICPC2 = "icpc2", "ICPC-2"
    NCMP = "ncmp", "NCMP"


# The codes with their Norwegian names, as the published lists write them.
_CODES: dict[str, dict[str, str]] = {
    CodeSystem.ICD10: {
        "F84.0": "Barneautisme",
        "F84.9": "Uspesifisert gjennomgripende utviklingsforstyrrelse",
        "G80.1": "Spastisk diplegi cerebral parese",
        "G80.2": "Spastisk hemiplegisk cerebral parese",
        "I63.5": "Hj.inf. forårs. av uspes. okkl. eller stenose i hj.art.",
        "I63.9": "Uspesifisert hjerneinfarkt",
        "I69.3": "Følgetilstander etter hjerneinfarkt",
        "Z50.1": "Annen fysikalsk behandling",
        "Z50.8": "Beh. som omfatter bruk av annet spes. rehabiliteringstiltak",
        "Z50.80": "Kompleks rehabilitering",
        "Z50.89": "Enkel rehabilitering",
        "Z50.9": "Behandling som omfatter bruk av uspes. rehabiliteringstiltak",
    },
    CodeSystem.ICPC2: {},
    CodeSystem.NCMP: {
        "WMAA00": "Samtidig tverrfaglig utredning",
        "WMAB00": "Sekvensiell tverrfaglig utredning",
    },
}
SEPARATORS = re.compile(r"[\s,;]+")


def key(code: str) -> str:
    """What a code is looked up by: upper case, without points or blanks (F84.0 and f840 are one)."""
    return re.sub(r"[\s.]", "", code).upper()


def _lookup(system: str, code: str) -> str | None:
    wanted = key(code)
    return next((known for known in _CODES[CodeSystem(system)] if key(known) == wanted), None)


def name(system: str, code: str) -> str | None:
    found = _lookup(system, code)
    return _CODES[CodeSystem(system)][found] if found else None


def icd10_name(code: str) -> str | None:
    return name(CodeSystem.ICD10, code)


def icpc2_name(code: str) -> str | None:
    return name(CodeSystem.ICPC2, code)


def ncmp_name(code: str) -> str | None:
    return name(CodeSystem.NCMP, code)


def split_codes(text: str) -> list[str]:
    return [word for word in SEPARATORS.split(text.strip()) if word]


def validate_codes(system: str, codes: str | Iterable[str]) -> list[str]:
    """The codes (a text, or a list) as the list writes them (F840 is F84.0), each once, in the order given.
    Raises ValidationError naming every code the list does not have."""
    words = split_codes(codes) if isinstance(codes, str) else [code.strip() for code in codes]
    known: list[str] = []
    unknown: list[str] = []
    for word in words:
        if not word:
            continue
        found = _lookup(system, word)
        if found is None:
            if word not in unknown:
                unknown.append(word)
        elif found not in known:
            known.append(found)
    if unknown:
        raise ValidationError(
            ngettext_lazy(
                "Unknown %(system)s code: %(codes)s", "Unknown %(system)s codes: %(codes)s", "count"
            ),
            params={"system": CodeSystem(system).label, "codes": ", ".join(unknown), "count": len(unknown)},
            code="unknown_code",
        )
    return known
