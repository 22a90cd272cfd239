"""Settings for Safer Norfolk, read from the environment (see docs/deployment.md).

With no environment at all a fresh clone runs on SQLite with DEBUG off and a development
secret key. DJANGO_ENV=production turns on the guards and secure defaults a public server
needs, and refuses to start with the development key, DEBUG on or no ALLOWED_HOSTS.
"""

import re
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from safer_norfolk.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-not-for-any-public-server"  # noqa: S105 -- the guard below refuses it in production
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or not SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs its own SECRET_KEY (or SECRET_KEY_FILE)."
        )
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_ENV=production refuses to run with DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ENV=production needs ALLOWED_HOSTS (comma-separated).")

SITE_NAME = env_str("SITE_NAME", "Safer Norfolk")
# The phase shown in the banner under the header ("Beta"); empty hides the banner.
SITE_PHASE = env_str("SITE_PHASE", "Beta")
FEEDBACK_EMAIL = env_str("FEEDBACK_EMAIL", "")
# The domain in calendar event UIDs and feed entry ids: set once, never changed, so
# subscribers' calendars keep recognising the same meetings.
CALENDAR_UID_DOMAIN = env_str("CALENDAR_UID_DOMAIN", "safer-norfolk.example.org")
# The site's address as readers reach it, for the links in emails (sent with no request to
# read it from): by default the first of ALLOWED_HOSTS over HTTPS in production.
SITE_URL = env_str(
    "SITE_URL",
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION and ALLOWED_HOSTS else "http://localhost:8000",
).rstrip("/")

# Email (alerts): sent over SMTP in production, or through GOV.UK Notify; printed to the
# console in development.
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "notify": "alerts.notify.NotifyEmailBackend",
}[env_choice("EMAIL_BACKEND", "smtp" if PRODUCTION else "console", ("smtp", "console", "notify"))]
# GOV.UK Notify (EMAIL_BACKEND=notify): the service's API key and the id of its email
# template whose subject is ((subject)) and whose message is ((body)).
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = env_str("NOTIFY_TEMPLATE_ID", "")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if EMAIL_BACKEND.endswith("NotifyEmailBackend") and not (NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID):
    raise ImproperlyConfigured("EMAIL_BACKEND=notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID.")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Safer Norfolk <alerts@localhost>")
# Following by email: how long a confirmation link works, and how many requests to follow
# something an address, or a network address, may make in an hour.
ALERTS_CONFIRM_DAYS = env_int("ALERTS_CONFIRM_DAYS", 7, minimum=1)
ALERTS_REQUESTS_PER_ADDRESS = env_int("ALERTS_REQUESTS_PER_ADDRESS", 5, minimum=1)
ALERTS_REQUESTS_PER_IP = env_int("ALERTS_REQUESTS_PER_IP", 20, minimum=1)
# Owners are reminded this many days before an action point or a question's response is
# due, and a plan action's update.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 7, minimum=1)
# Sent messages (an address and what was sent to it) are forgotten after this many days.
ALERTS_KEEP_SENT_DAYS = env_int("ALERTS_KEEP_SENT_DAYS", 30, minimum=1)

INSTALLED_APPS = [
    # Django's admin with the officers' sign-in rules (two-factor in production).
    "safer_norfolk.apps.OfficerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens, stored only as digests (REST_KNOX below).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "safer_norfolk",
    "outcomes",
    "delivery_plans",
    "meetings",
    "alerts",
]
# The scale-data generator (`manage.py generate_scale_data`, for benchmarks and tests) is in
# the source tree, not in the installed package: installed only where it can be imported.
if find_spec("scale_data"):
    INSTALLED_APPS.append("scale_data")

