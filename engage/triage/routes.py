"""A board's triage workspace: /workspace/<board>/ (the board's members, chairs and officers; secretariat; admins)."""

from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engage.accounts.policy import acts_for, requires, requires_board, signed_in
from engage.errors import DomainError
from engage.extensions import db, reads_only
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.partnership import services as partnership
from engage.partnership.models import Board
from engage.programmes import meetings
from engage.programmes import services as programmes
from engage.proposals import page, statuses
from engage.proposals import services as proposals
from engage.proposals.models import Proposal
from engage.time import utcnow
from engage.triage import forms, queue
from engage.triage import services as triage
from engage.triage.models import Escalation

bp = Blueprint("workspace", __name__, url_prefix="/workspace")


@bp.get("/")
@requires(signed_in)
def index():
    boards = [b for b in partnership.boards() if acts_for(current_user, b.id)]
    if not boards:
        abort(403)
    if len(boards) == 1:
        return redirect(url_for("workspace.queue_page", board=boards[0].slug))
    return render_template("triage/index.html", boards=boards)


@bp.get("/<slug:board>/")
@reads_only
@requires_board
def queue_page(board: Board):
    filters = queue.Filters.from_args(request.args)
    found = queue.load(board, filters, utcnow().date(), current_user.id)
    labels = statuses.labels_in(language())
    return render_template(
        "triage/queue.html",
        board=board,
        queue=found,
        lines=queue.lines(found.rows, lambda ref: url_for("workspace.proposal", board=board.slug, reference=ref)),
        options=queue.filter_options(filters, found.members, partnership.structure(), language()),
        labels=labels,
        colours=statuses.COLOURS,
    )


def _assignees(members, nobody: str = "") -> list[SelectChoice]:
    return [SelectChoice(nobody, _("Nobody"))] + [SelectChoice(str(m.id), m.name) for m in members]


@bp.post("/<slug:board>/bulk")
@requires_board
def bulk(board: Board):
    form = forms.BulkForm()
    form.assignee.choices = _assignees(triage.board_members(board))
    chosen = request.form.getlist("proposal")
    if not form.validate_on_submit() or not chosen:
        flash(_("Select at least one proposal."), "error")
        return redirect(url_for("workspace.queue_page", board=board.slug))
    try:
        if form.start.data:
            done = triage.start_reviews(board, current_user, chosen)
            message = _("Review started for %(num)s proposals.", num=done)
        else:
            assignee = int(form.assignee.data) if form.assignee.data else None
            done = triage.assign_many(board, current_user, chosen, assignee)
            message = _("%(num)s proposals assigned.", num=done)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("workspace.queue_page", board=board.slug))


Found = TypeVar("Found", Proposal, page.ProposalPage)


def _on_board(found: Found | None, board: Board) -> Found:
    """The proposal if it is in the board's hands, else a 404 (a draft is its author's alone)."""
    if found is None or found.board_id != board.id or found.status == "draft":
        abort(404)
    return found


def _proposal(board: Board, reference: str) -> Proposal:
    return _on_board(proposals.by_reference(reference), board)


@bp.get("/<slug:board>/proposals/<reference:reference>")
@reads_only
@requires_board
def proposal(board: Board, reference: str):
    found = _on_board(page.proposal(reference, for_board=True), board)
    # Only an escalated proposal has escalations, and only an accepted one an item: no query for the others.
    escalated = any(step.to_status == "escalated" for step in found.journey)
    return render_template(
        "triage/proposal.html",
        board=board,
        proposal=found,
        decisions={name: triage.DECISIONS[name] for name in triage.available(found)},
        escalations=triage.escalations_of(found) if escalated else [],
        item=programmes.item_of(found) if found.status == "accepted" else None,
        labels=statuses.labels_in(language()),
        colours=statuses.COLOURS,
        waited=queue.working_days(found.submitted_at.date(), utcnow().date()),
    )


@bp.route("/<slug:board>/proposals/<reference:reference>/assign", methods=["GET", "POST"])
@requires_board
def assign(board: Board, reference: str):
    found = _proposal(board, reference)
    form = forms.AssignForm()
    form.assignee.choices = _assignees(triage.board_members(board), nobody="none")
    if request.method == "GET":
        form.version.data = found.version
        form.assignee.data = str(found.assignee_id or "none")
    if form.validate_on_submit():
        assignee = None if form.assignee.data == "none" else int(form.assignee.data)
        try:
            triage.assign(found, board, current_user, form.version.data, assignee)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Assigned."), "success")
            return redirect(url_for("workspace.proposal", board=board.slug, reference=reference))
    return _decision_page(board, found, form, _("Assign"))


@bp.route("/<slug:board>/proposals/<reference:reference>/<decision>", methods=["GET", "POST"])
@requires_board
def decide(board: Board, reference: str, decision: str):
    found = _proposal(board, reference)
    if decision not in triage.DECISIONS:
        abort(404)
    form = forms.FORMS[decision]()
    _offer_choices(form, board)
    if request.method == "GET":
        form.version.data = found.version
        form.reason.data = triage.response_template(board, decision, triage.author_language(found))
    if form.validate_on_submit():
        try:
            _take(decision, found, board, form)
        except DomainError as error:
            show_error(form, error)
            if error.message is triage.CHANGED:  # what they typed stays; the next press decides on what is there now
                form.version.raw_data = [str(found.version)]
        else:
            db.session.commit()
            return _carry_on(board, found)
    return _decision_page(board, found, form, triage.DECISIONS[decision].label)


