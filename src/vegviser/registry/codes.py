"""The national code lists shipped in `data/`: ICD-10 and ICPC-2 with their Norwegian names, and the NCMP
procedure codes a public source was found for (where each list comes from: `data/README.md`).

The lists are read on first use and kept for the life of the process: a request that never looks up a code
never reads them. Everything here is reference data, never health data.

    icd10_name("F840")                      -> "Barneautisme"   (any form: F84.0, f840, " F84.0 ")
    icpc2_name("T90"), ncmp_name("WMAA00")  -> the name, or None for a code not in the list
    search(CodeSystem.ICD10, "autisme")     -> [Code("F84.0", "Barneautisme"), ...]
    validate_codes(CodeSystem.ICPC2, "p85, t90")
                                            -> ["P85", "T90"], or ValidationError naming every unknown code
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

DATA = Path(__file__).resolve().parent / "data"


class CodeSystem(models.TextChoices):
    # The names of the code systems are the same in every language.
    ICD10 = "icd10", "ICD-10"
    ICPC2 = "icpc2", "ICPC-2"
    NCMP = "ncmp", "NCMP"


FILES = {
    CodeSystem.ICD10: DATA / "icd10.csv",
    CodeSystem.ICPC2: DATA / "icpc2.csv",
    CodeSystem.NCMP: DATA / "ncmp.csv",
}
# What a user may put between codes: commas, semicolons and blanks.
SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Code:
    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.name else self.code


def key(code: str) -> str:
    """What a code is looked up by: upper case, without points or blanks (F84.0, f840 and "F84 .0" are
    one)."""
    return re.sub(r"[\s.]", "", code).upper()


@dataclass(frozen=True)
class CodeList:
    codes: tuple[Code, ...]  # in the list's order (by code)
    by_key: dict[str, Code]
    # The codes ordered by key, and their keys: the codes that begin with a text are found by bisection.
    by_prefix: tuple[Code, ...]
    sorted_keys: tuple[str, ...]
    folded_names: tuple[str, ...]  # each code's name in lower case, for search


@cache
def code_list(system: str) -> CodeList:
    """The whole list, read once per process on first use."""
    with FILES[CodeSystem(system)].open(encoding="utf-8", newline="") as handle:
        codes = tuple(Code(row["code"], row["text"]) for row in csv.DictReader(handle))
    ordered = sorted((key(code.code), code) for code in codes)
    return CodeList(
        codes=codes,
        by_key={key(code.code): code for code in codes},
        by_prefix=tuple(code for _key, code in ordered),
        sorted_keys=tuple(code_key for code_key, _code in ordered),
        folded_names=tuple(code.name.casefold() for code in codes),
    )


def lookup(system: str, code: str) -> Code | None:
    """The code as the list writes it, with its name; None for a code not in the list."""
    return code_list(system).by_key.get(key(code))


def name(system: str, code: str) -> str | None:
    found = lookup(system, code)
    return found.name if found else None


def icd10_name(code: str) -> str | None:
    """The Norwegian name of an ICD-10 code (F84.0, or as typed: f840), or None if it is not in the list."""
    return name(CodeSystem.ICD10, code)


def icpc2_name(code: str) -> str | None:
    """The Norwegian name of an ICPC-2 code (T90), or None if it is not in the list."""
    return name(CodeSystem.ICPC2, code)


def ncmp_name(code: str) -> str | None:
    """The Norwegian name of an NCMP procedure code, or None if the shipped list does not have it (it holds
    only the codes a public source was found for: data/README.md)."""
    return name(CodeSystem.NCMP, code)


def search(system: str, query: str, limit: int = 20) -> list[Code]:
    """Codes that begin with `query` (F84, f84.0), then codes whose name holds every word of it (autisme,
    «cerebral parese»), at most `limit`, each once. Upper and lower case are alike, Norwegian letters too."""
    words = query.casefold().split()
    if not words or limit <= 0:
        return []
    codes = code_list(system)
    found = starting_with(system, query, limit)
    if len(found) < limit:
        seen = set(found)
        for code, folded in zip(codes.codes, codes.folded_names, strict=True):
            if code not in seen and all(word in folded for word in words):
                found.append(code)
                if len(found) == limit:
                    break
    return found


def starting_with(system: str, prefix: str, limit: int) -> list[Code]:
    """The first `limit` codes that begin with `prefix`, in the order of their keys (F84.0 before F84.1)."""
    start = key(prefix)
    if not start:
        return []
    codes = code_list(system)
    found: list[Code] = []
    at = bisect_left(codes.sorted_keys, start)
    while at < len(codes.sorted_keys) and len(found) < limit and codes.sorted_keys[at].startswith(start):
        found.append(codes.by_prefix[at])
        at += 1
    return found


def split_codes(text: str) -> list[str]:
    """The codes in a text, as typed: separated by commas, semicolons or blanks."""
    return [word for word in SEPARATORS.split(text.strip()) if word]


def validate_codes(system: str, codes: str | Iterable[str]) -> list[str]:
    """The codes (a text, or a list) as the list writes them (F840 is F84.0), each once, in the order given.
    Raises ValidationError naming every code the list does not have, in the user's language; a code that
    only groups others (G80 in ICD-10) is named with the codes under it, since only those are used."""
    words = split_codes(codes) if isinstance(codes, str) else [code.strip() for code in codes]
    known: list[str] = []
    unknown: list[str] = []
    groups: dict[str, ValidationError] = {}
    label = CodeSystem(system).label
    for word in words:
        if not word:
            continue
        found = lookup(system, word)
        if found is not None:
            if found.code not in known:
                known.append(found.code)
            continue
        under = starting_with(system, word, 3) if len(key(word)) >= 3 else []
        if under:
            groups.setdefault(
                key(word),
                ValidationError(
                    _(
                        "%(code)s is a group of %(system)s codes: give one of its codes, such as "
                        "%(examples)s."
                    ),
                    params={"code": word, "system": label, "examples": ", ".join(c.code for c in under)},
                    code="code_group",
                ),
            )
        elif key(word) not in {key(seen) for seen in unknown}:
            unknown.append(word)
    errors = []
    if unknown:
        errors.append(
            ValidationError(
                ngettext_lazy(
                    "Unknown %(system)s code: %(codes)s", "Unknown %(system)s codes: %(codes)s", "count"
                ),
                params={"system": label, "codes": ", ".join(unknown), "count": len(unknown)},
                code="unknown_code",
            )
        )
    errors.extend(groups.values())
    if errors:
        raise ValidationError(errors)
    return known


def named(system: str, codes: Iterable[str]) -> list[Code]:
    """Each code with its name, for showing: a code the list no longer has keeps its code and an empty
    name."""
    return [lookup(system, code) or Code(code, "") for code in codes]


class CodesCheckedWhenChanged:
    """For a model that holds codes: its codes are checked against the lists only when they change.

    A yearly edition of a list may drop a code that stored rows carry; those rows must still be saved (an
    episode discharged, a referral assessed) without anyone being asked to recode them. The model names the
    fields that hold codes, or say which list they are from, in `code_fields`; the values read from the
    database are kept, and `codes_changed(...)` tells whether any of the named fields differs from them. A
    row not read from the database (a new one) has changed codes."""

    code_fields: tuple[str, ...] = ()
    # The code fields as read from the database (from_db): None for a row not yet stored.
    _stored_codes: dict[str, object] | None = None

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)  # type: ignore[misc]
        # A copy: a list changed in place is a change. A field not loaded (deferred) counts as changed.
        instance._stored_codes = {
            name: copy(instance.__dict__[name]) for name in cls.code_fields if name in instance.__dict__
        }
        return instance

    def codes_changed(self, *fields: str) -> bool:
        stored = self._stored_codes
        if stored is None:
            return True
        return any(name not in stored or stored[name] != getattr(self, name) for name in fields)
