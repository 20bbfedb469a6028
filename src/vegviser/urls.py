from __future__ import annotations

from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from vegviser.accounts import views as account_views

# The FHIR API's authorisation server: authorise, token, revoke and introspect. Clients are registered by the
# operator (`vegviser fhir_client`), never by whoever is signed in, and no device flow is offered.
OAUTH_ENDPOINTS = {"authorize", "token", "revoke-token", "introspect"}
oauth_urlpatterns = [route for route in oauth2_urls.base_urlpatterns if route.name in OAUTH_ENDPOINTS]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("vegviser.core.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("account/", include("vegviser.accounts.urls")),
    path("registry/", include("vegviser.registry.urls")),
    path("intake/", include("vegviser.intake.urls")),
    path("referrals/", include("vegviser.referrals.urls")),
    path("episodes/", include("vegviser.episodes.urls")),
    path("plans/", include("vegviser.plans.urls")),
    path("assessments/", include("vegviser.assessments.urls")),
    path("consent/", include("vegviser.access.urls")),
    path("audit/", include("vegviser.audit.urls")),
    path("me/", include("vegviser.portal.urls")),
    path("info/", include("vegviser.public.urls")),
    path("fhir/R4/", include("vegviser.fhir.urls")),
    path("o/", include((oauth_urlpatterns, "oauth2_provider"))),
    path("statistics/", include("vegviser.indicators.urls")),
]

handler400 = "vegviser.core.views.bad_request"
handler403 = "vegviser.core.views.refused"
