"""The national code lists shipped in registry/data: read on first use only, codes found in any form they
are typed in, unknown codes named in the user's language, ICD-10 and ICPC-2 kept apart, the NCMP codes that
have a source, and the code search that the referral form's suggestions ask (code list data only, for
professionals only)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from vegviser.registry import codes
from vegviser.registry.codes import (
    Code,
    CodeSystem,
    icd10_name,
    icpc2_name,
    ncmp_name,
    search,
    validate_codes,
)

from ..conftest import World, client_as, persona_user
from ..personas import CLERK, PROFESSIONALS, user_and_objects


@pytest.fixture(autouse=True)
def in_english() -> Any:
    """Messages in the catalogue's source language unless a test chooses another."""
    with translation.override("en"):
        yield


def test_the_shipped_lists_are_whole() -> None:
    icd10 = codes.code_list(CodeSystem.ICD10)
    icpc2 = codes.code_list(CodeSystem.ICPC2)
    # The counts of Helsedirektoratet's lists for 2026 as compiled (data/README.md).
    assert (len(icd10.codes), len(icpc2.codes)) == (19_634, 708)
    assert all(code.name for code in icd10.codes + icpc2.codes)
    # ICD-10 as Norway writes it: the category, then a point before what follows it.
    assert all(re.fullmatch(r"[A-Z][0-9][0-9a-z](\.[0-9a-z]{1,3})?", code.code) for code in icd10.codes)
    assert all(re.fullmatch(r"[A-Z][0-9]{2,3}", code.code) for code in icpc2.codes)
    # No two codes are one code typed differently.
    assert len(icd10.by_key) == len(icd10.codes) and len(icpc2.by_key) == len(icpc2.codes)


def test_importing_the_module_reads_no_list() -> None:
    """Loading is on first use: a process that never looks up a code never reads the 1 MB of lists."""
    probe = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'vegviser.settings'); "
        "django.setup(); import vegviser.referrals.models; from vegviser.registry import codes; "
        "print(codes.code_list.cache_info().currsize); codes.icd10_name('F84.0'); "
        "print(codes.code_list.cache_info().currsize)"
    )
    result = subprocess.run(  # noqa: S603 - the test's own interpreter and a fixed script
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0", "1"]


@pytest.mark.django_db
def test_a_page_without_codes_reads_no_list(world: World) -> None:
    codes.code_list.cache_clear()
    assert client_as(world.coordinator).get(reverse("home")).status_code == 200
    assert codes.code_list.cache_info().currsize == 0


def test_names_are_found_whatever_form_the_code_is_typed_in() -> None:
    assert icd10_name("F84.0") == icd10_name("f840") == icd10_name(" F84 .0 ") == "Barneautisme"
    assert icd10_name("Z50.1") == "Annen fysikalsk behandling"
    # Norway's own extensions keep their lower-case letter; typed in upper case they are found.
    assert codes.lookup(CodeSystem.ICD10, "I210A") == Code(
        "I21.0a", "Akutt transmuralt hjerteinfarkt type 4a i fremre vegg"
    )
    assert icpc2_name("t90") == "Diabetes type 2"
    assert icd10_name("X99.9") is None and icpc2_name("Q01") is None
    assert str(codes.lookup(CodeSystem.ICD10, "g801")) == "G80.1 Spastisk diplegi cerebral parese"


def test_codes_are_normalised_each_once_in_the_order_given() -> None:
    assert validate_codes(CodeSystem.ICD10, "f840; G80.1  z501 G801,F84.0") == ["F84.0", "G80.1", "Z50.1"]
    assert validate_codes(CodeSystem.ICD10, ["z50.1", "f84.0"]) == ["Z50.1", "F84.0"]
    assert validate_codes(CodeSystem.ICD10, "") == []
    assert validate_codes(CodeSystem.ICPC2, "p85, t90") == ["P85", "T90"]


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "Unknown ICD-10 code: X99.9", "Unknown ICD-10 codes: X99.9, autisme"),
        ("nb", "Ukjent ICD-10-kode: X99.9", "Ukjente ICD-10-koder: X99.9, autisme"),
        ("nn", "Ukjend ICD-10-kode: X99.9", "Ukjende ICD-10-kodar: X99.9, autisme"),
    ],
)
def test_every_unknown_code_is_named_in_the_users_language(language: str, one: str, two: str) -> None:
    with translation.override(language):
        with pytest.raises(ValidationError) as caught:
            validate_codes(CodeSystem.ICD10, "F84.0, X99.9")
        assert caught.value.messages == [one]
        with pytest.raises(ValidationError) as caught:
            validate_codes(CodeSystem.ICD10, "X99.9 F84.0 autisme x99.9")
        assert caught.value.messages == [two]


