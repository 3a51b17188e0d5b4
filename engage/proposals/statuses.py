"""The one place a proposal's status changes: the statuses, the allowed transitions, and the journey record."""

from engage.accounts.models import Person
from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import lazy_gettext as _l
from engage.proposals import resolution
from engage.proposals.models import Proposal, StatusChange

LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "more_info_requested": _l("More information requested"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "duplicate": _l("Duplicate"),
    "escalated": _l("Escalated to the Partnership Executive Group"),
    "referred": _l("Referred to another board"),
    "withdrawn": _l("Withdrawn"),
}
_LABELS_IN: dict[str, dict[str, str]] = {}


def labels_in(language: str) -> dict[str, str]:
    """LABELS translated once per process and language, for pages that show many of them."""
    if language not in _LABELS_IN:
        _LABELS_IN[language] = {status: str(label) for status, label in LABELS.items()}
    return _LABELS_IN[language]


# GOV.UK tag colours, so a status reads the same everywhere.
COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "under_review": "light-blue",
    "more_info_requested": "yellow",
    "accepted": "green",
    "declined": "red",
    "duplicate": "grey",
    "escalated": "purple",
    "referred": "turquoise",
    "withdrawn": "grey",
}

FINAL = {"accepted", "declined", "duplicate", "withdrawn"}
TRANSITIONS: dict[str, set[str]] = {
    "draft": {"submitted"},
    "submitted": {"under_review"},
    "under_review": {"accepted", "declined", "duplicate", "escalated", "referred", "more_info_requested"},
    "escalated": {"under_review", "accepted", "declined"},
    "referred": {"under_review"},
    "more_info_requested": {"under_review"},
}
# Any state but accepted, declined and duplicate can be withdrawn by its author.
for _status in LABELS:
    if _status not in {"accepted", "declined", "duplicate", "withdrawn"}:
        TRANSITIONS.setdefault(_status, set()).add("withdrawn")

PUBLIC = set(LABELS) - {"draft"}  # a draft is its author's alone
EDITABLE = {"draft", "submitted"}  # until a board starts reviewing it


def allowed(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, set())


def transition(
    proposal: Proposal, to: str, actor: Person | None, public_reason: str = "", internal_note: str = ""
) -> StatusChange:
    """Move a proposal to a new status, recording who, when, from, to and why; refuse what the rules forbid."""
    if not allowed(proposal.status, to):
        raise DomainError(
            _l(
                "This proposal cannot go from “%(current)s” to “%(to)s”.",
                current=LABELS[proposal.status],
                to=LABELS[to],
            )
        )
    change = StatusChange(
        proposal=proposal,
        actor_id=actor.id if actor else None,
        from_status=proposal.status,
        to_status=to,
        board_id=proposal.board_id,
        public_reason=public_reason,
        internal_note=internal_note,
    )
    proposal.status = to
    db.session.add(change)
    if to == "declined":  # some weeks later its author is asked whether this resolved what they raised
        resolution.ask_later(proposal, "declined")
    return change


def record_move(proposal: Proposal, actor: Person | None, public_reason: str) -> StatusChange:
    """A step of the journey that changes the proposal's board, not its status."""
    change = StatusChange(
        proposal=proposal,
        actor_id=actor.id if actor else None,
        from_status=proposal.status,
        to_status=proposal.status,
        board_id=proposal.board_id,
        public_reason=public_reason,
    )
    db.session.add(change)
    return change
