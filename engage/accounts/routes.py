"""Account pages: thin views that validate a form, call one service, commit once and redirect."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_url, login_user, logout_user

from engage import query_string
from engage.accounts import services as accounts
from engage.accounts.forms import (
    ButtonForm,
    ChangePasswordForm,
    DeleteAccountForm,
    NewPasswordForm,
    RegisterForm,
    ResetRequestForm,
    SignInForm,
)
from engage.accounts.policy import requires, signed_in
from engage.congress import planning
from engage.congress import services as congresses
from engage.errors import DomainError
from engage.extensions import db, limiter
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.i18n import lazy_gettext as _l
from engage.proposals import services as proposals
from engage.proposals import statuses

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _email_key() -> str:
    return "email:" + accounts.normalise_email(request.form.get("email", ""))[:320]


def _known_device() -> bool:
    """Whether this browser has signed in, or reset its password by email, with the address it posts."""
    return accounts.is_known_device(request.cookies.get(KNOWN_DEVICE), request.form.get("email", ""))


def _client_and_email_key() -> str:
    # The owner's own device counts its failures apart from anyone else's on the same network.
    return f"{get_remote_address()}|{'known' if _known_device() else 'new'}|{_email_key()}"


def _configured(name: str):
    return lambda: current_app.config[name]


def _failed(response) -> bool:
    """A sign-in form shown again (its errors on it), not a redirect onwards: a failed attempt."""
    return response.status_code == 200


def _limits(*limits):
    def decorate(view):
        for limit in limits:
            view = limit(view)
        return view

    return decorate


KNOWN_DEVICE = "known_device"

# Signing in: an attacker may not lock the owner out. Hard limits per client (across addresses) and per client and
# address; across all clients an address has a higher cap on failures, which a device the owner has signed in from
# (or reset the password from, by the emailed link) is exempt from. So a guesser is stopped, a guesser on many
# machines is stopped at the cap, and the owner still signs in from their own device, or resets their password by
# email, which no limit here stops. A known device's cookie lets nobody guess faster: it only keeps its holder out
# of the buckets strangers fill.
sign_in_limits = _limits(
    limiter.limit(_configured("SIGN_IN_LIMIT_PER_CLIENT"), methods=["POST"]),
    limiter.limit(
        _configured("SIGN_IN_FAILURES_PER_CLIENT_AND_ADDRESS"),
        methods=["POST"],
        key_func=_client_and_email_key,
        deduct_when=_failed,
    ),
    limiter.limit(
        _configured("SIGN_IN_FAILURES_PER_ADDRESS"),
        methods=["POST"],
        key_func=_email_key,
        deduct_when=_failed,
        exempt_when=_known_device,
        error_message=_l(
            "There have been too many attempts to sign in to this account from other devices. Sign in from a device "
            "you have used before, or reset your password: we will email you a link."
        ),
    ),
)
# Asking for a reset link, and registering: each sends an email, so per client and per address, all attempts.
emails_limits = _limits(
    limiter.limit(_configured("EMAIL_LIMIT_PER_CLIENT"), methods=["POST"]),
    limiter.limit(_configured("EMAIL_LIMIT_PER_ADDRESS"), methods=["POST"], key_func=_email_key),
)


def _remember_device(response, email: str):
    """Mark this browser as one the owner of `email` uses (see sign_in_limits)."""
    days = current_app.config["KNOWN_DEVICE_DAYS"]
    mark = accounts.known_device_mark(request.cookies.get(KNOWN_DEVICE), email)
    response.set_cookie(
        KNOWN_DEVICE,
        mark,
        max_age=days * 86400,
        path=url_for("accounts.account"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host, after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("accounts.account")


def _next() -> str:
    """Where the page was asked to go next (its `next` parameter), if on this site."""
    return _safe_next(query_string.text(request.args, "next", 2000))


@bp.route("/register", methods=["GET", "POST"])
@emails_limits
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        accounts.register(form.name.data, form.email.data, form.password.data, form.connections.data, language())
        db.session.commit()
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/register.html", form=form)


@bp.get("/register/check-your-email")
def check_email():
    return render_template("accounts/check_email.html")


@bp.get("/verify/<token>")
def verify(token: str):
    try:
        user = accounts.verify_email(token)
    except DomainError:
        return render_template("accounts/link_expired.html"), 400
    db.session.commit()
    return render_template("accounts/verified.html", user=user)


@bp.post("/verify/resend")
@requires(signed_in)
def resend_verification():
    if ButtonForm().validate_on_submit() and current_user.email_verified_at is None:
        accounts.send_verification(accounts.account(current_user))
        db.session.commit()
        flash(_("We have sent you a new link to confirm your email address."), "success")
    return redirect(_next())  # back to the page that asked


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors = [_("Enter a correct email address and password")]
        else:
            accounts.start_session(user)
            # The cookie expires, after the longest a session may last (PERMANENT_SESSION_LIFETIME).
            session.permanent = True
            login_user(user)
            db.session.commit()
            return _remember_device(redirect(_next()), user.email)
    return render_template("accounts/sign_in.html", form=form)


def load_person(token: str):
    """Flask-Login's user loader: the session's person, or None; a session that has just ended on its idle or absolute
    limit is noted, for the page that says so."""
    try:
        return accounts.load_session(token)
    except accounts.SessionEnded:
        g.session_ended = True
        return None


def must_sign_in():
    """Where a page that needs a signed-in person sends someone who is not: to a page saying their session has ended,
    if it just did (what they posted is not lost with it: see app.js), otherwise to sign in."""
    if g.get("session_ended"):
        page = request.full_path.rstrip("?") if request.method == "GET" else request.path
        return redirect(url_for("accounts.signed_out", next=page))
    return redirect(login_url("accounts.sign_in", request.url))


@bp.get("/signed-out")
def signed_out():
    target = _next()
    if current_user.is_authenticated:  # the session was kept alive elsewhere (another tab): carry on
        return redirect(target)
    return render_template("accounts/signed_out.html", next=target)


@bp.post("/session")
@requires(signed_in)
def stay_signed_in():
    """The timeout warning's "Stay signed in": the session counts as used now. When it now ends, for the warning."""
    person = accounts.extend_session(current_user._get_current_object())
    db.session.commit()
    return accounts.session_timeout(person)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    form = ButtonForm()
    if not current_user.is_authenticated:
        return redirect(url_for("site.home"))
    if form.validate_on_submit():
        accounts.end_session(current_user.session_token)
        logout_user()
        db.session.commit()
        flash(_("You have signed out."), "success")
        return redirect(url_for("site.home"))
    return render_template("accounts/sign_out.html", form=form)


