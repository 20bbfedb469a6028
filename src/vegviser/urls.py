from __future__ import annotations

from django.urls import include, path

from vegviser.accounts import views as account_views

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
    path("consent/", include("vegviser.access.urls")),
    path("audit/", include("vegviser.audit.urls")),
    path("me/", include("vegviser.portal.urls")),
    path("info/", include("vegviser.public.urls")),
    path("statistics/", include("vegviser.indicators.urls")),
]

handler400 = "vegviser.core.views.bad_request"
handler403 = "vegviser.core.views.refused"
