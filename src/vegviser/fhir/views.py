"""The FHIR R4 endpoints: thin, as every view: negotiate the format, authenticate, check the scope, call a
selector and map its answer. Every error is an OperationOutcome (outcome.py)."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from vegviser.audit.services import record_refusal
from vegviser.core.http import Refusal

from .auth import authenticate, require_scope
from .catalogue import (
    BY_NAME,
    DEFAULT_COUNT,
    MAX_COUNT,
    PERMISSION,
    READ,
    SEARCH,
    ResourceType,
    SearchParameter,
    capability_statement,
)
from .outcome import FHIR_JSON, FhirError, error_response, fhir_response

logger = logging.getLogger(__name__)

JSON_FORMATS = frozenset({"json", "application/json", FHIR_JSON})
ACCEPTABLE = frozenset({*JSON_FORMATS, "*/*", "application/*"})
# Parameters about the answer, not the search: every search may carry them.
RESULT_PARAMETERS = frozenset({"_format", "_count", "_offset", "_sort", "_include", "_revinclude"})
# A search by POST sends a form (FHIR R4 3.1.1.5: x-www-form-urlencoded); a multipart form parses the same.
FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

Endpoint = Callable[..., HttpResponse]


def _negotiate(request: HttpRequest, parameters: QueryDict) -> None:
    """JSON only: `_format` (which overrides Accept) or Accept must allow it (406 otherwise)."""
    wanted = parameters.get("_format")
    if wanted is not None:
        if wanted.split(";")[0].strip() not in JSON_FORMATS:
            raise FhirError(406, "not-supported", _("This server answers in JSON only."))
        return
    accept = request.headers.get("Accept", "")
    if accept and not any(part.split(";")[0].strip() in ACCEPTABLE for part in accept.split(",")):
        raise FhirError(406, "not-supported", _("This server answers in JSON only."))


def fhir_endpoint(*methods: str) -> Callable[[Endpoint], Endpoint]:
    """An API endpoint: the methods it answers (405 for any other), and every failure as an
    OperationOutcome. A bearer token replaces the session, so there is no cookie to forge (no CSRF)."""

    def decorate(view: Endpoint) -> Endpoint:
        @csrf_exempt
        @functools.wraps(view)
        def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise FhirError(
                        405,
                        "not-supported",
                        _("This interaction is not supported here."),
                        {"Allow": ", ".join(methods)},
                    )
                return view(request, *args, **kwargs)
            except FhirError as error:
                return error_response(error)
            except Http404 as refusal:
                caller = getattr(request, "fhir_caller", None)
                if isinstance(refusal, Refusal) and isinstance(refusal.obj, models.Model) and caller:
                    record_refusal(actor=caller.user, action=refusal.action, obj=refusal.obj)
                return error_response(FhirError(404, "not-found", _("No such resource.")))
            except Exception:
                logger.exception("The FHIR API failed to answer")
                return error_response(FhirError(500, "exception", _("The server failed to answer.")))

        return endpoint

    return decorate


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:base"))


def _resource_type(name: str) -> ResourceType:
    resource_type = BY_NAME.get(name)
    if resource_type is None:
        raise FhirError(404, "not-supported", _("This server has no such resource type."))
    return resource_type


def _authorised(request: HttpRequest, resource_type: ResourceType, interaction: str) -> Any:
    caller, scopes = authenticate(request)
    require_scope(scopes, resource_type.name, PERMISSION[interaction])
    request.fhir_caller = caller  # type: ignore[attr-defined]
    request.fhir_scopes = scopes  # type: ignore[attr-defined]
    return caller


def require_scope_for(request: HttpRequest, resource_type: ResourceType) -> None:
    """An included type is read as well: the token must allow reading it (403 before anything is read)."""
    require_scope(request.fhir_scopes, resource_type.name, PERMISSION[READ])  # type: ignore[attr-defined]


@fhir_endpoint("GET")
def metadata(request: HttpRequest) -> HttpResponse:
    _negotiate(request, request.GET)
    statement = capability_statement(
        _base(request),
        authorize_url=request.build_absolute_uri(reverse("oauth2_provider:authorize")),
        token_url=request.build_absolute_uri(reverse("oauth2_provider:token")),
        date=timezone.localdate().isoformat(),
    )
    return fhir_response(statement)


@fhir_endpoint("GET")
def smart_configuration(request: HttpRequest) -> HttpResponse:
    """SMART App Launch's discovery document: where to authorise and get a token, and what is granted."""
    from .scopes import offered_scopes

    response = fhir_response(
        {
            "authorization_endpoint": request.build_absolute_uri(reverse("oauth2_provider:authorize")),
            "token_endpoint": request.build_absolute_uri(reverse("oauth2_provider:token")),
            "revocation_endpoint": request.build_absolute_uri(reverse("oauth2_provider:revoke-token")),
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": list(offered_scopes()),
            "response_types_supported": ["code"],
            "capabilities": [
                "client-confidential-symmetric",
                "permission-v1",
                "permission-v2",
                "permission-user",
            ],
        }
    )
    response["Content-Type"] = "application/json"
    return response


