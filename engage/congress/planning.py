"""The secretariat's side of a congress: setting it up, publishing, closing and cancelling it; the numbers it is
planned with (never names); the door; and forgetting people's needs once the congress is long over."""

import csv
import io
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from engage.accounts import services as accounts
from engage.accounts.models import Person
from engage.audit import services as audit
from engage.congress import services as congresses
from engage.congress.models import HOLDING, LIVE, Congress, Registration, Workshop, WorkshopPlace
from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import lazy_gettext as _l
from engage.notices import services as notices
from engage.partnership.models import Priority
from engage.time import utcnow

LONDON = ZoneInfo("Europe/London")
MOST_PLACES = 10_000  # more than any hall in the borough holds: a larger number is a typing slip
SEARCH_LIMIT = 20

STATUS_LABELS = {
    "confirmed": _l("Confirmed"),
    "offered": _l("Place offered"),
    "waitlisted": _l("Waiting list"),
    "cancelled": _l("Cancelled"),
    "unconfirmed": _l("Not confirmed yet"),
}
ACCESS_KEYS = ("step_free", "hearing_loop", "bsl", "large_print")
INTERPRETER_KEYS = ("bengali", "sylheti", "somali", "other")


def utc_from_london(day: date, clock: time) -> datetime:
    """A day and time as read on a clock in the borough, as the naive UTC the database keeps."""
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def london_day(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(LONDON).date()


# Setting a congress up ---------------------------------------------------------------------------------------


def create_congress(
    actor: Person,
    *,
    slug: str,
    title: str,
    day: date,
    starts: time,
    ends: time,
    venue: str,
    venue_access: str,
    capacity: int,
    opens_on: date,
    closes_on: date,
    now: datetime | None = None,
    **bengali: str,
) -> Congress:
    """A new congress, as a draft no one else sees. Times are London times; registration opens at the start of
    its first day and closes at 23:59 on its last (at the latest when the congress starts). `bengali`: the Bengali
    of its texts where the secretariat wrote it (title_bn, venue_bn, venue_access_bn); pages show the English
    without it."""
    today = london_day(now or utcnow())
    if ends <= starts:
        raise DomainError(_l("The end time must be after the start time"), field="ends")
    if day <= today:
        raise DomainError(_l("The date of the congress must be in the future"), field="date")
    if closes_on < opens_on:
        raise DomainError(_l("Registration must close on or after the day it opens"), field="closes")
    if closes_on > day:
        raise DomainError(_l("Registration must close on or before the day of the congress"), field="closes")
    if not 1 <= capacity <= MOST_PLACES:
        raise DomainError(_l("Enter a number of places from 1 to %(most)s", most=MOST_PLACES), field="capacity")
    if congresses.by_slug(slug) is not None:
        raise DomainError(_l("Another congress already has this web address"), field="slug")
    starts_at = utc_from_london(day, starts)
    return congresses.create(
        slug=slug,
        title=title,
        starts_at=starts_at,
        ends_at=utc_from_london(day, ends),
        venue=venue,
        venue_access=venue_access,
        capacity=capacity,
        opens_at=utc_from_london(opens_on, time()),
        closes_at=min(utc_from_london(closes_on, time(23, 59)), starts_at),
        workshops=[],
        actor=actor,
        state="draft",
        **bengali,
    )


def all_congresses() -> list[Congress]:
    """Every congress, drafts and cancelled ones too, the latest first."""
    return list(db.session.scalars(select(Congress).order_by(Congress.starts_at.desc(), Congress.id.desc())))


def _not_cancelled(congress: Congress) -> None:
    if congress.state == "cancelled":
        raise DomainError(_l("This congress is cancelled."))


def add_workshop(
    congress: Congress,
    actor: Person,
    *,
    title: str,
    priority: Priority | None,
    starts: time,
    capacity: int,
    title_bn: str = "",
) -> Workshop:
    """A workshop in the time slot that starts at `starts` (London time) on the day of the congress (its title in
    Bengali too, when written)."""
    _not_cancelled(congress)
    starts_at = utc_from_london(london_day(congress.starts_at), starts)
    if not congress.starts_at <= starts_at < congress.ends_at:
        raise DomainError(
            _l(
                "The workshop must start between %(start)s and %(end)s",
                start=format_datetime(congress.starts_at, "HH:mm"),
                end=format_datetime(congress.ends_at, "HH:mm"),
            ),
            field="starts",
        )
    if not 1 <= capacity <= MOST_PLACES:
        raise DomainError(_l("Enter a number of places from 1 to %(most)s", most=MOST_PLACES), field="capacity")
    workshop = Workshop(title=title, title_bn=title_bn, priority=priority, starts_at=starts_at, capacity=capacity)
    congress.workshops.append(workshop)
    db.session.flush()
    audit.record(actor, "add_workshop", congress, workshop=workshop.id, title=title)
    return workshop


def publish(congress: Congress, actor: Person) -> None:
    """Show a draft congress to everyone; people can register from the day registration opens."""
    if congress.state != "draft":
        raise DomainError(_l("Only a draft congress can be published."))
    congress.state = "published"
    audit.record(actor, "publish", congress)
    db.session.flush()


def close_registration(congress: Congress, actor: Person, now: datetime | None = None) -> None:
    """Stop registration now, before the date set for it. Everyone already registered keeps their place."""
    now = now or utcnow()
    if congress.state != "published" or congress.closes_at <= now:
        raise DomainError(_l("Registration for this congress is already closed."))
    audit.record(actor, "close_registration", congress, before=congress.closes_at.isoformat())
    congress.closes_at = now
    congress.opens_at = min(congress.opens_at, now)
    db.session.flush()


def move_congress(
    congress: Congress, actor: Person, *, day: date, starts: time, ends: time, now: datetime | None = None
) -> int:
    """Move a congress to another day or times (London times), its workshops with it; everyone registered is told
    by email (congresses.move). Returns how many people are told."""
    return congresses.move(congress, *new_times(congress, day, starts, ends, now), actor)


def new_times(congress: Congress, day: date, starts: time, ends: time, now: datetime | None = None) -> tuple:
    """The start and end (UTC) a congress would move to, or a DomainError saying why it cannot."""
    _not_cancelled(congress)
    if ends <= starts:
        raise DomainError(_l("The end time must be after the start time"), field="ends")
    if day <= london_day(now or utcnow()):
        raise DomainError(_l("The date of the congress must be in the future"), field="date")
    return utc_from_london(day, starts), utc_from_london(day, ends)


def cancel_congress(congress: Congress, actor: Person, now: datetime | None = None) -> int:
    """Call the congress off: every live registration is cancelled, no place is offered to anyone, and each
    registrant is told once (the notice's key is the registration's, so a retry never tells anyone twice).
    Returns how many people were told."""
    now = now or utcnow()
    locked = congresses._lock(congress.id)
    live = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.congress_id == locked.id, Registration.status.in_(LIVE))
            .options(selectinload(Registration.places))
            .order_by(Registration.id)
        )
    )
    if locked.state == "cancelled" and not live:
        return 0
    locked.state = "cancelled"
    locked.confirmed = 0
    for workshop in locked.workshops:
        workshop.confirmed = 0
    for registration in live:
        registration.status = "cancelled"
        registration.cancelled_at = now
        registration.offer_expires_at = None
        for place in registration.places:
            place.status = "cancelled"
        _tell_cancelled(locked, registration)
    audit.record(actor, "cancel", locked, registrations=len(live))
    db.session.flush()
    return len(live)


