"""Extensions, created once here and bound to the app in create_app()."""

from functools import cache, lru_cache, wraps

from celery import Celery
from flask import Flask, current_app, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf
from itsdangerous import Signer, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import Insert, MetaData, Table, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Model(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Model)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()


class KeptSigningSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, their serializer made once per process for the app's keys: Flask makes one,
    and derives its signing key again, on every request."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # As Flask orders them: the fallbacks, then the key that signs (itsdangerous signs with the last).
        return _signing_serializer(self, (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key))


@cache
def _signing_serializer(sessions: KeptSigningSessions, keys: tuple) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        list(keys),
        salt=sessions.salt,
        serializer=sessions.serializer,
        signer=KeptKeySigner,
        signer_kwargs={"key_derivation": sessions.key_derivation, "digest_method": sessions.digest_method},
    )


class KeptKeys:
    """For itsdangerous's signers: each key derived once per process rather than for every signature made or checked."""

    _derived: dict[tuple, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        kept = (
            self.secret_keys[-1] if secret_key is None else secret_key,
            self.salt,
            self.key_derivation,
            self.digest_method,
        )
        derived = self._derived.get(kept)
        if derived is None:
            derived = self._derived[kept] = super().derive_key(secret_key)
        return derived


class KeptKeySigner(KeptKeys, TimestampSigner):
    pass


class KeptKeyLinkSigner(KeptKeys, Signer):
    pass


def link_signer(salt: str) -> URLSafeSerializer:
    """For links that are their own key (a registration's page, unsubscribing): signed with the app's secret key and
    `salt`, by a serializer made once per process."""
    return _link_signer(current_app.config["SECRET_KEY"], salt)


@cache
def _link_signer(secret_key: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=salt, signer=KeptKeyLinkSigner)


def csrf_token() -> str:
    """Flask-WTF's CSRF token for this session (generate_csrf), kept per process for each session and key rather than
    signed afresh on every page that holds a form, as Flask-WTF does. A token's signing time is never checked
    (WTF_CSRF_TIME_LIMIT is None: a token lives as long as its session), so the first signature serves as well."""
    raw = session.get("csrf_token")
    if raw is None:  # the session's first form: Flask-WTF makes the session's raw token
        return generate_csrf()
    return _kept_csrf_token(current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)


@lru_cache(maxsize=4096)
def _kept_csrf_token(_secret_key: str, _raw: str) -> str:
    """generate_csrf()'s token, which the key and the session's raw token decide (the cache's key)."""
    return generate_csrf()


def init_celery(app: Flask) -> Celery:
    """The Celery client the web app sends task names with; worker/ runs the same app with its tasks."""
    celery = Celery(app.import_name, set_as_current=False)
    celery.conf.update(
        app.config["CELERY"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
    )
    app.extensions["celery"] = celery
    return celery


def reads_only(view):
    """For a page that only reads: its statements run outside a transaction, each with its own snapshot as under
    READ COMMITTED anyway, without the BEGIN and ROLLBACK round trips every request would otherwise pay. It must be
    the view's first use of the database (signing in a person whose session is read later is fine)."""

    @wraps(view)
    def reading(*args, **kwargs):
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return view(*args, **kwargs)

    return reading


def insert_unless_taken(table: Table, unique: tuple[str, ...] = (), where: str | None = None) -> Insert:
    """INSERT ... ON CONFLICT [(unique) [WHERE where]] DO NOTHING RETURNING id, for the session's database: one
    statement whether or not the row exists (without unique: whichever of the table's unique indexes it would
    break), executed with the row's values as parameters. Built once per process for each table and database;
    building it again for every row cost more than sending it."""
    return _insert_unless_taken(table, unique, where, db.session.get_bind().dialect.name)


@cache
def _insert_unless_taken(table: Table, unique: tuple[str, ...], where: str | None, dialect: str) -> Insert:
    dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    conflict = (
        {"index_elements": [table.c[name] for name in unique], "index_where": text(where) if where else None}
        if unique
        else {}
    )
    return dialect_insert(table).on_conflict_do_nothing(**conflict).returning(table.c.id)
