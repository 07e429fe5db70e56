"""Base settings of the KITU platform, read from the environment.

Every value that differs between machines comes from an environment variable; the defaults give a
working local installation on SQLite. ``config.settings.production`` tightens them for production.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "kitu.core",
    "kitu.accounts",
    "kitu.members",
    "kitu.contracts",
    "kitu.catalog",
    "kitu.bundling",
    "kitu.workgroups",
    "kitu.orders",
    "kitu.defects",
    "kitu.council",
    "kitu.billing",
    "kitu.payables",
    "kitu.competitions",
    "kitu.procedures",
    "kitu.assets",
    "kitu.servicedesk",
    "kitu.governance",
    "kitu.tasks",
    "kitu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kitu.core.middleware.SessionMiddleware",  # these four: Django's, skipped for machine APIs
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "kitu.core.middleware.AuthenticationMiddleware",
    "kitu.core.middleware.RejectNulMiddleware",
    "kitu.core.middleware.OTPMiddleware",
    "kitu.accounts.middleware.ApiTokenMiddleware",
    "kitu.accounts.middleware.SecondFactorRequiredMiddleware",
    "kitu.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kitu.core.middleware.CSPMiddleware",  # django-csp's, the policy built once
    "axes.middleware.AxesMiddleware",
    "kitu.core.middleware.OwnErrorPagesMiddleware",
]
# Paths of machine APIs whose clients send no cookies and log in to nothing (Open311: api_key parameter): the
# session, login, second-factor and message middleware are skipped there (kitu.core.middleware)
KITU_MACHINE_API_PREFIXES = ("/open311/",)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.navigation.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'kitu.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: wait for the lock instead of failing, and take it at BEGIN so that
    # select_for_update() sections (which SQLite ignores) are still serialised.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # SSD or RAM, not spinning disks: random reads cost about as much as sequential ones. With the
    # default of 4 the planner scans 100,000 catalog rows instead of using the trigram index.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=" + env(
        "KITU_PG_RANDOM_PAGE_COST", "1.1"
    )
    # The hot paths' statements prepared on the server, and only those (kitu.core.postgresql): the order
    # path's database CPU ~7 → ~3 ms per order. Off (0) behind a connection pooler in transaction mode that
    # cannot keep prepared statements (PgBouncer before 1.21).
    if env_bool("KITU_PG_PREPARED_STATEMENTS", True):
        DATABASES["default"]["ENGINE"] = "kitu.core.postgresql"
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
# Read replica for reporting reads (kitu/core/replica.py, docs/scaling.md): exports, dashboards and figures
# read from the alias "replica" when KITU_DATABASE_REPLICA_URL is set; without it "replica" is the primary.
KITU_DATABASE_REPLICA_URL = env("KITU_DATABASE_REPLICA_URL")
DATABASES["replica"] = (
    dj_database_url.parse(KITU_DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    if KITU_DATABASE_REPLICA_URL
    else {**DATABASES["default"], "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {}))}
)
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the replica alias from the test database
DATABASE_ROUTERS = ["kitu.core.replica.ReplicaRouter"]
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
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock an e-mail address after repeated failures from one address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kitu.accounts.forms.axes_username"  # lower case: "A@x.de" and "a@X.de" share one lock
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Reverse proxies in front of the web processes (load balancer, TLS terminator). The client address is
# taken from X-Forwarded-For only past this many trusted hops; 0 (default) trusts no header and uses
# REMOTE_ADDR. Used by the citizens' rate limit and login throttling (kitu.core.clientip).
KITU_TRUSTED_PROXIES = int(env("KITU_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "kitu.core.clientip.client_ip"

# Demo installation (make run): shows the demo logins on the login page and a demo banner.
KITU_DEMO = env_bool("KITU_DEMO", False)

# Second factor: required for coop staff and approvers. KITU_RELAX_2FA exists for the local demo
# only; the production profile refuses to start with it.
KITU_RELAX_2FA = env_bool("KITU_RELAX_2FA", False)
OTP_TOTP_ISSUER = "KITU-Plattform"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
# Uploads (kitu/core/storage.py, docs/scaling.md): local files under MEDIA_ROOT, or an S3-compatible object store
# when KITU_S3_BUCKET is set. Downloads stay behind the views' permission checks; document downloads from the
# store are redirects to signed URLs valid for KITU_S3_URL_SECONDS.
KITU_S3_ENDPOINT_URL = env("KITU_S3_ENDPOINT_URL")  # e.g. https://s3.example.de; empty: AWS itself
KITU_S3_BUCKET = env("KITU_S3_BUCKET")
KITU_S3_REGION = env("KITU_S3_REGION", "eu-central-1")
KITU_S3_ACCESS_KEY = env("KITU_S3_ACCESS_KEY")
KITU_S3_SECRET_KEY = env("KITU_S3_SECRET_KEY")
KITU_S3_URL_SECONDS = int(env("KITU_S3_URL_SECONDS", "60"))


def s3_upload_storage(
    bucket: str, endpoint: str, region: str, access_key: str, secret_key: str, seconds: int
) -> dict[str, object]:
    """The STORAGES entry for uploads in an S3-compatible bucket (private; signed URLs for downloads)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": region,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "querystring_auth": True,
            "querystring_expire": seconds,
            "file_overwrite": False,  # like local files: a second upload of the same name gets a new name
            "default_acl": None,  # private bucket: nothing is readable without a signature
            "signature_version": "s3v4",
            "addressing_style": "path" if endpoint else None,
        },
    }


