"""One settings module, driven by the environment.

Production is the default: a deployment that forgets a variable gets the safe value.
`make run` and `make test` set the development variables explicitly (see the Makefile and docs/deploy.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vegviser.core import env

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

# A development machine (`make run`): a fixed secret key, local hosts, e-mail to the console, cookies over
# plain HTTP, static files served from the source tree, no second factor. Never in production.
DEVELOPMENT = env.boolean("VEGVISER_DEBUG", False)
# Django's own debug pages only when asked for: a newcomer trying the demo meets the site's translated error
# pages, as its users do, not a traceback or the list of every URL.
DEBUG = DEVELOPMENT and env.boolean("VEGVISER_DEBUG_PAGES", False)

SECRET_KEY = env.text("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured("SECRET_KEY must be set (see docs/deploy.md).")
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.hosts("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEVELOPMENT else [])
CSRF_TRUSTED_ORIGINS = env.origins("CSRF_TRUSTED_ORIGINS")

# Synthetic identity numbers (month + 80) are for the demo and the tests only.
VEGVISER_TEST_IDENTITIES = env.boolean("VEGVISER_TEST_IDENTITIES", False)
# Two-factor authentication is required for professionals in production.
VEGVISER_REQUIRE_2FA = env.boolean("VEGVISER_REQUIRE_2FA", not DEVELOPMENT)
# Deadlines in working days count Monday to Friday; an operator whose units work Saturdays counts those too.
VEGVISER_SATURDAY_IS_WORKING_DAY = env.boolean("VEGVISER_SATURDAY_IS_WORKING_DAY", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    # The OAuth 2.0 authorisation server that issues the FHIR API's bearer tokens.
    "oauth2_provider",
    "vegviser.core",
    "vegviser.accounts",
    "vegviser.registry",
    "vegviser.audit",
    "vegviser.access",
    "vegviser.intake",
    "vegviser.plans",
    "vegviser.portal",
    "vegviser.public",
    "vegviser.referrals",
    "vegviser.episodes",
    "vegviser.indicators",
    "vegviser.assessments",
    # On top of the domain apps: maps them to FHIR resources and owns no data.
    "vegviser.fhir",
    # Last: the demo sits on top of every app and calls their services like a view.
    "vegviser.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vegviser.core.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vegviser.core.middleware.RequestIdMiddleware",
    "vegviser.core.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vegviser.core.middleware.HtmxRedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vegviser.accounts.middleware.TwoFactorMiddleware",
    "vegviser.accounts.middleware.LoginMethodMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vegviser.audit.middleware.RefusalLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last, as its documentation requires, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vegviser.urls"
WSGI_APPLICATION = "vegviser.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vegviser.access.context_processors.layout",
            ],
        },
    },
]

FORMS_URLFIELD_ASSUME_HTTPS = True
FORM_RENDERER = "vegviser.core.forms.FormRenderer"

DATABASES = {
    "default": env.database(
        "DATABASE_URL",
        f"sqlite:///{PROJECT_DIR / 'var' / 'vegviser.sqlite3'}",
        conn_max_age=env.integer("DATABASE_CONN_MAX_AGE", 60, minimum=0, maximum=24 * 3600),
    )
}
# Read on SQLite too, so that a mistake shows before the move to PostgreSQL.
_prepare_threshold = env.integer_or_off("DATABASE_PREPARE_THRESHOLD", 5, minimum=0, maximum=1000)
# A database that does not answer must not hold every request until the worker is killed: a connection
# attempt gives up after DATABASE_CONNECT_TIMEOUT seconds and a statement after DATABASE_STATEMENT_TIMEOUT,
# so the user gets the error page and /healthz its 503 while the worker lives. The statement limit stays
# under gunicorn's 30-second worker timeout and above the slowest statement the pages run (the log search's
# anomaly queries over a year).
_connect_timeout = env.integer("DATABASE_CONNECT_TIMEOUT", 3, minimum=1, maximum=60)
_statement_timeout = env.integer_or_off("DATABASE_STATEMENT_TIMEOUT", 20, minimum=1, maximum=3600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["connect_timeout"] = _connect_timeout
    if _statement_timeout is not None:
        # A startup parameter of the connection. A pooler that refuses them (PgBouncer without
        # `ignore_startup_parameters = options`) needs "off" here and the limit set on the role instead.
        _limit = f"-c statement_timeout={_statement_timeout}s"
        _options["options"] = f"{_options.get('options', '')} {_limit}".strip()
    # Parameters travel apart from the SQL, so that psycopg can prepare a query that has run a few times on a
    # connection: PostgreSQL then keeps its parse and plan instead of planning it again on every request. The
    # plan page waits less than half as long for its queries (docs/benchmarks.md). A connection pooler in
    # transaction mode (PgBouncer without max_prepared_statements) cannot keep prepared statements: behind
    # one, set DATABASE_PREPARE_THRESHOLD to "off".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=_prepare_threshold
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins, per user name and address together, so one attacker cannot lock
# everybody out from one address.
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# How many proxies in front of the application add to X-Forwarded-For (docs/deploy.md).
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=10)
AXES_CLIENT_IP_CALLABLE = "vegviser.accounts.middleware.client_ip"

# ID-porten's levels, lowest first (https://docs.digdir.no/docs/idporten/oidc/oidc_guide_idporten).
IDPORTEN_LEVELS = ("idporten-loa-substantial", "idporten-loa-high")
# Ways in through OpenID Connect (docs/deploy.md), by name; a provider is on when its issuer is set. The
# client secret is read from a file named in the environment when a login starts, so it is in no setting
# and no log. Local passwords (with two factors for professionals) stay beside them.
OIDC_PROVIDERS: dict[str, dict[str, Any]] = {}
if env.site_url("IDPORTEN_ISSUER", ""):
    OIDC_PROVIDERS["idporten"] = {
        # Exactly as given: the ID tokens' `iss` must be the same string, trailing slash or not.
        "issuer": env.text("IDPORTEN_ISSUER", ""),
        "client_id": env.text("IDPORTEN_CLIENT_ID", ""),
        "client_secret_file": env.absolute_path("IDPORTEN_CLIENT_SECRET_FILE", Path("/nonexistent")),
        "scope": env.text("IDPORTEN_SCOPE", "openid"),
        # Health data asks for the highest level; an operator may accept substantial (and high) instead.
        "levels": IDPORTEN_LEVELS,
        "level": env.choice("IDPORTEN_LEVEL", "idporten-loa-high", IDPORTEN_LEVELS),
    }
    if not OIDC_PROVIDERS["idporten"]["client_id"] or not env.text("IDPORTEN_CLIENT_SECRET_FILE", ""):
        raise ImproperlyConfigured(
            "IDPORTEN_ISSUER is set: set IDPORTEN_CLIENT_ID and IDPORTEN_CLIENT_SECRET_FILE too "
            "(see docs/deploy.md)."
        )
# HelseID's security levels (`helseid://claims/identity/security_level`), lowest first: 4 is BankID, Buypass
# and Commfides, 3 is MinID (https://utviklerportal.nhn.no, HelseID, claims).
HELSEID_LEVELS = ("3", "4")
HELSEID_SCOPE = "openid profile helseid://scopes/identity/security_level helseid://scopes/hpr/hpr_number"
if env.site_url("HELSEID_ISSUER", ""):
    OIDC_PROVIDERS["helseid"] = {
        "issuer": env.text("HELSEID_ISSUER", ""),
        "client_id": env.text("HELSEID_CLIENT_ID", ""),
        # The client's private key (a JWK or PEM), the public half registered with HelseID: the client
        # authenticates with `private_key_jwt`. Read from the file when a login starts, never kept in a
        # setting.
        "private_key_file": env.absolute_path("HELSEID_PRIVATE_KEY_FILE", Path("/nonexistent")),
        "scope": env.text("HELSEID_SCOPE", HELSEID_SCOPE),
        "levels": HELSEID_LEVELS,
        "level": env.choice("HELSEID_LEVEL", "4", HELSEID_LEVELS),
        # HelseID requires pushed authorisation requests, and DPoP-bound tokens of every new client.
        "pushed_authorisation": True,
        "dpop": env.boolean("HELSEID_DPOP", True),
    }
    if not OIDC_PROVIDERS["helseid"]["client_id"] or not env.text("HELSEID_PRIVATE_KEY_FILE", ""):
        raise ImproperlyConfigured(
            "HELSEID_ISSUER is set: set HELSEID_CLIENT_ID and HELSEID_PRIVATE_KEY_FILE too "
            "(see docs/deploy.md)."
        )
# Local passwords can be turned off where everyone logs in through a provider: for citizens (who then use
# ID-porten) and for professionals (who then use HelseID). The system administrator keeps the password.
LOCAL_LOGIN_FOR_CITIZENS = env.boolean("VEGVISER_LOCAL_LOGIN_CITIZENS", True)
LOCAL_LOGIN_FOR_PROFESSIONALS = env.boolean("VEGVISER_LOCAL_LOGIN_PROFESSIONALS", True)
# Seconds of difference between the provider's clock and ours that an ID token's times may show.
OIDC_CLOCK_LEEWAY = 60

# Sessions end after 30 idle minutes: every request renews the expiry. The store writes the renewal at
# most once a minute while nothing else in the session changes (vegviser/core/sessions.py). The page warns two
# minutes before the end: an idle time under five minutes would leave no time to act on the warning.
SESSION_COOKIE_AGE = env.integer("SESSION_IDLE_SECONDS", 30 * 60, minimum=5 * 60, maximum=24 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "vegviser.core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEVELOPMENT
CSRF_COOKIE_SECURE = not DEVELOPMENT
LANGUAGE_COOKIE_SECURE = not DEVELOPMENT
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", not DEVELOPMENT)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEVELOPMENT else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEVELOPMENT
SECURE_HSTS_PRELOAD = not DEVELOPMENT
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "vegviser.core.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Logging out of Vegviser goes on to the provider's logout page.
        "form-action": [SELF, *(provider["issuer"] for provider in OIDC_PROVIDERS.values())],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
# The project's catalogue first (makemessages writes it), then Nynorsk for Django's own strings that Django's
# catalogue lacks or gives in Bokmål: without it they would fall back to the default language, Bokmål.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.absolute_path("STATIC_ROOT", PROJECT_DIR / "var" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEVELOPMENT
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development WhiteNoise serves the files where they lie, with no collectstatic, also without DEBUG.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
MEDIA_ROOT = env.absolute_path("MEDIA_ROOT", PROJECT_DIR / "var" / "media")

EMAIL_BACKEND = env.text(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEVELOPMENT
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.text("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.text("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.text("EMAIL_HOST_PASSWORD", "")
# Reset and welcome emails carry sign-in links: encrypted by default in production.
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", not DEVELOPMENT)
DEFAULT_FROM_EMAIL = env.email_address("DEFAULT_FROM_EMAIL", "Vegviser <noreply@localhost>")
# Where users reach Vegviser, e.g. https://vegviser.kommune.no: emails sent outside a request (reminders)
# link there. Without it those emails carry no link. In development: the port `make run` serves (PORT).
VEGVISER_SITE_URL = env.site_url(
    "VEGVISER_SITE_URL",
    f"http://127.0.0.1:{env.integer('PORT', 8000, minimum=1, maximum=65535)}" if DEVELOPMENT else "",
)

# Work that must not hold a request (the person's own copy of a long history, the password-reset email) runs
# as a job on Huey's queue. Its consumer is `vegviser run_huey` (`make run` starts one beside the server).
# Without VEGVISER_QUEUE_URL the jobs wait in a SQLite file under var/, enough for one machine; production
# with more than one application server gives a Redis URL, so that every server and consumer shares one queue.
VEGVISER_QUEUE_URL = env.queue_url("VEGVISER_QUEUE_URL")
_queue_name = env.text("VEGVISER_QUEUE_NAME", "vegviser")
HUEY: dict[str, object] = {
    "name": _queue_name,
    # Never run in the request, not even with Django's debug pages on (Huey's default): the tests ask for it.
    "immediate": False,
    "utc": True,
    "consumer": {"workers": env.integer("VEGVISER_QUEUE_WORKERS", 2, minimum=1, maximum=64)},
}
if VEGVISER_QUEUE_URL is None:
    HUEY |= {
        "huey_class": "vegviser.core.queue.EmbeddedHuey",
        "filename": str(env.absolute_path("VEGVISER_QUEUE_FILE", PROJECT_DIR / "var" / "queue.sqlite3")),
    }
else:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": VEGVISER_QUEUE_URL}

# The person's own copy ("My data"): a history of this many rows or more (reads, changes and plan events) is
# prepared by a job rather than within the request, and a prepared copy is deleted after so many days.
VEGVISER_MY_DATA_IN_BACKGROUND_FROM = env.integer(
    "VEGVISER_MY_DATA_IN_BACKGROUND_FROM", 1000, minimum=0, maximum=10_000_000
)
VEGVISER_MY_DATA_KEPT_DAYS = env.integer("VEGVISER_MY_DATA_KEPT_DAYS", 7, minimum=1, maximum=90)

OTP_TOTP_ISSUER = "Vegviser"

# The FHIR API's authorisation server (django-oauth-toolkit): authorisation code with PKCE, as SMART App
# Launch asks; the scopes it grants are SMART on FHIR scopes, from the API's own list of resource types.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "vegviser.fhir.scopes.SmartScopes",
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.integer(
        "VEGVISER_FHIR_TOKEN_SECONDS", 3600, minimum=60, maximum=24 * 3600
    ),
    "REFRESH_TOKEN_EXPIRE_SECONDS": 24 * 3600,
    # Plain http only for a client on this machine during development (`make run`).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if DEVELOPMENT else ["https"],
    # The OAuth 2.0 Security Best Current Practice (RFC 9700) throughout: no implicit or password grant, PKCE
    # with S256 only, tokens never in a query string and stored hashed, the issuer in the authorisation
    # response, and a replayed refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "vegviser.core.middleware.RequestIdLogFilter"},
        "identity_numbers": {"()": "vegviser.core.logs.IdentityNumberMask"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    # The development server logs each request line with its query string, where a FHIR search by identifier
    # carries an identity number that no code of Vegviser wrote: its lines are masked. Vegviser's own log
    # lines carry none, which the test suite watches (tests/conftest.py), so they are not masked.
    "loggers": {
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["identity_numbers"],
        },
    },
    "root": {
        "handlers": ["console"],
        "level": env.choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
}
