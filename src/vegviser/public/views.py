"""Public pages: no login, read only, nothing personal."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors
from .forms import DirectorySearchForm
from .pages import INFORMATION_PAGES, PAGES, PAGES_BY_SLUG


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"pages": INFORMATION_PAGES, "form": DirectorySearchForm()})


@require_safe
def page(request: HttpRequest, slug: str) -> HttpResponse:
    info = PAGES_BY_SLUG.get(slug)
    if info is None:
        raise Http404
    return render(request, "public/page.html", {"page": info, "pages": PAGES})


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    entries = selectors.municipality_entries()
    form = DirectorySearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        results = selectors.search_municipalities(entries, form.cleaned_data["q"])
    return render(
        request,
        "public/directory.html",
        {
            "form": form,
            "query": form.cleaned_data["q"] if results is not None else "",
            "results": results,
            "counties": selectors.by_county(entries),
        },
    )


@require_safe
def municipality(request: HttpRequest, number: str) -> HttpResponse:
    overview = selectors.municipality_overview(number)
    if overview is None:
        return render(request, "public/municipality_not_found.html", {"number": number}, status=404)
    return render(request, "public/municipality.html", {"overview": overview})