MIDDLEWARE = [
    # First: every response, a cached page's too, carries the id its log lines carry.
    "safer_norfolk.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "safer_norfolk.middleware.RefuseNulInPathMiddleware",
    # ETag on every GET response, and 304 Not Modified when the client already has it.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors get a copy of a public page made since the content last changed.
    "safer_norfolk.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Signs officers out after 12 hours, however active (idle expiry is SESSION_COOKIE_AGE).
    "safer_norfolk.middleware.SessionLifetimeMiddleware",
    # Records the signed-in officer as the author of each change in the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safer_norfolk.urls"

# Public pages are cached per web process for anonymous visitors and dropped whenever any
# content changes (safer_norfolk.page_cache); 0 turns the cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300, minimum=0)
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 2 * 1024 * 1024, minimum=0)
PAGE_CACHE_EXCLUDED_PREFIXES = ("/admin/", "/health/", "/static/")
# The query parameters each public page reads, by URL name; a dotted path names a FilterSet,
# each of whose filters reads the parameter of its own name. The REST API's views declare
# their own (filters, ordering, paging, format). An anonymous visitor's request keeps only
# these, so no other parameter changes a page or files another copy of it; a page not
# named here reads none. A parameter only officers use (a meeting's ?preview=1) is left out.
PAGE_CACHE_QUERY_PARAMETERS = {
    "alerts:follow_search": ["q", "committee", "kind", "date_from", "date_to"],
    "alerts:follow_outstanding": ["meetings.filters.OutstandingFilter"],
    "meetings:committee": ["page"],
    "meetings:questions": ["status", "page"],
    "meetings:outstanding": ["meetings.filters.OutstandingFilter", "page"],
    "meetings:outstanding_csv": ["meetings.filters.OutstandingFilter"],
    "meetings:outstanding_feed": ["meetings.filters.OutstandingFilter"],
    "meetings:decisions": ["meetings.filters.DecisionFilter", "page"],
    "meetings:decisions_csv": ["meetings.filters.DecisionFilter"],
    "meetings:decisions_feed": ["meetings.filters.DecisionFilter"],
    "meetings:calendar_month": ["month"],
    "meetings:people": ["meetings.filters.PersonFilter", "page"],
    "meetings:person": ["page"],
    "meetings:calendar": ["from"],
    "meetings:organisations": ["from", "to", "sort"],
    "meetings:organisation": ["from", "to"],
    "meetings:search": ["q", "committee", "kind", "date_from", "date_to"],
    "meetings:search_feed": ["q", "committee", "kind", "date_from", "date_to"],
    "meetings:committee_action_points_csv": ["status"],
    # Anyone but an officer asking for the restricted pack is told they may not (403).
    "meetings:agenda_pdf": ["restricted"],
    "meetings:pack_pdf": ["restricted"],
    "delivery_plans:plan": ["delivery_plans.filters.ActionFilter", "actions_page"],
    "delivery_plans:plan_meetings": ["page"],
    "delivery_plans:action": ["page"],
    "outcomes:outcome": ["actions_page"],
    "outcomes:outcome_meetings": ["page"],
    "delivery_plans:actions_csv": ["delivery_plans.filters.ActionFilter"],
    "outcomes:observations_csv": ["measure", "area"],
    # The API's plan actions are narrowed to one plan (a record of another is not found).
    "plan-actions-list": ["plan"],
    "plan-actions-detail": ["plan"],
    "schema": ["lang", "version"],
    "api-docs": ["lang", "version"],
}
# Generated PDFs are stored per content version (safer_norfolk.page_cache); an anonymous
# visitor's address may have this many made per window of seconds (answered 429 past it);
# 0 turns the limit off. Counted per web process.
RENDER_LIMIT = env_int("RENDER_LIMIT", 10, minimum=0)
RENDER_LIMIT_SECONDS = env_int("RENDER_LIMIT_SECONDS", 60, minimum=1)
# The page cache's store: each web process's own memory, bounded by entries and by bytes
# (safer_norfolk.cache), or with PAGE_CACHE_URL one Redis server that every web process shares
# (bounded by Redis's own maxmemory; docs/deployment.md).
PAGE_CACHE_URL = env_str("PAGE_CACHE_URL", "")
if PAGE_CACHE_URL:
    if not PAGE_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"PAGE_CACHE_URL must be a Redis address (redis://, rediss:// or unix://), not {PAGE_CACHE_URL!r}."
        )
    PAGE_CACHE_STORE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": PAGE_CACHE_URL,
        "KEY_PREFIX": "safer-norfolk-pages",
    }
else:
    PAGE_CACHE_STORE = {
        "BACKEND": "safer_norfolk.cache.BoundedLocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {
            "MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 2000, minimum=1),
            "MAX_BYTES": env_int("PAGE_CACHE_PROCESS_MAX_MB", 64, minimum=1) * 1024 * 1024,
        },
    }
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": PAGE_CACHE_STORE,
}
WSGI_APPLICATION = "safer_norfolk.wsgi.application"

# Public pages and generated PDFs are Jinja2 templates in jinja2/, with the environment of
# safer_norfolk/jinja2.py; the admin, form widgets and the API's own pages stay on Django's
# templates (templates/ and the apps' own). Jinja2 is asked first: it holds the busy pages.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "safer_norfolk.jinja2.environment",
            "extensions": ["jinja2.ext.do"],
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "safer_norfolk.context_processors.site",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safer_norfolk.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
            # Behind PgBouncer in transaction mode a cursor cannot outlive its transaction
            # (docs/deployment.md): QuerySet.iterator() then reads in chunks client-side.
            disable_server_side_cursors=env_bool("DATABASE_TRANSACTION_POOLING", False),
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Demo data taken from the seed papers; `manage.py load_demo` loads it in order.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "safer_norfolk.passwords.UsernameInPasswordValidator"},
    {"NAME": "safer_norfolk.passwords.PredictablePasswordValidator"},
    # Cancels API tokens: Django calls it on every set_password() save, not on a rehash at sign-in.
    {"NAME": "safer_norfolk.passwords.ApiTokensEndWithPassword"},
]
LOGIN_URL = "admin:login"