def test_a_group_is_answered_with_the_codes_under_it() -> None:
    """G80 (cerebral palsy) is not used in Norway: its codes G80.0 to G80.9 are."""
    with pytest.raises(ValidationError) as caught:
        validate_codes(CodeSystem.ICD10, "G80, g80")
    assert caught.value.messages == [
        "G80 is a group of ICD-10 codes: give one of its codes, such as G80.0, G80.1, G80.2."
    ]
    with translation.override("nb"):
        with pytest.raises(ValidationError) as caught:
            validate_codes(CodeSystem.ICD10, "G80, X99.9")
        assert caught.value.messages == [
            "Ukjent ICD-10-kode: X99.9",
            "G80 er en gruppe ICD-10-koder: oppgi en av kodene i gruppen, for eksempel G80.0, G80.1, G80.2.",
        ]


def test_icpc2_and_icd10_are_different_lists() -> None:
    # A01 is pain in ICPC-2, and in ICD-10 only the group of typhoid and paratyphoid fevers.
    assert validate_codes(CodeSystem.ICPC2, "A01") == ["A01"]
    assert icpc2_name("A01") == "Smerte generell/flere steder"
    with pytest.raises(ValidationError, match="group of ICD-10 codes"):
        validate_codes(CodeSystem.ICD10, "A01")
    # T90 is diabetes in ICPC-2 and no code of its own in ICD-10.
    assert validate_codes(CodeSystem.ICPC2, "T90") == ["T90"]
    with pytest.raises(ValidationError):
        validate_codes(CodeSystem.ICD10, "T90")
    # A70 is in both, with different meanings.
    assert icpc2_name("A70") == "Tuberkulose"
    assert icd10_name("A70") == "Chlamydia psittaci-infeksjon"
    # An ICD-10 code is no ICPC-2 code.
    with pytest.raises(ValidationError, match=r"Unknown ICPC-2 code: F84\.0"):
        validate_codes(CodeSystem.ICPC2, "F84.0")


def test_ncmp_has_only_the_codes_with_a_source() -> None:
    assert ncmp_name("WMAA00") == ncmp_name("wmaa00") == "Samtidig tverrfaglig utredning"
    assert ncmp_name("WMAB00") == "Sekvensiell tverrfaglig utredning"
    # No public source was found for chapter O (data/README.md): these are not shipped.
    for code in ["OAEA00", "OCAA00", "ODBC10"]:
        assert ncmp_name(code) is None
    assert validate_codes(CodeSystem.NCMP, "wmaa00") == ["WMAA00"]
    with pytest.raises(ValidationError, match="Unknown NCMP code: OAEA00"):
        validate_codes(CodeSystem.NCMP, "OAEA00")


def test_search_by_the_beginning_of_a_code_or_words_of_its_name() -> None:
    assert [code.code for code in search(CodeSystem.ICD10, "f84", limit=3)] == ["F84.0", "F84.1", "F84.2"]
    assert [code.code for code in search(CodeSystem.ICD10, "F84.0")] == ["F84.0"]
    palsy = [code.code for code in search(CodeSystem.ICD10, "Cerebral PARESE")]
    assert {f"G80.{n}" for n in "0123489"} <= set(palsy)
    # Norwegian letters, in either case.
    assert search(CodeSystem.ICPC2, "SYKDOMSFØLELSE") == [Code("A05", "Sykdomsfølelse")]
    assert search(CodeSystem.ICPC2, "barneautisme") == []
    assert len(search(CodeSystem.ICD10, "a", limit=5)) == 5
    assert search(CodeSystem.ICD10, "   ") == []
    # A code that begins with the query comes before one whose name holds it.
    assert search(CodeSystem.ICPC2, "a0", limit=1)[0].code == "A01"


