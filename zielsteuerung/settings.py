"""Settings for Zielsteuerung: one file, read from the environment.

Without DEBUG=1 the project runs with production settings and needs SECRET_KEY: so does the
served application (wsgi.py). manage.py (`make run`) and the tests set DEBUG=1 unless it is
given, so that a fresh checkout starts on an SQLite file next to manage.py without set-up. Production sets SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL=postgres://…
"""

import os
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None


def env_decimal(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return Decimal(default)
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name} must be a number of at least 0, got {raw!r}")
    return value


def database_from_url(url):
    """Turn DATABASE_URL (sqlite:///path or postgres://user:pw@host:port/name) into a dict."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db is relative to the project, sqlite:////abs/path.db absolute.
        name = unquote(parts.path)[1:]
        if name and name != ":memory:" and not Path(name).is_absolute():
            name = str(BASE_DIR / name)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name or ":memory:"}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://, got {parts.scheme!r}"
    )


DEBUG = env_bool("DEBUG", False)  # manage.py (`make run`) and the tests turn it on
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdefghij"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_tasks_db",
    "zielsteuerung",
    "indicators",
    "agreements",
    "dialogs",
    "publication",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zielsteuerung.middleware.refuse_nul",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zielsteuerung.middleware.absolute_session_age",
    "zielsteuerung.middleware.no_store_when_logged_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "zielsteuerung.urls"
CSRF_FAILURE_VIEW = "zielsteuerung.views.csrf_failure"
WSGI_APPLICATION = "zielsteuerung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "zielsteuerung.context_processors.membership",
            ],
            "builtins": ["zielsteuerung.templatetags.zs", "zielsteuerung.templatetags.access"],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# Years and keys must never read "2.020": numbers are grouped by the de_* filters only.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# WhiteNoise serves the static files from the application server. In production they are
# collected once, compressed (gzip, Brotli) and fingerprinted, and sent with a cache lifetime
# of a year; in DEBUG (and in tests) they come straight from static/ as they are edited, so
# nothing needs collectstatic and no stale copy in STATIC_ROOT is ever served.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if not DEBUG:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age counts from the last request: inactivity
# However active, a session ends this long after the login (zielsteuerung.middleware).
SESSION_ABSOLUTE_AGE = env_int("SESSION_ABSOLUTE_AGE", 12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed logins are throttled per user name and per address (django-axes).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# A user name is locked after its failures from any addresses, an address after its failures
# for any user names; the address is the client's, also behind a proxy (PROXY_COUNT).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The number of reverse proxies in front (each appends to X-Forwarded-For); 0 without a proxy.
PROXY_COUNT = env_int("PROXY_COUNT", env_int("AXES_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "zielsteuerung.client.client_address"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Largest upload the indicator import accepts (bytes) and the most rows it reads.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 2_000_000)
# Reconciliation of computed and published Kennzahlen (agreements/reconciliation.py): a
# difference above this is flagged, in percentage points for a quota (K2 …) and in percent
# for a change (K1, K3: their published figures are changes in percent).
RECONCILIATION_THRESHOLD_POINTS = env_decimal("RECONCILIATION_THRESHOLD_POINTS", "0.1")
RECONCILIATION_THRESHOLD_PERCENT = env_decimal("RECONCILIATION_THRESHOLD_PERCENT", "0.1")
# Uploads with more values than this are stored by a background task (indicators/tasks.py).
IMPORT_TASK_MIN_VALUES = env_int("IMPORT_TASK_MIN_VALUES", 20_000)
# Where uploads wait between preview and confirmation (default: the system's temp directory).
# With several application servers or a separate worker this must be storage they all share.
UPLOAD_PENDING_DIR = os.environ.get("UPLOAD_PENDING_DIR", "")
# At most this many bytes wait there in all (one upload per user; default 1 GB).
UPLOAD_PENDING_MAX_BYTES = env_int("UPLOAD_PENDING_MAX_BYTES", 1024 * 1024 * 1024)

# Computed JFW and attainment are cached per delivery (agreements/attainment.py), in each
# process' memory: deliveries never change, so no process ever holds stale figures.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000)},
    }
}

# Background tasks (Django's tasks framework). Without a worker ("immediate", the default and
# in tests) a task runs in the process that enqueues it; with TASKS_BACKEND=database tasks
# wait in the database until `manage.py db_worker` (django-tasks-db) runs them.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, got {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Scripts and styles only from this site, inline scripts only with the request's nonce.
# plotly.js creates an empty <style> element and fills it through the CSSOM (which CSP does
# not restrict); the hash below admits exactly that empty element and no inline CSS at all.
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, EMPTY_STYLE_HASH],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


def mailer_from_url(url):
    """EMAIL_URL as smtp://user:pw@host:587 (STARTTLS with ?tls=1), smtps://… (SSL) or console:,
    turned into a MAILERS entry."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL must be smtp://host:port, smtps://host:port or console:, got {url!r}"
        )
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": "tls=1" in parts.query,
        },
    }


# Reminders (dialogs/reminders.py): EMAIL_URL or the usual EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/SSL choose the SMTP server. Without them
# mails go to the console in DEBUG and to the local mail server (localhost:25) in production.
if os.environ.get("EMAIL_URL"):
    _mailer = mailer_from_url(os.environ["EMAIL_URL"])
elif os.environ.get("EMAIL_HOST"):
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ["EMAIL_HOST"],
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        },
    }
else:
    _mailer = mailer_from_url("console:" if DEBUG else "smtp://localhost:25")
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zielsteuerung@localhost")
# The address of the site in links of e-mails (a command knows no request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
