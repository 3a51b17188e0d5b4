"""The secretariat's congress pages: who may use them, setting a congress up (and refusing bad input), cancelling
it, the live numbers in a fixed number of queries, the planning sheet without names, the door's lists and
check-in, registering someone on their behalf, and forgetting people's needs after the congress."""

import csv
import io
from dataclasses import astuple
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
from support import QueryCounter, csrf_token

from engage.accounts import services as accounts
from engage.audit.models import AuditEvent
from engage.cli import DEMO_ACCOUNTS, DEMO_PASSWORD
from engage.congress import planning
from engage.congress import services as congresses
from engage.congress.models import Congress, Registration, Workshop
from engage.errors import DomainError
from engage.extensions import db
from engage.notices.models import Notice
from engage.proposals import services as proposals
from engage.time import utcnow

ROLE_ACCOUNTS = {role or "resident": email for email, _, role, _, _ in DEMO_ACCOUNTS}
ROLES = ["anonymous", *ROLE_ACCOUNTS]
SLUG = "spring-2027"
BASE = f"/secretariat/congress/{SLUG}"
CANCELLED_SUBJECT = "The Spring 2027 Congress is cancelled"


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def officer():
    return accounts.user_by_email(ROLE_ACCOUNTS["secretariat"])


def congress_day() -> date:
    return planning.london_day(utcnow()) + timedelta(days=60)


def make_congress(capacity=3, workshop_capacity=2, publish=True) -> Congress:
    """A congress set up the way the secretariat does: a draft, three workshops in two slots, then published."""
    actor, day = officer(), congress_day()
    congress = planning.create_congress(
        actor,
        slug=SLUG,
        title="Spring 2027 Congress",
        day=day,
        starts=time(10),
        ends=time(16),
        venue="Town Hall, 160 Whitechapel Road",
        venue_access="Step-free entrance on Whitechapel Road",
        capacity=capacity,
        opens_on=day - timedelta(days=65),
        closes_on=day - timedelta(days=3),
    )
    calls = proposals.current_calls_to_action()
    for title, starts, call in (("Safer streets", 11, 3), ("Good work", 11, 4), ("Children first", 14, 5)):
        planning.add_workshop(
            congress, actor, title=title, priority=calls[call], starts=time(starts), capacity=workshop_capacity
        )
    if publish:
        planning.publish(congress, actor)
    db.session.commit()
    return congress


def register(congress, number: int, name: str | None = None, **kwargs) -> Registration:
    return congresses.register(congress, name=name or f"Person {number}", email=f"p{number}@example.org", **kwargs)


def signed_in_as(new_browser, role):
    person = new_browser()
    if role != "anonymous":
        response = person.submit("/account/sign-in", {"email": ROLE_ACCOUNTS[role], "password": DEMO_PASSWORD})
        assert response.status_code == 302
    return person


@pytest.fixture
def secretariat(demo, new_browser):
    return signed_in_as(new_browser, "secretariat")


@pytest.fixture
def congress_with_people(app, demo):
    """The congress, someone with a place and someone waiting: returns the first one's reference."""
    with app.app_context():
        congress = make_congress(capacity=1)
        first = register(congress, 1, "Amina Rahman", needs={"access": ["step_free"], "dietary": "Halal"})
        register(congress, 2, "Kwame Mensah")
        db.session.commit()
        return first.reference


# Who may use the pages ---------------------------------------------------------------------------------------

PAGES = [
    "/secretariat/congress/",
    "/secretariat/congress/new",
    BASE,
    f"{BASE}/workshops/new",
    f"{BASE}/capacity",
    f"{BASE}/date",
    f"{BASE}/cancel",
    f"{BASE}/registrations",
    f"{BASE}/planning",
    f"{BASE}/registrations.csv",
    f"{BASE}/planning.csv",
    f"{BASE}/check-in",
    f"{BASE}/check-in?q=amina",
    f"{BASE}/check-in/{{reference}}",
    f"{BASE}/register",
]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_for_the_secretariat_and_admins_only(new_browser, congress_with_people, role):
    person = signed_in_as(new_browser, role)
    expected = {"anonymous": 302, "secretariat": 200, "admin": 200}.get(role, 403)
    for page in PAGES:
        response = person.get(page.format(reference=congress_with_people))
        assert response.status_code == expected, page
        if expected == 302:
            assert response.headers["Location"].startswith("/account/sign-in?next="), page
        if expected == 403:
            assert "You do not have permission" in response.get_data(as_text=True), page