@given(st.text(max_size=30))
def test_any_text_is_searched_or_refused_cleanly(text: str) -> None:
    assert len(search(CodeSystem.ICPC2, text, limit=5)) <= 5
    try:
        found = validate_codes(CodeSystem.ICPC2, text)
    except ValidationError as error:
        assert error.messages
    else:
        assert all(icpc2_name(code) for code in found)


def test_the_lists_are_written_from_the_compiled_files(tmp_path: Path, monkeypatch: Any) -> None:
    """`vegviser code_lists` (the yearly refresh) keeps the texts and gives ICD-10 codes their point."""
    icd10 = tmp_path / "ICD10.json"
    icpc2 = tmp_path / "ICPC2.json"
    icd10.write_text(
        json.dumps(
            [
                {"code": "F840", "text": "Barneautisme"},
                {"code": "G80", "text": "Cerebral parese"},
                {"code": "V0n0a", "text": "Fotgjskad tr uly;bolig;Industri"},
            ]
        ),
        encoding="utf-8",
    )
    icpc2.write_text(json.dumps([{"code": "A05", "text": "Sykdomsfølelse, «generell»"}]), encoding="utf-8")
    for system in (CodeSystem.ICD10, CodeSystem.ICPC2):
        monkeypatch.setitem(codes.FILES, system, tmp_path / f"{system}.csv")
    call_command("code_lists", icd10=icd10, icpc2=icpc2)
    assert (tmp_path / "icd10.csv").read_text(encoding="utf-8") == (
        "code,text\nF84.0,Barneautisme\nG80,Cerebral parese\nV0n.0a,Fotgjskad tr uly;bolig;Industri\n"
    )
    icpc2_written = (tmp_path / "icpc2.csv").read_text(encoding="utf-8")
    assert icpc2_written == 'code,text\nA05,"Sykdomsfølelse, «generell»"\n'
    codes.code_list.cache_clear()
    try:
        assert icpc2_name("a05") == "Sykdomsfølelse, «generell»"
    finally:
        codes.code_list.cache_clear()


# The code search behind the referral form's suggestions.


def _search(world: World, persona: str, **query: str) -> Any:
    return client_as(persona_user(world, persona)).get(reverse("registry:code_search"), query)


@pytest.mark.django_db
def test_the_code_search_answers_code_list_data_only(world: World) -> None:
    response = _search(world, "coordinator", system="icd10", q="autisme")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["system"] == "icd10"
    assert {"code": "F84.0", "name": "Barneautisme"} in body["results"]
    assert all(set(result) == {"code", "name"} for result in body["results"])
    assert _search(world, "coordinator", system="icpc2", q="t9").json()["results"][0] == {
        "code": "T90",
        "name": "Diabetes type 2",
    }
    # ICD-10 unless the form says otherwise; nothing typed, nothing found.
    assert _search(world, "coordinator", q="g801").json()["results"] == [
        {"code": "G80.1", "name": "Spastisk diplegi cerebral parese"}
    ]
    assert _search(world, "coordinator", q="").json()["results"] == []
    assert len(_search(world, "coordinator", q="a").json()["results"]) == 20
    assert _search(world, "coordinator", system="snomed", q="a").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted({"coordinator", "team_member", "ke_officer", "org_admin"}))
def test_professionals_may_search_the_codes(world: World, persona: str) -> None:
    assert persona in PROFESSIONALS
    assert _search(world, persona, q="F84").status_code == 200


@pytest.mark.django_db
def test_the_referral_clerk_may_search_the_codes(world: World) -> None:
    user, _objects = user_and_objects(world, CLERK, dict)
    assert client_as(user).get(reverse("registry:code_search"), {"q": "F84"}).status_code == 200


@pytest.mark.django_db
def test_no_one_else_may_search_the_codes(world: World) -> None:
    anonymous = _search(world, "anonymous", q="F84")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    # A citizen and the system administrator (no organisation of their own) are refused as if it were not
    # there.
    assert _search(world, "patient_user", q="F84").status_code == 404
    assert _search(world, "system_admin", q="F84").status_code == 404
