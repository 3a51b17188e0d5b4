"""The congress pages: what is coming, registering, and a registration's own page (reached by its signed link)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.forms import ButtonForm
from engage.accounts.policy import claimable_email, represented
from engage.congress import services as congresses
from engage.congress.forms import (
    CHANGEABLE,
    fill_in,
    needs_described,
    offer_organisations,
    registration_form,
    show_full,
    workshop_choices,
)
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
    address = current_user.is_authenticated and claimable_email(current_user)
    mine = address and congresses.live_registration(congress, address)
    return render_template(
        "congress/show.html",
        congress=congress,
        open=congresses.is_open(congress),
        mine=congresses.manage_path(mine) if mine else None,
        resend_form=ButtonForm() if current_user.is_authenticated and not address else None,
        not_yet=congress.opens_at > utcnow(),
    )


def _needs(form) -> dict:
    needs = {name: form[name].data or ([] if name == "access" else "") for name in CHANGEABLE}
    if needs["interpreter"] != "other":
        needs["interpreter_other"] = ""
    return needs


@bp.route("/<slug:slug>/register", methods=["GET", "POST"])
def register(slug: str):
    """Signed in with a confirmed address, the place is decided at once; without an account, or before the account
    has confirmed its address (policy.claimable_email), once the person confirms by the emailed link."""
    congress = _shown(congresses.programme(slug))
    if not congresses.is_open(congress):
        return render_template("congress/closed.html", congress=congress)
    guest = not current_user.is_authenticated
    confirmed = not guest and claimable_email(current_user)
    known = partnership.structure()
    form = registration_form(congress, known, language(), guest)
    organisations = represented(current_user, known.organisations)
    offer_organisations(form, organisations)
    if form.validate_on_submit():
        partner = form.attending_as.data == "partner"
        organisation = next((o for o in organisations if partner and o.slug == form.organisation.data), None)
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
            if confirmed:
                registration = congresses.register(
                    congress, name=current_user.name, email=current_user.email, user=current_user, **answers
                )
            else:
                name, email = (form.name.data, form.email.data) if guest else (current_user.name, current_user.email)
                congresses.request_place(congress, name=name, email=email, person=current_user, **answers)
        except DomainError as error:
            db.session.rollback()
            if confirmed and (already := _already_registered(congress)):
                return already
            show_error(form, error)
        else:
            page = congresses.manage_path(registration) if confirmed else url_for("congress.check_email", slug=slug)
            db.session.commit()  # after it, reading the registration's id would cost a query
            return redirect(page)
    show_full(form, congresses.full_workshops(congress))
    return render_template("congress/register.html", congress=congress, form=form, guest=guest, confirmed=confirmed)


def _already_registered(congress):
    """Signed in with a confirmed address and registered already: to the registration the account made; one made with
    its address alone (as a guest, or by the secretariat) is sent its link by email. None if neither. Never asked for
    an unconfirmed address, whose page must not tell whether that address is registered."""
    mine = congresses.registration_of(congress.id, current_user)
    if mine is not None:
        flash(_("You are already registered for this congress. This is your registration."), "important")
        return redirect(congresses.manage_path(mine))
    if congresses.send_link(congress, current_user.email):
        db.session.commit()
        flash(_("You are already registered for this congress. We have emailed you the link to your registration."))
        return redirect(url_for("congress.show", slug=congress.slug))
    return None


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
        changeable=congresses.changeable(registration),
        needs=needs_described(registration.needs),
        lapsed=congresses.offer_lapsed(registration),
        button=ButtonForm(),
    )


@bp.route("/registration/<token>/change", methods=["GET", "POST"])
def change(token: str):
    """The person's workshops and needs, changed until registration closes."""
    registration = _registration(token)
    if not congresses.changeable(registration):
        flash(_("Registration for this congress has closed: your registration can no longer be changed."), "important")
        return redirect(url_for("congress.registration", token=token))
    programme = congresses.programme(registration.congress.slug)
    form = registration_form(programme, partnership.structure(), language(), change=True)
    if request.method == "GET":
        fill_in(form, registration)
    if form.validate_on_submit():
        try:
            congresses.change(registration, workshop_choices(form), _needs(form))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your registration is changed."), "success")
            return redirect(url_for("congress.registration", token=token))
    show_full(form, congresses.full_workshops(programme))
    return render_template("congress/change.html", registration=registration, form=form, token=token)


@bp.route("/registration/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    """Asks first; cancels when the person says yes."""
    registration = _registration(token)
    button = ButtonForm()
    if button.validate_on_submit():
        congresses.cancel(registration)
        db.session.commit()
        flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
        return redirect(url_for("congress.registration", token=token))
    return render_template("congress/cancel.html", registration=registration, token=token, button=button)


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