BUTTONS = [
    "/secretariat/congress/new",
    f"{BASE}/workshops/new",
    f"{BASE}/capacity",
    f"{BASE}/date",
    f"{BASE}/publish",
    f"{BASE}/close-registration",
    f"{BASE}/cancel",
    f"{BASE}/check-in/{{reference}}",
    f"{BASE}/register",
]


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("secretariat", "admin")])
def test_every_change_is_refused_to_everyone_else(app, new_browser, congress_with_people, role):
    person = signed_in_as(new_browser, role)
    form_page = "/account/sign-in" if role == "anonymous" else "/account/sign-out"
    token = csrf_token(person.get(form_page).get_data(as_text=True))
    for page in BUTTONS:
        response = person.client.post(page.format(reference=congress_with_people), data={"csrf_token": token})
        assert response.status_code == (302 if role == "anonymous" else 403), page
    with app.app_context():
        congress = congresses.by_slug(SLUG)
        assert (congress.state, congress.capacity, len(congress.workshops)) == ("published", 1, 3)
        assert planning.london_day(congress.starts_at) == congress_day()
        assert checked_in_at(app, congress_with_people) is None


def test_the_secretariat_sees_congress_admin_in_the_menu(demo, new_browser):
    assert "Congress admin" in signed_in_as(new_browser, "secretariat").get("/").get_data(as_text=True)
    assert "Congress admin" not in signed_in_as(new_browser, "board_chair").get("/").get_data(as_text=True)


# Setting a congress up ---------------------------------------------------------------------------------------

GOOD = {
    "title": "Spring 2027 Congress",
    "slug": SLUG,
    "starts": "10:00",
    "ends": "16:00",
    "venue": "Town Hall, 160 Whitechapel Road",
    "venue_access": "Step-free entrance; hearing loop in the main hall",
    "capacity": "250",
}


def dates(day: date, opens: date, closes: date) -> dict:
    return {
        "date": [str(day.day), str(day.month), str(day.year)],
        "opens": [str(opens.day), str(opens.month), str(opens.year)],
        "closes": [str(closes.day), str(closes.month), str(closes.year)],
    }


def good_form(**changes) -> dict:
    year = utcnow().year + 1
    return {**GOOD, **dates(date(year, 6, 18), date(year, 3, 1), date(year, 6, 11)), **changes}


def test_creating_a_congress_keeps_london_times_in_utc_as_a_draft(app, secretariat):
    response = secretariat.submit("/secretariat/congress/new", good_form())
    assert response.status_code == 302 and response.headers["Location"] == BASE
    year = utcnow().year + 1
    with app.app_context():
        congress = congresses.by_slug(SLUG)
        assert congress.state == "draft" and congress.capacity == 250
        # 18 June is summer time (UTC+1): 10:00 in London is 09:00 UTC.
        assert (congress.starts_at.hour, congress.ends_at.hour) == (9, 15)
        assert congress.opens_at == datetime(year, 3, 1, 0, 0)  # Greenwich Mean Time in March
        assert congress.closes_at == datetime(year, 6, 11, 22, 59)  # 23:59 in London
        assert db.session.scalar(db.select(AuditEvent).filter_by(action="create", subject_id=congress.id))
    assert app.test_client().get(f"/congress/{SLUG}").status_code == 404  # a draft is not public
    page = secretariat.get(BASE).get_data(as_text=True)
    assert "Draft" in page and "Publish the congress" in page


def test_a_winter_congress_is_on_greenwich_mean_time(app, secretariat):
    year = utcnow().year + 1
    secretariat.submit(
        "/secretariat/congress/new",
        good_form(**dates(date(year, 1, 20), date(year, 1, 1), date(year, 1, 20))),
    )
    with app.app_context():
        congress = congresses.by_slug(SLUG)
        assert congress.starts_at.hour == 10
        assert congress.closes_at == congress.starts_at  # registration closes when the congress starts, at the latest


BAD_INPUT = [
    ({"title": "<script>alert('x')</script>", "slug": "Spring 2027!"}, "Use only lower-case letters", ["Spring 2027!"]),
    ({"slug": "spring--2027"}, "Use only lower-case letters, numbers and single hyphens", ["spring--2027"]),
    ({"slug": "-spring"}, "Use only lower-case letters, numbers and single hyphens", []),
    ({"slug": "s" * 41}, "Use 40 characters or fewer", []),
    ({"starts": "16:00", "ends": "10:00"}, "The end time must be after the start time", ["16:00", "10:00"]),
    ({"starts": "25:00"}, "Enter the start time on the 24-hour clock, like 10:00", ["25:00"]),
    ({"ends": "half four"}, "Enter the end time on the 24-hour clock, like 16:00", ["half four"]),
    ({"capacity": "0"}, "Enter a number of places from 1 to 10000", []),
    ({"capacity": "99999999999999999999"}, "Enter a number of places from 1 to 10000", ["99999999999999999999"]),
    ({"capacity": "-5"}, "Enter a number of places from 1 to 10000", ["-5"]),
    ({"capacity": "lots"}, "Enter a number of places from 1 to 10000", ["lots"]),
    ({"capacity": ""}, "Enter how many places there are", []),
    ({"title": "x" * 201}, "Use 200 characters or fewer", []),
    ({"title": "\x00\x01 "}, "Enter the title of the congress", []),
    ({"date": ["31", "2", "2027"]}, "The date of the congress must be a real date", ["31"]),
    ({"date": ["", "", ""]}, "Enter the date of the congress", []),
    ({"date": ["1"]}, "The date of the congress must be a real date", []),
    ({"date": ["1", "1", "99999"]}, "The date of the congress must be a real date", ["99999"]),
    ({"date": ["1", "1", "9" * 30]}, "The date of the congress must be a real date", []),
    ({"closes": ["-1", "x", "２０２７"]}, "The date registration closes must be a real date", ["x"]),
    ({"date": ["1", "1", "2001"]}, "The date of the congress must be in the future", []),
    ({"opens": ["1", "6", "2099"]}, "Registration must close on or after the day it opens", []),
]