UPLOAD_STORAGE: dict[str, object] = (
    s3_upload_storage(
        KITU_S3_BUCKET,
        KITU_S3_ENDPOINT_URL,
        KITU_S3_REGION,
        KITU_S3_ACCESS_KEY,
        KITU_S3_SECRET_KEY,
        KITU_S3_URL_SECONDS,
    )
    if KITU_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": UPLOAD_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG  # serve assets straight from the apps and node_modules while developing
MEDIA_URL = "/media/"  # uploads are never served directly: views check permissions and stream them
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
KITU_SITE_DOMAIN = env("KITU_SITE_DOMAIN", "127.0.0.1:8000")  # for links in mails sent outside a request
KITU_BASE_URL = env("KITU_BASE_URL", f"http://{KITU_SITE_DOMAIN}")  # scheme and host for links in mails
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "KITU-Plattform <noreply@kitu.example>")
# Inbound e-invoices (docs/payables.md): an invoiced unit price may differ from the order's contract price by
# at most this many EUR (net, per unit) and still count as matched; larger XML documents are refused.
KITU_PAYABLES_PRICE_TOLERANCE = env("KITU_PAYABLES_PRICE_TOLERANCE", "0.01")
KITU_PAYABLES_MAX_BYTES = int(env("KITU_PAYABLES_MAX_BYTES", str(20 * 1024 * 1024)))

REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_BROKER_URL.startswith("redis://"):  # kombu's Redis transport, one publishing client per channel
    CELERY_BROKER_TRANSPORT = "config.celery_transport:Transport"
