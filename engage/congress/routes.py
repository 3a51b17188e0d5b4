"""The congress pages: what is coming, registering, and a registration's own page (reached by its signed link)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts.forms import ButtonForm
from engage.congress import services as congresses
from engage.congress.forms import registration_form, show_full, workshop_choices
from engage.errors import DomainError
from engage.extensions import db
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.partnership import services as partnership
from engage.time import utcnow

bp = Blueprint("congress", __name__, url_prefix="/congress")


def _shown(congress):
    if congress is None or congress.state == "draft":
        abort(404)
    return congress


def _congress(slug: str):
    return _shown(congresses.by_slug(slug))


@bp.get("/")
def index():
    return render_template("congress/index.html", congresses=congresses.upcoming())


@bp.get("/<slug:slug>")
def show(slug: str):
    congress = _congress(slug)
    mine = current_user.is_authenticated and congresses.live_registration(congress, current_user.email)
    return render_template(
        "congress/show.html",
        congress=congress,
        open=congresses.is_open(congress),
        mine=congresses.manage_path(mine) if mine else None,
        not_yet=congress.opens_at > utcnow(),
    )


def _needs(form) -> dict:
    return {
        "access": form.access.data,
        "access_other": form.access_other.data or "",
        "interpreter": form.interpreter.data,
        "dietary": form.dietary.data or "",
        "creche": form.creche.data or "",
    }


@bp.route("/<slug:slug>/register", methods=["GET", "POST"])
def register(slug: str):
    """Signed in, the place is decided at once; without an account, once the person confirms by the emailed link."""
    congress = _shown(congresses.programme(slug))
    if not congresses.is_open(congress):
        return render_template("congress/closed.html", congress=congress)
    guest = not current_user.is_authenticated
    known = partnership.structure()
    form = registration_form(congress, known, language(), guest)
    if form.validate_on_submit():
        organisation = next((o for o in known.organisations if o.slug == form.organisation.data), None)
        answers = {
            "workshop_ids": workshop_choices(form),
            "attending_as": form.attending_as.data,
            "organisation_id": organisation.id if organisation else None,
            "needs": _needs(form),
            "priorities": [int(n) for n in form.priorities.data],
            "consent_to_contact": form.consent.data,
            "language": language(),
        }
        try:
            if guest:
                congresses.request_place(congress, name=form.name.data, email=form.email.data, **answers)
            else:
                registration = congresses.register(
                    congress, name=current_user.name, email=current_user.email, user=current_user, **answers
                )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            page = url_for("congress.check_email", slug=slug) if guest else congresses.manage_path(registration)
            db.session.commit()  # after it, reading the registration's id would cost a query
            return redirect(page)
    show_full(form, congresses.full_workshops(congress))
    return render_template("congress/register.html", congress=congress, form=form, guest=guest)


@bp.get("/<slug:slug>/register/check-your-email")
def check_email(slug: str):
    return render_template("congress/check_email.html", congress=_congress(slug))


def _registration(token: str):
    registration = congresses.by_token(token)
    if registration is None:
        abort(404)
    return registration


@bp.get("/registration/<token>")
def registration(token: str):
    registration = _registration(token)
    return render_template(
        "congress/registration.html",
        registration=registration,
        token=token,
        position=congresses.waiting_position(registration),
        lapsed=congresses.offer_lapsed(registration),
        button=ButtonForm(),
    )


@bp.post("/registration/<token>/cancel")
def cancel(token: str):
    registration = _registration(token)
    if ButtonForm().validate_on_submit():
        congresses.cancel(registration)
        db.session.commit()
        flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
    return redirect(url_for("congress.registration", token=token))


@bp.post("/registration/<token>/confirm")
def confirm(token: str):
    registration = _registration(token)
    if ButtonForm().validate_on_submit():
        try:
            congresses.confirm_email(registration)
        except DomainError as error:
            flash(error.message, "important")
        else:
            db.session.commit()
    return redirect(url_for("congress.registration", token=token))


@bp.post("/registration/<token>/accept")
def accept(token: str):
    registration = _registration(token)
    if ButtonForm().validate_on_submit():
        try:
            congresses.accept_offer(registration)
        except DomainError as error:
            flash(error.message, "important")
        else:
            db.session.commit()
            flash(_("The place is yours. See you at the congress."), "success")
    return redirect(url_for("congress.registration", token=token))
