"""The secretariat's pages for proposals: moderation, reports, moving a proposal, and assisted entry."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engage.accounts.forms import ButtonForm
from engage.accounts.policy import requires, secretariat
from engage.congress import services as congresses
from engage.errors import DomainError
from engage.extensions import db
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.partnership import services as partnership
from engage.proposals import forms, moderation
from engage.proposals import services as proposals
from engage.proposals.models import Report

bp = Blueprint("moderation", __name__)


def _proposal(reference: str):
    proposal = proposals.by_reference(reference)
    if proposal is None or proposal.status == "draft":
        abort(404)
    return proposal


def _boards():
    return [SelectChoice("", _("Choose a board"))] + [
        SelectChoice(b.slug, b.localised("name", language())) for b in partnership.boards()
    ]


@bp.route("/proposals/<reference:reference>/moderate", methods=["GET", "POST"])
@requires(secretariat)
def moderate(reference: str):
    proposal = _proposal(reference)
    hide_form = forms.HideForm(prefix="hide")
    move_form = forms.RerouteForm(prefix="move")
    move_form.board.choices = _boards()
    if hide_form.submit.data and hide_form.validate_on_submit():
        moderation.hide_proposal(proposal, current_user, hide_form.reason.data)
        db.session.commit()
        flash(_("The proposal is hidden from the public."), "success")
        return redirect(url_for("proposals.show", reference=reference))
    if move_form.submit.data and move_form.validate_on_submit():
        try:
            moderation.reroute(proposal, current_user, move_form.board.data, move_form.reason.data or "")
        except DomainError as error:
            show_error(move_form, error)
        else:
            db.session.commit()
            flash(_("The proposal has moved. Its author has been told."), "success")
            return redirect(url_for("proposals.show", reference=reference))
    return render_template(
        "proposals/moderate.html",
        proposal=proposal,
        hide_form=hide_form,
        move_form=move_form,
        form=hide_form if hide_form.errors else move_form,
    )


@bp.post("/proposals/<reference:reference>/unhide")
@requires(secretariat)
def unhide(reference: str):
    proposal = _proposal(reference)
    if ButtonForm().validate_on_submit():
        moderation.show_proposal(proposal, current_user)
        db.session.commit()
        flash(_("The proposal is public again."), "success")
    return redirect(url_for("proposals.show", reference=reference))


@bp.get("/secretariat/reports")
@requires(secretariat)
def reports():
    return render_template("proposals/reports.html", reports=moderation.open_reports())


@bp.route("/secretariat/reports/<int:report_id>", methods=["GET", "POST"])
@requires(secretariat)
def resolve(report_id: int):
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    form = forms.ResolveForm()
    if form.validate_on_submit():
        try:
            moderation.resolve(report, current_user, form.action.data == "hide", form.reason.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The report has been dealt with."), "success")
            return redirect(url_for("moderation.reports"))
    return render_template("proposals/resolve.html", report=report, form=form)


@bp.route("/secretariat/proposals/new", methods=["GET", "POST"])
@requires(secretariat)
def record():
    form = forms.AssistedForm()
    form.offer(proposals.current_calls_to_action(), language())
    form.ward.choices = [SelectChoice("borough-wide", _("The whole borough"))] + [
        SelectChoice(w.slug, w.name) for w in partnership.wards()
    ]
    form.workshop.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(w.id), f"{w.congress.localised('title', language())}: {w.localised('title', language())}")
        for w in congresses.recent_workshops()
    ]
    if form.validate_on_submit():
        answers = {name: form[name].data for name in proposals.TEXT_FIELDS}
        try:
            proposal = moderation.record_for_someone(
                current_user,
                name=form.name.data,
                email=form.email.data or "",
                address=form.address.data or "",
                source=form.source.data,
                answers=answers,
                calls_to_action=[form.primary.data, *form.others.data],
                ward=form.ward.data,
                workshop_id=int(form.workshop.data) if form.workshop.data else None,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("moderation.recorded", reference=proposal.reference))
    return render_template("proposals/record.html", form=form)


@bp.get("/secretariat/proposals/<reference:reference>/recorded")
@requires(secretariat)
def recorded(reference: str):
    return render_template("proposals/recorded.html", proposal=_proposal(reference))
