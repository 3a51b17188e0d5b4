"""Proposals: the question pages of a new proposal, the public list and pages, and what people do on them."""

import csv
import io
import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import RequestLimit
from flask_login import current_user
from jinja2.filters import do_truncate
from wtforms.fields.choices import SelectChoice

from engage import layout, query_string
from engage.accounts.forms import ButtonForm
from engage.accounts.policy import represented, requires, secretariat, signed_in
from engage.congress import services as congresses
from engage.errors import DomainError
from engage.extensions import db, limiter, reads_only
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language, ngettext
from engage.partnership import services as partnership
from engage.programmes import services as programmes
from engage.proposals import forms, page, policy, resolution, search, statuses
from engage.proposals import services as proposals
from engage.proposals.models import Proposal

bp = Blueprint("proposals", __name__)
bp.add_app_template_global(statuses.LABELS, "status_labels")  # for notices rendered by the worker too
bp.add_app_template_global(programmes.STATUS_LABELS, "item_status_labels")

# The question pages, in order: address, form, and how a form's answers are read from and written to a proposal.
STEPS = {
    "title": forms.TitleStep,
    "problem": forms.ProblemStep,
    "idea": forms.IdeaStep,
    "who-it-helps": forms.WhoStep,
    "calls-to-action": forms.CallsToActionStep,
    "where": forms.WardStep,
    "organisation": forms.OrganisationStep,
    "your-name": forms.NameStep,
}
ORDER = list(STEPS)
LOOK_ALIKE = ("title", "problem", "idea")  # the pages that show proposals like the one being written


