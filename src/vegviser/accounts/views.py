from __future__ import annotations

import base64
import logging
import uuid
from io import BytesIO
from typing import Any, cast

import qrcode
import qrcode.image.svg
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.core.editing import versioned_edit
from vegviser.core.http import posted
from vegviser.core.once import submitted_once
from vegviser.portal import selectors as portal_selectors

from . import oidc, services, throttle
from .emails import send_reset_link, tell_account_changed
from .forms import LoginForm, NewUserForm, ResetForm, TokenForm, UserForm
from .http import AuthenticatedRequest
from .middleware import client_ip
from .models import Notification, User

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    # Anonymous visitors get the public front page; the pages behind it need a login.
    if not request.user.is_authenticated:
        return redirect("public:index")
    # A citizen's home is their own pages (or the choice of whose, for a parent); a professional's is their
    # work, with a card for their own pages if they have any.
    user = request.user
    subjects = portal_selectors.subjects(user)
    if subjects and not policy.is_professional(user) and not policy.is_system_admin(user):
        return redirect("portal:index")
    return render(request, "accounts/home.html", {"portal_subjects": subjects})


class LoginView(auth_views.LoginView):
    """Signing in brings back the language the user chose last, on whatever device they chose it."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The ways in through providers that the settings turn on; the password where it is on for anyone.
        return super().get_context_data(
            idporten=oidc.provider(oidc.IDPORTEN) is not None,
            helseid=oidc.provider(oidc.HELSEID) is not None,
            password=settings.LOCAL_LOGIN_FOR_CITIZENS or settings.LOCAL_LOGIN_FOR_PROFESSIONALS,
            **kwargs,
        )

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session[oidc.LOGIN_METHOD] = oidc.PASSWORD
        language = form.get_user().language
        if language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE)
        return response


login = LoginView.as_view(
    authentication_form=LoginForm,
    template_name="accounts/login.html",
    redirect_authenticated_user=True,
)

# Where to go after a login through a provider: kept in the session while the browser is at the provider.
PROVIDER_NEXT = "vegviser_provider_next"
CALLBACKS = {oidc.IDPORTEN: "accounts:idporten_callback", oidc.HELSEID: "accounts:helseid_callback"}
REFUSED_PAGES = {
    oidc.IDPORTEN: "accounts/idporten_refused.html",
    oidc.HELSEID: "accounts/helseid_refused.html",
}


def _safe_next(request: HttpRequest, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _refused(request: HttpRequest, name: str, reason: str) -> HttpResponse:
    status = 503 if reason == "unavailable" else 403
    return render(request, REFUSED_PAGES[name], {"reason": reason}, status=status)


def _provider_login(request: HttpRequest, name: str) -> HttpResponse:
    """To the provider's login: the level the settings require asked for, the request pushed first where the
    provider requires it."""
    chosen = oidc.provider(name)
    if chosen is None:
        raise Http404
    request.session[PROVIDER_NEXT] = _safe_next(request, request.GET.get("next", ""))
    callback = request.build_absolute_uri(reverse(CALLBACKS[name]))
    try:
        return cast(
            HttpResponse,
            oidc.start(request, chosen, callback, translation.get_language() or settings.LANGUAGE_CODE),
        )
    except requests.RequestException:
        logger.warning("The provider cannot be reached: %s", name)
        return _refused(request, name, "unavailable")
    except oidc.LoginRefused as refusal:
        logger.warning("The provider refused the start of a login: %s %s", name, refusal.check)
        return _refused(request, name, refusal.reason)


def _logged_in(
    request: HttpRequest, user: User, name: str, level: str, id_token: str, organisation: str = ""
) -> HttpResponse:
    """In as `user`, with how they logged in kept in the session: the access records name it."""
    next_url = request.session.pop(PROVIDER_NEXT, "")
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[oidc.LOGIN_METHOD] = name
    request.session[oidc.LOGIN_LEVEL] = level
    if organisation:
        request.session[oidc.ACTING_ORGANISATION] = organisation
    else:
        request.session.pop(oidc.ACTING_ORGANISATION, None)
    request.session[oidc.SEALED_ID_TOKEN] = oidc.seal(id_token)
    response = redirect(next_url or settings.LOGIN_REDIRECT_URL)
    if user.language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, user.language, max_age=settings.LANGUAGE_COOKIE_AGE
        )
    return response


@never_cache
@require_GET
def idporten_login(request: HttpRequest) -> HttpResponse:
    """To ID-porten's login, asking for the level the settings require."""
    return _provider_login(request, oidc.IDPORTEN)


