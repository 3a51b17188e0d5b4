"""Admins manage people: their roles and whether their account is enabled."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engage import query_string
from engage.accounts import services as accounts
from engage.accounts.forms import ButtonForm, GrantRoleForm, UserSearchForm
from engage.accounts.models import ROLES, User
from engage.accounts.policy import admin, requires
from engage.admin.forms import routing_form
from engage.errors import DomainError
from engage.extensions import db
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.pages import ROLE_NAMES
from engage.partnership import services as partnership

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _grant_form() -> GrantRoleForm:
    form = GrantRoleForm()
    form.role.choices = [SelectChoice("", _("Choose a role"))] + [SelectChoice(r, ROLE_NAMES[r]) for r in ROLES]
    form.board.choices = [SelectChoice("", _("No board"))] + [
        SelectChoice(b.slug, b.localised("name", language())) for b in partnership.boards()
    ]
    form.organisation.choices = [SelectChoice("", _("No organisation"))] + [
        SelectChoice(o.slug, o.name) for o in partnership.organisations()
    ]
    return form


@bp.get("/users")
@requires(admin)
def users():
    form = UserSearchForm(formdata=None, q=query_string.text(request.args, "q", 200))
    return render_template("admin/users.html", form=form, people=accounts.search_users(form.q.data))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(admin)
def person(user_id: int):
    user = _person(user_id)
    form = _grant_form()
    if form.validate_on_submit():
        try:
            accounts.grant(user, form.role.data, form.board.data or None, form.organisation.data or None)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Role granted."), "success")
            return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/person.html", person=user, form=form, button=ButtonForm())


@bp.post("/users/<int:user_id>/roles/<int:grant_id>/revoke")
@requires(admin)
def revoke(user_id: int, grant_id: int):
    user = _person(user_id)
    if ButtonForm().validate_on_submit() and any(g.id == grant_id for g in user.roles):
        accounts.revoke(grant_id)
        db.session.commit()
        flash(_("Role removed."), "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/users/<int:user_id>/disable")
@requires(admin)
def disable(user_id: int):
    user = _person(user_id)
    if ButtonForm().validate_on_submit():
        accounts.disable(user)
        db.session.commit()
        flash(_("Account disabled. The person has been signed out everywhere."), "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/users/<int:user_id>/enable")
@requires(admin)
def enable(user_id: int):
    user = _person(user_id)
    if ButtonForm().validate_on_submit():
        accounts.enable(user)
        db.session.commit()
        flash(_("Account enabled."), "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.route("/routing", methods=["GET", "POST"])
@requires(admin)
def routing():
    """Which board leads each call to action: where new proposals go."""
    plan = partnership.current_plan()
    boards = [SelectChoice(b.slug, b.localised("name", language())) for b in partnership.boards()]
    form = routing_form(plan.priorities, boards, language())
    if form.validate_on_submit():
        try:
            for priority in plan.priorities:
                partnership.set_lead_board(priority.number, form[f"call_{priority.number}"].data, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The routing table has been saved. New proposals go to these boards."), "success")
            return redirect(url_for("admin.routing"))
    return render_template("admin/routing.html", form=form)
