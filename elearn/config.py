"""Configuration read from environment variables, with safe defaults.

Every variable is listed in the README. Tests and scripts pass overrides to
``create_app(config)``; nothing else reads the environment.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def _base_url(production: bool) -> str:
    url = os.environ.get("ELEARN_BASE_URL", "").rstrip("/")
    if production and not url:
        raise ConfigError("ELEARN_BASE_URL must be set when ELEARN_ENV=production (printed on certificates)")
    return url


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when ELEARN_ENV=production")
    # Development: generate once and keep it, so sessions survive restarts.
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def normalize_db_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(instance_path: Path) -> dict:
    env = os.environ.get("ELEARN_ENV", "development")
    production = env == "production"
    default_db = f"sqlite:///{instance_path / 'elearn.sqlite'}"
    return {
        "ELEARN_ENV": env,
        "SECRET_KEY": _secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": normalize_db_url(os.environ.get("DATABASE_URL", default_db)),
        "DB_POOL_SIZE": int(os.environ.get("DB_POOL_SIZE", "5")),
        "DB_MAX_OVERFLOW": int(os.environ.get("DB_MAX_OVERFLOW", "5")),
        # FULL: a committed answer survives a power cut, not only a crash.
        "SQLITE_SYNCHRONOUS": os.environ.get("SQLITE_SYNCHRONOUS", "FULL"),
        # Writers queue on flock of a file beside the database (elearn.db._WriteLock); "0": not.
        "SQLITE_WRITE_FLOCK": os.environ.get("SQLITE_WRITE_FLOCK", "1") != "0",
        # A path prefix: every hold of SQLite's write lock is logged there (bench/load/journey.py).
        "LOCK_LOG": os.environ.get("ELEARN_LOCK_LOG") or None,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Empty: the address each request came in on (behind TRUSTED_PROXIES); required in production.
        "BASE_URL": _base_url(production),
        "JOB_DIR": os.environ.get("ELEARN_JOB_DIR", str(instance_path / "jobs")),
        # Statistics figures are recomputed at most this often after a change, and at least this often.
        "STATS_REFRESH_SECONDS": int(os.environ.get("ELEARN_STATS_REFRESH_SECONDS", "30")),
        "STATS_MAX_AGE_SECONDS": int(os.environ.get("ELEARN_STATS_MAX_AGE_SECONDS", "900")),
        "JOB_THREADS": int(os.environ.get("ELEARN_JOB_THREADS", "1")),
        # Above these sizes an export is written by a background job (elearn.jobs) instead of streamed.
        "EXPORT_JOB_THRESHOLD": int(os.environ.get("EXPORT_JOB_THRESHOLD", "20000")),
        "CERTIFICATE_ZIP_JOB_THRESHOLD": int(os.environ.get("CERTIFICATE_ZIP_JOB_THRESHOLD", "200")),
        "UPLOAD_DIR": os.environ.get("ELEARN_UPLOAD_DIR", str(instance_path / "uploads")),
        # The certificates keyring (courses.certificates.keys): one folder shared by every app server,
        # or each would sign certificates and ranking files with its own key.
        "CERTIFICATE_KEY_DIR": os.environ.get("CERTIFICATE_KEY_DIR") or None,
        # E-mail (elearn.mail): without MAIL_SERVER, messages are kept as .eml files in MAIL_OUTBOX.
        "SMTP_URL": os.environ.get("SMTP_URL", ""),  # smtp://user:password@host:port (wins over MAIL_SERVER)
        # The managers' weekly digest lists a cadre to the nearest managers above them; overdue this
        # many days, to every manager above too (courses.reminders.digest_pass); 0: to all at once.
        "DIGEST_ESCALATE_DAYS": int(os.environ.get("ELEARN_DIGEST_ESCALATE_DAYS", "14")),
        # Text messages (elearn.notifications.channels): Zalo ZNS, or an HTTP SMS gateway; unset: none.
        "ZALO_ZNS_TOKEN": os.environ.get("ZALO_ZNS_TOKEN", ""),
        "ZALO_ZNS_TEMPLATE_ID": os.environ.get("ZALO_ZNS_TEMPLATE_ID", ""),
        "ZALO_ZNS_URL": os.environ.get("ZALO_ZNS_URL", ""),
        "SMS_GATEWAY_URL": os.environ.get("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_TOKEN": os.environ.get("SMS_GATEWAY_TOKEN", ""),
        "SMS_SENDER": os.environ.get("SMS_SENDER", ""),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_STARTTLS": os.environ.get("MAIL_STARTTLS", "0") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Ban Tuyên giáo <no-reply@localhost>"),
        "MAIL_OUTBOX": os.environ.get("ELEARN_MAIL_OUTBOX", str(instance_path / "outbox")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("ELEARN_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "IMPORT_MAX_ROWS": int(os.environ.get("ELEARN_IMPORT_MAX_ROWS", "200000")),
        "IMPORT_MAX_MB": int(os.environ.get("ELEARN_IMPORT_MAX_MB", "20")),
        # SCORM / cmi5 packages (courses.packages.checks): the zip, what it unpacks to, its file count.
        "PACKAGE_MAX_BYTES": int(os.environ.get("ELEARN_PACKAGE_MAX_MB", "100")) * 1024 * 1024,
        "PACKAGE_MAX_UNPACKED_BYTES": int(os.environ.get("ELEARN_PACKAGE_MAX_UNPACKED_MB", "500")) * 1024 * 1024,
        "PACKAGE_MAX_FILES": int(os.environ.get("ELEARN_PACKAGE_MAX_FILES", "5000")),
        "HANDOUT_HOURS": int(os.environ.get("ELEARN_HANDOUT_HOURS", "72")),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # A session ends after 8 hours without a request (the cookie's signed time is refreshed on
        # each one) and 7 days after sign-in whatever happens (elearn.app: load_user).
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("ELEARN_SESSION_IDLE_HOURS", "8"))),
        # The cookie is signed again every few minutes of use, not on every response (elearn.app).
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_MAX_DAYS": int(os.environ.get("ELEARN_SESSION_MAX_DAYS", "7")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead: long quizzes must not expire the form
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "elearn"),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "50 per 15 minutes"),
        # Public contest registration (and return with phone + personal code), per client address and per phone.
        "CONTEST_REGISTER_LIMIT_PER_ADDRESS": os.environ.get("CONTEST_REGISTER_LIMIT_PER_ADDRESS", "20 per hour"),
        "CONTEST_REGISTER_LIMIT_PER_PHONE": os.environ.get("CONTEST_REGISTER_LIMIT_PER_PHONE", "5 per hour"),
        # Contest phone verification codes (quizzes.contests.phone): counted from the stored codes...
        "CONTEST_OTP_RESEND_SECONDS": int(os.environ.get("CONTEST_OTP_RESEND_SECONDS", "60")),
        "CONTEST_OTP_PER_PHONE_PER_HOUR": int(os.environ.get("CONTEST_OTP_PER_PHONE_PER_HOUR", "3")),
        "CONTEST_OTP_PER_ADDRESS_PER_HOUR": int(os.environ.get("CONTEST_OTP_PER_ADDRESS_PER_HOUR", "20")),
        "CONTEST_OTP_PER_DEVICE_PER_HOUR": int(os.environ.get("CONTEST_OTP_PER_DEVICE_PER_HOUR", "5")),
        # ... and requests of the page, per client address and per browser (Flask-Limiter).
        "CONTEST_OTP_LIMIT_PER_ADDRESS": os.environ.get("CONTEST_OTP_LIMIT_PER_ADDRESS", "60 per hour"),
        "CONTEST_OTP_LIMIT_PER_DEVICE": os.environ.get("CONTEST_OTP_LIMIT_PER_DEVICE", "20 per hour"),
        # The JSON API (elearn.api): requests per token.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "300 per minute"),
        "API_REFUSED_LIMIT": os.environ.get("API_REFUSED_LIMIT", "30 per minute"),  # 401s per client address
        # xAPI (elearn.xapi): statements are kept and sent only when an LRS is configured.
        "XAPI_LRS_URL": os.environ.get("XAPI_LRS_URL", ""),
        "XAPI_LRS_USERNAME": os.environ.get("XAPI_LRS_USERNAME", ""),
        "XAPI_LRS_PASSWORD": os.environ.get("XAPI_LRS_PASSWORD", ""),
        "XAPI_KEEP_DAYS": int(os.environ.get("XAPI_KEEP_DAYS", "30")),
    }
