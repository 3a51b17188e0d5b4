"""Every kind of notice, the category a person controls it by, and what a person may choose for each category."""

from dataclasses import dataclass

from engage.i18n import lazy_gettext as _l

IMMEDIATE, WEEKLY, OFF = "immediate", "weekly", "off"


@dataclass(frozen=True)
class Category:
    name: str
    label: object
    hint: object
    choices: tuple[str, ...]  # the first is the default; a single choice means it cannot be turned off
    for_board_members: bool = False

    @property
    def optional(self) -> bool:
        return len(self.choices) > 1


CATEGORIES = {
    c.name: c
    for c in (
        Category(
            "account",
            _l("Your account"),
            _l(
                "Confirming your email address, resetting your password and "
                "other messages about your account's security."
            ),
            (IMMEDIATE,),
        ),
        Category(
            "own_proposals",
            _l("Your proposals"),
            _l(
                "When a board decides something about a proposal you made or reports progress on the work it led to, "
                "and, some weeks after, whether that resolved what you raised."
            ),
            (IMMEDIATE, OFF),
        ),
        Category(
            "followed_proposals",
            _l("Proposals you follow"),
            _l("When something happens to a proposal you follow."),
            (IMMEDIATE, WEEKLY, OFF),
        ),
        Category(
            "congress_registration",
            _l("Your congress registrations"),
            _l("Your place, your place on a waiting list, and changes to a congress you registered for."),
            (IMMEDIATE,),
        ),
        Category(
            "congress",
            _l("Partnership congress"),
            _l(
                "Reminders before a congress you registered for, and afterwards an invitation to turn its workshops' "
                "ideas into proposals. Confirmations and changes are always sent."
            ),
            (IMMEDIATE, OFF),
        ),
        Category(
            "board_queue",
            _l("New in your board's queue"),
            _l("Proposals routed to a board you sit on."),
            (IMMEDIATE, WEEKLY, OFF),
            for_board_members=True,
        ),
        Category(
            "assigned_to_you",
            _l("Proposals given to you"),
            _l("When a proposal of your board is given to you to look after."),
            (IMMEDIATE, WEEKLY, OFF),
            for_board_members=True,
        ),
        Category(
            "overdue",
            _l("Proposals waiting too long"),
            _l(
                "For chairs and officers: on each working day that some are waiting, a list of your board's proposals "
                "not acknowledged within its target."
            ),
            (IMMEDIATE, OFF),
            for_board_members=True,
        ),
        Category(
            "work_programme",
            _l("Your board's work programme"),
            _l("Reminders in June to publish your board's work programme for the next year by 30 June."),
            (IMMEDIATE, OFF),
            for_board_members=True,
        ),
    )
}

# kind -> category. Every template under templates/notices/ has its kind here.
KINDS = {
    "verify_email": "account",
    "reset_password": "account",
    "account_exists": "account",
    "password_changed": "account",
    "digest": "account",
    "proposal_submitted": "own_proposals",
    "proposal_in_queue": "board_queue",
    "proposal_decision": "own_proposals",
    "proposal_rerouted": "own_proposals",
    "proposal_merged": "own_proposals",
    "escalation_decided": "board_queue",
    "proposals_assigned": "assigned_to_you",
    "proposals_overdue": "overdue",
    "proposal_hidden": "account",
    "comment_hidden": "account",
    "followed_proposal_update": "followed_proposals",
    "followed_proposal_moved": "followed_proposals",
    "registration_confirmed": "congress_registration",
    "registration_waitlisted": "congress_registration",
    "registration_offered": "congress_registration",
    "congress_cancelled": "congress_registration",
    "congress_date_changed": "congress_registration",
    "registration_link": "congress_registration",
    "workshop_place_confirmed": "congress_registration",
    "congress_reminder": "congress",
    "work_programme_reminder": "work_programme",
    "congress_proposal_invitation": "congress",
    "proposal_progress": "own_proposals",
    "followed_proposal_progress": "followed_proposals",
    "resolution_check": "own_proposals",
}
# The digest gathers held notices of the categories a person chose to get weekly.

# kind -> the value in its context that its subject names, so that notices in an inbox tell apart the proposals
# (by reference), congresses and boards they are about; None for a notice about the person's own account.
NAMED_IN_SUBJECT = {
    "verify_email": None,
    "reset_password": None,
    "account_exists": None,
    "password_changed": None,
    "digest": None,
    "proposal_submitted": "reference",
    "proposal_in_queue": "reference",
    "proposal_decision": "reference",
    "proposal_rerouted": "reference",
    "proposal_merged": "reference",
    "escalation_decided": "reference",
    "proposals_assigned": "reference",
    "proposals_overdue": "reference",
    "proposal_hidden": "reference",
    "comment_hidden": "reference",
    "followed_proposal_update": "reference",
    "followed_proposal_moved": "reference",
    "registration_confirmed": "congress",
    "registration_waitlisted": "congress",
    "registration_offered": "congress",
    "congress_cancelled": "congress",
    "congress_date_changed": "congress",
    "registration_link": "congress",
    "workshop_place_confirmed": "congress",
    "congress_reminder": "congress",
    "work_programme_reminder": "board",
    "congress_proposal_invitation": "congress",
    "proposal_progress": "reference",
    "followed_proposal_progress": "reference",
    "resolution_check": "reference",
}


def category_of(kind: str) -> Category:
    return CATEGORIES[KINDS[kind]]
