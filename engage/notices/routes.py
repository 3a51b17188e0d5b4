"""People's notification choices, one-click unsubscribe, the secretariat's outbox, and /dev/mail/."""

from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import query_string
from engage.accounts import services as accounts
from engage.accounts.forms import ButtonForm
from engage.accounts.policy import requires, secretariat, signed_in
from engage.errors import DomainError
from engage.extensions import csrf, db
from engage.i18n import gettext as _
from engage.i18n import ngettext
from engage.notices import delivery
from engage.notices import services as notices
from engage.notices.forms import OutboxSearchForm, preferences_form
from engage.notices.kinds import category_of
from engage.notices.models import STATUSES

bp = Blueprint("notices", __name__)


@bp.route("/account/notifications", methods=["GET", "POST"])
@requires(signed_in)
def preferences():
    person = accounts.account(current_user)
    categories = notices.categories_for(person)
    form = preferences_form(categories, {c.name: notices.choice(person, c) for c in categories})
    if form.validate_on_submit():
        for category in categories:
            if category.optional:
                notices.set_choice(person, category.name, form[category.name].data)
        db.session.commit()
        flash(_("Your notification choices have been saved."), "success")
        return redirect(url_for("notices.preferences"))
    return render_template("notices/preferences.html", form=form, categories=categories)


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    try:
        user, category = notices.read_unsubscribe(token)
    except DomainError:
        return render_template("notices/unsubscribe_invalid.html"), 400
    return render_template("notices/unsubscribe.html", category=category, token=token)


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # the signed token is the authority; mail programs post here for one-click unsubscribe (RFC 8058)
def unsubscribe(token: str):
    try:
        user, category = notices.unsubscribe(token)
    except DomainError:
        return render_template("notices/unsubscribe_invalid.html"), 400
    db.session.commit()
    return render_template("notices/unsubscribed.html", category=category)


@bp.get("/secretariat/outbox")
@requires(secretariat)
def outbox():
    status = query_string.text(request.args, "status", 20) or "failed"
    if status not in STATUSES:
        abort(404)
    form = OutboxSearchForm(formdata=None, recipient=query_string.text(request.args, "recipient", 320))
    page = query_string.page(request.args)
    rows = notices.outbox(status, form.recipient.data, page)
    return render_template(
        "notices/outbox.html",
        form=form,
        status=status,
        rows=rows,
        page=page,
        counts=notices.outbox_counts(),
        category_of=category_of,
        page_size=notices.PAGE_SIZE,
        button=ButtonForm(),
    )


@bp.post("/secretariat/outbox/<int:notice_id>/retry")
@requires(secretariat)
def retry(notice_id: int):
    if ButtonForm().validate_on_submit():
        try:
            notices.retry(notice_id)
        except DomainError as error:
            flash(error.message, "important")
        else:
            db.session.commit()
            flash(_("The notice will be sent again."), "success")
    return redirect(url_for("notices.outbox", status="failed"))


@bp.get("/secretariat/letters")
@requires(secretariat)
def letters():
    waiting = notices.letters_to_print()
    printable = [(notice, delivery.letter(notice)) for notice in waiting]
    return render_template("notices/letters.html", letters=printable, button=ButtonForm())


@bp.post("/secretariat/letters/printed")
@requires(secretariat)
def letters_printed():
    if ButtonForm().validate_on_submit():
        ids = [int(n) for n in request.form.getlist("letter") if n.isdigit() and len(n) < 10]
        done = notices.mark_printed(ids)
        db.session.commit()
        flash(ngettext("%(num)s letter marked as printed.", "%(num)s letters marked as printed.", done), "success")
    return redirect(url_for("notices.letters"))


dev_mail = Blueprint("dev_mail", __name__, url_prefix="/dev/mail")


@dev_mail.before_request
def development_only():
    if current_app.config["ENGAGE_ENV"] != "development" or current_app.config["MAIL_SERVER"]:
        abort(404)


def _mail_files() -> list[Path]:
    folder = Path(current_app.config["MAIL_FOLDER"])
    return sorted(folder.glob("*.eml"), reverse=True) if folder.exists() else []


def _read(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


@dev_mail.get("/")
def mailbox():
    messages = [(path.stem, _read(path)) for path in _mail_files()[:100]]
    return render_template("notices/mailbox.html", messages=messages)


@dev_mail.get("/<name>")
def message(name: str):
    path = next((p for p in _mail_files() if p.stem == name), None)
    if path is None:
        abort(404)
    mail = _read(path)
    return render_template("notices/message.html", mail=mail, body=mail.get_body(("plain",)).get_content())
