"""Documents as PDF: the same accessible HTML the browser shows, rendered by WeasyPrint."""

from __future__ import annotations

import gc
import mimetypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation


def _static_fetcher() -> Any:
    """A fetcher that gives WeasyPrint the project's static files from disk, and nothing from any network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if settings.STATIC_URL in url:
                path = url.split(settings.STATIC_URL, 1)[1].split("?", 1)[0]
                found = finders.find(path)
                if isinstance(found, str):
                    with open(found, "rb") as handle:
                        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                        return URLFetcherResponse(url, handle.read(), {"Content-Type": content_type})
            raise ValueError("documents load only the project's static files")

    return StaticFilesOnly()


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's `PDF.page_references`, made once per number of pages instead of on every call."""
    kids = pdf.pages["Kids"]
    made = pdf.__dict__.get("_page_references_made")
    if made is None or made[0] != len(kids):
        made = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_page_references_made"] = made
    return made[1]


def _keep_page_references() -> None:
    """A tagged PDF (PDF/UA) gives each of its elements a reference to its page, and pydyf builds the tuple
    of every page's reference anew for each: time in elements times pages, so a long document (the person's
    own copy of a long history) takes the square of its length. The same tuple, kept while the number of
    pages stays the same, makes it linear."""
    import pydyf

    if not isinstance(pydyf.PDF.__dict__.get("page_references"), property) or (
        pydyf.PDF.page_references.fget is _page_references
    ):
        return
    pydyf.PDF.page_references = property(_page_references)


def render_pdf(
    template: str, context: dict[str, Any], *, request: HttpRequest | None = None, base_url: str = ""
) -> bytes:
    """The template as a tagged PDF (PDF/UA-1). Outside a request (a job), links to static files are read
    from disk all the same: `base_url` only has to be absolute."""
    # Imported here: WeasyPrint loads system libraries (Pango) that only documents need.
    from weasyprint import HTML

    _keep_page_references()
    html = render_to_string(template, context, request=request)
    if request is not None:
        base_url = request.build_absolute_uri("/")
    document = HTML(string=html, base_url=base_url or "http://localhost/", url_fetcher=_static_fetcher())
    with _without_cycle_collection():
        return bytes(document.write_pdf(pdf_variant="pdf/ua-1"))


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """WeasyPrint holds every page's boxes until the PDF is written, and Python's cycle collector walks all
    of them again and again as they grow: a long document spends a good part of its time there. Collected
    once, at the end, instead. Only if it was on, so that of two documents in two threads the first to
    finish turns it back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    """The template as a tagged PDF (PDF/UA-1), shown inline, under a file name free of personal data."""
    response = HttpResponse(render_pdf(template, context, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def document_language(person: Any) -> str:
    """The language of a document for the person: theirs where the UI has it, Bokmål otherwise."""
    language = person.preferred_language
    return language if language in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def document_in_language(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    language: str,
    pdf_filename: str | None = None,
    translated: Callable[[], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A letter or document in `language`, whatever the reader's: the page, or with `pdf_filename` the tagged
    PDF. `translated` adds to the context what must be worded in that language (a list joined with «and»)."""
    with translation.override(language):
        if translated is not None:
            context = {**context, **translated()}
        if pdf_filename is not None:
            return pdf_response(request, template, context, filename=pdf_filename)
        return render(request, template, context)


def spreadsheet_cell(value: str) -> str:
    """A CSV cell as text: a spreadsheet runs a cell starting with these as a formula, so a name typed as
    "=…" must stay text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
