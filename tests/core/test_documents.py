"""A long tagged PDF takes time in proportion to its length (vegviser/core/documents.py)."""

from __future__ import annotations

import gc

import pydyf

from vegviser.core.documents import _keep_page_references, _page_references, _without_cycle_collection


def _pages(pdf: pydyf.PDF, count: int) -> None:
    for _number in range(count):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))


def test_the_page_references_are_pydyfs_and_made_again_when_a_page_is_added() -> None:
    pdf = pydyf.PDF()
    _pages(pdf, 3)
    expected = tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])
    assert _page_references(pdf) == expected
    _pages(pdf, 1)
    assert len(_page_references(pdf)) == 4
    assert _page_references(pdf)[-1] == f"{pdf.pages['Kids'][-3]} 0 R".encode("ascii")


def test_a_document_asks_for_them_without_making_them_each_time() -> None:
    _keep_page_references()
    pdf = pydyf.PDF()
    _pages(pdf, 50)
    first = pdf.page_references
    assert pdf.page_references is first


def test_the_cycle_collector_waits_for_the_end_of_a_document_and_is_put_back() -> None:
    assert gc.isenabled()
    with _without_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with _without_cycle_collection():
            pass
        # Turned off by someone else (another document in another thread): theirs to turn on.
        assert not gc.isenabled()
    finally:
        gc.enable()