@fhir_endpoint("GET")
def read(request: HttpRequest, type_name: str, resource_id: str) -> HttpResponse:
    resource_type = _resource_type(type_name)
    _negotiate(request, request.GET)
    caller = _authorised(request, resource_type, READ)
    try:
        pk = uuid.UUID(resource_id)
    except ValueError:
        raise FhirError(404, "not-found", _("No such resource.")) from None
    resource = resource_type.to_resource(resource_type.read(caller, pk))
    response = fhir_response(resource)
    response["ETag"] = f'W/"{resource["meta"]["versionId"]}"'
    return response


@fhir_endpoint("GET", "POST")
def search(request: HttpRequest, type_name: str) -> HttpResponse:
    """GET [type]?params: a search in the URL. POST to it would be a create, which this version does not
    offer."""
    resource_type = _resource_type(type_name)
    if request.method == "POST":
        raise FhirError(405, "not-supported", _("This interaction is not supported here."), {"Allow": "GET"})
    return _search(request, resource_type, request.GET, reverse(f"fhir:search-{type_name}"))


@fhir_endpoint("POST")
def search_by_post(request: HttpRequest, type_name: str) -> HttpResponse:
    """POST [type]/_search: the search's parameters in a form body, so that none is written into a URL or a
    request log (an identifier search names an identity number)."""
    resource_type = _resource_type(type_name)
    if request.content_type not in FORMS:
        raise FhirError(415, "not-supported", _("A search by POST sends its parameters as a form."))
    parameters = request.GET.copy()
    for key, values in request.POST.lists():
        parameters.setlist(key, parameters.getlist(key) + values)
    return _search(request, resource_type, parameters, reverse(f"fhir:search-{type_name}"))


def _number(parameters: QueryDict, name: str, default: int, maximum: int) -> int:
    text = parameters.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise FhirError(400, "invalid", _("%(name)s must be a whole number.") % {"name": name}) from None
    if value < 0:
        raise FhirError(400, "invalid", _("%(name)s cannot be negative.") % {"name": name})
    return min(value, maximum)


def _strict(request: HttpRequest) -> bool:
    """Prefer: handling=strict asks for an unknown parameter to be refused; by default it is ignored."""
    preferences = [part.strip() for part in request.headers.get("Prefer", "").split(",")]
    return "handling=strict" in preferences


def _split(value: str) -> list[str]:
    """A parameter's values, separated by commas (an OR); `\\,` is a comma within a value."""
    parts = value.replace("\\,", "\x00").split(",")
    return [part.replace("\x00", ",") for part in parts]


def _refuse_or_ignore(request: HttpRequest, text: str) -> None:
    """What the server does not understand in a search: refused under `Prefer: handling=strict`, else left
    out (R4 3.1.1.5: lenient handling is the default)."""
    if _strict(request):
        raise FhirError(400, "not-supported", text)


def _sort(
    request: HttpRequest, resource_type: ResourceType, parameters: QueryDict
) -> tuple[tuple[Any, ...], str]:
    """`_sort`'s order (its keys, each with `-` for descending; an open date last) and the value for links."""
    text = parameters.get("_sort", "")
    order: list[Any] = []
    kept: list[str] = []
    for key in [key.strip() for key in text.split(",") if key.strip()]:
        name = key.removeprefix("-")
        field = resource_type.sorts.get(name)
        if field is None:
            _refuse_or_ignore(request, _("Cannot sort by: %(name)s") % {"name": name[:64]})
            continue
        expression = F(field)
        order.append(
            expression.desc(nulls_last=True) if key.startswith("-") else expression.asc(nulls_last=True)
        )
        kept.append(key)
    return tuple(order), ",".join(kept)


def _references(
    request: HttpRequest, resource_type: ResourceType, parameters: QueryDict
) -> tuple[
    list[tuple[SearchParameter, ResourceType]],
    list[tuple[ResourceType, SearchParameter]],
    list[tuple[str, str]],
]:
    """The `_include`s (a parameter of this type and the type it points to) and `_revinclude`s (another type
    and its parameter pointing here) the search asks for, and what of them goes into its links."""
    includes: list[tuple[SearchParameter, ResourceType]] = []
    revincludes: list[tuple[ResourceType, SearchParameter]] = []
    linked: list[tuple[str, str]] = []
    for key in ("_include", "_revinclude"):
        offered = resource_type.includes if key == "_include" else resource_type.revincludes
        for value in parameters.getlist(key):
            # `Type:parameter` or `Type:parameter:TargetType`; the target is the parameter's own.
            source, _colon, rest = value.partition(":")
            name, _colon, target = rest.partition(":")
            if f"{source}:{name}" not in offered or (target and target != _target(source, name)):
                _refuse_or_ignore(request, _("Cannot include: %(value)s") % {"value": value[:64]})
                continue
            parameter = BY_NAME[source].search_parameter(name)
            assert parameter is not None
            if key == "_include":
                includes.append((parameter, BY_NAME[parameter.target]))
            else:
                revincludes.append((BY_NAME[source], parameter))
            linked.append((key, value))
    return includes, revincludes, linked