@pytest.mark.parametrize(("changes", "message", "kept"), BAD_INPUT, ids=lambda value: str(value)[:30])
def test_bad_input_shows_the_problem_and_keeps_what_was_typed(app, secretariat, changes, message, kept):
    response = secretariat.submit("/secretariat/congress/new", good_form(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "<title>Error:" in page
    assert "<script>alert" not in page
    for typed in kept:
        assert f'value="{typed}"' in page or typed in page
    if "title" not in changes:
        assert 'value="Spring 2027 Congress"' in page
    with app.app_context():
        assert db.session.scalar(db.select(Congress)) is None


def test_the_slug_is_one_congress_s_only_and_the_closing_day_is_not_after_the_congress(app, secretariat):
    with app.app_context():
        make_congress()
    page = secretariat.submit("/secretariat/congress/new", good_form()).get_data(as_text=True)
    assert "Another congress already has this web address" in page
    year = utcnow().year + 1
    page = secretariat.submit(
        "/secretariat/congress/new",
        good_form(slug="autumn-2027", **dates(date(year, 6, 18), date(year, 3, 1), date(year, 6, 19))),
    ).get_data(as_text=True)
    assert "Registration must close on or before the day of the congress" in page


def test_workshops_publishing_closing_and_capacity_through_the_pages(app, secretariat):
    with app.app_context():
        make_congress(publish=False)
    page = secretariat.submit(
        f"{BASE}/workshops/new", {"title": "Too early", "call_to_action": "", "starts": "08:00", "capacity": "20"}
    ).get_data(as_text=True)
    assert "The workshop must start between 10:00 and 16:00" in page and 'value="Too early"' in page
    response = secretariat.submit(
        f"{BASE}/workshops/new", {"title": "Climate action", "call_to_action": "2", "starts": "14:00", "capacity": "30"}
    )
    assert response.status_code == 302
    page = secretariat.get(BASE).get_data(as_text=True)
    assert "Climate action" in page and "0 of 30" in page

    secretariat.submit(f"{BASE}/publish", {}, page=BASE)
    assert "The congress is published." in secretariat.get(BASE).get_data(as_text=True)
    assert secretariat.get(f"/congress/{SLUG}").status_code == 200
    with app.app_context():
        congress = congresses.by_slug(SLUG)
        workshop = next(w for w in congress.workshops if w.title == "Climate action")
        assert workshop.priority.number == 2 and workshop.capacity == 30
        register(congress, 1)
        register(congress, 2)
        db.session.commit()

    page = secretariat.submit(f"{BASE}/capacity", {"capacity": "1"}).get_data(as_text=True)
    assert "2 places are already taken: the capacity cannot be lower than that." in page
    assert 'value="1"' in page
    assert secretariat.submit(f"{BASE}/capacity", {"capacity": "2,000"}).status_code == 302

    secretariat.submit(f"{BASE}/close-registration", {}, page=BASE)
    with app.app_context():
        congress = congresses.by_slug(SLUG)
        assert congress.capacity == 2000 and not congresses.is_open(congress)
        actions = db.session.scalars(db.select(AuditEvent.action).filter_by(subject_id=congress.id)).all()
        assert {"create", "add_workshop", "publish", "capacity", "close_registration"} <= set(actions)
    secretariat.submit(f"{BASE}/close-registration", {}, page="/account/sign-out")
    assert "already closed" in secretariat.get(BASE).get_data(as_text=True)


# Cancelling --------------------------------------------------------------------------------------------------


def test_cancelling_tells_each_registrant_exactly_once_and_offers_no_place(app, secretariat, deliver):
    with app.app_context():
        congress = make_congress(capacity=2)
        people = [register(congress, n, workshop_ids=[congress.workshops[0].id]) for n in range(4)]
        congresses.cancel(register(congress, 9))
        db.session.commit()
        assert [p.status for p in people] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    before = len(deliver())

    page = secretariat.get(f"{BASE}/cancel").get_data(as_text=True)
    assert "each of the 4 people registered is told by email" in page
    response = secretariat.submit(f"{BASE}/cancel", {})
    assert response.status_code == 302
    assert "4 people are being told by email" in secretariat.get(BASE).get_data(as_text=True)
    again = secretariat.submit(f"{BASE}/cancel", {}, page="/account/sign-out", follow_redirects=True)  # another tab
    assert "This congress is cancelled." in again.get_data(as_text=True)
    with app.app_context():
        assert planning.cancel_congress(congresses.by_slug(SLUG), officer()) == 0  # and the service run again
        db.session.commit()

    messages = deliver()[before:]
    assert sorted(m["To"] for m in messages) == [f"p{n}@example.org" for n in range(4)]
    assert {m["Subject"] for m in messages} == {CANCELLED_SUBJECT}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Notice.id)).filter_by(kind="congress_cancelled")) == 4
        assert db.session.scalar(db.select(db.func.count(Notice.id)).filter_by(kind="registration_offered")) == 0
        congress = congresses.by_slug(SLUG)
        assert congress.state == "cancelled" and congress.confirmed == 0
        assert all(w.confirmed == 0 for w in congress.workshops)
        assert {r.status for r in db.session.scalars(db.select(Registration))} == {"cancelled"}
        assert db.session.scalar(db.select(AuditEvent).filter_by(action="cancel", subject_id=congress.id))
    assert "Cancelled" in secretariat.get(f"/congress/{SLUG}").get_data(as_text=True)
    late = {"name": "Late", "email": "late@example.org", "language": "en", "interpreter": "none"}
    page = secretariat.submit(f"{BASE}/register", late)
    assert "This congress is cancelled." in page.get_data(as_text=True)