def _tell_cancelled(congress: Congress, registration: Registration) -> None:
    notices.queue_to(
        registration.email,
        registration.address,
        "congress_cancelled",
        f"congress_cancelled:{registration.id}",
        {
            "name": registration.name,
            "reference": registration.reference,
            "congress": congress.localised("title", registration.language),
            "starts_at": congress.starts_at.isoformat(),
            "venue": congress.localised("venue", registration.language),
            "congress_url": notices.public_link("/congress/"),
        },
        registration.language,
    )


def register_for_someone(
    congress: Congress, actor: Person, *, name: str, email: str, phone: str = "", address: str = "", **choices
) -> Registration:
    """Register a person who asked by phone or in person, whether or not registration is open; they are told as if
    they had registered themselves: by email or, with only a postal address, by a letter to print. Someone with only
    a phone number is phoned by the secretariat. At least one of the three is needed. It is their account's only if
    the account has confirmed the address (else it becomes so when it does)."""
    if not (email or phone or address):
        raise DomainError(_l("Enter their email address, phone number or postal address"), field="email")
    _not_cancelled(congress)
    user = accounts.account_of_address(email) if email else None
    registration = congresses.register(
        congress, name=name, email=email, user=user, actor=actor, phone=phone, address=address, **choices
    )
    audit.record(actor, "register_for", registration)
    return registration