@never_cache
@require_GET
def idporten_callback(request: HttpRequest) -> HttpResponse:
    """Back from ID-porten: in as the registry's person with the identity number the ID token names, if the
    token passes every check and the person has a login; otherwise a page saying why not and what to do."""
    chosen = oidc.provider(oidc.IDPORTEN)
    if chosen is None:
        raise Http404
    try:
        claims, id_token = oidc.finish(request, chosen)
    except oidc.LoginRefused as refusal:
        # The reason only: nothing from the provider's answer, which may name the person.
        logger.info("ID-porten login refused: %s", refusal.check)
        return _refused(request, oidc.IDPORTEN, refusal.reason)
    user = oidc.citizen(str(claims.get("pid", "")))
    if user is None:
        logger.info("ID-porten login of a person without a login in Vegviser")
        return render(request, "accounts/idporten_unknown.html", status=403)
    return _logged_in(request, user, oidc.IDPORTEN, str(claims["acr"]), id_token)


@never_cache
@require_GET
def helseid_login(request: HttpRequest) -> HttpResponse:
    """To HelseID's login, the request pushed to HelseID first."""
    return _provider_login(request, oidc.HELSEID)


@never_cache
@require_GET
def helseid_callback(request: HttpRequest) -> HttpResponse:
    """Back from HelseID: in as the user with the HPR number the ID token names, for the organisation the
    token names, if the token passes every check and the user has a role in that organisation. Nobody gets a
    login by logging in: an HPR number Vegviser does not know is told whom to ask."""
    chosen = oidc.provider(oidc.HELSEID)
    if chosen is None:
        raise Http404
    try:
        claims, id_token = oidc.finish(request, chosen)
    except oidc.LoginRefused as refusal:
        logger.info("HelseID login refused: %s", refusal.check)
        return _refused(request, oidc.HELSEID, refusal.reason)
    user = oidc.professional(str(claims.get(oidc.HPR_NUMBER, "")))
    if user is None:
        logger.info("HelseID login refused: HPR number without a login in Vegviser")
        return _refused(request, oidc.HELSEID, "unknown")
    membership = oidc.acting_membership(user, claims)
    if membership is None:
        logger.info("HelseID login refused: organisation without a role for the user")
        return _refused(request, oidc.HELSEID, "organisation")
    level = str(claims[oidc.SECURITY_LEVEL])
    return _logged_in(request, user, oidc.HELSEID, level, id_token, str(membership.organisation_id))


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, and for a signed-in user the choice kept with the account too."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.choose_language(actor=request.user, user=request.user, language=language)
    return response