CELERY_TASK_EAGER_PROPAGATES = True
# Celery's Django fixup closes every database connection before and after each task unless this is set: a new
# PostgreSQL backend per task (its catalog caches cold, its prepared statements gone) made a billing mail task
# wait ~19 ms for ~9 ms of work. With it the fixup recycles a child's connections every 500 tasks, and
# config/celery.py treats each task as Django treats a request (close_old_connections: CONN_MAX_AGE, errors).
CELERY_DB_REUSE_MAX = 500
CELERY_TIMEZONE = TIME_ZONE
# Queues (docs/scaling.md): mails, documents and long computations, catalog imports; everything else "celery".
# First match wins; new tasks named send_* go to "mail" by that name alone. Worker commands in docs/scaling.md.
CELERY_TASK_ROUTES = {
    "kitu.catalog.tasks.run_import": {"queue": "imports"},
    "kitu.*.send_*": {"queue": "mail"},
    "kitu.billing.tasks.resend_unmailed_invoices": {"queue": "mail"},
    "kitu.orders.tasks.dispatch_order": {"queue": "mail"},  # the openTRANS order to the supplier
    "kitu.*.render_*": {"queue": "documents"},
    "kitu.billing.jobs.*": {"queue": "documents"},
    "kitu.bundling.jobs.optimise": {"queue": "documents"},
}
# Periodic work (run `celery -A config beat` next to the workers; without a broker: `manage.py campaign_tick`).
CELERY_BEAT_SCHEDULE = {
    "campaign-tick": {"task": "kitu.bundling.tasks.campaign_tick", "schedule": 60 * 60},  # hourly, idempotent
    # every 10 minutes: invoices issued over 10 minutes ago whose mail never went out, each sent once
    "billing-unmailed-invoices": {"task": "kitu.billing.tasks.resend_unmailed_invoices", "schedule": 10 * 60},
    "defects-retention": {"task": "kitu.defects.tasks.anonymise_expired", "schedule": 24 * 60 * 60},  # daily
    # every minute: department mails of new reports still pending (the outbox; web processes queue sweeps too)
    "defects-report-mails": {"task": "kitu.defects.tasks.send_new_report_mails", "schedule": 60},
    # daily: online applications never confirmed within the link's 3 days lose their personal data
    "members-expire-applications": {"task": "kitu.members.tasks.expire_applications", "schedule": 24 * 60 * 60},
    # daily at 6:30: the task digest to each user who asked for it (once a day, kitu.tasks.models.DigestSent)
    "tasks-digest": {"task": "kitu.tasks.tasks.send_digests", "schedule": crontab(hour=6, minute=30)},
    # every 5 minutes: SLA warnings before and breaches after the due times of open tickets, each recorded once
    "servicedesk-sla": {"task": "kitu.servicedesk.jobs.sla_refresh", "schedule": 5 * 60},
}
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Map tiles of the defect reporter (Leaflet). Empty: maps without a background (clicks still set the place).
KITU_MAP_TILES = env("KITU_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
KITU_MAP_ATTRIBUTION = env("KITU_MAP_ATTRIBUTION", "© OpenStreetMap-Mitwirkende")
_TILE_ORIGIN = "/".join(KITU_MAP_TILES.split("/")[:3]) if KITU_MAP_TILES.startswith("https://") else ""

# Content Security Policy (django-csp 4): all assets are served by us (map tiles aside); no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Cooperative statutes (Satzung): defaults as in GenG and DOMAIN.md.
KITU_BUSINESS_YEAR_END = env("KITU_BUSINESS_YEAR_END", "12-31")  # MM-DD, last day of the business year
KITU_NOTICE_PERIOD_MONTHS = int(env("KITU_NOTICE_PERIOD_MONTHS", "3"))  # § 65 GenG: 3 months to 5 years
KITU_SHARE_NOMINAL_VALUE = env("KITU_SHARE_NOMINAL_VALUE", "5000.00")  # EUR per share
KITU_SETTLEMENT_MONTHS = 6  # § 73 GenG: paid-in capital is paid out within 6 months after the exit
KITU_CATALOG_UPLOAD_MAX_MB = int(env("KITU_CATALOG_UPLOAD_MAX_MB", "200"))  # largest BMEcat upload
# A BMEcat ZIP may unpack to at most this many bytes in total, and at most this ratio of its packed size.
KITU_CATALOG_UNZIPPED_MAX_BYTES = int(env("KITU_CATALOG_UNZIPPED_MAX_BYTES", str(2 * 1024**3)))
KITU_CATALOG_UNZIP_MAX_RATIO = int(env("KITU_CATALOG_UNZIP_MAX_RATIO", "100"))
KITU_COUNCIL_MAX_UPLOAD_BYTES = int(env("KITU_COUNCIL_MAX_UPLOAD_BYTES", str(20 * 1024**2)))  # council file
KITU_COOPERATIVE_NAME = env("KITU_COOPERATIVE_NAME", "Kommunale IT-UNION eG")
# The cooperative's details on its Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit, as a JSON
# object (keys in kitu/core/legal.py: name, address, represented_by, register, vat_id, email, phone,
# privacy_officer, supervisory_authority, accessibility_email, accessibility_status, accessibility_date,
# enforcement_body). Empty: the pages show demo details marked as demo.
KITU_COOP_LEGAL = json.loads(env("KITU_COOP_LEGAL", "{}"))

# The cooperative as seller on its invoices (XRechnung BG-4, BG-6, BG-16/17). The defaults are DEMO values
# (test IBAN, example VAT ID); production sets them from the environment. `manage.py check` validates
# IBAN, BIC and VAT ID (kitu/billing/checks.py).
KITU_SELLER = {
    "name": KITU_COOPERATIVE_NAME,
    "street": env("KITU_SELLER_STREET", "Hegelstraße 3"),
    "postcode": env("KITU_SELLER_POSTCODE", "39104"),
    "city": env("KITU_SELLER_CITY", "Magdeburg"),
    "vat_id": env("KITU_SELLER_VAT_ID", "DE136695976"),
    "register": env("KITU_SELLER_REGISTER", "Genossenschaftsregister Amtsgericht Stendal GnR 123 (Demo)"),
    "contact_name": env("KITU_SELLER_CONTACT", "Geschäftsstelle, Rechnungswesen"),
    "contact_phone": env("KITU_SELLER_PHONE", "+49 391 5551230"),
    "contact_email": env("KITU_SELLER_EMAIL", "rechnung@kitu.example"),
    "iban": env("KITU_SELLER_IBAN", "DE02120300000000202051"),
    "bic": env("KITU_SELLER_BIC", "BYLADEM1001"),
    "bank": env("KITU_SELLER_BANK", "Deutsche Kreditbank AG"),
    # BT-12 of an invoice whose lines belong to several service contracts (each line names its own)
    "framework_contract": env("KITU_SELLER_FRAMEWORK_CONTRACT", "KITU-DL-RV"),
    # BT-120 for services at 0 % (category E): the membership fee is a true member contribution.
    "vat_exemption_reason": env("KITU_SELLER_VAT_EXEMPTION", "Nicht steuerbar: echter Mitgliedsbeitrag"),
}
KITU_PAYMENT_DAYS = int(env("KITU_PAYMENT_DAYS", "30"))  # invoices are due this many days after issue
# Service desk (docs/servicedesk.md): service hours "weekdays HH:MM-HH:MM" (Monday=0), holidays of Sachsen-Anhalt,
# impact × urgency → priority (1 critical … 4 low), the secret of the inbound-mail gateway (empty: refuses all)
KITU_SERVICEDESK_HOURS = env("KITU_SERVICEDESK_HOURS", "0-4 07:00-17:00")
KITU_SERVICEDESK_PRIORITY = {
    "high": {"high": 1, "medium": 2, "low": 3},
    "medium": {"high": 2, "medium": 3, "low": 4},
    "low": {"high": 3, "medium": 4, "low": 4},
}
KITU_SERVICEDESK_SUPPORT_SERVICE = env("KITU_SERVICEDESK_SUPPORT_SERVICE", "unterstuetzung-fachpersonal")
KITU_MAIL_IN_SECRET = env("KITU_MAIL_IN_SECRET", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": env("LOG_FORMAT", "plain")}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