# The live numbers --------------------------------------------------------------------------------------------


@dataclass
class Counts:
    confirmed: int = 0
    offered: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    checked_in: int = 0

    @property
    def registered(self) -> int:
        """Everyone with a live registration: who is told when the congress moves or is cancelled."""
        return self.confirmed + self.offered + self.waitlisted


@dataclass
class Dashboard:
    overall: Counts
    workshops: list[tuple[Workshop, Counts]]


def dashboard(congress: Congress) -> Dashboard:
    """Registrations by status, overall and per workshop: two GROUP BY queries whatever the numbers."""
    overall = Counts()
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id), func.count(Registration.checked_in_at))
        .where(Registration.congress_id == congress.id)
        .group_by(Registration.status)
    )
    for status, how_many, checked_in in rows:
        setattr(overall, status, getattr(overall, status) + how_many)
        overall.checked_in += checked_in
    per_workshop = {workshop.id: Counts() for workshop in congress.workshops}
    rows = db.session.execute(
        select(
            WorkshopPlace.workshop_id,
            WorkshopPlace.status,
            Registration.status,
            func.count(WorkshopPlace.id),
            func.count(Registration.checked_in_at),
        )
        .join(Registration, WorkshopPlace.registration_id == Registration.id)
        .where(Registration.congress_id == congress.id)
        .group_by(WorkshopPlace.workshop_id, WorkshopPlace.status, Registration.status)
    )
    for workshop_id, place, status, how_many, checked_in in rows:
        counts = per_workshop.setdefault(workshop_id, Counts())
        if place == "confirmed" and status in HOLDING:
            setattr(counts, status, getattr(counts, status) + how_many)
            counts.checked_in += checked_in
        elif place == "waitlisted" and status in LIVE:
            counts.waitlisted += how_many
        else:
            counts.cancelled += how_many
    return Dashboard(overall, [(w, per_workshop[w.id]) for w in congress.workshops])


# The planning sheet: totals and unsigned answers, never who ---------------------------------------------------


@dataclass
class Planning:
    totals: dict
    # The answers people typed, each with how many gave it, in no order that could point to a person.
    answers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    kept: bool = False  # True once the needs are deleted and only the stored numbers remain


def _answers(texts: list[str]) -> list[tuple[str, int]]:
    tally = Tally()
    shown: dict[str, str] = {}
    for text in texts:
        text = " ".join(text.split())
        if text:
            tally[text.casefold()] += 1
            shown.setdefault(text.casefold(), text)
    return sorted(((shown[key], n) for key, n in tally.items()), key=lambda answer: (-answer[1], answer[0]))


def _planning_from_needs(all_needs: list[dict]) -> Planning:
    access = dict.fromkeys(ACCESS_KEYS, 0)
    interpreters = dict.fromkeys(INTERPRETER_KEYS, 0)
    texts: dict[str, list[str]] = {"access_other": [], "interpreter_other": [], "dietary": [], "creche": []}
    for needs in all_needs:
        needs = needs or {}
        for need in set(needs.get("access") or []):
            if need in access:
                access[need] += 1
        if needs.get("interpreter") in interpreters:
            interpreters[needs["interpreter"]] += 1
        for name, answers in texts.items():
            if (needs.get(name) or "").strip():
                answers.append(needs[name])
    totals = {
        "people": len(all_needs),
        "access": access,
        "interpreter": interpreters,
        **{name: len(answers) for name, answers in texts.items()},
    }
    return Planning(totals, {name: _answers(answers) for name, answers in texts.items()})


def planning(congress: Congress) -> Planning:
    """What to arrange for the people with a place (confirmed or offered): one query, and no names in it."""
    if congress.planning_totals is not None:
        return Planning(congress.planning_totals, kept=True)
    all_needs = db.session.scalars(
        select(Registration.needs).where(Registration.congress_id == congress.id, Registration.status.in_(HOLDING))
    )
    return _planning_from_needs(list(all_needs))