class LogoutView(auth_views.LogoutView):
    """Logging out ends the Vegviser session; after a login through a provider, the provider's too
    (RP-initiated logout), which sends the browser back to the login page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        method = request.session.get(oidc.LOGIN_METHOD)
        sealed = request.session.get(oidc.SEALED_ID_TOKEN, "")
        response = super().post(request, *args, **kwargs)
        chosen = oidc.provider(method) if method else None
        id_token = oidc.unseal(sealed) if sealed else None
        if chosen is None or id_token is None:
            return response
        after = request.build_absolute_uri(reverse("accounts:login"))
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            return oidc.logout_redirect(request, chosen, id_token, after, language)
        except requests.RequestException:
            # The provider cannot be reached: Vegviser's session has ended all the same.
            logger.warning("The provider's logout page could not be found: %s", chosen.name)
            return response


logout = LogoutView.as_view()
password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset link: limited per address and per client, and the same answer whether an account
    has the address: the page puts a job on the queue that finds the accounts and sends the links."""

    def form_valid(self, form: Any) -> HttpResponse:
        if not throttle.allow_reset(address=form.cleaned_data["email"], client=client_ip(self.request)):
            form.add_error(None, _("Too many requests for a new password. Wait an hour and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        send_reset_link(
            address=form.cleaned_data["email"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
        )
        return HttpResponseRedirect(self.get_success_url())


password_reset = PasswordResetView.as_view(
    form_class=ResetForm,
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a password with an emailed link: a password replaced this way is told to the account's
    address, so that a reset its owner did not ask for does not go unnoticed."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.user
        replaced = user.has_usable_password()
        response = super().form_valid(form)
        if replaced and user.email:
            tell_account_changed(address=user.email, language=user.language, template="password_reset_done")
        return response


password_reset_confirm = PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    # As a data URI in an <img>: no inline markup, so the Content-Security-Policy stays strict.
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@login_required
def keepalive(request: AuthenticatedRequest) -> HttpResponse:
    """Answers "still here": with every request renewing the session, this keeps an idle session alive."""
    return HttpResponse(status=204)


@never_cache
@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    # A new authenticator replaces the old one, so the old one must have been used in this session first.
    if user_has_device(user, confirmed=True) and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:two_factor_verify")
    device = services.add_totp_device(actor=user, user=user)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        # Checked here, not in the service: a wrong code counts against the device's throttle, which a
        # refused transaction would undo.
        if device.verify_token(form.cleaned_data["token"]):
            services.confirm_totp_device(actor=user, device=device)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is now on for your account."))
            return redirect("home")
        form.add_error("token", _("The code was not accepted. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    context = {"form": form, "qr": _qr_svg(device.config_url), "secret": secret}
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = "home"
            return redirect(next_url)
        form.add_error("token", _("The code was not accepted. Check the time on your phone and try again."))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@login_required
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.ORGANISATION_LIST)
    users = policy.manageable_users(request.user)
    users = users.prefetch_related("memberships__organisation").order_by("last_name", "first_name")
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
@submitted_once
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    policy.require(request.user, Action.USER_CREATE)
    organisations = policy.manageable_organisations(request.user)
    form = NewUserForm(posted(request), organisations=organisations, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"]
        policy.require(request.user, Action.MEMBERS_MANAGE, organisation)
        user = services.create_user(
            actor=request.user, data=data, organisation=organisation, role=data["role"]
        )
        services.send_welcome(request=request, user=user)
        messages.success(request, _("The user was created and has been sent an email to choose a password."))
        return redirect("registry:organisation_members", pk=organisation.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request: AuthenticatedRequest, pk: str) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    policy.require(request.user, Action.USER_EDIT, user)
    sign_in_locked = not policy.can(request.user, Action.USER_SIGN_IN_EDIT, user)
    response = versioned_edit(
        request,
        form_class=UserForm,
        instance=user,
        save=lambda data, version: services.update_user(
            actor=request.user, user=user, data=data, expected_version=version
        ),
        template="accounts/user_form.html",
        context={"creating": False, "edited": user, "sign_in_locked": sign_in_locked},
        form_kwargs={"sign_in_locked": sign_in_locked},
    )
    return response or redirect("accounts:user_list")


NOTIFICATIONS_SHOWN = 200


@login_required
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    """The user's own notices, newest first."""
    items = Notification.objects.filter(user=request.user).order_by("-created_at")[:NOTIFICATIONS_SHOWN]
    return render(request, "accounts/notifications.html", {"notifications": items})


@login_required
@require_POST
def notification_read(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    """Mark one of the user's notices read and open what it is about. Someone else's notice answers 404."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification.mark_read()
    target = notification.url
    # Only a path on this site: a notice must never send anyone elsewhere.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts=set()):
        target = reverse("accounts:notifications")
    return redirect(target)
