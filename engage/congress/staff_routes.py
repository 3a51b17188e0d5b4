"""The secretariat's congress pages: setting congresses up, the live numbers, the planning sheet, the door's
lists and check-in, and registering someone on their behalf."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_login import current_user

from engage import query_string
from engage.accounts.forms import ButtonForm
from engage.accounts.policy import requires, secretariat
from engage.congress import planning
from engage.congress import services as congresses
from engage.congress import staff_forms as forms
from engage.congress.forms import workshop_choices
from engage.congress.models import Congress
from engage.errors import DomainError
from engage.extensions import db
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language, ngettext
from engage.proposals import services as proposals
from engage.time import utcnow

bp = Blueprint("congress_staff", __name__, url_prefix="/secretariat/congress")


def _congress(slug: str) -> Congress:
    congress = congresses.by_slug(slug)
    if congress is None:
        abort(404)
    return congress


def _refused(form, error: DomainError) -> None:
    """Undo whatever the service began (and let go of the congress row's lock), then show why on the form."""
    db.session.rollback()
    show_error(form, error)


@bp.get("/")
@requires(secretariat)
def index():
    return render_template("congress/staff/index.html", congresses=planning.all_congresses(), now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
@requires(secretariat)
def create():
    form = forms.CongressForm()
    if form.validate_on_submit():
        try:
            congress = planning.create_congress(
                current_user,
                slug=form.slug.data,
                title=form.title.data,
                day=form.date.data,
                starts=form.starts.clock,
                ends=form.ends.clock,
                venue=form.venue.data,
                venue_access=form.venue_access.data,
                capacity=form.capacity.number,
                opens_on=form.opens.data,
                closes_on=form.closes.data,
                title_bn=form.title_bn.data or "",
                venue_bn=form.venue_bn.data or "",
                venue_access_bn=form.venue_access_bn.data or "",
            )
        except DomainError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The congress is created as a draft. Add its workshops, then publish it."), "success")
            return redirect(url_for("congress_staff.show", slug=congress.slug))
    return render_template("congress/staff/new.html", form=form)


@bp.get("/<slug:slug>")
@requires(secretariat)
def show(slug: str):
    congress = _congress(slug)
    return render_template(
        "congress/staff/show.html",
        congress=congress,
        open=congresses.is_open(congress),
        closed=congress.closes_at <= utcnow(),
        now=utcnow(),
        button=ButtonForm(),
    )


@bp.route("/<slug:slug>/workshops/new", methods=["GET", "POST"])
@requires(secretariat)
def add_workshop(slug: str):
    congress = _congress(slug)
    calls = proposals.current_calls_to_action()
    form = forms.WorkshopForm()
    form.offer(calls, language())
    if form.validate_on_submit():
        chosen = form.call_to_action.data
        try:
            planning.add_workshop(
                congress,
                current_user,
                title=form.title.data,
                title_bn=form.title_bn.data or "",
                priority=calls.get(int(chosen)) if chosen else None,
                starts=form.starts.clock,
                capacity=form.capacity.number,
            )
        except DomainError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The workshop is added."), "success")
            return redirect(url_for("congress_staff.show", slug=slug))
    return render_template("congress/staff/workshop.html", congress=congress, form=form)


@bp.route("/<slug:slug>/capacity", methods=["GET", "POST"])
@requires(secretariat)
def capacity(slug: str):
    congress = _congress(slug)
    form = forms.CapacityForm()
    if request.method == "GET":
        form.capacity.data = str(congress.capacity)
    if form.validate_on_submit():
        try:
            congresses.set_capacity(congress, form.capacity.number, current_user)
        except DomainError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The number of places is changed. Anyone offered a place has been told."), "success")
            return redirect(url_for("congress_staff.show", slug=slug))
    return render_template("congress/staff/capacity.html", congress=congress, form=form)


@bp.route("/<slug:slug>/date", methods=["GET", "POST"])
@requires(secretariat)
def move(slug: str):
    """The congress's new date and times, then a page to check them, then the move (everyone registered is told)."""
    congress = _congress(slug)
    form = forms.MoveForm()
    if request.method == "GET":
        form.date.data = planning.london_day(congress.starts_at)
        form.starts.data, form.ends.data = (format_datetime(t, "HH:mm") for t in (congress.starts_at, congress.ends_at))
    if form.validate_on_submit():
        choice = {"day": form.date.data, "starts": form.starts.clock, "ends": form.ends.clock}
        try:
            at = planning.new_times(congress, **choice)
            if not form.confirmed.data:
                counts = planning.dashboard(congress).overall
                page = "congress/staff/move_check.html"
                return render_template(page, congress=congress, form=form, at=at, counts=counts)
            told = planning.move_congress(congress, current_user, **choice)
        except DomainError as error:
            _refused(form, error)
        else:
            db.session.commit()
            message = ngettext(
                "The congress has moved. %(num)s person is being told by email.",
                "The congress has moved. %(num)s people are being told by email.",
                told,
            )
            flash(message, "success")
            return redirect(url_for("congress_staff.show", slug=slug))
    return render_template("congress/staff/move.html", congress=congress, form=form)


@bp.post("/<slug:slug>/publish")
@requires(secretariat)
def publish(slug: str):
    return _press(slug, planning.publish, _("The congress is published."))


@bp.post("/<slug:slug>/close-registration")
@requires(secretariat)
def close_registration(slug: str):
    done = _("Registration is closed. Everyone registered keeps their place.")
    return _press(slug, planning.close_registration, done)


def _press(slug: str, action, done: str):
    """A button on the congress's page: do it, or say why not."""
    congress = _congress(slug)
    if ButtonForm().validate_on_submit():
        try:
            action(congress, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "important")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for("congress_staff.show", slug=slug))


@bp.route("/<slug:slug>/cancel", methods=["GET", "POST"])
@requires(secretariat)
def cancel(slug: str):
    congress = _congress(slug)
    button = ButtonForm()
    if button.validate_on_submit() and congress.state == "cancelled":  # pressed twice, or in two tabs
        flash(_("This congress is cancelled."), "important")
        return redirect(url_for("congress_staff.show", slug=slug))
    if button.validate_on_submit():
        told = planning.cancel_congress(congress, current_user)
        db.session.commit()
        flash(
            ngettext(
                "The congress is cancelled. %(num)s person is being told by email.",
                "The congress is cancelled. %(num)s people are being told by email.",
                told,
            ),
            "success",
        )
        return redirect(url_for("congress_staff.show", slug=slug))
    counts = planning.dashboard(congress).overall
    return render_template("congress/staff/cancel.html", congress=congress, counts=counts, button=button)


@bp.get("/<slug:slug>/registrations")
@requires(secretariat)
def registrations(slug: str):
    congress = _congress(slug)
    return render_template("congress/staff/registrations.html", congress=congress, board=planning.dashboard(congress))


@bp.get("/<slug:slug>/planning")
@requires(secretariat)
def planning_sheet(slug: str):
    congress = _congress(slug)
    return render_template(
        "congress/staff/planning.html",
        congress=congress,
        sheet=planning.planning(congress),
        access_labels=planning.ACCESS_LABELS,
        interpreter_labels=planning.INTERPRETER_LABELS,
    )


def _csv(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<slug:slug>/registrations.csv")
@requires(secretariat)
def registrations_csv(slug: str):
    congress = _congress(slug)
    return _csv(planning.to_csv(planning.door_rows(congress)), f"{slug}-registrations.csv")


@bp.get("/<slug:slug>/planning.csv")
@requires(secretariat)
def planning_csv(slug: str):
    congress = _congress(slug)
    return _csv(planning.to_csv(planning.planning_rows(planning.planning(congress))), f"{slug}-planning.csv")


@bp.get("/<slug:slug>/check-in")
@requires(secretariat)
def check_in_search(slug: str):
    congress = _congress(slug)
    form = forms.SearchForm(formdata=None, q=query_string.text(request.args, "q", 200))
    words = form.q.data
    return render_template(
        "congress/staff/check_in.html",
        congress=congress,
        form=form,
        searched=bool(words.strip()),
        found=planning.search(congress, words),
        limit=planning.SEARCH_LIMIT,
        button=ButtonForm(),
        labels=planning.STATUS_LABELS,
    )


@bp.route("/<slug:slug>/check-in/<reference>", methods=["GET", "POST"])
@requires(secretariat)
def check_in(slug: str, reference: str):
    """One registration, as the QR code on its confirmation opens it, with its Check in button."""
    congress = _congress(slug)
    registration = planning.by_reference(congress, reference)
    if registration is None:
        abort(404)
    button = ButtonForm()
    if button.validate_on_submit():
        try:
            congresses.check_in(registration, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "important")
        else:
            db.session.commit()
            flash(_("%(name)s is checked in.", name=registration.name), "success")
        search = (request.form.get("q") or "").strip()[:200]
        if search:
            return redirect(url_for("congress_staff.check_in_search", slug=slug, q=search))
        return redirect(url_for("congress_staff.check_in", slug=slug, reference=registration.reference))
    return render_template(
        "congress/staff/registration.html",
        congress=congress,
        registration=registration,
        button=button,
        labels=planning.STATUS_LABELS,
    )


def _registered(registration) -> str:
    """What the secretariat is told of someone they registered, and how that person hears of it."""
    told = {
        "email": _("They have been emailed."),
        "letter": _("A letter telling them is waiting with the letters to print."),
        "phone": _("Phone them to tell them."),
    }["email" if registration.email else "letter" if registration.address else "phone"]
    done = _(
        "%(name)s is registered (%(status)s), with the reference %(reference)s.",
        name=registration.name,
        status=planning.STATUS_LABELS[registration.status],
        reference=registration.reference,
    )
    return f"{done} {told}"


@bp.route("/<slug:slug>/register", methods=["GET", "POST"])
@requires(secretariat)
def register(slug: str):
    congress = _congress(slug)
    form = forms.register_someone_form(congress)
    if form.validate_on_submit():
        try:
            registration = planning.register_for_someone(
                congress,
                current_user,
                name=form.name.data,
                email=form.email.data or "",
                phone=form.phone.data or "",
                address=form.address.data or "",
                language=form.language.data,
                workshop_ids=workshop_choices(form),
                needs=forms.needs(form),
            )
        except DomainError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_registered(registration), "success")
            return redirect(url_for("congress_staff.check_in", slug=slug, reference=registration.reference))
    return render_template("congress/staff/register.html", congress=congress, form=form)