# Officer accounts (docs/security.md). django-axes counts failed sign-ins, a wrong two-factor
# code as much as a wrong password, per username and address: after 5 within 15 minutes that
# pair is refused until 15 minutes have passed. After 20 from one address, whatever usernames
# were tried, the address is refused the same way (safer_norfolk.accounts.SignInThrottle).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "safer_norfolk.accounts.SignInThrottle"
AXES_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The attempts table keeps what a failed sign-in posted: never the password, nor the code.
AXES_SENSITIVE_PARAMETERS = ["otp_token"]
AXES_LOCKOUT_TEMPLATE = "safer_norfolk/locked_out.html"
# Behind a load balancer or proxy, the number of them that append to X-Forwarded-For: the
# address counted for throttling and written to the log is the one they received from.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "safer_norfolk.accounts.client_address"
AXES_VERBOSE = False  # no banner at start-up; failures and lock-outs are still logged
# Two-factor sign-in (a TOTP authenticator app) for the back office: required in production,
# optional elsewhere so the local demo signs in with a password alone.
OTP_REQUIRED = env_bool("OTP_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Safer Norfolk")
# Officers' sessions end after 30 minutes without a request, and 12 hours after signing in.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12, minimum=1)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    # GOV.UK Frontend's JavaScript and images, straight from the npm package (npm ci).
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    # The site's stylesheet compiled from assets/scss by `npm run build`.
    BASE_DIR / "build" / "static",
]
# Outside production WhiteNoise serves straight from the finders (node_modules, build/, the
# apps), so `make run` and the tests need no collectstatic; production serves STATIC_ROOT.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "media/"
# Uploaded papers: PDFs only, up to this size.
DOCUMENT_MAX_UPLOAD_BYTES = env_int("DOCUMENT_MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded papers and built packs: on this server's disk (MEDIA_ROOT), or in an S3-compatible
# bucket that every web and worker process shares. Either way nothing is published by
# address: the site's own views serve papers and packs after checking publication.
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "filesystem", ("filesystem", "s3"))
if STORAGE_BACKEND == "s3":
    AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured(
            "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket for uploaded papers "
            "and agenda packs."
        )
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Empty means Amazon S3 itself; set it for another S3-compatible service.
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            # "path" for a service that cannot serve the bucket as its own host name.
            "addressing_style": env_choice(
                "AWS_S3_ADDRESSING_STYLE", "auto", ("auto", "path", "virtual")
            ),
            # Unset, boto3 looks further: its config files, or the server's instance role.
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            # No ACL on objects: they are as private as the bucket, never public-read.
            "default_acl": None,
            # Any address the storage gives out (the admin's link to an uploaded file) is
            # signed and expires; the public only ever reach papers through the site's views.
            "querystring_auth": True,
            # Two papers uploaded under one name are two objects: the second never replaces
            # the first.
            "file_overwrite": False,
            # A paper read back for a download or a pack is held in memory up to this size,
            # then spooled to a temporary file.
            "max_memory_size": 10 * 1024 * 1024,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "safer_norfolk.storage.ManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security headers. Production turns on HTTPS-only cookies and HSTS; a proxy that ends TLS
# says so with SECURE_PROXY_SSL_HEADER=1 (it must set X-Forwarded-Proto).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content Security Policy: scripts, styles, fonts and images from this site only, no inline
# script or style anywhere, never framed. The API documentation page alone relaxes it for the
# styles its viewer injects (safer_norfolk/views.py, api_docs).
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
    }
}

