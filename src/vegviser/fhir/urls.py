"""The API's routes, built from the catalogue: a type is routed for exactly the interactions it announces."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views
from .catalogue import READ, RESOURCE_TYPES, SEARCH

app_name = "fhir"


def _routes() -> list[URLPattern]:
    routes = [
        path("", views.unknown, {"rest": ""}, name="base"),
        path("metadata", views.metadata, name="metadata"),
        path(".well-known/smart-configuration", views.smart_configuration, name="smart_configuration"),
    ]
    for resource_type in RESOURCE_TYPES:
        name = resource_type.name
        if SEARCH in resource_type.interactions:
            routes += [
                path(f"{name}", views.search, {"type_name": name}, name=f"search-{name}"),
                path(
                    f"{name}/_search", views.search_by_post, {"type_name": name}, name=f"search-post-{name}"
                ),
            ]
        if READ in resource_type.interactions:
            routes.append(
                path(f"{name}/<str:resource_id>", views.read, {"type_name": name}, name=f"read-{name}")
            )
    routes.append(path("<path:rest>", views.unknown, name="unknown"))
    return routes


urlpatterns = _routes()