def _editable(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not policy.can_edit(current_user, proposal):
        abort(404)
    return proposal


def _answers(proposal: Proposal) -> dict:
    priorities = [p.number for p in proposal.priorities]
    return {
        "title": proposal.title,
        "problem": proposal.problem,
        "idea": proposal.idea,
        "who_it_helps": proposal.who_it_helps,
        "primary": priorities[0] if priorities else None,
        "others": priorities[1:],
        # Both questions are optional: not answered means the whole borough and the resident's own idea.
        "ward": proposal.ward.slug if proposal.ward else "borough-wide",
        "organisation": proposal.organisation.slug if proposal.organisation else "none",
        "show_name": "yes" if proposal.show_name else "no",
    }


def _form_for(step: str, proposal: Proposal):
    form = STEPS[step](data=_answers(proposal))
    if step == "calls-to-action":
        form.offer(proposals.current_calls_to_action(), language())
    elif step == "where":
        form.ward.choices = [
            SelectChoice("", _("Choose a place")),
            SelectChoice("borough-wide", _("The whole borough")),
        ]
        form.ward.choices += [SelectChoice(w.slug, w.name) for w in partnership.wards()]
    elif step == "organisation":
        form.organisation.choices = [
            SelectChoice("", _("Choose one")),
            SelectChoice("none", _("No, it is my own idea")),
        ]
        form.organisation.choices += [SelectChoice(o.slug, o.name) for o in _represented()]
    return form


def _represented() -> list:
    return represented(current_user, partnership.structure().organisations)


def _asked(proposal: Proposal) -> list[str]:
    """The questions the author is asked: on whose behalf, only if they represent an organisation (or their draft
    names one, which they may change): a resident who represents none has no one else to propose for."""
    if proposal.organisation_id is not None or _represented():
        return ORDER
    return [step for step in ORDER if step != "organisation"]


def _save(step: str, form, proposal: Proposal) -> None:
    if step == "calls-to-action":
        proposals.choose_calls_to_action(proposal, current_user, [form.primary.data, *form.others.data])
    elif step == "where":
        proposals.place(proposal, current_user, form.ward.data)
    elif step == "organisation":
        proposals.on_behalf_of(proposal, current_user, form.organisation.data)
    elif step == "your-name":
        proposals.edit(proposal, current_user, show_name=form.show_name.data == "yes")
    else:
        name = next(f for f in form.data if f not in ("submit", "csrf_token"))
        proposals.edit(proposal, current_user, **{name: form[name].data})


@bp.route("/proposals/new", methods=["GET", "POST"])
@requires(signed_in)
def new():
    """Start a proposal; from a congress workshop's invitation, under the workshop's call to action."""
    form = ButtonForm()
    number = query_string.whole_number(request.args, "call-to-action")
    workshop = congresses.workshop(query_string.whole_number(request.args, "workshop"))
    if form.validate_on_submit():
        proposal = proposals.start_draft(current_user, number, workshop.id if workshop else None)
        db.session.commit()
        return redirect(url_for("proposals.step", proposal_id=proposal.id, step=ORDER[0]))
    return render_template(
        "proposals/new.html",
        form=form,
        drafts=proposals.drafts_of(current_user),
        number=number,
        call_to_action=proposals.current_calls_to_action().get(number),
        workshop=workshop,
    )


@bp.route("/proposals/drafts/<int:proposal_id>/<step>", methods=["GET", "POST"])
@requires(signed_in)
def step(proposal_id: int, step: str):
    proposal = _editable(proposal_id)
    asked = _asked(proposal)
    if step not in asked:
        abort(404)
    form = _form_for(step, proposal)
    changing = query_string.choice(request.args, "return", ("check",)) == "check"  # an answer, from check answers
    if form.validate_on_submit():
        try:
            _save(step, form, proposal)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            after = asked.index(step) + 1
            if changing or after == len(asked):
                return redirect(url_for("proposals.check", proposal_id=proposal.id))
            return redirect(url_for("proposals.step", proposal_id=proposal.id, step=asked[after]))
    back = (
        url_for("proposals.check", proposal_id=proposal.id)
        if changing
        else url_for("proposals.step", proposal_id=proposal.id, step=asked[asked.index(step) - 1])
        if step != asked[0]
        else url_for("proposals.new")
    )
    similar = search.similar(f"{proposal.title} {proposal.problem}", proposal.id) if step in LOOK_ALIKE else []
    return render_template(
        "proposals/step.html",
        form=form,
        step=step,
        proposal=proposal,
        back=back,
        similar=similar,
        live=step in ("title", "problem"),
    )


@bp.route("/proposals/drafts/<int:proposal_id>/check", methods=["GET", "POST"])
@requires(signed_in)
def check(proposal_id: int):
    proposal = _editable(proposal_id)
    form = forms.SubmitProposal()
    if proposal.status == "draft" and form.validate_on_submit():
        try:
            proposals.submit(proposal, current_user)
        except DomainError as error:
            flash(error.message, "important")
        else:
            db.session.commit()
            return redirect(url_for("proposals.confirmation", reference=proposal.reference))
    return render_template(
        "proposals/check.html",
        proposal=proposal,
        form=form,
        missing=proposals.missing_answers(proposal),
        asked=_asked(proposal),
    )


@bp.get("/proposals/<reference:reference>/confirmation")
@requires(signed_in)
def confirmation(reference: str):
    proposal = proposals.by_reference(reference)
    if proposal is None or not policy.is_author(current_user, proposal):
        abort(404)
    return render_template("proposals/confirmation.html", proposal=proposal)


def _filters() -> search.Filters:
    args = request.args
    return search.Filters(
        call_to_action=query_string.whole_number(args, "call-to-action"),
        ward=query_string.text(args, "ward", 80) or None,
        board=query_string.text(args, "board", 80) or None,
        status=query_string.text(args, "status", 30) or None,
        q=query_string.text(args, "q", 200),
        sort=query_string.choice(args, "sort", ("newest", "supported"), "newest"),
        page=query_string.page(args),
    )


@bp.get("/proposals/similar")
def similar():
    """Published proposals like the words given, for the question pages to show as the resident types."""
    found = search.similar(
        query_string.text(request.args, "q", 500), query_string.whole_number(request.args, "exclude")
    )
    return {
        "proposals": [
            {"reference": p.reference, "title": p.title, "url": url_for("proposals.show", reference=p.reference)}
            for p in found
        ]
    }


@bp.get("/proposals/")
@reads_only
def index():
    filters = _filters()
    rows, total, more = search.find(filters)
    known = partnership.structure()
    lang = language()
    current = (filters.call_to_action, filters.ward, filters.board, filters.status, filters.sort)
    return render_template(
        "proposals/index.html",
        rows=rows,
        total=total,
        more=more,
        filters=filters,
        page_size=search.PAGE_SIZE,
        options={
            name: layout.kept_options(_choices, chosen, name, lang, known)
            for name, chosen in zip(FILTERS, current, strict=True)
        },
        # A proposal's address is the list's and its reference (DESIGN.md, "Addresses"): one url_for, not one a card.
        proposals_url=url_for("proposals.index"),
        # The open data of what the list shows: the same filters (not the page: a download holds every page).
        downloads={
            kind: url_for(f"proposals.export_{kind}", **{k: v for k, v in request.args.items() if k != "page"})
            for kind in ("csv", "json")
        },
        # Each count of supporters in words once a page, not once a card.
        supporters={n: ngettext("%(num)s supporter", "%(num)s supporters", n) for n in {row.supports for row in rows}},
        labels=statuses.labels_in(lang),
        colours=statuses.COLOURS,
    )


def _choices(name: str, lang: str, known: partnership.Structure) -> list[tuple]:
    """A list filter's choices as (value, label), in the language in force."""
    every = [("", _("All"))]
    if name == "call-to-action":
        calls = known.calls_to_action.items()
        env = current_app.jinja_env
        return every + [(n, f"{n}. {do_truncate(env, p.localised('title', lang), 50)}") for n, p in calls]
    if name == "ward":
        return every + [("borough-wide", _("The whole borough"))] + [(w.slug, w.name) for w in known.wards]
    if name == "board":
        return every + [(b.slug, b.localised("name", lang)) for b in known.boards]
    if name == "status":
        return every + [(key, label) for key, label in statuses.labels_in(lang).items() if key != "draft"]
    return [("newest", _("Newest")), ("supported", _("Most supported"))]


FILTERS = ("call-to-action", "ward", "board", "status", "sort")


@bp.get("/proposals/<reference:reference>")
@reads_only
def show(reference: str):
    proposal = page.proposal(reference)
    if proposal is None or not policy.can_see(current_user, proposal):
        abort(404)
    signed_in = current_user.is_authenticated
    staff = signed_in and secretariat(current_user)
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        # Only someone signed in sees the forms: no CSRF token (and so no session cookie) for anyone else.
        button=ButtonForm() if signed_in else None,
        staff=staff,
        comments=page.comments(proposal.id, current_user.id if signed_in else None, include_hidden=staff),
        comment_form=forms.CommentForm() if signed_in else None,
        is_author=policy.is_author(current_user, proposal),
        can_edit=policy.can_edit(current_user, proposal),
        following=proposals.is_following(proposal, current_user),
        supported=proposals.has_supported(proposal, current_user),
        labels=statuses.labels_in(language()),
        colours=statuses.COLOURS,
        # "You said, we did": the progress of the item it led to, and whether that resolved what its author raised.
        item_labels=programmes.STATUS_LABELS,
        item_colours=programmes.STATUS_COLOURS,
        answer_labels=resolution.ANSWER_LABELS,
    )


