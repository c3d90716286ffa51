"""Settings for Interview Trainer: one module, every knob read from the environment.

Development needs nothing set (SQLite file, DEBUG on). Production sets at least
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth's signed-in devices page uses it
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "knox",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "accounts",
    "interview",
]

MIDDLEWARE = [
    "config.health.HealthMiddleware",  # first: probes need no host check, redirect or session
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.NoStoreForSignedInMiddleware",
    "config.bad_input.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "interview.middleware.AppNotFoundPageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "interview.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # A new PostgreSQL connection per request costs more than most of our queries: keep connections
        # open in production, and check them before reuse so a restarted database is not an error.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that hangs must not hold every worker: give up connecting after a few seconds, and cancel
    # any statement that runs longer than the limit (the request then gets a 503 it can retry). JIT
    # compilation pays off for long analytical queries; ours are short, and a plan whose cost crosses
    # jit_above_cost (the topic aggregates do) spends more time compiling than running.
    # Prepared statements: with server-side binding, psycopg prepares a statement once it has run five times on
    # a connection (prepare_threshold; Django leaves it off by default). PostgreSQL then parses it no more,
    # and mostly plans it no more: the practice step and the dashboard run the same few statements on every
    # request, and planning them cost the database more CPU than running them (docs/performance.md). A
    # PgBouncer in transaction mode needs max_prepared_statements (1.21+), or
    # DATABASE_PREPARED_STATEMENTS=false (docs/scaling.md).
    prepared_statements = env_bool("DATABASE_PREPARED_STATEMENTS", default=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", default=5),
            "options": f"-c statement_timeout={env_int('DATABASE_STATEMENT_TIMEOUT_MS', default=30_000)}"
            " -c jit=off",
            "server_side_binding": prepared_statements,
            "prepare_threshold": 5 if prepared_statements else None,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "interview:dashboard"

# Accounts (django-allauth): email is the login; nothing reveals whether an address has an account.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
# allauth's forms with their labels in sentence case, like the rest of the app.
ACCOUNT_FORMS = {
    name: f"accounts.allauth_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
    }.items()
}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGOUT_REDIRECT_URL = "interview:home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Interview Trainer] "
ACCOUNT_RATE_LIMITS = {
    # Failed logins per IP and per account; the window is also how long a lock-out lasts.
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "login": env_str("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "signup": env_str("RATE_LIMIT_SIGNUP", default="10/m/ip"),
    "reset_password": env_str("RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,5/m/key"),
}
# The per-account limit slows a password guesser to 5 tries per 5 minutes without shutting the owner out: a
# locked-out owner signs in with a one-time code sent to their address (allauth's login by code).
ACCOUNT_LOGIN_BY_CODE_ENABLED = env_bool("ACCOUNT_LOGIN_BY_CODE_ENABLED", default=True)
# Forwarded client addresses are believed only from proxies we run: X-Forwarded-For is read from the right,
# skipping this many proxies, by allauth's limits and DRF's throttles alike (0: use the peer address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Interview Trainer"

# Rate limits, throttles and other shared state live in a cache every gunicorn worker and every app
# server sees: Redis when REDIS_URL is set (production), else a table in the database (no extra service).
REDIS_URL = env_str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "interview-trainer",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "interview_trainer_cache",
            # The default 300 entries would evict live throttle and login-limit counters under load.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Background tasks (django-tasks, the backport of Django 6's django.tasks): sending email and other slow
# work leaves the request. `immediate` runs a task at once in the request (development and tests);
# `database` keeps the queue in a table, run by `manage.py db_worker`; `rq` keeps it in Redis, run by
# `manage.py rqworker default --job-class django_tasks_rq.backend.Job`. Production uses rq with REDIS_URL
# and database without.
TASKS_BACKEND = env_str(
    "TASKS_BACKEND", default="immediate" if DEBUG else ("rq" if REDIS_URL else "database")
)
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
if TASKS_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# The app is in English only. Translation machinery left on would still look up the active language for
# every number and date a page formats (hundreds on the dashboard): off, that is a constant. Formats still
# follow LANGUAGE_CODE (en-gb dates).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: the console in development, SMTP from the environment in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="Interview Trainer <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Emails sent by scheduled tasks have no request to take the site's address from: links start with this.
SITE_URL = env_str("SITE_URL", default="http://localhost:8000").rstrip("/")
# The local hour (in each learner's time zone) from which the daily "reviews waiting" email and the
# "assignment due tomorrow" reminder go out; `manage.py run_periodic --hourly` sends them.
NOTIFICATION_LOCAL_HOUR = env_int("NOTIFICATION_LOCAL_HOUR", default=8)
# The hour (UTC) at which `manage.py run_periodic --loop` enqueues the nightly memory-model fit.
NIGHTLY_TASKS_HOUR = env_int("NIGHTLY_TASKS_HOUR", default=3)
for _name in ("NOTIFICATION_LOCAL_HOUR", "NIGHTLY_TASKS_HOUR"):
    if not 0 <= globals()[_name] <= 23:
        raise ImproperlyConfigured(f"{_name} must be an hour from 0 to 23.")

# Security: strict by default outside development; the proxy header only when told.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# HSTS preload is a one-way commitment for the whole domain: opt in with SECURE_HSTS_PRELOAD=true.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Only the site's own scripts and styles: no inline code, no CDN.
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

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "interview.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Token first, so a missing or bad token is a 401 with WWW-Authenticate rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.UserZoneTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Signed-in only unless a view says otherwise: the public bank (topics, questions), the schema and the docs.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the self-hosted Swagger UI at /api/docs/ is the browsable view (and keeps to the CSP).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Request bodies are JSON (sign-in also takes a form: accounts.api.TokenView), with a nesting limit and
    # no NUL characters: see config/bad_input.py.
    "DEFAULT_PARSER_CLASSES": ["config.bad_input.BoundedJSONParser"],
    # Reads are cheap and public; throttles are set per view on sign-in and writes (scoped rates).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "auth": env_str("API_THROTTLE_AUTH", default="10/minute"),
        "writes": env_str("API_THROTTLE_WRITES", default="120/minute"),
    },
}

# Personal API tokens (django-rest-knox): stored hashed, expiring, revocable.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Interview Trainer API",
    "DESCRIPTION": "Practise interview questions: the question bank, practice and progress.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"RatingEnum": "interview.models.practice.Rating"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.document_errors",
    ],
}

# A mentor's own questions: limits that keep one account from filling the database or the task queue
# (an import runs as a background task; the mentor watches its progress).
MENTOR_IMPORT_MAX_BYTES = env_int("MENTOR_IMPORT_MAX_BYTES", default=200 * 1024)
MENTOR_IMPORT_MAX_QUESTIONS = env_int("MENTOR_IMPORT_MAX_QUESTIONS", default=200)
MENTOR_OWN_QUESTIONS_MAX = env_int("MENTOR_OWN_QUESTIONS_MAX", default=1_000)
MENTOR_IMPORTS_PER_HOUR = env_int("MENTOR_IMPORTS_PER_HOUR", default=10)

# "Try it with a demo learner" on the home and login pages (interview/views/demo.py): on in development.
DEMO_MODE = env_bool("DEMO_MODE", default=DEBUG)

# FSRS adds a little random spread to long intervals so reviews do not bunch up on one day.
FSRS_ENABLE_FUZZING = env_bool("FSRS_ENABLE_FUZZING", default=True)

# The optional LLM grader (interview/grading/llm.py): any OpenAI-compatible chat endpoint, off when no URL.
GRADER_LLM_URL = env_str("GRADER_LLM_URL", default="")  # e.g. http://127.0.0.1:11434/v1 (Ollama)
GRADER_LLM_MODEL = env_str("GRADER_LLM_MODEL", default="")
GRADER_LLM_API_KEY = env_str("GRADER_LLM_API_KEY", default="")
GRADER_LLM_TIMEOUT = env_int("GRADER_LLM_TIMEOUT", default=8)  # seconds; then the lexical check stands

# Where import_guide looks for a guide's topic and key-point annotations (<slug>.yaml).
GUIDE_ANNOTATIONS_DIR = BASE_DIR / "fixtures" / "annotations"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per request from config.middleware.RequestLogMiddleware; Django's own duplicate goes.
        "django.server": {"level": "WARNING"},
    },
}
