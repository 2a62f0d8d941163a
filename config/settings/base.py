"""Settings shared by every environment. Values come from the environment (see docs/operations/configuration.md)."""

import datetime
import urllib.parse
from email.utils import getaddresses

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc as our own static files
    "django_filters",
    "health_check",
    "axes",
    "django_prometheus",
    "django_countries",
    "core",
    "audit",
    "accounts",
    "indicators",
    "clusters",
    "labelling",
    "expertise",
    "programmes",
    "committee",
    "improvement",
    "appeals",
    "areas",
    "demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first and last: the request's whole time
    "core.logging.RequestIdMiddleware",  # every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' 304s and kept copies of the public pages, before the session, CSRF and locale work.
    "core.public_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.language.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Pages: a NotFound answers 404, another DomainError goes back with its message (core.pages).
    "core.pages.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a django-axes lockout into the 429 answer of accounts.lockout.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Security headers on every answer (docs/operations/security.md, "Security headers"): no inline script, style or
# handler anywhere, no other host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "usb",
        "xr-spatial-tracking",
    )
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]


# The embedded default is a SQLite file in the project; tests and production use PostgreSQL.
def database_from_env(default=env.NOTSET) -> dict:
    """DATABASE_URL as a ``DATABASES`` entry, through django-prometheus's wrapper of the same backend: the queries,
    their errors and durations are counted for /metrics (core/metrics.py)."""
    config = env.db("DATABASE_URL", default=default)
    engine = config.get("ENGINE", "")
    if engine.startswith("django.db.backends."):
        config["ENGINE"] = "django_prometheus.db.backends." + engine.rsplit(".", 1)[-1]
    return config


DATABASES = {"default": database_from_env(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked account or address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Lock-out after repeated failed log-ins (login page, Django admin, token endpoint): AXES_FAILURE_LIMIT failures
# lock the pair (user name, address) for AXES_COOLOFF_MINUTES, so that nobody can lock an account out from
# elsewhere; AXES_ADDRESS_FAILURE_LIMIT failures from one address, whatever the user names (password spraying),
# lock that address (accounts/lockout.py). Administrators unlock in the admin ("Access attempts": delete the rows)
# or `manage.py axes_reset_username NAME`; a locked-out user can also log in from another network, or wait.
AXES_HANDLER = "accounts.lockout.PairAndAddressHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.throttles.axes_client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# en-GB dates and times for English, U+202F thousands for French (config/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Evidence files, reports and certificates: never under MEDIA_URL, served by permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def object_storage_options(url: str) -> dict:
    """``STORAGE_URL`` as django-storages' S3 options: ``s3://KEY:SECRET@BUCKET?endpoint_url=…&region_name=…``
    (``addressing_style=path`` for most S3-compatible servers). Without KEY:SECRET, boto3 finds the credentials
    itself (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, or the machine's role)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL must read s3://[KEY:SECRET@]BUCKET[?endpoint_url=…&region_name=…]")
    options = {"bucket_name": parts.hostname}
    if parts.username:
        options["access_key"] = urllib.parse.unquote(parts.username)
        options["secret_key"] = urllib.parse.unquote(parts.password or "")
    query = dict(urllib.parse.parse_qsl(parts.query))
    for name in ("endpoint_url", "region_name", "signature_version", "addressing_style"):
        if query.get(name):
            options[name] = query[name]
    return options


# Every file (public media and the private store) in an S3-compatible bucket when STORAGE_URL (or the usual
# AWS_STORAGE_BUCKET_NAME with AWS_* credentials) is set; the local disk otherwise. The bucket stays private:
# private files are streamed by Grappe after its permission check (docs/operations/storage.md).
STORAGE_URL = env("STORAGE_URL", default="")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
# How long a signed URL of a private object stays valid (the bucket answers 403 past it). Public media (logos) get
# no signed URL: their URL is the site's own, MEDIA_URL + key, streamed from the bucket by core/media.py.
STORAGE_PRIVATE_URL_SECONDS = env.int("STORAGE_PRIVATE_URL_SECONDS", default=300)
if STORAGE_URL or AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as _BotoConfig

    _bucket = {
        # A bucket that does not answer fails the request within seconds (a translated 503, core/views.py).
        "client_config": _BotoConfig(connect_timeout=3, read_timeout=30, retries={"max_attempts": 2}),
        "default_acl": None,  # the bucket's own policy: private
        "file_overwrite": False,
        "querystring_auth": True,  # a URL of an object is a short-lived signed one
        **(object_storage_options(STORAGE_URL) if STORAGE_URL else {}),
    }
    STORAGES["default"] = {"BACKEND": "core.storage.PublicMediaStorage", "OPTIONS": {**_bucket, "location": "media"}}
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_bucket, "location": "private", "querystring_expire": STORAGE_PRIVATE_URL_SECONDS},
    }
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Appeals: how many days after a refusal, a conditional grant, a lower level or a revocation a cluster may appeal.
APPEAL_WINDOW_DAYS = env.int("APPEAL_WINDOW_DAYS", default=30)
LOGO_MAX_BYTES = env.int("LOGO_MAX_BYTES", default=2 * 1024 * 1024)
LOGO_MAX_PIXELS = env.int("LOGO_MAX_PIXELS", default=2000)  # the longest side of a logo, in pixels
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Spreadsheets (member import, offline questionnaire): the zip container is checked before openpyxl opens it
# (core.spreadsheets): declared inflated size, inflation ratio of each part, number of parts; rows and columns.
XLSX_MAX_UNCOMPRESSED_BYTES = env.int("XLSX_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
XLSX_MAX_RATIO = env.int("XLSX_MAX_RATIO", default=100)
XLSX_MAX_ENTRIES = env.int("XLSX_MAX_ENTRIES", default=500)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Grappe <noreply@grappe.localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# The labelling body named on the certificates and reports, and the key it signs the PDFs with (PAdES, pyHanko).
# SIGNING_KEY_FILE / SIGNING_CERT_FILE: PEM files; SIGNING_KEY_PASSPHRASE: the key's passphrase, from the
# environment. Outside production, a missing key is replaced by a self-signed development key created on first
# use under var/signing/ (see docs/operations/deployment.md); production refuses to start without them.
LABELLING_BODY = env("LABELLING_BODY", default="Grappe")
# The awarding committee decides the assessments (committee app): on, an administrator puts a validated assessment on
# a session's agenda and the session's chair records the committee's decision; off (a labelling body without a
# committee), an administrator decides it directly and the committee's pages and API answer 404.
LABELLING_COMMITTEE = env.bool("LABELLING_COMMITTEE", default=True)
SIGNING_KEY_FILE = env("SIGNING_KEY_FILE", default="")
SIGNING_CERT_FILE = env("SIGNING_CERT_FILE", default="")
SIGNING_CHAIN_FILES = env.list("SIGNING_CHAIN_FILES", default=[])
SIGNING_KEY_PASSPHRASE = env("SIGNING_KEY_PASSPHRASE", default="")
SIGNING_DEVELOPMENT_KEY = env.bool("SIGNING_DEVELOPMENT_KEY", default=True)
SIGNING_DEVELOPMENT_DIR = BASE_DIR / "var" / "signing"


# django-redis's backend, through django-prometheus's subclass of it: each ``get`` is counted, with its hits and
# misses, for /metrics (``django_cache_get_total``, … with ``backend="redis"``). It is django-redis's RedisCache
# (``.client``, ``make_key``, ``decode``, ``get_client``: core/caching.py, core/throttles.py) with ``get`` counted.
REDIS_CACHE_BACKEND = "django_prometheus.cache.backends.redis.RedisCache"


def cache_from_env(default=env.NOTSET) -> dict:
    """CACHE_URL as a ``CACHES`` entry; a ``redis://`` URL takes django-redis (one client per connection pool,
    where Django's own backend builds one per call), whichever backend django-environ would pick, through
    django-prometheus's counting subclass (``REDIS_CACHE_BACKEND``)."""
    config = env.cache("CACHE_URL", default=default)
    if config.get("BACKEND") in ("django.core.cache.backends.redis.RedisCache", "django_redis.cache.RedisCache"):
        config["BACKEND"] = REDIS_CACHE_BACKEND
    return config


# The cache: Redis in production and in the tests (throttles, lockouts and the statistics must be shared by every
# process), a local memory cache for `make run`. CACHE_URL takes django-environ's forms (redis://…, locmemcache://).
CACHES = {"default": cache_from_env(default="redis://127.0.0.1:6379/1")}
CACHES["default"].setdefault("KEY_PREFIX", env("CACHE_KEY_PREFIX", default="grappe"))

# Celery. The broker URL decides the transport: filesystem:// for `make run`, redis:// elsewhere.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
# Reports never stay "running" for ever (labelling/tasks.py, labelling/services/reports.py): a soft and a hard
# time limit on the render task, a beat sweeper for stale reports, at most REPORT_MAX_ATTEMPTS tries.
REPORT_SOFT_TIME_LIMIT = env.int("REPORT_SOFT_TIME_LIMIT", default=120)
REPORT_TIME_LIMIT = env.int("REPORT_TIME_LIMIT", default=180)
REPORT_STALE_SECONDS = env.int("REPORT_STALE_SECONDS", default=REPORT_TIME_LIMIT + 60)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
REPORT_POLL_MAX_SECONDS = env.int("REPORT_POLL_MAX_SECONDS", default=15 * 60)
# Abuse: one unfinished report per assessment, kind and language; at most this many requests per user per hour.
REPORT_REQUESTS_PER_HOUR = env.int("REPORT_REQUESTS_PER_HOUR", default=30)
# Redis redelivers a message that a dead worker took but never acknowledged after the visibility timeout
# (longer than any task may run: the hard time limit, with a margin).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3 * REPORT_TIME_LIMIT),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose process died (kill -9, out of memory) goes back to the queue instead of being acknowledged.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="grappe")
CELERY_TIMEZONE = TIME_ZONE
# How long kombu keeps trying to connect to the broker (the worker, beat, the outbox relay), sleeping 2 s then 4 s
# between attempts: about 6 s before it gives up with the default. Web requests do not wait for it: see below.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
# The send right after a commit (core/broker.py, core/outbox.py), inside the web request: one connection attempt,
# and at most this many seconds for the connection and for each reply of the broker. When it fails a report is left
# to the sweeper and an e-mail stays in the outbox for core.relay_outbox, and the transaction's other messages are
# not tried: a request with a broker down (refused: a few ms; silent: this bound) waits once, not once per message.
OUTBOX_QUICK_SEND_TIMEOUT = env.float("OUTBOX_QUICK_SEND_TIMEOUT", default=1.0)
OUTBOX_RELAY_SECONDS = env.float("OUTBOX_RELAY_SECONDS", default=30.0)
OUTBOX_MAX_AGE_SECONDS = env.int("OUTBOX_MAX_AGE_SECONDS", default=600)  # /health/ fails past this
HEALTH_CELERY_TIMEOUT = env.float("HEALTH_CELERY_TIMEOUT", default=1.0)
# /metrics (core/metrics.py): closed unless a bearer token or the scraper's networks are given.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
CELERY_BEAT_SCHEDULE = {
    "expire-labels": {"task": "labelling.expire_labels", "schedule": 3600.0},
    # Tasks whose hand-over to the broker failed after their commit (core/outbox.py).
    "relay-outbox": {"task": "core.relay_outbox", "schedule": OUTBOX_RELAY_SECONDS},
    # Reports left pending or running by a dead worker: re-queued, or failed with a message.
    "sweep-reports": {"task": "labelling.sweep_reports", "schedule": 60.0},
    # The reminders 7 days and 1 day before each expert's visit (expertise/services.py, visits_remind).
    "remind-visits": {"task": "expertise.remind_visits", "schedule": 3600.0},
    # The funders' side (programmes/reminders.py): the yearly reports' reminders, the officers' weekly digest.
    "remind-yearly-reports": {"task": "programmes.remind_reports", "schedule": 3600.0},
    "officers-digest": {"task": "programmes.officers_digest", "schedule": 3600.0},
    # The conditional labels whose review date has come (committee/services.py, conditions_remind).
    "remind-conditions": {"task": "committee.remind_conditions", "schedule": 3600.0},
    # Minutes of a closed session left pending by a lost message or a dead worker: queued again.
    "sweep-minutes": {"task": "committee.sweep_minutes", "schedule": 300.0},
}

REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate: Token` header makes an unauthenticated call answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",  # tags by resource
    "DEFAULT_FILTER_BACKENDS": ["core.filters.FilterBackend"],  # foreign keys filter by id (core.filters.FilterSet)
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Throttles (core/throttles.py) count in the default cache; a throttled call answers 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.AnonThrottle", "core.throttles.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="120/minute"),
        "user": env("THROTTLE_USER", default="600/minute"),
        "public_anon": env("THROTTLE_PUBLIC_ANON", default="30/minute"),
        # The public pages and the badge (embedded in cluster websites): an office or campus shares one address.
        "public_pages": env("THROTTLE_PUBLIC_PAGES", default="600/minute"),
        "login": env("THROTTLE_LOGIN", default="10/minute"),
        "password_reset": env("THROTTLE_PASSWORD_RESET", default="5/hour"),
        "token": env("THROTTLE_TOKEN", default="10/minute"),
    },
    # Proxies in front of the web server whose X-Forwarded-For is trusted (0: the caller is REMOTE_ADDR).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Grappe API",
    "DESCRIPTION": "Cluster quality labelling: clusters, assessments, reviews, labels and the public registry.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is checked by tests/test_api_schema.py and tests/test_schemathesis.py, and by drf-spectacular's
    # own deploy check (`check --deploy`): any warning of its generator is one there (and fails the tests).
    "ENABLE_DJANGO_DEPLOY_CHECK": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.schema_postprocess"],
    # One tag per resource (core.schema.AutoSchema gives each operation its own): a new resource declares its tag here.
    "TAGS": [
        {"name": "api", "description": "The API's root: links to the schema and its documentation."},
        {"name": "authentication", "description": "Obtain and revoke your API token."},
        {"name": "clusters", "description": "Clusters' profiles and their yearly team, governance and financing."},
        {"name": "members", "description": "The members of a cluster."},
        {"name": "assessments", "description": "Self-assessments: start, submit, withdraw, the questionnaire."},
        {"name": "answers", "description": "The answers of an assessment, one per indicator."},
        {"name": "prerequisites", "description": "The prerequisites of an assessment, checked before its review."},
        {"name": "visits", "description": "The expertise's interview or visit: slots proposed, accepted, moved."},
        {"name": "findings", "description": "The expert's findings on an assessment."},
        {"name": "reviews", "description": "The review by assessors, its countersignature and the decision."},
        {"name": "labels", "description": "Labels awarded to clusters, and their revocation."},
        {"name": "registry", "description": "Public: the registry of active labels and the certificate check."},
        {"name": "reports", "description": "PDF reports and certificates, produced by a worker."},
        {"name": "frameworks", "description": "Public: the indicator frameworks (categories, indicators, thresholds)."},
        {"name": "benchmark", "description": "An assessment among its peers; statistics of the population."},
        {"name": "programmes", "description": "Funding programmes and the clusters they fund."},
        {
            "name": "committee",
            "description": "The awarding committee: sessions, their agenda of validated assessments, conflicts of "
            "interest and the decision of each case.",
        },
        {
            "name": "appeals",
            "description": "Appeals against a refusal, a conditional grant, a lower level or a revocation: lodged by "
            "the cluster, handled by an administrator who took no part in the decision.",
        },
        {
            "name": "areas",
            "description": "Silver's areas of improvement: each tied to an indicator and to actions of the "
            "improvement plan, with what was done, and the assessor's verdict on each.",
        },
        {
            "name": "improvement plan",
            "description": "A cluster's improvement plan after a decision: its actions, their status and evidence.",
        },
        {"name": "contracts", "description": "Performance contracts of a programme and their targets."},
        {"name": "yearly reports", "description": "A cluster's yearly report to its programme: submitted, approved."},
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are documented as JSON, the API's format (forms are still read, for the browsable API).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # One schema name per choice set shared by several fields (else `check --deploy` warns, drf_spectacular.W001).
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "labelling.models.Level",
        "LabelLevelEnum": "labelling.models.LABEL_LEVEL_CHOICES",  # Label.level: Level without "none"
        "LevelInputEnum": ["none", "bronze", "silver", "gold"],  # ChoiceField(choices=Level.values)
        "LabelLevelInputEnum": ["bronze", "silver", "gold"],
        "AssessmentStatusEnum": "labelling.models.AssessmentStatus",
        "LabelStatusEnum": "labelling.models.LabelStatus",
        "ReportStatusEnum": "labelling.models.ReportStatus",
        "YearlyReportStatusEnum": "programmes.models.ReportStatus",
        "FunderKindEnum": "programmes.models.FunderKind",
        "SessionStatusEnum": "committee.models.SessionStatus",
        "CaseOutcomeEnum": "committee.models.Outcome",
        "AppealStatusEnum": "appeals.models.AppealStatus",
        "AppealOutcomeEnum": "appeals.models.Outcome",
        "ActionStatusEnum": "improvement.models.ActionStatus",
    },
}

# Logs: JSON lines on standard output (time, level, logger, message, request id: core/logging.py), for the
# container's log collector; LOG_FORMAT=text for plain lines. Errors (a 500, a report failed for good, a task
# that failed) are also e-mailed to ADMINS, and sent to Sentry when SENTRY_DSN is set.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own default sends django.request errors (500) to mail_admins; these add our failures.
        "labelling": {"handlers": ["mail_admins"], "level": "INFO"},
        "core": {"handlers": ["mail_admins"], "level": "INFO"},
        "celery.app.trace": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}
# The worker keeps this configuration (JSON lines) instead of installing its own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False


def _admins(value: str) -> list[tuple[str, str]]:
    """``ADMINS='Ada Lovelace <ada@example.org>, ops@example.org'`` → [(name, address), …]."""
    return [(name or address, address) for name, address in getaddresses([value]) if address]


ADMINS = _admins(env("ADMINS", default=""))
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = env("EMAIL_SUBJECT_PREFIX", default="[Grappe] ")

# Sentry (optional: `pip install 'grappe[sentry]'`, installed in the Docker image): set SENTRY_DSN to send it
# the errors of the web processes and of the worker.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