def _carry_on(board: Board, decided: Proposal):
    """After a decision: the proposal's page while it is still the board's, else (referred elsewhere) the board's
    queue, the banner saying where it went."""
    if decided.board_id == board.id:
        flash(_("Decision recorded. The resident has been told."), "success")
        return redirect(url_for("workspace.proposal", board=board.slug, reference=decided.reference))
    now_with = decided.board.localised("name", language())
    flash(_("Referred to %(board)s. The resident has been told.", board=now_with), "success")
    return redirect(url_for("workspace.queue_page", board=board.slug))


def _decision_page(board: Board, proposal: Proposal, form, heading):
    return render_template(
        "triage/decide.html",
        board=board,
        proposal=proposal,
        form=form,
        heading=heading,
        labels=statuses.labels_in(language()),
        colours=statuses.COLOURS,
    )


def _offer_choices(form, board: Board) -> None:
    if isinstance(form, forms.ReferForm):
        form.to_board.choices = [SelectChoice("", _("Choose a board"))] + [
            SelectChoice(b.slug, b.localised("name", language())) for b in partnership.boards() if b.id != board.id
        ]
    if hasattr(form, "item"):
        form.item.choices = [SelectChoice("", _("A new item"))] + [
            SelectChoice(str(i.id), f"{i.programme.label}: {i.title}") for i in triage.items_of(board)
        ]


def _take(decision: str, proposal: Proposal, board: Board, form) -> None:
    """Call the service for the decision with what the form holds."""
    common = {"version": form.version.data, "reason": form.reason.data, "note": form.note.data or ""}
    if decision == "start-review":
        triage.start_review(proposal, board, current_user, **common)
    elif decision == "request-information":
        triage.request_information(proposal, board, current_user, **common)
    elif decision == "decline":
        triage.decline(proposal, board, current_user, signpost=form.signpost.data, **common)
    elif decision == "refer":
        triage.refer(proposal, board, current_user, to_slug=form.to_board.data, **common)
    elif decision == "duplicate":
        triage.mark_duplicate(proposal, board, current_user, kept_reference=form.kept.data, **common)
    elif decision == "escalate":
        triage.escalate(
            proposal,
            board,
            current_user,
            issue=form.issue.data,
            ask=form.ask.data,
            why_not_resolved=form.why_not_resolved.data,
            **common,
        )
    else:
        triage.accept(
            proposal,
            board,
            current_user,
            item_id=int(form.item.data) if form.item.data else None,
            new_item_title=form.new_item_title.data or "",
            **common,
        )


@bp.get("/<slug:board>/responses")
@requires_board
def responses(board: Board):
    wording = {
        name: {code: triage.response_template(board, name, code) for code in ("en", "bn")} for name in triage.DECISIONS
    }
    return render_template("triage/responses.html", board=board, decisions=triage.DECISIONS, wording=wording)


@bp.route("/<slug:board>/responses/<decision>", methods=["GET", "POST"])
@requires_board
def response(board: Board, decision: str):
    if decision not in triage.DECISIONS:
        abort(404)
    form = forms.ResponseTemplateForm()
    if request.method == "GET":
        form.english.data = triage.response_template(board, decision, "en")
        form.bengali.data = triage.response_template(board, decision, "bn")
    if form.validate_on_submit():
        triage.save_response_template(board, current_user, decision, "en", form.english.data)
        triage.save_response_template(board, current_user, decision, "bn", form.bengali.data)
        db.session.commit()
        flash(_("The board's wording is saved."), "success")
        return redirect(url_for("workspace.responses", board=board.slug))
    return render_template("triage/response.html", board=board, form=form, heading=triage.DECISIONS[decision].label)


def _peg_only(board: Board) -> None:
    if board.tier != meetings.EXECUTIVE:  # the board that receives escalations
        abort(404)


@bp.get("/<slug:board>/escalations")
@requires_board
def escalations(board: Board):
    _peg_only(board)
    return render_template("triage/escalations.html", board=board, escalations=triage.open_escalations())


@bp.route("/<slug:board>/escalations/<int:escalation_id>", methods=["GET", "POST"])
@requires_board
def escalation(board: Board, escalation_id: int):
    _peg_only(board)
    found = db.session.get(Escalation, escalation_id)
    if found is None:
        abort(404)
    form = forms.EscalationDecisionForm()
    _offer_choices(form, found.board)
    if found.decision is None and form.validate_on_submit():
        try:
            triage.decide_escalation(
                found,
                current_user,
                form.outcome.data,
                form.reason.data,
                item_id=int(form.item.data) if form.item.data else None,
                new_item_title=form.new_item_title.data or "",
            )
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("PEG's decision is recorded. The board, the resident and the followers have been told."), "success")
            return redirect(url_for("workspace.escalations", board=board.slug))
    labels = statuses.labels_in(language())
    return render_template("triage/escalation.html", board=board, escalation=found, form=form, labels=labels)
