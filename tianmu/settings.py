"""Django settings for Tianmu, driven by environment variables.

Every setting a deployment may change is read from the environment here, once, and a bad value
stops start-up with a message naming the variable (see docs/deploy.md for the list).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TIANMU_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; anything but a clear yes/no is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no; got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


DEBUG = env_bool("DEBUG", False)

# Production (DEBUG=0, the default) fails closed: no secret may fall back to a value that is
# public in this repository. Development (DEBUG=1: `make run`) derives them from a fixed key.
_DEV_SECRET_KEY = "tianmu-insecure-development-key-change-me"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG=0 (production). Generate one with "
            "`tianmu genkey --secret`, or set DEBUG=1 for development (docs/deploy.md)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Keys for personal data at rest (docs/personal-data.md). TIANMU_ENCRYPTION_KEYS is a
# comma-separated list of Fernet keys, newest first: the newest encrypts, every one decrypts
# (`tianmu reencrypt` moves old values to the newest). TIANMU_LOOKUP_KEY keys the HMAC that
# makes encrypted values searchable; it is separate so rotating encryption keys keeps every
# stored hash valid. Both are required in production and never derived from SECRET_KEY there.
TIANMU_ENCRYPTION_KEYS = env_list("TIANMU_ENCRYPTION_KEYS", [])
TIANMU_LOOKUP_KEY = os.environ.get("TIANMU_LOOKUP_KEY", "")
for _index, _key in enumerate(TIANMU_ENCRYPTION_KEYS):
    try:
        Fernet(_key.encode())
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            f"TIANMU_ENCRYPTION_KEYS: key {_index + 1} is not a Fernet key (32 url-safe "
            "base64-encoded bytes); generate one with `tianmu genkey`."
        ) from None
if TIANMU_LOOKUP_KEY and len(TIANMU_LOOKUP_KEY) < 32:
    raise ImproperlyConfigured(
        "TIANMU_LOOKUP_KEY must be at least 32 characters; "
        "generate one with `tianmu genkey --lookup`."
    )
if not DEBUG:
    if not TIANMU_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "TIANMU_ENCRYPTION_KEYS must be set when DEBUG=0 (production): the key that encrypts "
            "personal data, apart from SECRET_KEY. Generate one with `tianmu genkey`."
        )
    if not TIANMU_LOOKUP_KEY:
        raise ImproperlyConfigured(
            "TIANMU_LOOKUP_KEY must be set when DEBUG=0 (production): the key of the searchable "
            "hashes of personal data. Generate one with `tianmu genkey --lookup`."
        )
    if SECRET_KEY in TIANMU_ENCRYPTION_KEYS or SECRET_KEY == TIANMU_LOOKUP_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY, TIANMU_ENCRYPTION_KEYS and TIANMU_LOOKUP_KEY must be different keys."
        )

# The demo (`make run`) waives the second factor and the forced password change so a newcomer
# can sign in as demo-admin at once. Only in development: refused when DEBUG=0.
TIANMU_DEMO = env_bool("TIANMU_DEMO", False)
if TIANMU_DEMO and not DEBUG:
    raise ImproperlyConfigured("TIANMU_DEMO=1 is for development only; it needs DEBUG=1.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "ninja",  # serves the API docs page from its own static files, not a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "tianmu.core",
    "tianmu.accounts",
    "tianmu.registry",
    "tianmu.alliances",
    "tianmu.projects",
    "tianmu.commerce",
    "tianmu.employment",
    "tianmu.loans",
    "tianmu.events",
    "tianmu.impact",
    "tianmu.assessment",
    "tianmu.dashboard",
    "tianmu.matching",
    "tianmu.rounds",
    "tianmu.exchange",
    "tianmu.reports",
    "tianmu.inbox",
    # Test and benchmark support: only for the `gendata` command (docs/gendata.md).
    "tianmu.testing",
]

MIDDLEWARE = [
    # First: a load balancer's /healthz probe needs no host check, redirect or session.
    "tianmu.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tianmu.core.middleware.RequestIdMiddleware",
    "tianmu.core.routers.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tianmu.accounts.middleware.SessionLimitMiddleware",
    "tianmu.accounts.middleware.SecondFactorMiddleware",
    "tianmu.accounts.middleware.PasswordChangeRequiredMiddleware",
    "tianmu.core.middleware.ChangeActorMiddleware",
    "tianmu.core.middleware.OversizedIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tianmu.urls"
WSGI_APPLICATION = "tianmu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tianmu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tianmu.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'tianmu.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", "") or _default_db, conn_max_age=60
        )
    }
except Exception as exc:  # dj-database-url raises several kinds; all mean a bad URL.
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A writer that finds the database locked waits up to 20 s (busy timeout) instead of
    # failing; IMMEDIATE takes the write lock at BEGIN, so a transaction that reads and then
    # writes never meets a lock it cannot wait for (SQLite's deadlock answer comes at once).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
# Optional read replica (docs/deploy.md, "Read replica"): the cockpit's and the figures' GET
# requests read domain rows there; writes and sign-in state always use "default".
TIANMU_READ_REPLICA = ""
TIANMU_REPLICA_PATHS = env_list(
    "TIANMU_REPLICA_PATHS", ["/cockpit/", "/api/v1/kpis", "/api/v1/public/kpis"]
)
if os.environ.get("DATABASE_REPLICA_URL", ""):
    try:
        DATABASES["replica"] = dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=60
        )
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is not a database URL: {exc}") from exc
    # Tests of a deployment with a replica read the test database through it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    TIANMU_READ_REPLICA = "replica"
    DATABASE_ROUTERS = ["tianmu.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:start"  # each role's own start page
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes first: it refuses a locked-out username before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

_validation = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _validation + "MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": _validation + "UserAttributeSimilarityValidator"},
    {"NAME": _validation + "CommonPasswordValidator"},
    {"NAME": _validation + "NumericPasswordValidator"},
]

# Lockout (django-axes, docs/deploy.md): after AXES_FAILURE_LIMIT wrong passwords for one
# username, that username is refused — right password or not — for AXES_COOLOFF_TIME.
# Counted per username, so guessing from many addresses is locked out too. The login page, the
# admin's login and every other sign-in go through authenticate(), so all are covered.
AXES_FAILURE_LIMIT = env_int("TIANMU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("TIANMU_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# axes.W006 wants the client address among the lockout parameters so that rotating user agents
# or cookies cannot dodge a lock; a per-username lock is dodged by neither (nor by rotating
# addresses), and locking by address would lock out a whole office behind one NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions: signed out after TIANMU_SESSION_IDLE_MINUTES without a request, and in any case
# TIANMU_SESSION_MAX_HOURS after signing in (tianmu.accounts.middleware.SessionLimitMiddleware;
# the cookie's own lifetime is the absolute limit too).
TIANMU_SESSION_IDLE_MINUTES = env_int("TIANMU_SESSION_IDLE_MINUTES", 30)
TIANMU_SESSION_MAX_HOURS = env_int("TIANMU_SESSION_MAX_HOURS", 10)
SESSION_COOKIE_AGE = TIANMU_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor sign-in (django-otp TOTP): required for superusers and programme admins,
# optional for everyone else (docs/deploy.md).
OTP_TOTP_ISSUER = "Tianmu"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tianmu" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "tianmu" / "static"]
# Serve straight from the app folders when collectstatic has not run (make run, tests).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS (docs/deploy.md lists the production values; `tianmu check --deploy` is clean with them).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
if env_bool("TIANMU_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline.
# Inline styles stay allowed: a few templates and the vendored libraries set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Celery: with no broker configured, tasks run in-process (eagerly) so a single machine
# needs nothing but Python. Set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 to use workers.
# Production (DEBUG=0) refuses to start without a broker, so that no job (a matching run, an
# import, a report) ever runs inside a web request and holds a gunicorn worker for minutes;
# TIANMU_JOBS_IN_PROCESS=1 is the explicit way out (the test suite, the benches), and
# `tianmu check --deploy` reports it (tianmu.E010, tianmu/core/checks.py).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
TIANMU_JOBS_IN_PROCESS = env_bool("TIANMU_JOBS_IN_PROCESS", DEBUG)
if not DEBUG and not CELERY_BROKER_URL and not TIANMU_JOBS_IN_PROCESS:
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be set when DEBUG=0 (production): background jobs run on "
        "Celery workers, never inside a web request (e.g. redis://127.0.0.1:6379/0; "
        "docs/deploy.md). TIANMU_JOBS_IN_PROCESS=1 runs them in-process instead."
    )
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# One queue per kind of work, so a long matching run never delays an import or a report;
# each has its own worker (`celery -A tianmu worker -Q matching`, docs/deploy.md). Tasks
# without a route (none today) go to the default queue "celery".
CELERY_TASK_ROUTES = {
    "matching.*": {"queue": "matching"},
    "exchange.*": {"queue": "imports"},
    "reports.*": {"queue": "reports"},
    "aggregates.*": {"queue": "aggregates"},
}
# A worker takes one message at a time and acknowledges it when done: a worker that dies
# mid-task leaves the message for another (the task claims its run atomically, so a
# redelivered matching run is never solved twice; the reaper marks runs whose worker died).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
# Redis hands an unacknowledged message to another worker after this long: longer than the
# longest matching run (time limit at most 3600 s) so a busy worker keeps its message.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
# Celery beat keeps the monthly brief on the 1st of each month and the quarterly ledger on
# the 1st of each quarter, for every county that runs a programme (tianmu/reports/tasks.py).
CELERY_BEAT_SCHEDULE = {
    "reports-monthly-brief": {
        "task": "reports.monthly",
        "schedule": crontab(minute=30, hour=6, day_of_month=1),
    },
    "reports-quarterly-ledger": {
        "task": "reports.ledger",
        "schedule": crontab(minute=45, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Matching runs whose worker died are marked failed: "worker stopped"
    # (tianmu/matching/execution.py, run_reap).
    "matching-reap": {"task": "matching.reap", "schedule": 60.0},
    # The fact table's cells of villages that changed are recomputed off the request path
    # (tianmu/core/facts.py); a read refreshes whatever is still marked.
    "figures-catch-up": {"task": "aggregates.catch_up", "schedule": 10.0},
}
# A running matching run beats (its `heartbeat` time) at each stage; the solve stage lasts at
# most the run's time limit. A run silent for longer than its time limit plus this grace has
# lost its worker (killed, out of memory, machine restarted) and is reaped.
TIANMU_MATCHING_STALE_SECONDS = env_int("TIANMU_MATCHING_STALE_SECONDS", 300)

TIANMU_PAGE_SIZE = 25
TIANMU_API_MAX_LIMIT = 1000
# Key figures are cached per scope and period under the newest change-log id, so any change
# makes them count afresh; this bounds how long an entry lives (0: no cache). tianmu/core/kpis.py
TIANMU_KPI_CACHE_SECONDS = int(os.environ.get("TIANMU_KPI_CACHE_SECONDS", "30"))
# The public figures answer each client (REMOTE_ADDR) at most this many times a window, so an
# anonymous caller cannot keep a worker busy (tianmu/core/ratelimit.py; 0: no limit).
TIANMU_PUBLIC_RATE_LIMIT = int(os.environ.get("TIANMU_PUBLIC_RATE_LIMIT", "60"))
TIANMU_PUBLIC_RATE_WINDOW = int(os.environ.get("TIANMU_PUBLIC_RATE_WINDOW", "60"))


def env_count(name: str, default: int) -> int:
    """Read a positive whole number; anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1; got {raw!r}")
    return value


