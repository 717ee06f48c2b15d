"""crewdesk settings: one file, every knob from an environment variable with a safe default.

The defaults run the embedded setup (SQLite under var/, Huey on SQLite) with nothing set.
Production sets CREWDESK_SECRET_KEY, CREWDESK_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and
CREWDESK_HTTPS=1; see README.md.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CREWDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite files and the Huey queue live here


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _secret_key() -> str:
    """The env var wins; the embedded run keeps a generated key in var/ (never a fixed default)."""
    key = os.environ.get("CREWDESK_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("CREWDESK_DEBUG", False)
SECRET_KEY = _secret_key()
# Absolute links in e-mails and robot messages start with this address.
SITE_URL = os.environ.get("CREWDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

ALLOWED_HOSTS = env_list(
    "CREWDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CREWDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",
    "core",
    "people",
    "notifications",
    "attendance",
    "leave",
    "workorders",
    "assessment",
    "callbacks",
    "statements",
    "inspections",
    "registers",
    "reports",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LanguageMiddleware",
    "core.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "crewdesk.urls"
WSGI_APPLICATION = "crewdesk.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite (WAL) under var/ by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'crewdesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: one Huey code path, SQLite storage embedded, Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("CREWDESK_HUEY_IMMEDIATE", False)
# Deadlines fire within seconds: the scheduler looks at due tasks every second, periodic tasks
# (the once-a-minute safety sweeps) are on, and an idle worker polls the SQLite queue at least
# once a second (Huey's default backs off to 10 s; Redis blocks on the queue instead).
HUEY_CONSUMER = {
    "workers": env_int("CREWDESK_HUEY_WORKERS", 2),
    "worker_type": "thread",
    "periodic": True,
    "scheduler_interval": 1,
    "max_delay": 1.0,
    "check_worker_health": True,
}
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("CREWDESK_HUEY_NAME", "crewdesk"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": HUEY_CONSUMER,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "crewdesk",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": HUEY_CONSUMER,
    }

# Punches sent over the API (ATT-02) are refused outside this window around the server's clock:
# a device clock may run a little fast, and a device that was offline sends its backlog within a
# day. Older punches need a make-up punch request.
PUNCH_MAX_FUTURE_SECONDS = env_int("CREWDESK_PUNCH_MAX_FUTURE_SECONDS", 300)
PUNCH_MAX_PAST_SECONDS = env_int("CREWDESK_PUNCH_MAX_PAST_SECONDS", 24 * 3600)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Authentication: Argon2 first, username or phone number at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = ["people.auth.UsernameOrPhoneBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins allowed per username and per client address within the window.
LOGIN_MAX_FAILURES = env_int("CREWDESK_LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("CREWDESK_LOGIN_FAILURE_WINDOW", 900)

# HTTPS deployment hardening (all on with CREWDESK_HTTPS=1).
HTTPS = env_bool("CREWDESK_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("CREWDESK_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("CREWDESK_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("CREWDESK_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("CREWDESK_SESSION_SECONDS", 12 * 3600)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# i18n and time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("CREWDESK_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_HOST = env_str("CREWDESK_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("CREWDESK_SMTP_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("CREWDESK_FROM_EMAIL", "crewdesk@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CREWDESK_LOG_LEVEL", "INFO")},
}

# Personal API tokens: prefix shown to the user, the rest stored hashed.
API_TOKEN_PREFIX = "cd_"  # noqa: S105 - a marker, not a secret
