"""What every page shares: error pages and the template context about the person."""

from datetime import UTC, datetime

from flask import Flask, has_request_context, render_template
from flask_babel import format_time
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engage.accounts.models import BOARD_ROLES
from engage.accounts.policy import admin, secretariat
from engage.accounts.services import session_timeout
from engage.extensions import db, limiter
from engage.i18n import gettext as _
from engage.i18n import lazy_gettext as _l

ROLE_NAMES = {
    "resident": _l("Resident"),
    "partner_representative": _l("Partner representative"),
    "board_member": _l("Board member"),
    "board_chair": _l("Board chair"),
    "board_officer": _l("Board officer"),
    "secretariat": _l("Secretariat"),
    "admin": _l("Admin"),
}

ERROR_PAGES = {
    400: (_l("Something was wrong with that request"), _l("Go back, reload the page and try again.")),
    403: (
        _l("You do not have permission to see this page"),
        _l("If you think you should, ask the partnership secretariat."),
    ),
    404: (_l("Page not found"), _l("If you typed the web address, check it is correct.")),
    405: (_l("Page not found"), _l("If you typed the web address, check it is correct.")),
    413: (_l("What you sent is too large"), _l("Go back and send something shorter.")),
    429: (_l("Too many attempts"), _l("Wait 15 minutes, then try again.")),  # without a limit's own time
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Try again later. What you entered has not been saved."),
    ),
}


def error_page(code: int, heading=None, advice=None):
    default_heading, default_advice = ERROR_PAGES.get(code, ERROR_PAGES[500])
    return render_template("error.html", heading=heading or default_heading, advice=advice or default_advice), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(
            400,
            _l("Your form could not be sent"),
            _l("The page was open too long or came from somewhere else. Go back, reload the page and try again."),
        )

    @app.errorhandler(RateLimitExceeded)
    def too_many_attempts(error):
        """When the limit breached lets the person try again, in London's time, and the limit's own advice; or the
        page of its own that the limit's route made (a form with its error, keeping what was typed)."""
        if error.response is not None:
            return error.response
        again = datetime.fromtimestamp(limiter.current_limit.reset_at, UTC).replace(tzinfo=None)
        advice = _("Try again after %(time)s.", time=format_time(again, "HH:mm"))
        if error.limit.error_message:
            advice = f"{error.limit.error_message} {advice}"
        return error_page(429, advice=advice)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.response is not None:  # a page of its own (a rate limit's, keeping what was typed)
            return error.response
        return error_page(error.code or 500)

    @app.errorhandler(Exception)
    def server_error(error):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return error_page(500)

    @app.context_processor
    def person():
        if not has_request_context():  # notices rendered by the worker
            return {}
        user = current_user._get_current_object()
        signed_in = user.is_authenticated
        return {
            "is_admin": signed_in and admin(user),
            "is_secretariat": signed_in and secretariat(user),
            "sits_on_a_board": signed_in and any(g.role in BOARD_ROLES for g in user.roles),
            "role_names": ROLE_NAMES,
            "session_timeout": signed_in and session_timeout(user),
        }