def test_moving_the_congress_through_its_pages_tells_each_registrant_once(app, secretariat, deliver):
    with app.app_context():
        congress = make_congress(capacity=2)
        people = [register(congress, n, workshop_ids=[congress.workshops[0].id]) for n in range(3)]
        congresses.cancel(register(congress, 9))
        db.session.commit()
        assert [p.status for p in people] == ["confirmed", "confirmed", "waitlisted"]
    before = len(deliver())
    day, page = congress_day(), f"{BASE}/date"
    form = secretariat.get(page).get_data(as_text=True)
    assert f'value="{day.day:02}"' in form and 'value="10:00"' in form and 'value="16:00"' in form
    past = secretariat.submit(page, {"date": ["1", "1", "2001"], "starts": "09:30", "ends": "15:00"})
    assert "The date of the congress must be in the future" in past.get_data(as_text=True)
    assert 'value="09:30"' in past.get_data(as_text=True)  # what was typed stays
    later = day + timedelta(days=7)
    new = {"date": [str(later.day), str(later.month), str(later.year)], "starts": "09:30", "ends": "15:00"}
    check = secretariat.submit(page, new)
    assert "Check the new date" in check.get_data(as_text=True)
    assert "3 people registered are told by email" in check.get_data(as_text=True)
    with app.app_context():
        assert planning.london_day(congresses.by_slug(SLUG).starts_at) == day  # nothing moved yet
    assert len(deliver()) == before

    moved = secretariat.submit(page, {**new, "confirmed": "x"}, follow_redirects=True)
    assert "The congress has moved. 3 people are being told by email." in moved.get_data(as_text=True)
    messages = deliver()[before:]
    assert sorted(m["To"] for m in messages) == [f"p{n}@example.org" for n in range(3)]
    new_date = f"{later:%A} {later.day} {later:%B %Y}, 09:30"
    assert {m["Subject"].strip() for m in messages} == {f"The Spring 2027 Congress has a new date: {new_date}"}
    with app.app_context():
        congress = congresses.by_slug(SLUG)
        assert (congress.starts_at, congress.ends_at) == (
            planning.utc_from_london(later, time(9, 30)),
            planning.utc_from_london(later, time(15)),
        )
        assert [w.starts_at for w in congress.workshops] == [
            planning.utc_from_london(later, time(hour, 30)) for hour in (10, 10, 13)
        ]  # each workshop keeps its place in the day


@pytest.fixture
def bengali(app):
    """The Bengali catalog compiled (as `make test` does first) and no translations cached from before it was."""
    from flask_babel import get_babel
    from test_translations import compile_catalog

    compile_catalog()
    with app.app_context():
        get_babel(app).instance.domain_instance.cache.clear()


def test_a_cancelled_notice_is_in_the_registrant_s_language(app, demo, deliver, bengali):
    with app.app_context():
        congress = make_congress()
        register(congress, 1, language="bn")
        db.session.commit()
        planning.cancel_congress(congress, officer())
        db.session.commit()
    subject = deliver()[-1]["Subject"]
    assert subject != CANCELLED_SUBJECT and "Spring 2027 Congress" in subject


