"""Who may do what: every route names its rule here, in one decorator."""

from collections.abc import Callable, Iterable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from engage.accounts.models import BOARD_ROLES, Person, RoleGrant
from engage.partnership import services as partnership

Rule = Callable[[Person], bool]


def has_role(user: Person, role: str, board_id: int | None = None) -> bool:
    return any(g.role == role and (board_id is None or g.board_id == board_id) for g in user.roles)


def signed_in(user: Person) -> bool:
    return True


def admin(user: Person) -> bool:
    return has_role(user, "admin")


def secretariat(user: Person) -> bool:
    return has_role(user, "secretariat") or admin(user)


def acts_for(user: Person, board_id: int) -> bool:
    """A board's own members, chairs and officers act in its workspace; the secretariat and admins on every board."""
    return secretariat(user) or any(g.role in BOARD_ROLES and g.board_id == board_id for g in user.roles)


def claimable_email(person: Person) -> str | None:
    """The address by which a person reaches what an email address links to them (a congress registration, made by
    themself, as a guest or by the secretariat; a proposal the secretariat recorded for them; the follows and notices
    that go with these): their own once they have confirmed it, else None. Anyone can register an account with
    anyone's address, so until the emailed link shows the mailbox is theirs, an account reaches nothing by it.

    What an account may do before then: what it does in its own name and reaches by its own id (drafting, submitting
    and withdrawing its own proposals, supporting, following, commenting, reporting, its settings). Registering for a
    congress it does as someone without an account does: its place is held once it follows the emailed link. Where it
    would see its things, it is told to confirm its address."""
    return person.email if person.email_verified_at is not None else None


def represents(person: Person, organisation_id: int | None) -> bool:
    """Whether the person may speak for the organisation: only a partner representative of it may (not a resident, a
    board member, the secretariat or an admin), wherever something is said in an organisation's name."""
    return person.is_authenticated and any(
        g.role == "partner_representative" and g.organisation_id == organisation_id for g in person.roles
    )


def represented(person: Person, organisations: Iterable) -> list:
    """Of these organisations (rows with an id), the ones the person may speak for (represents), in the order given:
    what to offer them."""
    return [o for o in organisations if represents(person, o.id)]


def requires(rule: Rule):
    """Send anonymous people to sign in; refuse (403) the signed-in people the rule does not allow."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not rule(current_user):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def board_people(board_id, roles=BOARD_ROLES) -> Select:
    """The ids of the people who sit on a board (its members, chairs and officers; `roles`, BOARD_ROLES given as a
    statement's value), for a statement: board_id a column or a value of it."""
    return select(RoleGrant.user_id).where(RoleGrant.board_id == board_id, RoleGrant.role.in_(roles))


def requires_board(view):
    """For routes under /workspace/<board>/: 404 for a board that does not exist, 403 for people who do not act for
    it; the view receives the Board instead of its slug."""

    @wraps(view)
    @login_required
    def guarded(*args, board: str, **kwargs):
        found = partnership.attached_board(board)
        if found is None:
            abort(404)
        if not acts_for(current_user, found.id):
            abort(403)
        return view(*args, board=found, **kwargs)

    return guarded