def _target(source: str, name: str) -> str:
    parameter = BY_NAME[source].search_parameter(name)
    return parameter.target if parameter is not None else ""


def _included(
    caller: Any,
    resource_type: ResourceType,
    found: list[Any],
    includes: list[tuple[SearchParameter, ResourceType]],
    revincludes: list[tuple[ResourceType, SearchParameter]],
) -> list[tuple[ResourceType, Any]]:
    """The resources a page's `_include`s and `_revinclude`s add, each read through the policy (what the
    caller may not read is left out) and recorded, each type fetched once."""
    added: list[tuple[ResourceType, Any]] = []
    by_target: dict[str, set[Any]] = {}
    for parameter, target in includes:
        assert parameter.references is not None
        ids = by_target.setdefault(target.name, set())
        for row in found:
            ids.update(parameter.references(row))
    for name, ids in by_target.items():
        target = BY_NAME[name]
        if ids and target.fetch is not None:
            added += [
                (target, row) for row in target.fetch(caller, lambda rows, ids=ids: rows.filter(pk__in=ids))
            ]
    for source, parameter in revincludes:
        if not found or source.fetch is None:
            continue
        pointing = Q(pk__in=[])
        for row in found:
            pointing |= parameter.match("", f"{resource_type.name}/{row.pk}")
        added += [
            (source, row) for row in source.fetch(caller, lambda rows, q=pointing: rows.filter(q).distinct())
        ]
    return added


def _search(
    request: HttpRequest, resource_type: ResourceType, parameters: QueryDict, path: str
) -> HttpResponse:
    _negotiate(request, parameters)
    caller = _authorised(request, resource_type, SEARCH)
    count = _number(parameters, "_count", DEFAULT_COUNT, MAX_COUNT)
    offset = _number(parameters, "_offset", 0, 10**9)
    order, sort_link = _sort(request, resource_type, parameters)
    includes, revincludes, include_links = _references(request, resource_type, parameters)
    for _parameter, target in includes:
        require_scope_for(request, target)
    for source, _parameter in revincludes:
        require_scope_for(request, source)
    filters: list[Any] = []
    linked: list[tuple[str, str]] = []
    secret = False
    for key, values in parameters.lists():
        if key in RESULT_PARAMETERS:
            continue
        name, _colon, modifier = key.partition(":")
        parameter = resource_type.search_parameter(name)
        if parameter is None or (modifier and modifier not in parameter.modifiers):
            _refuse_or_ignore(request, _("Unknown search parameter: %(name)s") % {"name": key[:64]})
            continue
        for value in values:
            choices = [choice for choice in _split(value) if choice]
            if not choices:
                raise FhirError(400, "invalid", _("Search parameter %(name)s has no value.") % {"name": key})
            either = parameter.match(modifier, choices[0])
            for choice in choices[1:]:
                either |= parameter.match(modifier, choice)
            filters.append(either)
            if parameter.secret:
                secret = True
            else:
                linked.append((key, value))

    def narrow(queryset: Any) -> Any:
        for condition in filters:
            queryset = queryset.filter(condition)
        return queryset

    found, total = resource_type.search(caller, narrow, offset, count, order)
    added = _included(caller, resource_type, found, includes, revincludes)
    base = _base(request)
    if sort_link:
        linked.append(("_sort", sort_link))
    linked += include_links

    def link(relation: str, at: int) -> dict[str, str]:
        query = urlencode([*linked, ("_count", str(count)), ("_offset", str(at))])
        return {"relation": relation, "url": request.build_absolute_uri(f"{path}?{query}")}

    links = [link("self", offset)]
    # A search by identity number is never written into a link: it answers on one page, or the caller asks
    # again with a larger _count.
    if not secret:
        if offset + count < total and count > 0:
            links.append(link("next", offset + count))
        if offset > 0:
            links.append(link("previous", max(offset - count, 0)))
    entries = [
        {
            "fullUrl": f"{base}{resource_type.name}/{row.pk}",
            "resource": resource_type.to_resource(row),
            "search": {"mode": "match"},
        }
        for row in found
    ]
    listed = {(resource_type.name, row.pk) for row in found}
    for included_type, row in added:
        if (included_type.name, row.pk) in listed:
            continue
        listed.add((included_type.name, row.pk))
        entries.append(
            {
                "fullUrl": f"{base}{included_type.name}/{row.pk}",
                "resource": included_type.to_resource(row),
                "search": {"mode": "include"},
            }
        )
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links, "entry": entries}
    return fhir_response(bundle)


@fhir_endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    raise FhirError(404, "not-found", _("No such endpoint in this FHIR API."))
