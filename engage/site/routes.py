"""The public pages about the partnership: home, calls to action, plans, boards."""

from flask import Blueprint, abort, render_template
from sqlalchemy import text

from engage.extensions import db
from engage.partnership import services as partnership
from engage.programmes import meetings
from engage.programmes import services as work_programmes
from engage.reports import figures

bp = Blueprint("site", __name__)


def found(row):
    if row is None:
        abort(404)
    return row


@bp.get("/")
def home():
    return render_template("site/home.html", plan=partnership.structure().plan)


@bp.get("/calls-to-action/")
def calls_to_action():
    return render_template("site/calls_to_action.html", plan=found(partnership.current_plan()))


@bp.get("/calls-to-action/<int:number>")
def call_to_action(number: int):
    priority = found(partnership.call_to_action(number))
    return render_template("site/call_to_action.html", priority=priority, live=figures.live(number))


@bp.get("/plans/")
def plans():
    return render_template("site/plans.html", plans=partnership.all_plans())


@bp.get("/plans/<slug:slug>")
def plan(slug: str):
    plan = found(partnership.plan_by_slug(slug))
    # An archived plan's page leads to the plan that replaced it.
    return render_template("site/plan.html", plan=plan, current=None if plan.current else partnership.current_plan())


@bp.get("/boards/")
def boards():
    return render_template("site/boards.html", boards=partnership.boards())


@bp.get("/boards/<slug:slug>")
def board(slug: str):
    board = found(partnership.board_by_slug(slug))
    return render_template(
        "site/board.html",
        board=board,
        interested=partnership.interested_priorities(board),
        meetings=meetings.board_meetings(board),
        work_programmes=work_programmes.published_of(board),
    )


@bp.get("/accessibility")
def accessibility():
    return render_template("site/accessibility.html")


@bp.get("/house-rules")
def house_rules():
    return render_template("site/house_rules.html")


@bp.get("/privacy")
def privacy():
    return render_template("site/privacy.html")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database does not answer
        return {"status": "unavailable"}, 503
    return {"status": "ok"}