@bp.route("/reset-password", methods=["GET", "POST"])
@emails_limits
def reset_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        db.session.commit()
        return redirect(url_for("accounts.reset_sent"))
    return render_template("accounts/reset_request.html", form=form)


@bp.get("/reset-password/sent")
def reset_sent():
    return render_template("accounts/reset_sent.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password_token(token: str):
    form = NewPasswordForm()
    try:
        accounts.check_reset_token(token)
        if form.validate_on_submit():
            user = accounts.reset_password(token, form.password.data)
            db.session.commit()
            flash(_("Your password has been changed. Sign in with your new password."), "success")
            return _remember_device(redirect(url_for("accounts.sign_in")), user.email)
    except DomainError:
        return render_template("accounts/link_expired.html"), 400
    return render_template("accounts/reset_new.html", form=form)


@bp.get("/")
@requires(signed_in)
def account():
    """The account, and the person's own things: proposals, drafts and congress registrations (a query each)."""
    registrations = congresses.registrations_of(current_user)
    return render_template(
        "accounts/account.html",
        person=accounts.account(current_user),
        resend_form=ButtonForm(),
        submitted=proposals.submitted_by(current_user),
        drafts=proposals.drafts_of(current_user),
        registrations=[(r, congresses.manage_path(r)) for r in registrations],
        labels=statuses.labels_in(language()),
        colours=statuses.COLOURS,
        registration_labels=planning.STATUS_LABELS,
    )


@bp.route("/change-password", methods=["GET", "POST"])
@requires(signed_in)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been changed. You have been signed out everywhere else."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/delete", methods=["GET", "POST"])
@requires(signed_in)
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            accounts.delete_account(current_user, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            logout_user()
            db.session.commit()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("site.home"))
    return render_template("accounts/delete.html", form=form)