def test_a_congress_written_in_bengali_too_reaches_a_bengali_registrant_in_bengali(app, demo, deliver, bengali):
    with app.app_context():
        congress = make_congress()
        congress.title_bn, congress.venue_bn = "বসন্তের কংগ্রেস", "টাউন হল"
        register(congress, 1, language="bn")
        register(congress, 2, language="en")
        db.session.commit()
        planning.cancel_congress(congress, officer())
        db.session.commit()
    mail = {(m["To"], m["Subject"]): m.get_body(("plain",)).get_content() for m in deliver()}
    to_bengali = [(subject, body) for (to, subject), body in mail.items() if to == "p1@example.org"]
    to_english = [(subject, body) for (to, subject), body in mail.items() if to == "p2@example.org"]
    assert len(to_bengali) == 2 and all("বসন্তের কংগ্রেস" in subject for subject, _ in to_bengali)
    assert all("টাউন হল" in body and "Town Hall" not in body for _, body in to_bengali)
    assert len(to_english) == 2 and all("Spring 2027 Congress" in subject for subject, _ in to_english)


# The numbers -------------------------------------------------------------------------------------------------


def fill(congress, how_many: int, start: int = 0) -> None:
    """People in both slots; every seventh cancels, every fifth with a place is checked in."""
    safer, work, children = congress.workshops
    actor = officer()
    for n in range(start, start + how_many):
        registration = register(congress, n, workshop_ids=[(safer, work)[n % 2].id, children.id])
        if n % 7 == 0:
            congresses.cancel(registration)
        elif n % 5 == 0 and registration.status == "confirmed":
            congresses.check_in(registration, actor)
    db.session.commit()


def test_the_registrations_page_counts_overall_and_per_workshop(app, secretariat):
    with app.app_context():
        congress = make_congress(capacity=6, workshop_capacity=2)
        fill(congress, 10)
        board = planning.dashboard(congresses.by_slug(SLUG))
        # 0 and 7 cancelled; 1-6 have the six places; 8 and 9 wait; 5 is checked in.
        assert board.overall == planning.Counts(confirmed=6, offered=0, waitlisted=2, cancelled=2, checked_in=1)
        # Each workshop holds two: its places go to the first two with a congress place; 5 has none in Good work.
        safer, work, children = (astuple(counts) for _workshop, counts in board.workshops)
        assert safer == (2, 0, 2, 1, 0)  # 2 and 4 | 6 and 8 wait | 0 cancelled
        assert work == (2, 0, 2, 1, 0)  # 1 and 3 | 5 and 9 wait | 7 cancelled
        assert children == (2, 0, 6, 2, 0)  # 1 and 2 | 3, 4, 5, 6, 8 and 9 wait | 0 and 7 cancelled
    page = secretariat.get(f"{BASE}/registrations").get_data(as_text=True)
    assert "Safer streets" in page and "Checked in" in page


@pytest.mark.parametrize("url", [f"{BASE}/registrations", f"{BASE}/planning", f"{BASE}/registrations.csv"])
def test_the_numbers_cost_the_same_queries_with_10_or_300_registrations(app, secretariat, url):
    with app.app_context():
        fill(make_congress(capacity=250, workshop_capacity=100), 10)
        engine = db.engine
    with QueryCounter(engine) as few:
        assert secretariat.get(url).status_code == 200
    with app.app_context():
        fill(congresses.by_slug(SLUG), 290, start=10)
    with QueryCounter(engine) as many:
        assert secretariat.get(url).status_code == 200
    assert many.count == few.count, many.statements


# The planning sheet ------------------------------------------------------------------------------------------

NEEDS = [
    ("Amina Rahman", {"access": ["step_free", "bsl"], "interpreter": "bengali", "dietary": "Halal", "creche": ""}),
    (
        "Kwame Mensah",
        {"access": ["hearing_loop"], "interpreter": "none", "dietary": "halal ", "creche": "2 aged 3, 5"},
    ),
    ("Maria Costa", {"access": ["step_free", "large_print"], "interpreter": "somali", "access_other": "Quiet room"}),
    ("Tom Okafor", {"access": [], "interpreter": "sylheti", "dietary": "Vegan", "creche": "1 baby"}),
    ("Waiting Person", {"access": ["bsl"], "interpreter": "other", "dietary": "Kosher", "creche": "3"}),
]