def forget_needs(now: datetime | None = None) -> int:
    """The scheduled job: CONGRESS_NEEDS_DAYS after a congress ends, keep its planning numbers on the congress
    and delete what each person said about their access, dietary and childcare needs. Returns how many
    congresses it did; a second run does nothing more."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["CONGRESS_NEEDS_DAYS"])
    done = list(
        db.session.scalars(select(Congress).where(Congress.ends_at < cutoff, Congress.planning_totals.is_(None)))
    )
    for congress in done:
        congress.planning_totals = planning(congress).totals
        db.session.execute(
            update(Registration).where(Registration.congress_id == congress.id).values(needs={}),
            execution_options={"synchronize_session": False},
        )
        audit.record(None, "forget_needs", congress)
    db.session.flush()
    return len(done)


# At the door -------------------------------------------------------------------------------------------------


def _with_workshops(query):
    return query.options(selectinload(Registration.places).selectinload(WorkshopPlace.workshop))


def search(congress: Congress, words: str) -> list[Registration]:
    """Registrations whose name or reference contains what was typed, in any case; the first SEARCH_LIMIT."""
    words = " ".join(words.split())
    if not words:
        return []
    query = select(Registration).where(
        Registration.congress_id == congress.id,
        or_(
            func.lower(Registration.name).contains(words.lower(), autoescape=True),
            func.upper(Registration.reference).contains(words.upper(), autoescape=True),
        ),
    )
    query = query.order_by(func.lower(Registration.name), Registration.id).limit(SEARCH_LIMIT)
    return list(db.session.scalars(_with_workshops(query)))


def by_reference(congress: Congress, reference: str) -> Registration | None:
    query = select(Registration).where(
        Registration.congress_id == congress.id, Registration.reference == reference.strip().upper()
    )
    return db.session.scalar(_with_workshops(query))


def door_list(congress: Congress) -> list[Registration]:
    """Everyone registered and not cancelled, by name, with their workshops: three queries however many."""
    query = select(Registration).where(Registration.congress_id == congress.id, Registration.status.in_(LIVE))
    return list(db.session.scalars(_with_workshops(query.order_by(func.lower(Registration.name), Registration.id))))


# CSV files ---------------------------------------------------------------------------------------------------

# A cell starting with one of these is a formula to a spreadsheet: `=HYPERLINK(...)` typed as a name would run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: list[list]) -> str:
    """CSV text that spreadsheets open as UTF-8 (a byte order mark first) and never read as formulas."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def door_rows(congress: Congress) -> list[list]:
    rows = [[_l("Reference"), _l("Name"), _l("Status"), _l("Workshops"), _l("Checked in")]]
    for registration in door_list(congress):
        workshops = "; ".join(
            f"{p.workshop.title} ({STATUS_LABELS[p.status]})" for p in registration.places if p.status != "cancelled"
        )
        checked_in = format_datetime(registration.checked_in_at, "HH:mm") if registration.checked_in_at else ""
        rows.append(
            [registration.reference, registration.name, STATUS_LABELS[registration.status], workshops, checked_in]
        )
    return rows


ACCESS_LABELS = {
    "step_free": _l("Step-free access"),
    "hearing_loop": _l("A hearing loop"),
    "bsl": _l("A British Sign Language interpreter"),
    "large_print": _l("Large print"),
}
INTERPRETER_LABELS = {
    "bengali": _l("Bengali"),
    "sylheti": _l("Sylheti"),
    "somali": _l("Somali"),
    "other": _l("Another language"),
}


def planning_rows(sheet: Planning) -> list[list]:
    totals = sheet.totals
    rows = [[_l("What"), _l("How many")], [_l("People with a place"), totals["people"]]]
    rows += [[label, totals["access"].get(key, 0)] for key, label in ACCESS_LABELS.items()]
    rows += [
        [_l("Interpreter: %(language)s", language=label), totals["interpreter"].get(key, 0)]
        for key, label in INTERPRETER_LABELS.items()
    ]
    rows += [
        [_l("Other access needs"), totals["access_other"]],
        [_l("Creche places asked for"), totals["creche"]],
        [_l("Dietary needs"), totals["dietary"]],
    ]
    return rows