# Documents: the longest a single PDF may take to render before it is abandoned.
PDF_TIMEOUT_SECONDS = env_int("PDF_TIMEOUT_SECONDS", 120, minimum=1)
# The TrueType font the agenda pack's page numbers are written in, embedded in the pack (a
# subset): Debian's fonts-dejavu-core, which WeasyPrint's PDFs use too.
PDF_STAMP_FONT = env_str("PDF_STAMP_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# Background work (agenda packs, spreadsheet imports). "immediate" runs a task at once, in the
# request: right for development and tests. Production uses "database": `manage.py
# task_worker` runs the queue (docs/deployment.md).
TASKS_BACKEND = env_choice("TASKS_BACKEND", "immediate", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# A task still running this long after it started is taken to have lost its worker (killed,
# out of memory) and is queued again; longer than any task should take, or one still running
# would be run twice. Given up after this many attempts.
TASK_RECLAIM_AFTER_SECONDS = env_int("TASK_RECLAIM_AFTER_SECONDS", 15 * 60, minimum=1)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3, minimum=1)
# /health/ready/ answers 503 when more tasks than this wait to run, or the oldest has waited
# longer than this: no worker is taking them (docs/deployment.md). 0 leaves the queue out.
READY_TASK_MAX_WAITING = env_int("READY_TASK_MAX_WAITING", 200, minimum=0)
READY_TASK_MAX_AGE_SECONDS = env_int("READY_TASK_MAX_AGE_SECONDS", 10 * 60, minimum=0)
# A pack still being built this long after it was asked for is treated as failed: its address
# offers the meeting's papers one by one, and the next request queues it again.
PACK_BUILD_TIMEOUT_MINUTES = env_int("PACK_BUILD_TIMEOUT_MINUTES", 10, minimum=1)

SPECTACULAR_SETTINGS = {
    "TITLE": "Safer Norfolk API",
    "DESCRIPTION": "Published meetings, minutes, questions, action points, delivery plans and outcome measures.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation page's scripts and styles come from the installed package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "safer_norfolk.api.document_error_responses",
    ],
    # Several models have a "kind": give each choice set its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "AgendaItemKindEnum": "meetings.models.AgendaItem.Kind",
        "DocumentKindEnum": "meetings.models.Document.Kind",
        "UpdateKindEnum": "delivery_plans.models.ActionUpdate.Kind",
        "OrganisationKindEnum": "safer_norfolk.models.Organisation.Kind",
        "AreaKindEnum": "outcomes.models.Area.Kind",
        "DeclarationKindEnum": "meetings.models.Declaration.Kind",
    },
}

# Requests an address without a session or token may make to the API ("120/minute": per
# second, minute, hour or day); "off" or empty turns the limit off (docs/api.md).
API_ANONYMOUS_RATE = env_str("API_ANONYMOUS_RATE", "120/minute").strip()
if API_ANONYMOUS_RATE.lower() in ("off", "0"):
    API_ANONYMOUS_RATE = ""
elif API_ANONYMOUS_RATE and not re.fullmatch(r"[1-9]\d*/(s|m|h|d)[a-z]*", API_ANONYMOUS_RATE):
    raise ImproperlyConfigured(
        f"API_ANONYMOUS_RATE must be a number of requests per second, minute, hour or day "
        f"(such as 120/minute), or off; not {API_ANONYMOUS_RATE!r}."
    )
REST_FRAMEWORK = {
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    # 50 to a page; ?page_size= up to 200 (safer_norfolk.pagination).
    "DEFAULT_PAGINATION_CLASS": "safer_norfolk.pagination.PublicPagination",
    # JSON nested deeper than any request needs is refused with 400 before it exhausts the stack.
    "DEFAULT_PARSER_CLASSES": [
        "safer_norfolk.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A save that lost a race with another officer's answers 409 Conflict.
    "EXCEPTION_HANDLER": "safer_norfolk.api.exception_handler",
    # Anonymous clients: API_ANONYMOUS_RATE requests per address (safer_norfolk.throttles).
    "DEFAULT_THROTTLE_CLASSES": ["safer_norfolk.throttles.AnonymousRateThrottle"],
    # Officers' own systems use a token; a signed-in browser uses its session, with CSRF.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
}
# API tokens are issued in the admin and shown once; the database keeps only a SHA-512 digest
# and the first characters, to find it by. A token lasts until it is deleted, its officer's
# password changes or the expiry the administrator gave it.
REST_KNOX = {"TOKEN_TTL": None}

# Errors are reported to a Sentry-compatible service when its DSN is set (docs/deployment.md).
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from safer_norfolk.logs import start_error_reporting

    start_error_reporting(SENTRY_DSN, environment=DJANGO_ENV, release=env_str("SENTRY_RELEASE", ""))

# One JSON object a line in production, for a log collector; lines of text otherwise. Each
# carries the request id and the signed-in officer's user id (safer_norfolk.logs).
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if PRODUCTION else "text", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "safer_norfolk.logs.RequestContext"}},
    "formatters": {
        "json": {"()": "safer_norfolk.logs.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each rendering step at INFO; only its problems are worth a log line.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Sign-ins, sign-outs, failures and lock-outs: kept at INFO whatever LOG_LEVEL says.
        "safer_norfolk.security": {"level": "INFO"},
        "axes": {"level": "INFO"},
    },
}