def test_the_planning_sheet_counts_needs_and_names_no_one(app, secretariat):
    with app.app_context():
        congress = make_congress(capacity=4)
        registrations = [register(congress, n, name, needs=needs) for n, (name, needs) in enumerate(NEEDS)]
        db.session.commit()
        assert registrations[-1].status == "waitlisted"  # not counted: no place
        sheet = planning.planning(congress)
    assert sheet.totals == {
        "people": 4,
        "access": {"step_free": 2, "hearing_loop": 1, "bsl": 1, "large_print": 1},
        "interpreter": {"bengali": 1, "sylheti": 1, "somali": 1, "other": 0},
        "access_other": 1,
        "interpreter_other": 0,
        "dietary": 3,
        "creche": 2,
    }
    assert sheet.answers["dietary"] == [("Halal", 2), ("Vegan", 1)]
    assert sheet.answers["creche"] == [("1 baby", 1), ("2 aged 3, 5", 1)]
    page = secretariat.get(f"{BASE}/planning").get_data(as_text=True)
    totals = secretariat.get(f"{BASE}/planning.csv").get_data(as_text=True)
    for name, _needs in NEEDS:
        assert name not in page and name not in totals
    assert "example.org" not in page and "example.org" not in totals
    assert "Halal" in page and "(×2)" in unescape(page) and "Quiet room" in page and "2 aged 3, 5" in page
    assert "Kosher" not in page  # the person waiting has no place yet
    rows = dict(csv.reader(io.StringIO(totals.lstrip("\ufeff"))))
    assert rows["People with a place"] == "4" and rows["Step-free access"] == "2"
    assert rows["Interpreter: Bengali"] == "1" and rows["Creche places asked for"] == "2"


def test_the_planning_sheet_says_person_for_one_and_people_for_more(app, secretariat):
    with app.app_context():
        congress = make_congress(capacity=4)
        register(congress, 1, needs={"access": [], "interpreter": "none", "dietary": "Vegan", "creche": "1 baby"})
        db.session.commit()
    one = " ".join(secretariat.get(f"{BASE}/planning").get_data(as_text=True).split())
    assert "the 1 person with a place" in one and "1 person asked for creche places" in one
    assert "1 person told us about dietary needs" in one and "1 people" not in one
    with app.app_context():
        register(congresses.by_slug(SLUG), 2, needs={"access": [], "interpreter": "none", "dietary": "Halal"})
        db.session.commit()
    two = " ".join(secretariat.get(f"{BASE}/planning").get_data(as_text=True).split())
    assert "the 2 people with a place" in two and "2 people told us about dietary needs" in two


def test_the_door_list_is_a_csv_that_no_spreadsheet_runs_as_a_formula(app, secretariat):
    hostile = ['=HYPERLINK("http://evil.example","click")', "+44 20 7364 5000", "-2", "@SUM(A1)", "Ordinary Name"]
    with app.app_context():
        congress = make_congress(capacity=3)
        registrations = [register(congress, n, name) for n, name in enumerate(hostile)]
        congresses.check_in(registrations[0], officer())
        db.session.commit()
    response = secretariat.get(f"{BASE}/registrations.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Reference", "Name", "Status", "Workshops", "Checked in"]
    assert {row[1] for row in rows[1:]} == {"'" + name for name in hostile[:4]} | {"Ordinary Name"}
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]
    assert sorted(row[2] for row in rows[1:]) == ["Confirmed"] * 3 + ["Waiting list"] * 2
    assert [row[4] for row in rows if row[1].startswith("'=")][0].count(":") == 1  # checked in at HH:MM


# At the door -------------------------------------------------------------------------------------------------


def test_searching_at_the_door_by_part_of_a_name_or_reference_in_any_case(app, secretariat):
    with app.app_context():
        congress = make_congress(capacity=1)
        amina = register(congress, 1, "Amina Rahman", workshop_ids=[congress.workshops[0].id])
        register(congress, 2, "Aminul Islam")
        register(congress, 3, "Kwame Mensah")
        register(congress, 4, "100%_sure")
        db.session.commit()
        assert [r.name for r in planning.search(congress, "AMIN")] == ["Amina Rahman", "Aminul Islam"]
        assert [r.name for r in planning.search(congress, amina.reference[-5:].lower())] == ["Amina Rahman"]
        assert [r.name for r in planning.search(congress, "%")] == ["100%_sure"]
        assert [r.name for r in planning.search(congress, "_")] == ["100%_sure"]
        assert planning.search(congress, "   ") == []
    page = secretariat.get(f"{BASE}/check-in?q=rahm").get_data(as_text=True)
    assert "1 registration found" in page and "Amina Rahman" in page and "Safer streets" in page
    assert "Check in<span" in page
    page = secretariat.get(f"{BASE}/check-in?q=nobody").get_data(as_text=True)
    assert "No registration matches your search." in page


def checked_in_at(app, reference: str):
    with app.app_context():
        return db.session.scalar(db.select(Registration.checked_in_at).filter_by(reference=reference))


