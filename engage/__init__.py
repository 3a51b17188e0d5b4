"""Engage: the resident engagement platform of a local strategic partnership."""

import gc
import logging
import secrets

from flask import Flask, g, request
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

from engage import config
from engage.escaping import PageEnvironment
from engage.extensions import KeptSigningSessions, csrf, csrf_token, db, init_celery, limiter, login_manager, migrate


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(config.INSTANCE), static_folder="static")
    app.jinja_environment = PageEnvironment
    app.session_interface = KeptSigningSessions()
    app.config.update(config.from_environment())
    app.config.update(overrides or {})
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    logging.basicConfig(level=logging.INFO)
    app.url_map.converters["int"] = DatabaseInteger
    app.url_map.converters["slug"] = Slug
    app.url_map.converters["reference"] = Reference
    app.url_map.converters["year"] = MunicipalYear
    _templates(app)
    _extensions(app)
    _blueprints(app)
    _security_headers(app)
    from engage import cli, i18n, layout, pages

    i18n.init_app(app)
    layout.init_app(app)
    pages.init_app(app)
    cli.init_app(app)
    if app.config["ENGAGE_ENV"] == "production":
        # A worker's start-up objects (the app, its templates, the models' metadata: about 150,000) live as long as it
        # does: frozen, the collector's full collections stop walking them, which took ~100 ms on whichever request
        # set one off (Python's advice for processes that serve after a long start-up).
        gc.freeze()
        # A young collection after 20,000 new objects, not 700: a page makes thousands, and each collection walked
        # those of the request still alive (1.4 % of a board's queue page). Garbage in cycles waits a little longer.
        gc.set_threshold(20_000, 10, 10)
    return app


class DatabaseInteger(IntegerConverter):
    """Integers in URLs fit the database's integer columns: a larger number is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class Slug(BaseConverter):
    """Lower-case words joined by hyphens, as every slug here is; anything else is a 404."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+){0,15}"


class Reference(BaseConverter):
    """A proposal's reference, like TH-2026-00042."""

    regex = r"[A-Z]{1,5}-\d{4}-\d{5,6}"


class MunicipalYear(BaseConverter):
    """A municipal year as people write it, like 2027-28, given to views as its first year (2027); this century's."""

    regex = r"20\d{2}-\d{2}"

    def to_python(self, value: str) -> int:
        first = int(value[:4])
        if value[5:] != f"{(first + 1) % 100:02d}":
            raise ValidationError
        return first

    def to_url(self, value: int) -> str:
        return f"{value}-{(value + 1) % 100:02d}"


def _templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(config.ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)


def _extensions(app: Flask) -> None:
    import engage.models  # noqa: F401 - every table, for the metadata and migrations
    from engage import statements
    from engage.accounts import routes as account_routes
    from engage.notices import dispatch

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    _kept_csrf_tokens(app)
    limiter.init_app(app)
    _limits_only_on_accounts(app)
    init_celery(app)
    dispatch.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.user_loader(account_routes.load_person)
    login_manager.unauthorized_handler(account_routes.must_sign_in)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_wal)
        elif db.engine.dialect.driver == "psycopg":
            event.listen(db.engine, "do_execute", statements.plan_each_run)
    event.listen(db.session, "after_commit", dispatch.after_commit)
    event.listen(db.session, "after_rollback", dispatch.after_rollback)


def _limits_only_on_accounts(app: Flask) -> None:
    """Engage's rate limits are routes' own (signing in, resetting a password; commenting, supporting, reporting),
    which their decorators check: no check of every request for app-wide limits that do not exist, and the limiter's
    headers and clean-up only after the account routes' requests, not after every page's (a proposal's refusals say
    when to try again themselves: engage.proposals.routes.at_most)."""
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    for hooks in (app.after_request_funcs, app.teardown_request_funcs):
        mine = [hook for hook in hooks[None] if getattr(hook, "func", hook).__qualname__.startswith("Limiter.")]
        hooks[None] = [hook for hook in hooks[None] if hook not in mine]
        hooks["accounts"] = mine + hooks.get("accounts", [])


def _kept_csrf_tokens(app: Flask) -> None:
    """Pages' csrf_token() is engage.extensions.csrf_token, signed once per session: Flask-WTF's, which signs at each
    call, is a template global and also put in every page's context by a context processor of its own, dropped."""
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if p.__module__ != "flask_wtf.csrf"]
    app.jinja_env.globals["csrf_token"] = csrf_token


def _sqlite_wal(connection, _record) -> None:
    """Readers and the one writer do not block each other (write-ahead log). With the log, a commit need not wait
    for the disk (synchronous=NORMAL, as SQLite advises for WAL): the database stays consistent whatever happens,
    and only a power cut or a crash of the machine (not of Engage) can lose the last commits."""
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")


def _blueprints(app: Flask) -> None:
    from engage.accounts.routes import bp as accounts_bp
    from engage.admin.routes import bp as admin_bp
    from engage.congress import attachments
    from engage.congress.routes import bp as congress_bp
    from engage.congress.staff_routes import bp as congress_staff_bp
    from engage.notices.routes import bp as notices_bp
    from engage.notices.routes import dev_mail
    from engage.programmes import meeting_routes
    from engage.programmes.routes import bp as programmes_bp
    from engage.programmes.workspace_routes import bp as work_programmes_bp
    from engage.proposals.routes import bp as proposals_bp
    from engage.proposals.staff_routes import bp as moderation_bp
    from engage.reports import staff_routes as report_staff_routes
    from engage.reports.routes import bp as reports_bp
    from engage.site.routes import bp as site_bp
    from engage.triage.routes import bp as workspace_bp

    attachments.init_app()
    for blueprint in (
        site_bp,
        accounts_bp,
        admin_bp,
        notices_bp,
        proposals_bp,
        moderation_bp,
        congress_bp,
        congress_staff_bp,
        workspace_bp,
        meeting_routes.bp,
        meeting_routes.public,
        programmes_bp,
        work_programmes_bp,
        report_staff_routes.bp,
        report_staff_routes.workspace,
        reports_bp,
        dev_mail,
    ):
        app.register_blueprint(blueprint)


def _security_headers(app: Flask) -> None:
    policy = (
        "default-src 'self'; script-src 'self' 'nonce-{}'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    fixed = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if app.config["SESSION_COOKIE_SECURE"]:
        fixed.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))

    @app.before_request
    def make_nonce():
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = policy.format(getattr(g, "csp_nonce", ""))
        response.headers.extend(fixed)
        if request.endpoint != "static":
            # A page's menu depends on who is signed in: a cache may never give one person's page to another.
            response.vary.add("Cookie")
            if _private():
                response.headers["Cache-Control"] = "no-store"
        return response


def _private() -> bool:
    """Whether a response may show a person's or a board's data, and so is never stored by a browser or a proxy:
    every response to a signed-in person (their account, drafts, a board's workspace, the secretariat's pages, any
    public page as they see it), every page reached by a link that is its own key (a `token` in its address: a
    congress registration, unsubscribing, verifying an address, resetting a password) and the account pages."""
    return request.blueprint == "accounts" or "token" in (request.view_args or {}) or current_user.is_authenticated
