"""Documents as PDF: the same accessible HTML the browser shows, rendered by WeasyPrint."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


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


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    """The template as a tagged PDF (PDF/UA-1), shown inline, under a file name free of personal data."""
    # Imported here: WeasyPrint loads system libraries (Pango) that only documents need.
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_static_fetcher())
    response = HttpResponse(document.write_pdf(pdf_variant="pdf/ua-1"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def spreadsheet_cell(value: str) -> str:
    """A CSV cell as text: a spreadsheet runs a cell starting with these as a formula, so a name typed as
    "=…" must stay text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
