from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vegviser.core.health import health_response
from vegviser.core.http import ExplainedRefusal


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answered by HealthCheckMiddleware before the session is looked at; here for a method it does not
    answer, and so that the address has a name."""
    return health_response()


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 400 page. Unlike Django's own, it does not ask the CSRF check for a token: that check reads
    the body again, and a body that could not be read the first time (a form declared in a charset other than
    UTF-8) failed again inside the error page and ended as a bare 500."""
    return render(request, "400.html", status=400)


def refused(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 403 page: it explains itself where the refusal has something to say to the user, and says
    no more than "not allowed" otherwise."""
    reason = exception.message if isinstance(exception, ExplainedRefusal) else None
    return render(request, "403.html", {"reason": reason}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