def _visible(reference: str) -> Proposal:
    proposal = proposals.by_reference(reference)
    if proposal is None or not policy.can_see(current_user, proposal):
        abort(404)
    return proposal


def _account() -> str:
    return f"account:{current_user.id}"


def at_most(limits: str, refused):
    """A rate limit on a route's posts, per signed-in account (after requires(signed_in)): one account posting in
    bulk is refused, whoever shares its network address. Over the limit, refused(**the route's arguments) is the
    page, sent as 429 with when to try again."""

    def breached(limit: RequestLimit) -> Response:
        response = make_response(refused(**request.view_args), 429)
        response.headers["Retry-After"] = str(max(int(limit.reset_at - time.time()), 1))
        return response

    return limiter.limit(limits, key_func=_account, methods=["POST"], on_breach=breached)


def _too_many_supports(reference: str):
    heading = _("You have supported many proposals in a short time")
    return render_template("error.html", heading=heading, advice=_("Wait a few minutes, then try again."))


def _too_many_comments(reference: str):
    form = forms.CommentForm()
    form.body.errors = [_("You have posted many comments in a short time. Wait a few minutes, then post this one.")]
    return render_template("proposals/comment_error.html", form=form, proposal=_visible(reference))


def _too_many_reports(reference: str):
    form = forms.ReportForm()
    form.reason.errors = [_("You have sent many reports in a short time. Wait a few minutes, then send this one.")]
    comment_id = query_string.whole_number(request.args, "comment")
    return render_template("proposals/report.html", form=form, proposal=_visible(reference), comment_id=comment_id)


@bp.post("/proposals/<reference:reference>/support")
@requires(signed_in)
@at_most("10 per minute;60 per hour", _too_many_supports)
def support(reference: str):
    proposal = _visible(reference)
    if ButtonForm().validate_on_submit():
        try:
            proposals.support(proposal, current_user)
        except DomainError as error:
            flash(error.message, "important")
        else:
            db.session.commit()
            flash(_("Thank you: your support has been counted."), "success")
    return redirect(url_for("proposals.show", reference=reference))


