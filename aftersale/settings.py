"""Django settings, all read from environment variables (see docs/configuration.md)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from aftersale import config
from aftersale.schedule import SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("AFTERSALE_DATA_DIR") or BASE_DIR / "var")

DEBUG = config.env_bool("DEBUG", False)
SECRET_KEY = config.env_secret_key("SECRET_KEY", DATA_DIR)
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "aftersale.common",
    "aftersale.catalog",
    "aftersale.policy",
    "aftersale.cases",
    "aftersale.sla",
    "aftersale.fulfilment",
    "aftersale.sop",
    "aftersale.quality",
    "aftersale.channels",
    "aftersale.knowledge",
    "aftersale.privacy",
    "aftersale.console",
    "aftersale.portal",
]

MIDDLEWARE = [
    "aftersale.common.logs.RequestLogMiddleware",  # first: request id and access line for everything
    "aftersale.common.metrics.MetricsMiddleware",  # then: times and counts every response
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "aftersale.console.otp.SecondFactorRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "aftersale.urls"
WSGI_APPLICATION = "aftersale.wsgi.application"
ASGI_APPLICATION = "aftersale.asgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": config.env_database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'aftersale.sqlite3'}")}
# PostgreSQL: parameters bound by the server, and a statement a connection runs a second time is
# prepared (parsed and planned once per connection): PostgreSQL spends ~40 % less CPU on a case
# create (docs/benchmarks.md). Each execution is still planned for its own values
# (plan_cache_mode): a generic plan for "status = $1 AND id < $2 ORDER BY id DESC" walks the whole
# primary key for a rare status. Set DATABASE_PREPARED_STATEMENTS=0 behind a pooler in transaction
# mode that cannot keep prepared statements (PgBouncer before 1.21).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and config.env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2, options="-c plan_cache_mode=force_custom_plan"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "common.User"

# Passwords: argon2id; PBKDF2 hashes from before still verify and are rehashed at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# django-axes counts failed staff sign-ins first (console and admin forms) and locks out a
# username from an address after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = config.env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=config.env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aftersale.console.otp.locked_out"
# The client's address: REMOTE_ADDR, or behind this many reverse proxies (each appending to
# X-Forwarded-For) the address the outermost one saw. For the lockout and every per-address limit.
TRUSTED_PROXY_COUNT = config.env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "aftersale.common.ratelimit.client_ip"
# Roles that must pass a TOTP second factor before any console or admin page.
OTP_REQUIRED_ROLES = config.env_list("OTP_REQUIRED_ROLES", ["director", "admin"])
OTP_TOTP_ISSUER = "aftersale"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = config.env_choice("LANGUAGE_CODE", "zh-hans", ["zh-hans", "en"])
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "aftersale" / "locale"]
TIME_ZONE = config.env_time_zone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from here once collected
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "admin:login"
SESSION_ENGINE = "aftersale.common.sessions"

# Evidence uploads: size limits in bytes per kind of file.
EVIDENCE_MAX_IMAGE_BYTES = config.env_int("EVIDENCE_MAX_IMAGE_BYTES", 15 * 1024 * 1024, minimum=1)
EVIDENCE_MAX_VIDEO_BYTES = config.env_int("EVIDENCE_MAX_VIDEO_BYTES", 100 * 1024 * 1024, minimum=1)
EVIDENCE_MAX_FILES_PER_CASE = config.env_int("EVIDENCE_MAX_FILES_PER_CASE", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Returns: where customers send goods back; shown on every return authorisation (RMA).
RETURN_ADDRESS = os.environ.get("RETURN_ADDRESS") or "上海市浦东新区演示路 88 号 售后退货仓（演示地址）"
RETURN_CONTACT = os.environ.get("RETURN_CONTACT") or "售后仓库"
RETURN_PHONE = os.environ.get("RETURN_PHONE") or "021-00000000"

# The carrier's pickup-order API (上门取件). With no URL, pickups cannot be booked.
CARRIER_API_URL = (os.environ.get("CARRIER_API_URL") or "").rstrip("/")
CARRIER_APP_KEY = os.environ.get("CARRIER_APP_KEY") or ""
CARRIER_SECRET = os.environ.get("CARRIER_SECRET") or ""
CARRIER_TIMEOUT_SECONDS = config.env_int("CARRIER_TIMEOUT_SECONDS", 10, minimum=1)
if CARRIER_API_URL and not CARRIER_API_URL.startswith(("https://", "http://")):
    raise config.ConfigError("CARRIER_API_URL", "expected an https:// URL")
if CARRIER_API_URL and not (CARRIER_APP_KEY and CARRIER_SECRET):
    raise config.ConfigError("CARRIER_API_URL", "CARRIER_APP_KEY and CARRIER_SECRET must be set too")

# Refunds to Alipay (alipay.trade.refund). With any of the first four empty, refunds of orders paid
# with Alipay fail with a clear reason instead of being sent (docs/refunds.md).
ALIPAY_GATEWAY_URL = os.environ.get("ALIPAY_GATEWAY_URL") or ""
ALIPAY_APP_ID = os.environ.get("ALIPAY_APP_ID") or ""
ALIPAY_PRIVATE_KEY_PATH = os.environ.get("ALIPAY_PRIVATE_KEY_PATH") or ""
ALIPAY_PUBLIC_KEY_PATH = os.environ.get("ALIPAY_PUBLIC_KEY_PATH") or ""
ALIPAY_TIMEOUT_MS = config.env_int("ALIPAY_TIMEOUT_MS", 10_000, minimum=1)
if ALIPAY_GATEWAY_URL and not ALIPAY_GATEWAY_URL.startswith(("https://", "http://")):
    raise config.ConfigError("ALIPAY_GATEWAY_URL", "expected an https:// URL")

# Notifications and integrations (docs/channels.md). Mail goes out through Django's SMTP backend.
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = config.env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = config.env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = config.env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "aftersale@localhost"
# SMS: "console" (log only, the default), "aliyun" (Alibaba Cloud SendSms) or a dotted class path.
SMS_BACKEND = os.environ.get("SMS_BACKEND") or "console"
ALIYUN_SMS_ENDPOINT = os.environ.get("ALIYUN_SMS_ENDPOINT") or "https://dysmsapi.aliyuncs.com/"
ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID") or ""
ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET") or ""
ALIYUN_SMS_SIGN_NAME = os.environ.get("ALIYUN_SMS_SIGN_NAME") or ""
# The provider's approved template per message: "otp:SMS_100,request_received:SMS_101,…".
ALIYUN_SMS_TEMPLATES = dict(
    item.split(":", 1) for item in config.env_list("ALIYUN_SMS_TEMPLATES", []) if ":" in item
)
# Inbound e-mail: the service mailbox polled over IMAP (empty host: not polled); new mail and
# replies are taken in as the account INBOUND_MAIL_ACTS_AS.
INBOUND_MAIL_IMAP_HOST = os.environ.get("INBOUND_MAIL_IMAP_HOST") or ""
INBOUND_MAIL_IMAP_PORT = config.env_int("INBOUND_MAIL_IMAP_PORT", 993, minimum=1)
INBOUND_MAIL_IMAP_SSL = config.env_bool("INBOUND_MAIL_IMAP_SSL", True)
INBOUND_MAIL_IMAP_USER = os.environ.get("INBOUND_MAIL_IMAP_USER") or ""
INBOUND_MAIL_IMAP_PASSWORD = os.environ.get("INBOUND_MAIL_IMAP_PASSWORD") or ""
INBOUND_MAIL_IMAP_FOLDER = os.environ.get("INBOUND_MAIL_IMAP_FOLDER") or "INBOX"
INBOUND_MAIL_ACTS_AS = os.environ.get("INBOUND_MAIL_ACTS_AS") or ""
INBOUND_MAIL_TIMEOUT = config.env_int("INBOUND_MAIL_TIMEOUT", 30, minimum=1)
# Inbound webhooks: how old a signed timestamp may be, in seconds, before the call counts as a replay.
WEBHOOK_TOLERANCE_SECONDS = config.env_int("WEBHOOK_TOLERANCE_SECONDS", 300, minimum=1)

# Service levels: how many database connections one sweep shares its batches among (PostgreSQL).
SLA_SWEEP_CONNECTIONS = config.env_int("SLA_SWEEP_CONNECTIONS", 2, minimum=1)

# Background work: Celery on the broker when one is configured; inline otherwise.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("BROKER_URL") or ""
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://")):
    raise config.ConfigError("CELERY_BROKER_URL", "expected a redis:// or amqp:// URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below (JSON, masked)

# /metrics: with a token, Prometheus must send "Authorization: Bearer <token>"; without one, only
# requests from loopback are answered (docs/operations.md).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or ""
# Redis broker: a task a worker took but never acknowledged (the worker died) is handed to another
# worker after this many seconds. It must exceed the longest task: a task still running past it is
# handed out a second time (docs/deploy.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": config.env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1),
    # How often a worker looks for such tasks to hand on (Redis transport: default ~100 s).
    "unacked_restore_interval": config.env_int("CELERY_RESTORE_CHECK_SECONDS", 100, minimum=1),
    "unacked_restore_throttle": 1,
}
# The periodic tasks (safe to run twice: each claims its rows) are acknowledged only once done, so
# the work of a worker killed half-way is redone by another. Not a refund send: a lost one is
# picked up by the periodic refunds_retry_due instead.
CELERY_TASK_ANNOTATIONS = (
    {name: {"acks_late": True, "reject_on_worker_lost": True} for name in SCHEDULE}
    if config.env_bool("CELERY_ACKS_LATE", True)
    else {}
)
# Tasks a worker process reserves beyond the one it runs (× its concurrency); 1 keeps a long task
# from holding others back and leaves a dead worker only its own task to hand on.
CELERY_WORKER_PREFETCH_MULTIPLIER = config.env_int("CELERY_PREFETCH_MULTIPLIER", 1, minimum=1)
# The outbox: how long a worker's claim on a message lasts; a worker that died mid-delivery
# leaves its messages to others once it runs out.
OUTBOX_LEASE_SECONDS = config.env_int("OUTBOX_LEASE_SECONDS", 15 * 60, minimum=10)

# Logs: LOG_FORMAT=json writes one JSON object a line (production); plain is for people. Either way
# every line carries the request or task context and has personal data masked (docs/operations.md).
LOG_FORMAT = config.env_choice("LOG_FORMAT", "plain", ["plain", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "aftersale.common.logs.ContextFilter"},
        "mask": {"()": "aftersale.common.logs.MaskingFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "aftersale.common.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context", "mask"]}
    },
    "root": {
        "handlers": ["console"],
        "level": config.env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Sessions and cookies (docs/security.md). Secure cookies need HTTPS, hence opt-in.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = config.env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = config.env_bool("SECURE_COOKIES", False)
if config.env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = config.env_int("SECURE_HSTS_SECONDS", 0)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# A shared cache (Redis) makes token revocation and the per-address limits exact across
# processes; without one each process keeps its own (docs/security.md).
if os.environ.get("CACHE_URL"):
    if not os.environ["CACHE_URL"].startswith(("redis://", "rediss://")):
        raise config.ConfigError("CACHE_URL", "expected a redis:// URL")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }
