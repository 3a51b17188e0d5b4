"""Congress registrations: places decided under the congress row's lock, so a room is never oversold."""

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import (
    BindParameter,
    Row,
    Select,
    Update,
    bindparam,
    case,
    cast,
    event,
    exists,
    func,
    insert,
    inspect,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, make_transient_to_detached, selectinload

from engage.accounts.models import Person, User
from engage.accounts.policy import represents
from engage.audit import services as audit
from engage.congress.models import HOLDING, LIVE, Congress, Registration, Workshop, WorkshopPlace
from engage.errors import DomainError
from engage.extensions import db, insert_unless_taken, link_signer
from engage.i18n import lazy_gettext as _l
from engage.i18n import when
from engage.notices import services as notices
from engage.notices.models import Notice
from engage.partnership.models import Localised
from engage.time import utcnow

REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread at the door
REFERENCE_TRIES = 5  # a reference is one of 32^6: the odds of five in a row already given are nil
NOT_YET = ("offer_expires_at", "cancelled_at", "checked_in_at")  # a new registration's empty columns


def create(
    *,
    slug: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    venue_access: str,
    capacity: int,
    opens_at: datetime,
    closes_at: datetime,
    workshops: list[dict],
    actor: Person | None = None,
    state: str = "published",
    **bengali: str,
) -> Congress:
    """A congress and its programme: workshops as dicts of title, priority (a Priority or None), starts_at, capacity
    (and title_bn); `bengali` is the Bengali of its texts where written (title_bn, venue_bn, venue_access_bn)."""
    congress = Congress(
        **bengali,
        slug=slug,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        venue_access=venue_access,
        capacity=capacity,
        opens_at=opens_at,
        closes_at=closes_at,
        state=state,
        workshops=[Workshop(**w) for w in workshops],
    )
    db.session.add(congress)
    db.session.flush()
    if actor is not None:
        audit.record(actor, "create", congress)
    return congress


def upcoming() -> list[Congress]:
    query = select(Congress).where(Congress.state == "published", Congress.ends_at >= utcnow())
    return list(db.session.scalars(query.order_by(Congress.starts_at)))


def by_slug(slug: str) -> Congress | None:
    query = (
        select(Congress)
        .where(Congress.slug == slug)
        .options(joinedload(Congress.workshops).joinedload(Workshop.priority))  # one query
    )
    return db.session.scalars(query).unique().one_or_none()


# --------------------------------------------------------------------------------------------------------------------
# A congress's programme as its sign-up page reads it, kept by each process for a short while: everyone signing up
# reads it, and it changes rarely (the secretariat's edits), unlike the counters, which change with every sign-up
# and are read for the page (full_workshops) or under the congress row's lock (register), never kept.

PROGRAMME_SECONDS = 30


@dataclass(frozen=True)
class WorkshopRow(Localised):
    id: int
    title: str
    title_bn: str
    starts_at: datetime  # its time slot


@dataclass(frozen=True, eq=False)  # compared (and hashed) by identity: a programme read later is another one
class Programme(Localised):
    id: int
    slug: str
    title: str
    title_bn: str
    starts_at: datetime
    state: str
    opens_at: datetime
    closes_at: datetime
    workshops: tuple[WorkshopRow, ...]  # by time slot


_programmes: dict[tuple[int, str], tuple[float, Programme]] = {}  # by engine and slug, with when it was read


def programme(slug: str) -> Programme | None:
    """The congress of this slug, read at most every PROGRAMME_SECONDS once published (a draft is read every time,
    so that publishing it shows at once). Other processes see a change within PROGRAMME_SECONDS; what decides a
    place is read again under the congress row's lock."""
    key = (id(db.engine), slug)
    kept = _programmes.get(key)
    now = time.monotonic()
    if kept is None or now - kept[0] > PROGRAMME_SECONDS:
        found = _read_programme(slug)
        if found is None or found.state == "draft":
            return found
        kept = _programmes[key] = (now, found)
    return kept[1]


def _read_programme(slug: str) -> Programme | None:
    congress = by_slug(slug)
    if congress is None:
        return None
    return Programme(
        congress.id,
        congress.slug,
        congress.title,
        congress.title_bn,
        congress.starts_at,
        congress.state,
        congress.opens_at,
        congress.closes_at,
        tuple(WorkshopRow(w.id, w.title, w.title_bn, w.starts_at) for w in congress.workshops),
    )


def full_workshops(programme: Programme) -> set[int]:
    """The ids of the programme's workshops with no place left (their waiting lists are open)."""
    if not programme.workshops:
        return set()
    query = select(Workshop.id).where(Workshop.congress_id == programme.id, Workshop.confirmed >= Workshop.capacity)
    return set(db.session.scalars(query))


def forget_programmes() -> None:
    _programmes.clear()


def _changes_programme(session, row) -> bool:
    if not isinstance(row, Congress | Workshop):
        return False
    if row in session.new or row in session.deleted:
        return True
    return any(a.history.has_changes() for a in inspect(row).attrs if a.key != "confirmed")


def _after_flush(session, _context) -> None:
    """A congress or workshop changed (but for its counter): read the programmes again, in this process; again
    after the commit (another request may have read the old one meanwhile) or the rollback."""
    if any(_changes_programme(session, row) for row in (*session.new, *session.dirty, *session.deleted)):
        forget_programmes()
        session.info["programme_changed"] = True


def _after_transaction(session, *_previous) -> None:
    if session.info.pop("programme_changed", False):
        forget_programmes()


event.listen(db.session, "after_flush", _after_flush)
event.listen(db.session, "after_commit", _after_transaction)
event.listen(db.session, "after_soft_rollback", _after_transaction)


def workshop(workshop_id: int | None) -> Workshop | None:
    """A workshop of a congress people can see (published, or cancelled after it was), with its congress."""
    found = db.session.get(Workshop, workshop_id) if workshop_id and 0 < workshop_id < 2**31 else None
    return found if found is not None and found.congress.state != "draft" else None


RECENT_WORKSHOPS = 60


def recent_workshops(now: datetime | None = None) -> list[Workshop]:
    """The workshops of the congresses held so far, latest congress first, up to RECENT_WORKSHOPS: those a proposal
    the secretariat records may have come from. One query."""
    query = (
        select(Workshop)
        .join(Congress)
        .where(Congress.state == "published", Congress.starts_at <= (now or utcnow()))
        .order_by(Congress.starts_at.desc(), Workshop.starts_at, Workshop.id)
        .options(contains_eager(Workshop.congress))
        .limit(RECENT_WORKSHOPS)
    )
    return list(db.session.scalars(query))


def is_open(congress: Congress, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return congress.state == "published" and congress.opens_at <= now < congress.closes_at


# The statements that lock the congress and decide a sign-up, built once per process: the tables' own (the ORM has
# nothing to add), with their values bound at each run.
_CONGRESS, _WORKSHOP = Congress.__table__.c, Workshop.__table__.c
_CONGRESS_LOCKED = select(Congress.__table__).where(_CONGRESS.id == bindparam("congress_id")).with_for_update()
_SQLITE_WRITE_LOCK = (
    update(Congress.__table__).where(_CONGRESS.id == bindparam("congress_id")).values(confirmed=_CONGRESS.confirmed)
)
_ONE_MORE_AT_CONGRESS = (
    update(Congress.__table__).where(_CONGRESS.id == bindparam("congress_id")).values(confirmed=_CONGRESS.confirmed + 1)
)
_WAITED_FOR = (
    select(_CONGRESS.id, _CONGRESS.confirmed.label("before"))
    .where(_CONGRESS.id == bindparam("congress_id"))
    .with_for_update()
    .cte("waited_for")
)
_LOCKED_AND_COUNTED = (
    update(Congress.__table__)
    .where(_CONGRESS.id == _WAITED_FOR.c.id)
    .values(confirmed=_CONGRESS.confirmed + case((_WAITED_FOR.c.before < _CONGRESS.capacity, 1), else_=0))
    .returning(
        *Congress.__table__.c,
        _WAITED_FOR.c.before,
        func.nextval(func.pg_get_serial_sequence("registration", "id")).label("registration_id"),  # see _write_at_once
    )
)


def _one_more_at_workshops_with_room(congress_id: BindParameter, workshop_ids: BindParameter, *only_if) -> Update:
    return (
        update(Workshop.__table__)
        .where(
            _WORKSHOP.congress_id == congress_id,
            _WORKSHOP.id.in_(workshop_ids),
            _WORKSHOP.confirmed < _WORKSHOP.capacity,
            *only_if,
        )
        .values(confirmed=_WORKSHOP.confirmed + 1)
        .returning(_WORKSHOP.id)
    )


_ONE_MORE_AT_WORKSHOPS_WITH_ROOM = _one_more_at_workshops_with_room(
    bindparam("of_congress"), bindparam("workshop_ids", expanding=True)
)
_WORKSHOP_PLACES = insert(WorkshopPlace.__table__)


@cache
def _sign_up_statement() -> Select:
    """_write_at_once's statement: the registration (unless the database refuses it, as _insert_registration's
    would be), then, only if it was written, the counted workshops' places where there is room, a place (or a
    place on the waiting list) at each chosen workshop, and its notice; the new registration's and notice's ids."""
    registration, notice = Registration.__table__, Notice.__table__
    # Each value named after its table (an UPDATE would take a value named as one of its columns for a new value).
    given = {c.name: bindparam(f"registration_{c.name}", type_=c.type) for c in registration.c if c.name not in NOT_YET}
    written = (postgresql.insert(registration).values(given).on_conflict_do_nothing().returning(registration.c.id)).cte(
        "written"
    )
    if_written = exists(select(written.c.id))
    taken = _one_more_at_workshops_with_room(
        bindparam("registration_congress_id"), bindparam("counted", expanding=True), if_written
    ).cte("taken")
    status = case((_WORKSHOP.id.in_(select(taken.c.id)), "confirmed"), else_="waitlisted")
    places = insert(WorkshopPlace.__table__).from_select(
        ["registration_id", "workshop_id", "status"],
        select(written.c.id, _WORKSHOP.id, status)
        .select_from(written.join(Workshop.__table__, true()))  # the one written row, with each chosen workshop
        .where(_WORKSHOP.id.in_(bindparam("chosen", expanding=True))),
    )
    columns = [c for c in notice.c if c.name != "id" and c.name not in notices.NOT_YET]  # as notices.row gives
    told = (
        postgresql.insert(notice)
        .from_select(
            columns,
            select(*(cast(bindparam(f"notice_{c.name}", type_=c.type), c.type) for c in columns)).where(if_written),
        )
        .on_conflict_do_nothing(index_elements=[notice.c.idempotency_key])
        .returning(notice.c.id)
        .cte("told")
    )
    ids = select(select(written.c.id).scalar_subquery().label("registration_id"))
    return ids.add_columns(select(told.c.id).scalar_subquery().label("notice_id")).add_cte(places.cte("placed"))


def _lock(congress_id: int) -> Congress:
    """Hold the congress row until the transaction ends: SELECT ... FOR UPDATE on PostgreSQL; on SQLite an
    UPDATE takes the database's write lock first, so writers queue instead of deciding on stale counts.
    Its workshops' counters change only under this lock; count them by statements after it (a statement that
    waited for the lock reads every row but the locked one as it was when it began)."""
    if _take_sqlite_write_lock(congress_id):
        return db.session.get(Congress, congress_id, populate_existing=True)
    return db.session.get(Congress, congress_id, with_for_update=True, populate_existing=True)


def _lock_and_count(congress_id: int) -> tuple[Row, bool]:
    """_lock's hold, for a sign-up, and a place taken if one is free: the congress as a row (what the sign-up reads
    of it, from statements built once per process), and whether a place was taken. On PostgreSQL one statement: its
    CTE's SELECT ... FOR UPDATE waits for the lock and reads the row as its last holder left it (tested), and the
    UPDATE counts from that. The session's copy of the congress, if it has one, reads its counter again."""
    if _take_sqlite_write_lock(congress_id):
        row = db.session.execute(_CONGRESS_LOCKED, {"congress_id": congress_id}).one()
        took = _has_room(row)
        if took:
            db.session.execute(_ONE_MORE_AT_CONGRESS, {"congress_id": congress_id})
    else:
        row = db.session.execute(_LOCKED_AND_COUNTED, {"congress_id": congress_id}).one()
        took = row.before < row.capacity
    if took:
        _forget_counter(Congress, congress_id)
    return row, took


def _on_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _take_sqlite_write_lock(congress_id: int) -> bool:
    """On SQLite, take the database's write lock (the UPDATE) before the congress is read; False elsewhere."""
    if not _on_sqlite():
        return False
    db.session.execute(_SQLITE_WRITE_LOCK, {"congress_id": congress_id})
    return True


def _reference(congress: Congress | Row) -> str:
    code = "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(6))
    return f"{congress.slug[:2].upper()}{congress.starts_at:%y}-{code}"


def live_registration(congress: Congress, email: str) -> Registration | None:
    query = select(Registration).where(
        Registration.congress_id == congress.id, Registration.email == email, Registration.status != "cancelled"
    )
    return db.session.scalar(query)


def registration_of(congress_id: int, user: Person) -> Registration | None:
    """The live registration the account made (or the secretariat made for it) for the congress: by the account's
    own link, never by an address it may not have confirmed."""
    query = select(Registration).where(
        Registration.congress_id == congress_id, Registration.user_id == user.id, Registration.status != "cancelled"
    )
    return db.session.scalar(query)


def registrations_of(user: Person) -> list[Registration]:
    """Every registration linked to the account, with its congress, the latest congress first: one query."""
    query = (
        select(Registration)
        .join(Registration.congress)
        .where(Registration.user_id == user.id)
        .options(contains_eager(Registration.congress))
        .order_by(Congress.starts_at.desc(), Registration.id.desc())
    )
    return list(db.session.scalars(query))


def register(
    congress: Congress | Programme,
    *,
    name: str,
    email: str,
    language: str = "en",
    user: User | None = None,
    workshop_ids: list[int] = (),
    attending_as: str = "resident",
    organisation_id: int | None = None,
    needs: dict | None = None,
    priorities: list[int] = (),
    consent_to_contact: bool = False,
    actor: Person | None = None,
    phone: str = "",
    address: str = "",
) -> Registration:
    """Give the person a place, or a place on the waiting list, for the congress and each chosen workshop
    (one per time slot); tell them which. Decided while holding the congress row's lock, and written with as few
    statements as can be: the less the lock's holder asks of the database, the sooner the next person's turn.
    Someone the secretariat registers with a phone number or postal address and no email address is written one
    statement at a time (they are few): their notice, if any, is a letter (notices.queue_to)."""
    check_organisation(user, attending_as, organisation_id)
    chosen = _chosen(congress, workshop_ids)
    locked, took = _lock_and_count(congress.id)
    if not is_open(locked) and actor is None:
        raise DomainError(_l("Registration for this congress is not open."))  # the place taken goes with the rollback
    values = {
        "congress_id": locked.id,
        "name": name,
        "email": email.strip().lower(),
        "language": language,
        "status": _status(took),
        "user_id": user.id if user else None,
        "recorded_by_id": actor.id if actor else None,
        "attending_as": attending_as,
        "organisation_id": organisation_id,
        "needs": needs or {},
        "priorities": list(priorities),
        "consent_to_contact": consent_to_contact,
        "phone": phone.strip(),
        "address": address.strip(),
        "created_at": utcnow(),
    }
    write = _write_one_by_one if _on_sqlite() or not values["email"] else _write_at_once
    return write(locked, values, chosen)


def _write_one_by_one(congress: Row, values: dict, chosen: list[int]) -> Registration:
    """The registration, its workshop places and its notice, a statement each (SQLite)."""
    registration = _insert_registration(congress, **values)
    places = _take_workshop_places(congress, registration.status, chosen)
    if places:
        rows = [{"registration_id": registration.id, "workshop_id": w, "status": s} for w, s in places.items()]
        db.session.execute(_WORKSHOP_PLACES, rows)
    _tell(registration, f"registration_{registration.status}", congress=congress)
    return registration


def _write_at_once(congress: Row, values: dict, chosen: list[int]) -> Registration:
    """The registration, its workshop places and its notice in one statement (PostgreSQL): the congress's lock is
    held from the statement that took it to the commit, and this is the only round trip between them. The new
    registration's id was drawn with the lock, so its notice (and the link in it) is made before it is written."""
    for _ in range(REFERENCE_TRIES):
        columns = values | {"id": congress.registration_id, "reference": _reference(congress)}
        registration = Registration(**columns, **dict.fromkeys(NOT_YET))
        notice = notices.row(*_notice(registration, f"registration_{registration.status}", congress=congress))
        counted = chosen if registration.status == "confirmed" else []
        given = {"counted": counted, "chosen": chosen} | _named("registration", columns) | _named("notice", notice)
        written = db.session.execute(_sign_up_statement(), given).one()
        if written.registration_id is not None:
            break
        _refuse_if_registered(congress, registration.email)
    else:
        raise RuntimeError(f"{REFERENCE_TRIES} references in a row already given")
    for workshop_id in counted:
        _forget_counter(Workshop, workshop_id)
    notices.hand_over(written.notice_id, notice["status"])
    make_transient_to_detached(registration)
    db.session.add(registration)
    return registration


def _named(table: str, values: dict) -> dict:
    return {f"{table}_{name}": value for name, value in values.items()}


def _insert_registration(congress: Congress | Row, **values) -> Registration:
    """One statement, which the database refuses quietly for someone already registered (the live registration's
    unique index) or, once in a very long while, for a reference already given (then again, with another); the new
    registration is made from what was written, not read back."""
    statement = insert_unless_taken(Registration.__table__)
    for _ in range(REFERENCE_TRIES):
        values["reference"] = _reference(congress)
        registration_id = db.session.execute(statement, values).scalar()
        if registration_id is not None:
            break
        _refuse_if_registered(congress, values["email"])
    else:
        raise RuntimeError(f"{REFERENCE_TRIES} references in a row already given")
    registration = Registration(id=registration_id, **values, **dict.fromkeys(NOT_YET))
    make_transient_to_detached(registration)
    db.session.add(registration)
    return registration


def _refuse_if_registered(congress: Congress | Row, email: str) -> None:
    """After the database refused a new registration: a live one of this address is why (else its reference)."""
    if email and live_registration(congress, email) is not None:
        raise DomainError(_l("You are already registered for this congress."), field="email")


def _new_registration(congress, name, email, language, workshop_ids, **answers) -> Registration | None:
    """A registration whose place is decided later (_decide), when the person confirms their address; None if the
    database refused it (its reference given already, or the address registered meanwhile)."""
    registration = Registration(
        congress_id=congress.id,
        reference=_reference(congress),
        name=name,
        email=email,
        language=language,
        status="unconfirmed",
        **answers,
    )
    for workshop_id in _chosen(congress, workshop_ids):
        registration.places.append(WorkshopPlace(workshop_id=workshop_id, status="requested"))
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:
        return None
    return registration


def _has_room(congress: Congress | Row) -> bool:
    return congress.confirmed < congress.capacity


def _status(given_a_place: bool) -> str:
    return "confirmed" if given_a_place else "waitlisted"


def _take_workshop_places(congress: Congress | Row, status: str, workshop_ids: list[int]) -> dict[int, str]:
    """For someone given a place (status), the chosen workshops' places where there is room, counted by one
    statement that counts only where there is room; the status of each workshop place, by workshop id. The caller
    holds the congress row's lock (_lock), under which alone the counters change."""
    taken: set[int] = set()
    if status == "confirmed" and workshop_ids:
        counted = {"of_congress": congress.id, "workshop_ids": workshop_ids}
        taken = set(db.session.scalars(_ONE_MORE_AT_WORKSHOPS_WITH_ROOM, counted))
        for workshop_id in taken:
            _forget_counter(Workshop, workshop_id)
    return {w: "confirmed" if w in taken else "waitlisted" for w in workshop_ids}


def _forget_counter(model: type[Congress | Workshop], row_id: int) -> None:
    """The counter was changed by a statement, behind the session's back: a copy the session holds reads it again
    when next asked (cancelling in the same transaction counts down from it)."""
    held = db.session.identity_map.get(db.session.identity_key(model, row_id))
    if held is not None:
        db.session.expire(held, ["confirmed"])


def _decide(congress: Congress, registration: Registration) -> None:
    """A place or a place in the queue, for the congress and each requested workshop of a registration waiting
    for it; the person is told which. The caller holds the congress row's lock (_lock)."""
    room = _has_room(congress)
    registration.status = _status(room)
    if room:
        congress.confirmed += 1
    places = registration.places
    decided = _take_workshop_places(congress, registration.status, _chosen(congress, [p.workshop_id for p in places]))
    for place in places:
        place.status = decided[place.workshop_id]
    db.session.flush()
    _tell(registration, f"registration_{registration.status}")


def check_organisation(person: Person | None, attending_as: str, organisation_id: int | None) -> None:
    """Only a partner representative of an organisation comes as someone from it (policy.represents), and one who
    comes as a partner says which of theirs."""
    if organisation_id is not None and (person is None or not represents(person, organisation_id)):
        raise DomainError(_l("Choose one of the options given"), field="organisation")
    if attending_as == "partner" and organisation_id is None:
        raise DomainError(_l("Choose the partner organisation you are coming from"), field="organisation")


def request_place(
    congress: Congress,
    *,
    name: str,
    email: str,
    language: str = "en",
    workshop_ids: list[int] = (),
    person: Person | None = None,
    **answers,
) -> None:
    """Someone without an account, or whose account has not confirmed its address (`person`): nothing is held until
    they follow the emailed link to their registration's page and confirm there. An address already registered is
    sent its registration's link instead, so this page never tells anyone whether an address has registered."""
    check_organisation(person, answers.get("attending_as", "resident"), answers.get("organisation_id"))
    email = email.strip().lower()
    if not is_open(congress):
        raise DomainError(_l("Registration for this congress is not open."))
    for _ in range(REFERENCE_TRIES):
        if send_link(congress, email):
            return
        registration = _new_registration(congress, name, email, language, workshop_ids, **answers)
        if registration is not None:
            _tell(registration, "registration_link", key=f"registration-link:{registration.id}:first")
            return
    raise RuntimeError(f"{REFERENCE_TRIES} references in a row already given")


def send_link(congress: Congress | Programme, email: str) -> bool:
    """Email the address's live registration for the congress the link to its page (again); False if it has none."""
    existing = live_registration(congress, email)
    if existing is not None:
        _tell(existing, "registration_link", key=f"registration-link:{existing.id}:{secrets.token_hex(6)}")
    return existing is not None


def confirm_email(registration: Registration) -> None:
    """The person followed the emailed link and confirmed: now a place (or a place in the queue) is decided."""
    congress = _lock(registration.congress_id)
    db.session.refresh(registration)
    if registration.status != "unconfirmed":
        return
    if not is_open(congress):
        raise DomainError(_l("Registration for this congress is not open."))
    _decide(congress, registration)


def _chosen(congress: Congress | Programme, workshop_ids) -> list[int]:
    """Of these ids, the congress's own workshops' (in order), one per time slot, as its programme has them: the
    form offers no other, and the programme changes only by the secretariat's hand."""
    wanted = set(workshop_ids)
    slots = {w.id: w.starts_at for w in congress.workshops if w.id in wanted}
    if len(set(slots.values())) != len(slots):
        raise DomainError(_l("Choose one workshop in each time slot"), field="workshops")
    return sorted(slots)


def waiting_position(registration: Registration) -> int | None:
    if registration.status != "waitlisted":
        return None
    ahead = select(func.count(Registration.id)).where(
        Registration.congress_id == registration.congress_id,
        Registration.status == "waitlisted",
        Registration.id < registration.id,
    )
    return db.session.scalar(ahead) + 1


def cancel(registration: Registration, actor: Person | None = None) -> None:
    """Give up a place (or a place in the queue); the next person waiting is offered it."""
    congress = _lock(registration.congress_id)
    db.session.refresh(registration)
    if registration.status == "cancelled":
        return
    _cancel(congress, registration, actor)


def _cancel(congress: Congress, registration: Registration, actor: Person | None) -> None:
    """The caller holds the congress row's lock (_lock) and has read the registration again under it."""
    held = registration.status in HOLDING
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    for place in registration.places:
        _give_up(place)
    if held:
        congress.confirmed -= 1
        _offer_places(congress)
    if actor is not None:
        audit.record(actor, "cancel", registration)
    db.session.flush()


def _give_up(place: WorkshopPlace) -> None:
    """A workshop place given up: a place held there passes to the next person waiting for the workshop."""
    if place.status == "confirmed":
        place.workshop.confirmed -= 1
        _promote_workshop(place.workshop)
    place.status = "cancelled"


def changeable(registration: Registration) -> bool:
    """Whether the person may still change their workshops and needs: until registration closes."""
    congress = registration.congress
    return registration.status != "cancelled" and congress.state == "published" and utcnow() < congress.closes_at


def change(registration: Registration, workshop_ids: list[int], needs: dict) -> None:
    """Change a registration's workshops and needs, until registration closes. A workshop given up passes its place
    to the next person waiting for it; one newly chosen is a place where there is room (for someone with a place at
    the congress), else a place on its waiting list: decided under the congress row's lock, as at sign-up."""
    congress = _lock(registration.congress_id)
    db.session.refresh(registration)
    if not changeable(registration):
        raise DomainError(_l("Registration for this congress has closed: your registration can no longer be changed."))
    chosen = _chosen(congress, workshop_ids)
    places = {place.workshop_id: place for place in registration.places}
    for workshop_id, place in places.items():
        if workshop_id not in chosen and place.status != "cancelled":
            _give_up(place)
    db.session.flush()  # the places given up counted before the new ones are taken
    wanted = [w for w in chosen if w not in places or places[w].status == "cancelled"]
    if registration.status == "unconfirmed":
        decided = dict.fromkeys(wanted, "requested")
    else:
        holding = "confirmed" if registration.status in HOLDING else "waitlisted"
        decided = _take_workshop_places(congress, holding, wanted)
    for workshop_id, status in decided.items():
        if workshop_id in places:
            places[workshop_id].status = status
        else:
            registration.places.append(WorkshopPlace(workshop_id=workshop_id, status=status))
    registration.needs = needs
    db.session.flush()


def _offer_places(congress: Congress) -> None:
    """While places are free, offer them in order to the people waiting; each has a window to accept."""
    hours = current_app.config["CONGRESS_OFFER_HOURS"]
    while congress.confirmed < congress.capacity:
        waiting = db.session.scalar(
            select(Registration)
            .where(Registration.congress_id == congress.id, Registration.status == "waitlisted")
            .order_by(Registration.id)
            .limit(1)
        )
        if waiting is None:
            return
        waiting.status = "offered"
        waiting.offer_expires_at = utcnow() + timedelta(hours=hours)
        congress.confirmed += 1
        for place in waiting.places:  # their workshops too, where there is room
            if place.status == "waitlisted" and place.workshop.confirmed < place.workshop.capacity:
                place.status = "confirmed"
                place.workshop.confirmed += 1
        _tell(waiting, "registration_offered", hours=hours)


def _promote_workshop(workshop: Workshop) -> None:
    """The workshop's place that came free goes to the first person on its waiting list who holds a congress place,
    and they are told."""
    waiting = db.session.scalar(
        select(WorkshopPlace)
        .join(Registration)
        .where(
            WorkshopPlace.workshop_id == workshop.id,
            WorkshopPlace.status == "waitlisted",
            Registration.status.in_(HOLDING),
        )
        .order_by(WorkshopPlace.id)
        .limit(1)
    )
    if waiting is not None and workshop.confirmed < workshop.capacity:
        waiting.status = "confirmed"
        workshop.confirmed += 1
        key = f"workshop-place:{waiting.id}"
        _tell(waiting.registration, "workshop_place_confirmed", key=key, workshop=workshop.title)


def offer_lapsed(registration: Registration, now: datetime | None = None) -> bool:
    """An offer whose window has closed, whether or not the expiry job has passed it on yet."""
    return registration.status == "offered" and registration.offer_expires_at <= (now or utcnow())


def accept_offer(registration: Registration) -> None:
    """Take an offered place, if its window is still open. Decided under the congress row's lock, as the expiry
    job decides, on the registration as read again under it: whoever is told they have the place keeps it."""
    _lock(registration.congress_id)
    db.session.refresh(registration)
    if offer_lapsed(registration):  # the expiry job may not have run yet: the deadline is the rule
        raise DomainError(
            _l(
                "The time to accept this offer ended on %(date)s. The place passes to the next person waiting.",
                date=when(registration.offer_expires_at),
            )
        )
    if registration.status != "offered":
        raise DomainError(_l("This offer is no longer open."))
    registration.status = "confirmed"
    registration.offer_expires_at = None
    _tell(registration, "registration_confirmed")
    db.session.flush()


def expire_offers(now: datetime | None = None) -> int:
    """The scheduled job: an offer not accepted in time passes to the next person waiting. Each is decided under
    its congress row's lock on the registration as read again under it, so an acceptance that got there first
    stands."""
    now = now or utcnow()
    lapsed = (
        select(Registration)
        .where(Registration.status == "offered", Registration.offer_expires_at <= now)
        .order_by(Registration.congress_id, Registration.id)  # locks taken in one order: two runs never deadlock
    )
    expired = 0
    for registration in list(db.session.scalars(lapsed)):
        congress = _lock(registration.congress_id)
        db.session.refresh(registration)
        if offer_lapsed(registration, now):
            _cancel(congress, registration, None)
            expired += 1
    return expired


def set_capacity(congress: Congress, capacity: int, actor: Person) -> None:
    """Raise the capacity (people waiting are offered the new places, in order) or lower it, never below the
    places already given."""
    locked = _lock(congress.id)
    if capacity < locked.confirmed:
        raise DomainError(
            _l("%(count)s places are already taken: the capacity cannot be lower than that.", count=locked.confirmed),
            field="capacity",
        )
    audit.record(actor, "capacity", locked, before=locked.capacity, after=capacity)
    locked.capacity = capacity
    _offer_places(locked)
    db.session.flush()


def check_in(registration: Registration, actor: Person) -> None:
    if registration.status != "confirmed":
        raise DomainError(_l("Only a confirmed registration can be checked in."))
    registration.checked_in_at = registration.checked_in_at or utcnow()
    audit.record(actor, "check_in", registration)
    db.session.flush()


def _signer() -> URLSafeSerializer:
    return link_signer("registration")


def manage_path(registration: Registration) -> str:
    """The registration's own page, for changing or cancelling it without signing in: the link is the key."""
    return f"/congress/registration/{_signer().dumps(registration.id)}"


def by_token(token: str) -> Registration | None:
    try:
        registration_id = _signer().loads(token)
    except BadSignature:
        return None
    return db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None


def _notice(
    registration: Registration,
    kind: str,
    user: User | None = None,
    key: str = "",
    congress: Congress | Row | None = None,
    **context,
) -> tuple:
    """The arguments of notices.queue (and notices.row) for telling the registered person `kind`."""
    congress = congress or registration.congress or db.session.get(Congress, registration.congress_id)
    return (
        kind,
        registration.email,
        key or f"{kind}:{registration.id}:{registration.status}:{registration.offer_expires_at or ''}",
        {
            "name": registration.name,
            "reference": registration.reference,
            # In the registration's language where the secretariat wrote it (a Row has the same columns).
            "congress": Localised.localised(congress, "title", registration.language),
            "starts_at": congress.starts_at.isoformat(),
            "venue": Localised.localised(congress, "venue", registration.language),
            "manage_url": notices.public_link(manage_path(registration)),
            "registration_id": registration.id,
            **context,
        },
        registration.language,
        user,
    )


def _tell(registration: Registration, kind: str, **how) -> None:
    """By email, or by a letter to print for someone registered on their behalf with only a postal address."""
    what, _email, key, context, language, user = _notice(registration, kind, **how)
    notices.queue_to(registration.email, registration.address, what, key, context, language, user)


REMINDERS = (("7d", timedelta(days=7)), ("1d", timedelta(days=1)))


def send_reminders(now: datetime | None = None) -> int:
    """The scheduled job: a reminder 7 days and 1 day before, to everyone with a place; each once however often
    the job runs (the idempotency key), and again for a new date if the congress moves (the date is in the key)."""
    now = now or utcnow()
    sent = 0
    for label, before in REMINDERS:
        due = (
            select(Registration)
            .join(Congress)
            .where(
                Congress.state == "published",
                Congress.starts_at > now,
                Congress.starts_at <= now + before,
                Registration.status == "confirmed",
            )
            .options(selectinload(Registration.congress))
        )
        for registration in db.session.scalars(due):
            if label == "7d" and registration.congress.starts_at <= now + REMINDERS[1][1]:
                continue  # a day before: the 1-day reminder says it all
            user = db.session.get(User, registration.user_id) if registration.user_id else None
            _tell(
                registration,
                "congress_reminder",
                user=user,
                key=f"congress-reminder-{label}:{registration.id}:{registration.congress.starts_at:%Y%m%d%H%M}",
            )
            sent += 1
    db.session.flush()
    return sent


def move(congress: Congress, starts_at: datetime, ends_at: datetime, actor: Person) -> int:
    """Change a congress's date and times, its workshops' time slots moving with its start; everyone registered is
    told once, with a new invitation."""
    locked = _lock(congress.id)
    if ends_at <= starts_at:
        raise DomainError(_l("The end must be after the start"), field="ends_at")
    audit.record(actor, "move", locked, before=locked.starts_at.isoformat(), after=starts_at.isoformat())
    for workshop in locked.workshops:
        workshop.starts_at += starts_at - locked.starts_at
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.closes_at = min(locked.closes_at, starts_at)
    live = select(Registration).where(Registration.congress_id == locked.id, Registration.status.in_(LIVE))
    told = 0
    for registration in db.session.scalars(live):
        _tell(registration, "congress_date_changed", key=f"congress-moved:{registration.id}:{starts_at:%Y%m%d%H%M}")
        told += 1
    db.session.flush()
    return told