def test_checking_in_a_confirmed_person_and_refusing_someone_waiting(app, secretariat):
    with app.app_context():
        congress = make_congress(capacity=1)
        amina, kwame = register(congress, 1, "Amina Rahman"), register(congress, 2, "Kwame Mensah")
        db.session.commit()
        assert kwame.status == "waitlisted"
        amina, kwame = amina.reference, kwame.reference

    response = secretariat.submit(f"{BASE}/check-in/{amina}", {"q": "amina"}, page=f"{BASE}/check-in?q=amina")
    assert response.status_code == 302 and response.headers["Location"] == f"{BASE}/check-in?q=amina"
    page = secretariat.get(f"{BASE}/check-in?q=amina").get_data(as_text=True)
    assert "Amina Rahman is checked in." in page and "Checked in at " in page and "Check in<span" not in page
    assert checked_in_at(app, amina) is not None

    page = secretariat.get(f"{BASE}/check-in/{kwame}").get_data(as_text=True)
    assert "On the waiting list: they do not have a place and cannot be checked in." in page
    assert "Check in<span" not in page
    secretariat.submit(f"{BASE}/check-in/{kwame}", {}, page=BASE)  # posted anyway: refused
    page = secretariat.get(f"{BASE}/check-in/{kwame}").get_data(as_text=True)
    assert "Only a confirmed registration can be checked in." in page
    assert checked_in_at(app, kwame) is None

    # The QR code's address: the reference in any case; one not of this congress is not found.
    assert secretariat.get(f"{BASE}/check-in/{amina.lower()}").status_code == 200
    assert secretariat.get(f"{BASE}/check-in/XX27-NOPE22").status_code == 404
    assert secretariat.get("/secretariat/congress/no-such-congress/check-in").status_code == 404


# Registering someone on their behalf ---------------------------------------------------------------------------


def test_registering_someone_by_phone_even_before_registration_opens(app, secretariat, deliver):
    with app.app_context():
        congress = make_congress(capacity=5)
        congress.opens_at = utcnow() + timedelta(days=5)
        db.session.commit()
        children_first = congress.workshops[2].id
    form = {
        "name": "Rahima Begum",
        "email": "Rahima@Example.org",
        "language": "bn",
        "slot_2": str(children_first),
        "access": ["step_free"],
        "interpreter": "sylheti",
        "dietary": "Vegetarian",
    }
    response = secretariat.submit(f"{BASE}/register", form)
    assert response.status_code == 302
    assert "Rahima Begum is registered (Confirmed)" in secretariat.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        registration = db.session.scalar(db.select(Registration).filter_by(email="rahima@example.org"))
        assert registration.recorded_by_id == officer().id and registration.language == "bn"
        assert registration.needs["interpreter"] == "sylheti" and registration.needs["access"] == ["step_free"]
        assert [p.workshop.title for p in registration.places] == ["Children first"]
        assert db.session.scalar(db.select(AuditEvent).filter_by(action="register_for", subject_id=registration.id))
    assert [m["To"] for m in deliver()] == ["rahima@example.org"]

    page = secretariat.submit(f"{BASE}/register", form).get_data(as_text=True)
    assert "already registered" in page and 'value="Rahima Begum"' in page
    page = secretariat.submit(f"{BASE}/register", {**form, "email": "not an address"}).get_data(as_text=True)
    assert "Enter an email address in the correct format" in page


def test_registering_someone_on_a_bengali_page_offers_the_workshops_bengali_titles(app, secretariat):
    """A workshop with a Bengali title is offered by it; one without, by its English title marked English (also
    when it is full, inside the Bengali words saying so)."""
    with app.app_context():
        congress = make_congress(capacity=5)
        safer, good = congress.workshops[0], congress.workshops[1]
        safer.title_bn = "নিরাপদ রাস্তা"
        for number in (1, 2):
            register(congress, number, workshop_ids=[good.id])
        db.session.commit()
    page = secretariat.get(f"{BASE}/register?lang=bn").get_data(as_text=True)
    assert "নিরাপদ রাস্তা" in page and "Safer streets" not in page
    assert '<span lang="en">Good work</span> (' in page
    assert '<span lang="en">Children first</span>' in page


def test_registering_someone_with_a_phone_number_or_a_postal_address_instead_of_an_email(app, secretariat, deliver):
    with app.app_context():
        make_congress(capacity=5)
    before = len(deliver())
    form = {"name": "Abdul Karim", "language": "en", "interpreter": "none"}
    page = secretariat.submit(f"{BASE}/register", form).get_data(as_text=True)
    assert "Enter their email address, phone number or postal address" in page and 'value="Abdul Karim"' in page
    for who in ({"phone": "020 7364 5000"}, {"name": "Joyce Ade", "phone": "07700 900123"}):  # two without email
        response = secretariat.submit(f"{BASE}/register", {**form, **who})
        assert "Phone them to tell them." in secretariat.get(response.headers["Location"]).get_data(as_text=True)
    by_post = {**form, "name": "Mrs Rokeya Khatun", "address": "Flat 3, 12 Ben Jonson Road\nLondon E1 3NN"}
    response = secretariat.submit(f"{BASE}/register", by_post)
    assert "waiting with the letters to print" in secretariat.get(response.headers["Location"]).get_data(as_text=True)
    assert deliver()[before:] == []  # nobody to email
    letters = secretariat.get("/secretariat/letters").get_data(as_text=True)
    assert letters.count('class="engage-letter"') == 1
    assert "Mrs Rokeya Khatun\nFlat 3, 12 Ben Jonson Road\nLondon E1 3NN" in letters
    assert "Your place at the Spring 2027 Congress" in letters
    with app.app_context():
        people = db.session.execute(db.select(Registration.name, Registration.phone, Registration.status)).all()
        assert sorted(people) == [
            ("Abdul Karim", "020 7364 5000", "confirmed"),
            ("Joyce Ade", "07700 900123", "confirmed"),
            ("Mrs Rokeya Khatun", "", "confirmed"),
        ]


