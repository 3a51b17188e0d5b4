"""After a congress: inviting the people who came to turn their workshops' ideas into proposals, and reporting back
on what became of those proposals once the next congress is announced."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.accounts.models import User
from engage.congress.models import Congress, Registration, Workshop, WorkshopPlace
from engage.extensions import db
from engage.notices import services as notices
from engage.notices.models import Notice
from engage.proposals import services as proposals
from engage.proposals import statuses
from engage.proposals.models import Proposal, workshop_proposals
from engage.time import utcnow

# How long after a congress ends the job still invites: long enough to catch up after the worker was down for
# days, short enough that a congress long past is never written about out of the blue.
INVITE_WITHIN = timedelta(days=14)
KIND = "congress_proposal_invitation"


def invite_to_propose(now: datetime | None = None) -> int:
    """The scheduled job: once a congress has ended, each person who came and agreed to be contacted about what
    comes out of it is invited to turn their workshops' ideas into proposals, with one link per workshop they
    had a place in, opening a new proposal under that workshop's call to action. Once per registration however
    often the job runs (the idempotency key). Returns how many invitations it wrote."""
    now = now or utcnow()
    ended = select(Congress).where(
        Congress.state == "published", Congress.ends_at <= now, Congress.ends_at > now - INVITE_WITHIN
    )
    numbers = {priority.id: number for number, priority in proposals.current_calls_to_action().items()}
    written = 0
    for congress in db.session.scalars(ended).all():
        invited = _already_invited(congress)
        for registration in (r for r in attendees(congress) if _key(r) not in invited):
            written += _invite(congress, registration, numbers) is not None
    db.session.flush()
    return written


def attendees(congress: Congress) -> list[Registration]:
    """Who came and agreed to be contacted about what comes out of the congress. Who came: the people checked in
    at the door; at a congress where nobody was checked in, the door's check-in was not used (a paper list, say),
    so everyone with a confirmed place counts as having come."""
    came = Registration.checked_in_at.is_not(None) if _door_used(congress) else Registration.status == "confirmed"
    query = (
        select(Registration)
        .where(Registration.congress_id == congress.id, came, Registration.consent_to_contact.is_(True))
        .options(selectinload(Registration.places).selectinload(WorkshopPlace.workshop))
        .order_by(Registration.id)
    )
    return list(db.session.scalars(query))


def _door_used(congress: Congress) -> bool:
    checked_in = select(Registration.id).where(
        Registration.congress_id == congress.id, Registration.checked_in_at.is_not(None)
    )
    return db.session.scalar(checked_in.limit(1)) is not None


def _key(registration: Registration) -> str:
    return f"{KIND}:{registration.id}"


def _already_invited(congress: Congress) -> set[str]:
    ids = db.session.scalars(select(Registration.id).where(Registration.congress_id == congress.id))
    keys = select(Notice.idempotency_key).where(Notice.idempotency_key.in_([f"{KIND}:{i}" for i in ids]))
    return set(db.session.scalars(keys))


def proposal_path(call_to_action: int | None, workshop_id: int | None = None) -> str:
    """The new-proposal page, started under a call to action, naming the workshop the idea came from."""
    query = {"call-to-action": call_to_action, "workshop": workshop_id}
    query = {name: value for name, value in query.items() if value is not None}
    return "/proposals/new" + (f"?{urlencode(query)}" if query else "")


def _invite(congress: Congress, registration: Registration, numbers: dict[int, int]) -> Notice | None:
    """One invitation; `numbers` gives the current plan's call to action number of a priority id."""
    workshops = [
        {
            "title": place.workshop.localised("title", registration.language),
            "url": notices.public_link(proposal_path(numbers.get(place.workshop.priority_id), place.workshop_id)),
        }
        for place in sorted(registration.places, key=lambda p: (p.workshop.starts_at, p.workshop_id))
        if place.status == "confirmed"
    ]
    user = db.session.get(User, registration.user_id) if registration.user_id else None
    return notices.queue_to(
        registration.email,
        registration.address,
        KIND,
        _key(registration),
        {
            "name": registration.name,
            "congress": congress.localised("title", registration.language),
            "workshops": workshops,
            "url": notices.public_link(proposal_path(None)),
        },
        registration.language,
        user,
    )


# Report back ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CameOf:
    """A published proposal that came from one of a congress's workshops, with its status today."""

    workshop_id: int
    reference: str
    title: str
    status: str


def report_back(congress: Congress) -> dict[int, list[CameOf]] | None:
    """What became of the ideas from a congress's workshops: each published proposal that came from one, by workshop
    id, oldest first. None until a later congress is announced (the next congress is when the partnership reports
    back). Two statements, whatever the number of workshops and proposals."""
    later = select(Congress.id).where(Congress.state == "published", Congress.starts_at > congress.starts_at)
    if db.session.scalar(later.limit(1)) is None:
        return None
    query = (
        select(workshop_proposals.c.workshop_id, Proposal.reference, Proposal.title, Proposal.status)
        .join(Proposal, Proposal.id == workshop_proposals.c.proposal_id)
        .join(Workshop, Workshop.id == workshop_proposals.c.workshop_id)
        .where(
            Workshop.congress_id == congress.id,
            Proposal.status.in_(statuses.PUBLIC),
            Proposal.hidden_at.is_(None),
        )
        .order_by(Proposal.submitted_at, Proposal.id)
    )
    came: dict[int, list[CameOf]] = {}
    for row in db.session.execute(query):
        came.setdefault(row.workshop_id, []).append(CameOf(*row))
    return came
