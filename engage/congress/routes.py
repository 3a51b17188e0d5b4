"""The congress pages: what is coming, registering, and a registration's own page (reached by its signed link)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from engage import query_string
from engage.accounts.forms import ButtonForm
from engage.accounts.policy import claimable_email, represented
from engage.congress import follow_up
from engage.congress import services as congresses
from engage.congress.forms import (
    CHANGEABLE,
    asks,
    fill_in,
    needs_described,
    offer_organisations,
    page_answered,
    page_questions,
    registration_form,
    show_full,
    sign_up_pages,
    unanswered,
    workshop_choices,
)
from engage.errors import DomainError
from engage.extensions import db
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.partnership import services as partnership
from engage.proposals import statuses
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
        # Report back: once the next congress is announced, what became of the ideas from this one's workshops.
        came_of=follow_up.report_back(congress),
        labels=statuses.labels_in(language()),
        colours=statuses.COLOURS,
    )


def _needs(form) -> dict:
    needs = {name: form[name].data or ([] if name == "access" else "") for name in CHANGEABLE}
    if needs["interpreter"] != "other":
        needs["interpreter_other"] = ""
    return needs


def _kept(slug: str) -> dict:
    """The sign-up's answers given so far, kept in the session (only the answers: the cookie is small)."""
    kept = session.get("sign_up")
    return kept["answers"] if kept and kept["slug"] == slug else {}


def _sign_up_form(congress, answers: dict, page: str | None = None):
    """The sign-up form filled in with the kept answers and, from the request, the CSRF token and the answers to
    the questions of the `page` posted; and the organisations the person may come from."""
    kept = MultiDict([(name, value) for name, values in answers.items() for value in values if not asks(page, name)])
    kept.setlist("csrf_token", request.form.getlist("csrf_token"))
    for name in request.form:
        if asks(page, name):
            kept.setlist(name, request.form.getlist(name))
    known = partnership.structure()
    guest = not current_user.is_authenticated
    form = registration_form(congress, known, language(), guest, formdata=kept)
    organisations = represented(current_user, known.organisations)
    offer_organisations(form, organisations)
    return form, organisations


def _organisation(form, organisations: list):
    partner = form.attending_as.data == "partner"
    return next((o for o in organisations if partner and o.slug == form.organisation.data), None)


def _organisation_allowed(form, organisations: list, page: str) -> bool:
    """On the about-you page, Register's rule of who comes from which organisation (congresses.check_organisation),
    told on the page that asks it."""
    if page != "about-you":
        return True
    organisation = _organisation(form, organisations)
    person = current_user if current_user.is_authenticated else None
    try:
        congresses.check_organisation(person, form.attending_as.data, organisation.id if organisation else None)
    except DomainError as error:
        show_error(form, error)
        return False
    return True


def _open(slug: str):
    congress = _shown(congresses.programme(slug))
    return congress, congresses.is_open(congress)


@bp.route("/<slug:slug>/register", defaults={"page": "about-you"}, methods=["GET", "POST"])
@bp.route("/<slug:slug>/register/<any(workshops, needs, 'staying-in-touch'):page>", methods=["GET", "POST"])
def register(slug: str, page: str):
    """A page of the sign-up. Its answers are kept in the session; nothing is stored before the check page's
    Register (check)."""
    congress, is_open = _open(slug)
    if not is_open:
        return render_template("congress/closed.html", congress=congress)
    answers = _kept(slug)
    form, organisations = _sign_up_form(congress, answers, page if request.method == "POST" else None)
    pages = sign_up_pages(form)
    if page not in pages:
        abort(404)  # the workshops of a congress without any
    questions = page_questions(form, page)
    if request.method == "POST" and page_answered(form, page) and _organisation_allowed(form, organisations, page):
        answers = {name: values for name, values in answers.items() if not asks(page, name)}
        answers.update({name: values for name in questions if (values := request.form.getlist(name))})
        session["sign_up"] = {"slug": slug, "answers": answers}
        after = pages.index(page) + 1
        if query_string.choice(request.args, "return", ("check",)) == "check" or after == len(pages):
            return redirect(url_for("congress.check", slug=slug))
        return redirect(url_for("congress.register", slug=slug, page=pages[after]))
    if page == "workshops":
        show_full(form, congresses.full_workshops(congress))
    before = pages.index(page) - 1
    return render_template(
        "congress/register.html",
        congress=congress,
        form=form,
        page=page,
        questions=questions,
        back=url_for("congress.register", slug=slug, page=pages[before]) if before >= 0 else None,
        guest=not current_user.is_authenticated,
        confirmed=current_user.is_authenticated and claimable_email(current_user),
    )


@bp.route("/<slug:slug>/register/check", methods=["GET", "POST"])
def check(slug: str):
    """The answers of every page, each with a link to change it; Register signs up with them. Signed in with a
    confirmed address, the place is decided at once; without an account, or before the account has confirmed its
    address (policy.claimable_email), once the person confirms by the emailed link."""
    congress, is_open = _open(slug)
    if not is_open:
        return render_template("congress/closed.html", congress=congress)
    form, organisations = _sign_up_form(congress, _kept(slug))
    if missing := unanswered(form):  # the page not yet answered, or a link followed to here
        return redirect(url_for("congress.register", slug=slug, page=missing))
    guest = not current_user.is_authenticated
    confirmed = not guest and claimable_email(current_user)
    if form.validate_on_submit():
        organisation = _organisation(form, organisations)
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
            session.pop("sign_up", None)
            return redirect(page)
    show_full(form, congresses.full_workshops(congress))
    return render_template(
        "congress/check.html",
        congress=congress,
        form=form,
        pages={page: page_questions(form, page) for page in sign_up_pages(form)},
    )


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