# Forgetting needs --------------------------------------------------------------------------------------------


def past_congress(slug: str, ended_days_ago: int) -> Congress:
    starts = utcnow() - timedelta(days=ended_days_ago, hours=6)
    return congresses.create(
        slug=slug,
        title=f"Congress {slug}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        venue="Town Hall",
        venue_access="Step-free",
        capacity=10,
        opens_at=starts - timedelta(days=60),
        closes_at=starts - timedelta(days=1),
        workshops=[],
    )


def test_needs_are_forgotten_a_set_time_after_the_congress_and_its_totals_kept(app, secretariat):
    from worker.tasks import forget_congress_needs

    with app.app_context():
        old, recent = past_congress(SLUG, ended_days_ago=31), past_congress("autumn-2026", ended_days_ago=10)
        for congress in (old, recent):
            for n, (name, needs) in enumerate(NEEDS):
                congresses.register(congress, name=name, email=f"p{n}@example.org", needs=needs, actor=officer())
        db.session.commit()
        before = planning.planning(old).totals
        assert forget_congress_needs.run() == 1
    with app.app_context():
        assert planning.forget_needs() == 0  # the next day's run: nothing more to do
        old, recent = congresses.by_slug(SLUG), congresses.by_slug("autumn-2026")
        assert old.planning_totals == before and before["people"] == 5 and before["access"]["step_free"] == 2
        needs = {(r.congress_id, r.email): r.needs for r in db.session.scalars(db.select(Registration))}
        assert all(value == {} for (congress_id, _), value in needs.items() if congress_id == old.id)
        assert all(value != {} for (congress_id, _), value in needs.items() if congress_id == recent.id)
        assert recent.planning_totals is None
        assert planning.planning(old).kept and planning.planning(old).totals == before
    page = secretariat.get(f"{BASE}/planning").get_data(as_text=True)
    assert "has been deleted" in page and "Halal" not in page
    assert "Step-free access,2" in secretariat.get(f"{BASE}/planning.csv").get_data(as_text=True)


def test_how_long_needs_are_kept_is_a_setting(app, ctx, monkeypatch):
    past_congress(SLUG, ended_days_ago=10)
    db.session.commit()
    assert planning.forget_needs() == 0
    monkeypatch.setitem(app.config, "CONGRESS_NEEDS_DAYS", 7)
    assert planning.forget_needs() == 1


def test_a_cancelled_congress_takes_no_more_workshops_or_registrations(ctx, demo):
    congress = make_congress()
    planning.cancel_congress(congress, officer())
    with pytest.raises(DomainError, match="cancelled"):
        planning.add_workshop(congress, officer(), title="Late", priority=None, starts=time(11), capacity=5)
    with pytest.raises(DomainError, match="cancelled"):
        planning.register_for_someone(congress, officer(), name="Late", email="late@example.org")
    assert db.session.scalar(db.select(db.func.count(Workshop.id))) == 3


@pytest.mark.parametrize(
    "page", ["/secretariat/congress/", "/secretariat/congress/new", BASE, f"{BASE}/planning", f"{BASE}/date"]
)
def test_the_pages_speak_bengali(app, secretariat, bengali, page):
    with app.app_context():
        make_congress()
    response = secretariat.get(f"{page}?lang=bn")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="bn"' in html
    assert "কংগ্রেস পরিচালনা" in html  # Congress admin, in the menu


def test_the_check_in_example_is_marked_english_on_a_bengali_page_whichever_language_came_first(
    secretariat, congress_with_people
):
    """The example reference is a constant in its template: it is marked by the language of the page it is on, not by
    the language of the first page drawn from that template in this process."""
    english = secretariat.get(f"{BASE}/check-in?lang=en").get_data(as_text=True)
    assert "like SP27-ABC234" in english and '<span lang="en">SP27-ABC234</span>' not in english
    bengali = secretariat.get(f"{BASE}/check-in?lang=bn").get_data(as_text=True)
    assert '<span lang="en">SP27-ABC234</span>' in bengali
