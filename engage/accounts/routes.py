"""Account pages: thin views that validate a form, call one service, commit once and redirect."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

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
from engage.errors import DomainError
from engage.extensions import db, limiter
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _email_key() -> str:
    return "email:" + accounts.normalise_email(request.form.get("email", ""))[:320]


rate_limited = [
    limiter.limit("20 per minute", methods=["POST"]),
    limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_email_key),
]


def limited(view):
    for limit in rate_limited:
        view = limit(view)
    return view


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host, after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("accounts.account")


@bp.route("/register", methods=["GET", "POST"])
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
    return redirect(url_for("accounts.account"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limited
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors = [_("Enter a correct email address and password")]
        else:
            accounts.start_session(user)
            login_user(user)
            db.session.commit()
            return redirect(_safe_next(query_string.text(request.args, "next", 2000)))
    return render_template("accounts/sign_in.html", form=form)


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
@limited
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
            accounts.reset_password(token, form.password.data)
            db.session.commit()
            flash(_("Your password has been changed. Sign in with your new password."), "success")
            return redirect(url_for("accounts.sign_in"))
    except DomainError:
        return render_template("accounts/link_expired.html"), 400
    return render_template("accounts/reset_new.html", form=form)


@bp.get("/")
@requires(signed_in)
def account():
    return render_template("accounts/account.html", person=accounts.account(current_user), resend_form=ButtonForm())


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