@bp.post("/proposals/<reference:reference>/follow")
@requires(signed_in)
def follow(reference: str):
    proposal = _visible(reference)
    if ButtonForm().validate_on_submit():
        if proposals.is_following(proposal, current_user):
            proposals.unfollow(proposal, current_user)
            flash(_("You are no longer following this proposal."), "success")
        else:
            proposals.follow(proposal, current_user)
            flash(_("You are following this proposal: we will email you when something happens."), "success")
        db.session.commit()
    return redirect(url_for("proposals.show", reference=reference))


@bp.route("/proposals/<reference:reference>/withdraw", methods=["GET", "POST"])
@requires(signed_in)
def withdraw(reference: str):
    proposal = _visible(reference)
    if not policy.is_author(current_user, proposal):
        abort(403)
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        if form.confirm.data == "no":
            return redirect(url_for("proposals.show", reference=reference))
        try:
            proposals.withdraw(proposal, current_user, form.reason.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your proposal has been withdrawn."), "success")
            return redirect(url_for("proposals.show", reference=reference))
    return render_template("proposals/withdraw.html", form=form, proposal=proposal)


@bp.post("/proposals/<reference:reference>/comments")
@requires(signed_in)
@at_most("5 per minute;30 per hour", _too_many_comments)
def comment(reference: str):
    proposal = _visible(reference)
    form = forms.CommentForm()
    if form.validate_on_submit():
        try:
            proposals.comment(proposal, current_user, form.body.data)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your comment has been posted."), "success")
            return redirect(url_for("proposals.show", reference=reference, _anchor="comments"))
    return render_template("proposals/comment_error.html", form=form, proposal=proposal), 400


@bp.route("/proposals/<reference:reference>/report", methods=["GET", "POST"])
@requires(signed_in)
@at_most("5 per minute;20 per hour", _too_many_reports)
def report(reference: str):
    proposal = _visible(reference)
    comment_id = query_string.whole_number(request.args, "comment")
    form = forms.ReportForm()
    if form.validate_on_submit():
        try:
            proposals.report(proposal, current_user, form.reason.data, comment_id)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Thank you. The partnership secretariat will look at your report."), "success")
            return redirect(url_for("proposals.show", reference=reference))
    return render_template("proposals/report.html", form=form, proposal=proposal, comment_id=comment_id)


@bp.route("/proposals/<reference:reference>/answer", methods=["GET", "POST"])
@requires(signed_in)
def answer(reference: str):
    proposal = _visible(reference)
    if not policy.is_author(current_user, proposal) or proposal.status != "more_info_requested":
        abort(403)
    form = forms.AnswerForm()
    if form.validate_on_submit():
        proposals.answer_request(proposal, current_user, form.answer.data)
        db.session.commit()
        flash(_("Thank you: your answer has gone to the board."), "success")
        return redirect(url_for("proposals.show", reference=reference))
    return render_template("proposals/answer.html", form=form, proposal=proposal)


@bp.route("/proposals/<reference:reference>/resolved/<token>", methods=["GET", "POST"])
def resolved(reference: str, token: str):
    """ "Did this resolve what you raised?": the author's answer, by the link in the question (the link is the key,
    so no signing in); once given, the page thanks them and shows it."""
    try:
        check = resolution.by_token(token, reference)
    except resolution.LinkExpired:
        return render_template("proposals/resolution_link.html", expired=True), 410
    except resolution.LinkNotValid:
        return render_template("proposals/resolution_link.html", expired=False), 404
    form = forms.ResolutionForm()
    if check.answered_at is None and form.validate_on_submit():
        try:
            resolution.answer(check, form.answer.data, form.why.data or "", form.show_words.data)
        except DomainError as error:
            db.session.rollback()
            if check.answered_at is None:
                show_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("proposals.resolved", reference=reference, token=token))
    if check.answered_at is not None:
        return render_template("proposals/resolved.html", check=check, labels=resolution.ANSWER_LABELS)
    return render_template("proposals/resolution.html", form=form, check=check)


@bp.get("/proposals.csv")
def export_csv():
    rows = search.export_rows(_filters())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["reference"])
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow({k: f"'{v}" if isinstance(v, str) and v and v[0] in "=+-@\t\r" else v for k, v in row.items()})
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=proposals.csv"}
    )


@bp.get("/proposals.json")
def export_json():
    return {"proposals": search.export_rows(_filters())}
