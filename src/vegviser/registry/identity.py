"""Norwegian identity numbers and organisation numbers: parsing and validation.

A personal identity number has 11 digits, DDMMYY III K1 K2: the birth date, a three-digit
individual number and two check digits (Skatteetaten, «Fødselsnummer»; Skatteetaten,
«Nytt fødselsnummer fra 2032», folkeregisteret-api-dokumentasjon).

* K1 is checked with the weights 3, 7, 6, 1, 8, 9, 4, 5, 2 over digits 1-9. The classic rule
  wants (weighted sum + K1) mod 11 == 0. Fødselsnumre and D-numre issued from 1 January 2032
  may also leave the remainder 1, 2 or 3; both rules are accepted for those kinds.
* K2 is checked with the weights 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 over digits 1-10 and must
  always make (weighted sum + K2) mod 11 == 0.
* D-number: the first digit is raised by 4 (day 41-71). H-number: the month is raised by 40
  (41-52). FH-number (felles hjelpenummer): the first digit is 8 or 9 and the number carries
  no birth date. Synthetic test persons from Skatteetaten's Tenor have the month raised by 80
  (81-92), also on D-numbers; they are accepted only where test identities are allowed.
* The individual number and the two-digit year together give the century; see
  ``_birth_year`` for the table.

Organisation numbers (Brønnøysundregistrene's Enhetsregisteret) have 9 digits, the last a
mod-11 check digit over the weights 3, 2, 7, 6, 5, 4, 3, 2; python-stdnum checks them.

Error messages are lazy translations (Django's ``gettext_lazy``) fit to show to a user, in
``exc.args[0]``. They never contain the number: identity numbers must not reach logs or
error reports. For the same reason ``NationalId`` prints only a masked value.

The FHIR identifier systems are the OIDs in HL7 Norway's identifier namespace list
(Direktoratet for e-helse): 2.16.578.1.12.4.1.4.1 fødselsnummer, .4.2 D-nummer,
.4.3 felles hjelpenummer and .4.101 organisasjonsnummer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext_lazy as _  # type: ignore[import-untyped, unused-ignore]
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.no import orgnr

__all__ = [
    "FHIR_SYSTEM",
    "FHIR_SYSTEM_ORGANISATION_NUMBER",
    "NationalId",
    "NationalIdKind",
    "is_valid_organisation_number",
    "make_national_id",
    "normalise_organisation_number",
    "parse_national_id",
    "synthetic_national_id",
]

NationalIdKind = Literal["fnr", "dnr", "hnr", "fhn", "synthetic"]

# H-numbers and synthetic numbers have no OID of their own in the Norwegian namespace list,
# so callers must decide themselves how to send them; a missing key says exactly that.
FHIR_SYSTEM: Final = MappingProxyType(
    {
        "fnr": "urn:oid:2.16.578.1.12.4.1.4.1",
        "dnr": "urn:oid:2.16.578.1.12.4.1.4.2",
        "fhn": "urn:oid:2.16.578.1.12.4.1.4.3",
    }
)
FHIR_SYSTEM_ORGANISATION_NUMBER: Final = "urn:oid:2.16.578.1.12.4.1.4.101"

_KINDS: Final[frozenset[str]] = frozenset({"fnr", "dnr", "hnr", "fhn", "synthetic"})
_BUILDABLE_KINDS: Final[frozenset[str]] = frozenset({"fnr", "dnr", "hnr", "synthetic"})

# The 2032 rule is Skatteetaten's, for the fødselsnumre and D-numre it issues (Tenor's synthetic
# numbers imitate those). H- and FH-numbers are issued in the health sector under the classic
# rule, so a remainder other than 0 there is a typing error.
_KINDS_UNDER_2032_RULE: Final[frozenset[str]] = frozenset({"fnr", "dnr", "synthetic"})
_K1_REMAINDERS_2032_RULE: Final[frozenset[int]] = frozenset({0, 1, 2, 3})

_K1_WEIGHTS: Final = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS: Final = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# [0-9] rather than \d: \d also matches other scripts' digits, which int() would happily read.
_NATIONAL_ID_RE: Final = re.compile(r"([0-9]{6}) ?([0-9]{5})")
_ELEVEN_DIGITS_RE: Final = re.compile(r"[0-9]{11}")

_MSG_FORMAT: Final = _("An identity number has 11 digits.")
_MSG_CHECK_DIGITS: Final = _("The check digits do not match. Check the number for typing errors.")
_MSG_BIRTH_DATE: Final = _(
    "The number does not match a valid birth date. Check the number for typing errors."
)
_MSG_SYNTHETIC: Final = _("Test identity numbers are not accepted here.")
_MSG_ORGANISATION_FORMAT: Final = _("An organisation number has 9 digits.")
_MSG_ORGANISATION_CHECK_DIGIT: Final = _(
    "The check digit does not match. Check the organisation number for typing errors."
)

# Birth dates in the numbers are Norwegian calendar dates, whatever time zone the server runs in.
_NORWAY: Final = "Europe/Oslo"


@dataclass(frozen=True, slots=True)
class NationalId:
    """A validated personal identity number.

    ``value`` is the normalised 11 digits. ``birth_date`` is None for FH-numbers, which carry
    no date. ``str()`` and ``repr()`` show only the masked number so that logging an instance
    cannot leak it.
    """

    value: str
    kind: NationalIdKind
    birth_date: date | None

    def __post_init__(self) -> None:
        # Guards direct construction; parse_national_id() is the way to get a checked number.
        # The message leaves the value out for the same reason as everywhere else here.
        if _ELEVEN_DIGITS_RE.fullmatch(self.value) is None or self.kind not in _KINDS:
            raise ValueError("NationalId needs 11 digits and a known kind; use parse_national_id().")

    @property
    def masked(self) -> str:
        """The first six digits followed by five asterisks, for display."""
        return self.value[:6] + "*****"

    def __repr__(self) -> str:
        return f"NationalId(masked={self.masked!r}, kind={self.kind!r}, birth_date={self.birth_date!r})"

    def __str__(self) -> str:
        return self.masked


def parse_national_id(value: str, *, allow_synthetic: bool | None = None) -> NationalId:
    """Check and normalise a personal identity number.

    Surrounding whitespace is ignored, and one space may separate the six date digits from the
    five personal digits; anything else that is not a digit is refused. ``allow_synthetic``
    None means the ``VEGVISER_TEST_IDENTITIES`` setting decides (False when Django settings are
    not configured).

    Raises ValueError with a lazily translated message fit to show to the user.
    """
    match = _NATIONAL_ID_RE.fullmatch(value.strip())
    if match is None:
        raise ValueError(_MSG_FORMAT)
    digits = match.group(1) + match.group(2)

    # Check digits come first: a typing error anywhere is then reported as such, rather than
    # as an odd date or kind that the typo happened to produce.
    k1_remainder = _k1_remainder(digits)
    if _k2_remainder(digits) != 0 or k1_remainder not in _K1_REMAINDERS_2032_RULE:
        raise ValueError(_MSG_CHECK_DIGITS)
    kind = _kind_of(digits)
    if k1_remainder != 0 and kind not in _KINDS_UNDER_2032_RULE:
        raise ValueError(_MSG_CHECK_DIGITS)

    if kind == "synthetic":
        if allow_synthetic is None:
            allow_synthetic = _synthetic_allowed_by_settings()
        if not allow_synthetic:
            raise ValueError(_MSG_SYNTHETIC)

    if kind == "fhn":
        return NationalId(value=digits, kind=kind, birth_date=None)
    return NationalId(value=digits, kind=kind, birth_date=_birth_date(digits))


def make_national_id(birth_date: date, individual: int, kind: str = "fnr") -> str:
    """Build a valid number of kind fnr, dnr, hnr or synthetic, for tests and demo data.

    The check digits follow the classic rule. Raises ValueError when the individual number does
    not belong to the birth year's century, or when no check digit exists for it (a remainder
    of 1 would need the check digit 10): the caller then tries the next individual number. The
    birth date is not compared with today.
    """
    if kind not in _BUILDABLE_KINDS:
        raise ValueError("kind must be one of fnr, dnr, hnr or synthetic.")
    if not 0 <= individual <= 999:
        raise ValueError("The individual number must be between 0 and 999.")
    if _birth_year(birth_date.year % 100, individual) != birth_date.year:
        raise ValueError("The individual number does not belong to the century of the birth date.")
    number = _build(birth_date, individual, kind)
    if number is None:
        raise ValueError("No check digit exists for this individual number; try the next one.")
    return number


def synthetic_national_id(birth_date: date, seq: int = 0) -> str:
    """Return the ``seq``-th valid synthetic (Tenor-style) number for a birth date, counting from 0.

    Individual numbers are tried in rising order within the series that the birth year's
    century uses. Raises ValueError when the year is outside 1854-2039 or the series runs out.
    """
    if seq < 0:
        raise ValueError("seq must be zero or more.")
    remaining = seq
    for individual in _individual_numbers_for_year(birth_date.year):
        number = _build(birth_date, individual, "synthetic")
        if number is None:
            continue
        if remaining == 0:
            return number
        remaining -= 1
    raise ValueError("No more synthetic identity numbers exist for this birth date.")


def is_valid_organisation_number(value: str) -> bool:
    """Whether ``value`` is a valid 9-digit organisation number (spaces allowed as python-stdnum does)."""
    return orgnr.is_valid(value)


def normalise_organisation_number(value: str) -> str:
    """Return the organisation number as 9 digits, or raise ValueError with a user-fit message."""
    try:
        return orgnr.validate(value)
    except InvalidChecksum:
        raise ValueError(_MSG_ORGANISATION_CHECK_DIGIT) from None
    except ValidationError:
        raise ValueError(_MSG_ORGANISATION_FORMAT) from None


def _birth_year(yy: int, individual: int) -> int | None:
    """The birth year from the two-digit year and the individual number, or None.

    Skatteetaten's table for numbers issued before 2032:
    000-499 -> 1900-1999; 500-749 with year 54-99 -> 1854-1899; 500-999 with year 00-39 ->
    2000-2039; 900-999 with year 40-99 -> 1940-1999.

    From 1 January 2032 the individual number no longer tells the century («Nytt fødselsnummer
    fra 2032»), so the Folkeregister becomes the source of the birth date. This function is the
    one place to loosen when such numbers appear.
    """
    if individual <= 499:
        return 1900 + yy
    if individual <= 749 and yy >= 54:
        return 1800 + yy
    if individual >= 500 and yy <= 39:
        return 2000 + yy
    if individual >= 900 and yy >= 40:
        return 1900 + yy
    return None


def _kind_of(digits: str) -> NationalIdKind:
    """Classify 11 digits by the markers in the day and month digits."""
    if digits[0] in "89":
        return "fhn"
    is_d_number = digits[0] in "4567"
    month = int(digits[2:4])
    if 1 <= month <= 12:
        return "dnr" if is_d_number else "fnr"
    # An H-number stands in for a missing fødselsnummer or D-number, so it never has the
    # D-number marker as well; NAV's synthetic test persons (Dolly) combine the two, and are
    # not numbers this registry should take.
    if 41 <= month <= 52 and not is_d_number:
        return "hnr"
    if 81 <= month <= 92:
        return "synthetic"
    raise ValueError(_MSG_BIRTH_DATE)


def _birth_date(digits: str) -> date:
    """The birth date of a number that carries one, refusing impossible and future dates."""
    day = int(digits[0:2])
    month = int(digits[2:4])
    if day > 40:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    year = _birth_year(int(digits[4:6]), int(digits[6:9]))
    if year is None:
        raise ValueError(_MSG_BIRTH_DATE)
    try:
        born = date(year, month, day)
    except ValueError:
        # The standard library's message would not be translated; replace it, unchained.
        raise ValueError(_MSG_BIRTH_DATE) from None
    if born > _today_in_norway():
        raise ValueError(_MSG_BIRTH_DATE)
    return born


def _build(birth_date: date, individual: int, kind: str) -> str | None:
    """The number for these parts with classic check digits, or None when none exists."""
    day = birth_date.day + (40 if kind == "dnr" else 0)
    month = birth_date.month + {"hnr": 40, "synthetic": 80}.get(kind, 0)
    base = f"{day:02d}{month:02d}{birth_date.year % 100:02d}{individual:03d}"
    k1 = _classic_check_digit(_weighted_sum(base, _K1_WEIGHTS))
    if k1 is None:
        return None
    k2 = _classic_check_digit(_weighted_sum(base + k1, _K2_WEIGHTS))
    if k2 is None:
        return None
    return base + k1 + k2


def _individual_numbers_for_year(year: int) -> list[int]:
    """The individual numbers that _birth_year maps to ``year``, in rising order."""
    return [individual for individual in range(1000) if _birth_year(year % 100, individual) == year]


def _weighted_sum(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=False))


def _classic_check_digit(weighted_sum: int) -> str | None:
    # 11 - remainder, where 11 becomes 0 and 10 has no digit.
    check = (11 - weighted_sum % 11) % 11
    return None if check == 10 else str(check)


def _k1_remainder(digits: str) -> int:
    return (_weighted_sum(digits, _K1_WEIGHTS) + int(digits[9])) % 11


def _k2_remainder(digits: str) -> int:
    return (_weighted_sum(digits, _K2_WEIGHTS) + int(digits[10])) % 11


def _synthetic_allowed_by_settings() -> bool:
    # Imported here so that importing this module never needs Django settings.
    from django.conf import settings  # type: ignore[import-untyped, unused-ignore]

    if not settings.configured:
        return False
    return bool(getattr(settings, "VEGVISER_TEST_IDENTITIES", False))


def _today_in_norway() -> date:
    try:
        return datetime.now(ZoneInfo(_NORWAY)).date()
    except ZoneInfoNotFoundError:
        # Without time zone data the server's own date is the best there is.
        return date.today()
