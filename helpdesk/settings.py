"""Settings for the help desk, all read from the environment.

Embedded defaults give a working desk on a bare machine: a SQLite file, a Celery
broker on the local filesystem and emails written to files. Production sets
``DEBUG=false`` and must then give ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from helpdesk.lib.env import SEARCH_LANGUAGES, env_bool, env_int, env_list, env_str, parse_email_url

# Lets classes name their model at run time as the type checker sees them
# (`admin.ModelAdmin[Ticket]`, `forms.ModelForm[Queue]`, `Paginator[Article]`).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HELPDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tickets",
    "knowledgebase",
    "canned_responses",
    "portal",
    "desk",
    "mail",
    "webhooks",
    "satisfaction",
    "reporting",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "helpdesk.lib.outage.SessionMiddleware",  # Django's, retried across a dropped connection
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so its process_exception sees a view's database outage first (a 503, not a 500).
    "helpdesk.lib.outage.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

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
                "csp.context_processors.nonce",
                "helpdesk.context.site",
                "desk.context.notices",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'helpdesk.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web process and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A read replica for the reports page's roll-ups (reporting/replica.py); none: the primary.
if env_str("REPORTS_DATABASE_URL"):
    DATABASES["reports"] = dj_database_url.parse(
        env_str("REPORTS_DATABASE_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}  # tests read the primary under this name
DATABASE_ROUTERS = ["reporting.replica.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:queue"
LOGOUT_REDIRECT_URL = "desk:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One 24-hour clock everywhere (the admin included): see helpdesk/formats/.
FORMAT_MODULE_PATH = ["helpdesk.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside any URL: they are served only by a view that checks access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 5)
# Seconds a process keeps its copy of the SLA policies and calendars at most (tickets/sla_config.py).
SLA_CONFIG_MAX_AGE = env_int("SLA_CONFIG_MAX_AGE", 60)

# The cache holds rate-limit counts only; it is optional on the request path (docs/reliability.md §5),
# so a hung Redis must answer within a second, never hold a request.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("CACHE_URL"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if env_str("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "helpdesk"}
    )
}

# Email
_email = parse_email_url(env_str("EMAIL_URL", f"file://{VAR_DIR / 'sent-emails'}"))
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_FILE_PATH = _email.file_path or str(VAR_DIR / "sent-emails")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Support <support@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address customers reply to; each ticket's emails carry a signed plus-address on it
# (support+HD-1014-<signature>@host, tickets/reply_address.py). Empty: DEFAULT_FROM_EMAIL's address.
REPLY_TO_ADDRESS = env_str("REPLY_TO_ADDRESS", "")
HELPDESK_NAME = env_str("HELPDESK_NAME", "Support")
# A customer's reply (private page or email) reopens a solved ticket only this many days after
# it was solved; later, or on a closed ticket, it opens a new ticket that follows the old one.
REOPEN_WITHIN_DAYS = env_int("REOPEN_WITHIN_DAYS", 14)
if REOPEN_WITHIN_DAYS < 0:
    raise ImproperlyConfigured("REOPEN_WITHIN_DAYS must be 0 or more (0: a solved ticket never reopens).")
# A follow-up email ("Is everything still working?") keeps the ticket taking the customer's answer
# for this many days after it was sent, even once the ticket is closed (tickets/services/check_ins.py).
CHECK_IN_ANSWER_DAYS = env_int("CHECK_IN_ANSWER_DAYS", 14)
# The largest raw message POST /mail/inbound/<mailbox>/ accepts (bytes); bigger gets a 413.
MAIL_INBOUND_MAX_BYTES = env_int("MAIL_INBOUND_MAX_BYTES", 40 * 1024 * 1024)
# IMAP polling (mail/imap.py). Certificates of a private CA (PEM) trusted for IMAP servers and
# OAuth token endpoints, in addition to the system's; empty: the system's only.
IMAP_CA_FILE = env_str("IMAP_CA_FILE", "")
if IMAP_CA_FILE and not Path(IMAP_CA_FILE).is_file():
    raise ImproperlyConfigured(f"IMAP_CA_FILE={IMAP_CA_FILE!r} is not a file.")
# How long a poll run holds its mailbox: a run killed mid-way keeps others out this long. Longer
# than the poll task's time limit (240 s), so a slow run is never joined by a second one.
IMAP_LEASE_SECONDS = env_int("IMAP_LEASE_SECONDS", 300)
if IMAP_LEASE_SECONDS < 1:
    raise ImproperlyConfigured("IMAP_LEASE_SECONDS must be at least 1.")
# Days a filed inbound email keeps its raw bytes (compressed); then a daily task clears them,
# keeping the text on the ticket. 0 keeps them forever. Quarantined messages are never cleared.
MAIL_RAW_RETENTION_DAYS = env_int("MAIL_RAW_RETENTION_DAYS", 365)
if MAIL_RAW_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("MAIL_RAW_RETENTION_DAYS must be 0 (keep forever) or a number of days.")
TICKET_REFERENCE_PREFIX = "HD"
# A public reply to an unassigned ticket assigns it to the replying agent (when they work its queue).
ASSIGN_ON_REPLY = env_bool("ASSIGN_ON_REPLY", True)
# The language the desk's search reads tickets in (a PostgreSQL text-search configuration): its
# stemming finds "refunds" for "refund" and it skips words such as "the". "simple" does neither and
# suits a desk in several languages. Changing it needs `manage.py search_index --all` (docs/search.md).
TICKET_SEARCH_LANGUAGE = env_str("TICKET_SEARCH_LANGUAGE", "english")
if TICKET_SEARCH_LANGUAGE not in SEARCH_LANGUAGES:
    raise ImproperlyConfigured(
        f"TICKET_SEARCH_LANGUAGE={TICKET_SEARCH_LANGUAGE!r} is not one of: {', '.join(sorted(SEARCH_LANGUAGES))}."
    )

# Celery: see docs/reliability.md §3 for the reason behind each value.
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task is interrupted at the soft limit (it can clean up) and killed at the hard one; the claim
# leases below must outlast the hard limit. Tasks that need longer set their own (mail polling).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", CELERY_TASK_TIME_LIMIT // 2)
if not 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be at least 1 and less than CELERY_TASK_TIME_LIMIT.")
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues that cannot starve each other (README, "Workers and queues"): the promise sweep, customer
# email, agent notices, and everything else (bulk changes, mail polling, webhooks, upkeep). A worker
# started without -Q consumes all four; production runs one worker (group) per queue.
WORKER_QUEUES = ("sweep", "mail", "notices", "background")
CELERY_TASK_QUEUES = {name: {"exchange": name, "routing_key": name} for name in WORKER_QUEUES}
CELERY_TASK_DEFAULT_QUEUE = "background"
CELERY_TASK_ROUTES = {
    "tickets.tasks.promise_sweep": {"queue": "sweep"},
    "tickets.tasks.requeue_stuck_emails": {"queue": "sweep"},  # one quick query a minute: never behind mail
    "tickets.tasks.send_customer_emails": {"queue": "mail"},
    "tickets.tasks.send_outbound_email": {"queue": "mail"},
    "tickets.tasks.send_agent_notices": {"queue": "notices"},
}
# Outbox rows still pending this long after their due attempt are queued again.
OUTBOX_REQUEUE_AFTER_SECONDS = env_int("OUTBOX_REQUEUE_AFTER_SECONDS", 120)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10)
# Rows a sender run claims at a time and sends over one SMTP connection (tickets/services/outbox_batch.py).
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 100)
# How long a send task holds its claim on an outbox row (the lease). Longer than the task's hard
# time limit, so a slow send is never claimed twice; after it, the row is queued again.
OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 120)
if OUTBOX_CLAIM_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"OUTBOX_CLAIM_SECONDS must be longer than the send task's time limit ({CELERY_TASK_TIME_LIMIT} s)."
    )

# Webhooks (webhooks/, README "Webhooks"). Private, loopback and other non-public addresses are
# refused unless WEBHOOKS_ALLOW_PRIVATE (tests, a receiver on the same network); plain http only
# with WEBHOOKS_ALLOW_HTTP (tests, development).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", False)
# Connect and read timeout of one POST, and the most a whole POST may take, in seconds.
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 5)
# An endpoint failing without a single success for this long is switched off (admins are emailed).
WEBHOOKS_DISABLE_AFTER_SECONDS = env_int("WEBHOOKS_DISABLE_AFTER_SECONDS", 24 * 60 * 60)
# How long the dispatcher waits for a gap in the history's ids to fill (a transaction that
# committed late) before its cursor moves past the gap (webhooks/dispatch.py).
WEBHOOKS_SETTLE_SECONDS = env_int("WEBHOOKS_SETTLE_SECONDS", 60)
# Days the delivery log keeps delivered and given-up deliveries (0: for ever).
WEBHOOKS_LOG_RETENTION_DAYS = env_int("WEBHOOKS_LOG_RETENTION_DAYS", 30)
# How long a sender holds its claim on a delivery: longer than the send task's hard time limit.
WEBHOOKS_CLAIM_SECONDS = env_int("WEBHOOKS_CLAIM_SECONDS", 120)
if WEBHOOKS_CLAIM_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"WEBHOOKS_CLAIM_SECONDS must be longer than the send task's time limit ({CELERY_TASK_TIME_LIMIT} s)."
    )

# Rate limits: (requests, seconds) per client address.
RATELIMIT_PUBLIC_FORM = (env_int("RATELIMIT_PUBLIC_FORM", 10), 3600)
RATELIMIT_LOGIN = (env_int("RATELIMIT_LOGIN", 10), 600)
RATELIMIT_RESEND_LINKS = (env_int("RATELIMIT_RESEND_LINKS", 5), 3600)
RATELIMIT_CUSTOMER_REPLY = (env_int("RATELIMIT_CUSTOMER_REPLY", 30), 3600)
# Behind a proxy, the header that carries the client's address (e.g. HTTP_X_FORWARDED_FOR).
RATELIMIT_CLIENT_IP_HEADER = env_str("RATELIMIT_CLIENT_IP_HEADER", "")
# Sign-in failures per account, from any address: (failures, seconds). That many failures,
# each within the window of the one before, start a cool-off of (first, longest) seconds that
# doubles with each further failure (1, 2, 4, 8, then 15 minutes); see helpdesk.lib.ratelimit.
RATELIMIT_LOGIN_ACCOUNT = (env_int("RATELIMIT_LOGIN_ACCOUNT", 5), 900)
RATELIMIT_LOGIN_COOLOFF = (
    env_int("RATELIMIT_LOGIN_COOLOFF_SECONDS", 60),
    env_int("RATELIMIT_LOGIN_COOLOFF_MAX_SECONDS", 900),
)
# Acknowledgements to one recipient address per hour, whoever submits; the rest are held.
ACK_PER_RECIPIENT_PER_HOUR = env_int("ACK_PER_RECIPIENT_PER_HOUR", 5)
# "Send my links again" emails to one recipient address per hour, whoever asks.
LINKS_PER_RECIPIENT_PER_HOUR = env_int("LINKS_PER_RECIPIENT_PER_HOUR", 3)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers (ASVS L1 and `check --deploy`).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"  # our page: what to do, and the text they typed
SERVICE_UNAVAILABLE_VIEW = "portal.errors.service_unavailable"  # a database outage: 503, the typed text kept
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The REST API (api/, docs/architecture.md): JSON only, agents' tokens or the desk's session
# (CSRF enforced), throttled per user and per address; OpenAPI by drf-spectacular, its pages'
# scripts served from here (drf-spectacular-sidecar), never from a CDN.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.DeskSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.AgentWithScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.UserThrottle", "api.throttles.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_RATE_USER", "600/minute"),
        "anon": env_str("API_RATE_ANON", "60/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Help desk API",
    "DESCRIPTION": (
        "Tickets, customers, queues and the knowledge base, for agents' personal tokens "
        "(`Authorization: Bearer <token>`, made at /desk/me/tokens/). The public knowledge base needs none."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "TicketKindEnum": "tickets.models.Ticket.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
