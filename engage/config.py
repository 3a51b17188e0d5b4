"""Settings from the environment, with embedded defaults that need no server at all."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("ENGAGE_INSTANCE_PATH", ROOT / "instance"))


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in their usual form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict:
    """SQLite serialises writers: let one wait its turn (up to 30 s) instead of failing at once. PostgreSQL: no
    ping before each checkout (a round trip on every request); a connection the server dropped fails one request,
    and SQLAlchemy then replaces every connection of the pool."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {}


def broker_settings(redis_url: str | None) -> dict:
    """Redis when configured; otherwise kombu's filesystem transport, which needs no server."""
    if redis_url:
        # Short timeouts: a request never waits on a broker that is down or hung; the relay catches up.
        return {
            "broker_url": redis_url,
            "broker_transport_options": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5, "max_retries": 0},
            "broker_connection_timeout": 0.5,
        }
    folder = INSTANCE / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://localhost/",
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    }


def worker_broker_settings(conf) -> dict:
    """The worker's and beat's own Redis connections: unlike a request's, they may wait a few seconds for an answer,
    and a health check every few seconds finds a connection the broker no longer answers (the one waiting for
    tasks included) and makes a new one."""
    if not conf.broker_url.startswith(("redis://", "rediss://")):
        return {}
    options = {"socket_timeout": 5, "socket_connect_timeout": 5, "health_check_interval": 5}
    return {"broker_transport_options": {**conf.broker_transport_options, **options}}


def from_environment(env: dict[str, str] | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    mode = env.get("ENGAGE_ENV", "development")
    secret = env.get("SECRET_KEY")
    if mode == "production" and not secret:
        raise RuntimeError("SECRET_KEY must be set when ENGAGE_ENV=production")
    INSTANCE.mkdir(parents=True, exist_ok=True)
    redis_url = env.get("REDIS_URL") or None
    production = mode == "production"
    session_max = int(env.get("SESSION_MAX_SECONDS", str(30 * 86400)))
    return {
        "ENGAGE_ENV": mode,
        "SECRET_KEY": secret or "development-only-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'engage.db'}")),
        "REDIS_URL": redis_url,
        "CELERY": broker_settings(redis_url),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis away must not stop people signing in: limits fall back to this process's memory meanwhile.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 0.3, "socket_connect_timeout": 0.3} if redis_url else {},
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "false").lower() == "true",
        "MAIL_SENDER": env.get("MAIL_SENDER", "Tower Hamlets Partnership <engage@towerhamlets.example>"),
        "MAIL_FOLDER": str(INSTANCE / "mail"),
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SERVICE_NAME": env.get("SERVICE_NAME", "Tower Hamlets Partnership"),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        # WTForms' own messages untranslated, as they are anyway: it ships no Bengali catalogue, and its English one
        # is its messages as written. Flask-WTF read that catalogue from disk again for every request with a form.
        "WTF_I18N_ENABLED": False,
        # No form here needs more; a larger body gets a clear 413 page.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "LANGUAGES": {"en": "English", "bn": "বাংলা"},
        # argon2id as RFC 9106 recommends where memory is limited; the test suite sets CHEAPEST.
        "ARGON2_PROFILE": env.get("ARGON2_PROFILE", "RFC_9106_LOW_MEMORY"),
        # The outbox: how long a process leaves a failed broker alone, the first retry's wait (doubling after),
        # when a claimed notice counts as interrupted, and when the relay picks up one never handed over.
        "BROKER_REST_SECONDS": 10,
        # At most one hand-off of committed notices to the broker this often per process (engage.notices.dispatch).
        "HANDOFF_SECONDS": float(env.get("HANDOFF_SECONDS", "0.1")),
        "NOTICE_RETRY_SECONDS": int(env.get("NOTICE_RETRY_SECONDS", "30")),
        "NOTICE_STUCK_SECONDS": int(env.get("NOTICE_STUCK_SECONDS", "300")),
        "NOTICE_RELAY_SECONDS": int(env.get("NOTICE_RELAY_SECONDS", "60")),
        # A worker whose broker has not answered this long stops, for its supervisor to restart it (worker/watch.py).
        "WORKER_BROKER_DEADLINE": float(env.get("WORKER_BROKER_DEADLINE", "60")),
        # "Did this resolve what you raised?": asked this many weeks after a proposal was declined or an item it led
        # to was done; the link in the question works for this many days after it was sent.
        "RESOLUTION_CHECK_WEEKS": int(env.get("RESOLUTION_CHECK_WEEKS", "8")),
        "RESOLUTION_LINK_DAYS": int(env.get("RESOLUTION_LINK_DAYS", "90")),
        "CONGRESS_OFFER_HOURS": 48,  # how long someone promoted from a waiting list has to accept the place
        # How long after a congress people's access, dietary and childcare needs are kept (the totals stay).
        "CONGRESS_NEEDS_DAYS": int(env.get("CONGRESS_NEEDS_DAYS", "30")),
        "TOKEN_HOURS": {"verify": 72, "reset": 1},
        # Sessions end on the server when unused for the idle limit or older than the absolute one: for residents
        # 2 hours (a shared or library computer left signed in) and 30 days (NIST SP 800-63B's AAL1 re-authentication);
        # for staff roles, who see what is not public, 30 minutes and 12 hours (its AAL2). A warning, this long before
        # the idle limit, lets a person stay signed in (WCAG 2.2.1); when a session was used is written at most this
        # often (not on every request).
        "SESSION_IDLE_SECONDS": int(env.get("SESSION_IDLE_SECONDS", str(2 * 3600))),
        "SESSION_MAX_SECONDS": session_max,
        "STAFF_SESSION_IDLE_SECONDS": int(env.get("STAFF_SESSION_IDLE_SECONDS", str(30 * 60))),
        "STAFF_SESSION_MAX_SECONDS": int(env.get("STAFF_SESSION_MAX_SECONDS", str(12 * 3600))),
        "SESSION_WARNING_SECONDS": int(env.get("SESSION_WARNING_SECONDS", "120")),
        "SESSION_TOUCH_SECONDS": 60,
        # The session cookie of a signed-in person expires with the longest session, and is not sent again on every
        # response to push that back.
        "PERMANENT_SESSION_LIFETIME": timedelta(seconds=session_max),
        "SESSION_REFRESH_EACH_REQUEST": False,
        # Rate limits (Flask-Limiter's notation), for signing in: see engage.accounts.routes.sign_in_limits.
        "SIGN_IN_LIMIT_PER_CLIENT": env.get("SIGN_IN_LIMIT_PER_CLIENT", "20 per minute"),
        "SIGN_IN_FAILURES_PER_CLIENT_AND_ADDRESS": env.get(
            "SIGN_IN_FAILURES_PER_CLIENT_AND_ADDRESS", "10 per 15 minutes"
        ),
        "SIGN_IN_FAILURES_PER_ADDRESS": env.get("SIGN_IN_FAILURES_PER_ADDRESS", "50 per hour"),
        "KNOWN_DEVICE_DAYS": int(env.get("KNOWN_DEVICE_DAYS", "365")),
        # For what sends an email (registering, asking for a reset link): every attempt counts.
        "EMAIL_LIMIT_PER_CLIENT": env.get("EMAIL_LIMIT_PER_CLIENT", "30 per hour"),
        "EMAIL_LIMIT_PER_ADDRESS": env.get("EMAIL_LIMIT_PER_ADDRESS", "10 per hour"),
    }