# Lists count their rows exactly up to this many, then say "more than N" (tianmu/core/counting.py):
# no COUNT(*) over millions of rows on every page. Figures always count exactly.
TIANMU_EXACT_COUNT_LIMIT = env_count("TIANMU_EXACT_COUNT_LIMIT", 10_000)

# Personal data (docs/personal-data.md): how many full values a user may reveal, and how many
# exact ID-number searches (and refused duplicate registrations) they may make, per hour.
TIANMU_REVEALS_PER_HOUR = env_count("TIANMU_REVEALS_PER_HOUR", 30)
TIANMU_ID_SEARCHES_PER_HOUR = env_count("TIANMU_ID_SEARCHES_PER_HOUR", 20)
# The change log is kept at least this many months (`tianmu prunechanges`, docs/deploy.md).
TIANMU_CHANGELOG_MIN_MONTHS = 6

# Logs (docs/deploy.md, "Logs"): JSON lines with the request id (tianmu.core.logs) in
# production, plain text in development; one access line a request from tianmu.request.
TIANMU_LOG_FORMAT = os.environ.get("TIANMU_LOG_FORMAT", "text" if DEBUG else "json")
if TIANMU_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"TIANMU_LOG_FORMAT must be json or text; got {TIANMU_LOG_FORMAT!r}")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tianmu.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": TIANMU_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own default sends its records to a console handler *and* on to the root's, so
    # each line printed twice ("Watching for file changes" under `make run`): one handler.
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # The access log: on with JSON (production), off in development, where runserver
        # prints its own. TIANMU_ACCESS_LOG=0/1 overrides.
        "tianmu.request": {
            "handlers": ["console"],
            "level": "INFO"
            if env_bool("TIANMU_ACCESS_LOG", TIANMU_LOG_FORMAT == "json")
            else "WARNING",
            "propagate": False,
        },
    },
}
# Workers log through the same LOGGING (JSON lines too), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
