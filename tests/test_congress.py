"""Congress registration: places, waiting lists, offers, capacity, and no overselling under real concurrency."""

import http.client
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from support import DATABASE_URL, Browser, need, sign_up
from werkzeug.serving import make_server

from engage.accounts import services as accounts
from engage.congress import planning
from engage.congress import services as congresses
from engage.congress.models import Congress, Registration, Workshop, WorkshopPlace
from engage.errors import DomainError
from engage.extensions import db
from engage.notices.models import Notice
from engage.proposals import services as proposals
from engage.time import utcnow


def make_congress(capacity=3, workshop_capacity=2, opens_in=-1) -> Congress:
    starts = utcnow() + timedelta(days=60)
    calls = list(proposals.current_calls_to_action().values())
    return congresses.create(
        slug="spring-2027",
        title="Spring 2027 Partnership Congress",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        venue="Town Hall",
        venue_access="Step-free",
        capacity=capacity,
        opens_at=utcnow() + timedelta(days=opens_in),
        closes_at=starts - timedelta(days=3),
        workshops=[
            {
                "title": "Safer streets",
                "priority": calls[2],
                "capacity": workshop_capacity,
                "starts_at": starts + timedelta(hours=1),
            },
            {
                "title": "Good work",
                "priority": calls[3],
                "capacity": workshop_capacity,
                "starts_at": starts + timedelta(hours=1),
            },
            {
                "title": "Children first",
                "priority": calls[4],
                "capacity": workshop_capacity,
                "starts_at": starts + timedelta(hours=3),
            },
        ],
    )


def person(number: int) -> dict:
    return {"name": f"Person {number}", "email": f"p{number}@example.org"}


def test_places_then_a_waiting_list_in_order(ctx, deliver):
    congress = make_congress(capacity=2)
    first, second, third, fourth = (congresses.register(congress, **person(n)) for n in range(4))
    db.session.commit()
    assert [r.status for r in (first, second, third, fourth)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [congresses.waiting_position(r) for r in (third, fourth)] == [1, 2]
    subjects = [m["Subject"] for m in deliver()]
    assert subjects.count("Your place at the Spring 2027 Partnership Congress") == 2
    assert subjects.count("You are on the waiting list for the Spring 2027 Partnership Congress") == 2


def test_a_cancellation_offers_the_place_to_the_first_waiting_and_an_unanswered_offer_passes_on(ctx, deliver):
    congress = make_congress(capacity=1)
    holder, first, second = (congresses.register(congress, **person(n)) for n in range(3))
    db.session.commit()
    deliver()
    congresses.cancel(holder)
    db.session.commit()
    assert (first.status, second.status) == ("offered", "waitlisted")
    assert deliver()[-1]["Subject"] == "A place is free for you at the Spring 2027 Partnership Congress"
    assert congresses.expire_offers(utcnow() + timedelta(hours=49)) == 1
    db.session.commit()
    assert (first.status, second.status) == ("cancelled", "offered")
    congresses.accept_offer(second)
    db.session.commit()
    assert second.status == "confirmed" and db.session.get(Congress, congress.id).confirmed == 1


def test_raising_the_capacity_offers_places_in_order_and_lowering_below_the_taken_is_refused(app, ctx):
    congress = make_congress(capacity=1)
    registrations = [congresses.register(congress, **person(n)) for n in range(4)]
    admin = accounts.register("Admin", "admin@example.org", "x" * 12, ["lives"], "en", True)
    congresses.set_capacity(congress, 3, admin)
    db.session.commit()
    assert [r.status for r in registrations] == ["confirmed", "offered", "offered", "waitlisted"]
    with pytest.raises(DomainError, match="3 places are already taken"):
        congresses.set_capacity(congress, 2, admin)


def test_one_live_registration_per_person_is_a_database_rule(ctx):
    congress = make_congress()
    congresses.register(congress, **person(1))
    db.session.commit()
    with pytest.raises(DomainError, match="already registered"):
        congresses.register(congress, **person(1))
    db.session.rollback()
    db.session.add(
        Registration(
            congress_id=congress.id, reference="XX-1", name="Again", email="p1@example.org", status="waitlisted"
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def references_given_again(monkeypatch, *given: str) -> None:
    """The next references drawn are these (a reference already given, say), then random ones again."""
    draw = congresses._reference
    queue = list(given)
    monkeypatch.setattr(congresses, "_reference", lambda congress: queue.pop(0) if queue else draw(congress))


def test_a_reference_drawn_twice_is_drawn_again_not_a_failed_sign_up(ctx, monkeypatch):
    """A reference is 6 of 32 letters: 20,000 sign-ups (the congress benchmark) drew one twice, and the sign-up
    failed with a 500. Now the database refuses the second quietly and another is drawn."""
    congress = make_congress()
    first = congresses.register(congress, **person(1))
    db.session.commit()
    references_given_again(monkeypatch, first.reference, first.reference)
    safer = congress.workshops[0]
    second = congresses.register(congress, **person(2), workshop_ids=[safer.id])
    db.session.commit()
    assert second.status == "confirmed" and second.reference not in ("", first.reference)
    assert db.session.get(Congress, congress.id).confirmed == 2
    # The refused tries took no workshop place and wrote no notice: one of each, for the sign-up that was written.
    assert db.session.get(Workshop, safer.id).confirmed == 1
    assert [p.status for p in second.places] == ["confirmed"]
    assert db.session.scalar(select(func.count()).where(Notice.recipient == "p2@example.org")) == 1
    references_given_again(monkeypatch, first.reference)
    with pytest.raises(DomainError, match="already registered"):  # someone registered twice is still told so
        congresses.register(congress, **person(2))
    db.session.rollback()


def test_a_reference_drawn_twice_for_someone_without_an_account_is_drawn_again(ctx, monkeypatch):
    congress = make_congress()
    first = congresses.register(congress, **person(1))
    db.session.commit()
    references_given_again(monkeypatch, first.reference)
    congresses.request_place(congress, **person(2))
    db.session.commit()
    guest = db.session.scalar(db.select(Registration).filter_by(email="p2@example.org"))
    assert guest.status == "unconfirmed" and guest.reference != first.reference


def test_after_cancelling_a_person_may_register_again(ctx):
    congress = make_congress()
    registration = congresses.register(congress, **person(1))
    congresses.cancel(registration)
    assert congresses.register(congress, **person(1)).status == "confirmed"
    db.session.commit()


def test_a_registration_link_emailed_before_keeps_opening_it_and_a_changed_one_does_not(app, ctx):
    """The links are signed as itsdangerous's URLSafeSerializer signs with the secret key and the salt "registration",
    as every link already in someone's mailbox was, whatever keeps the signer (engage.extensions.link_signer)."""
    from itsdangerous import URLSafeSerializer

    registration = congresses.register(make_congress(), **person(1))
    db.session.commit()
    emailed = URLSafeSerializer(app.config["SECRET_KEY"], salt="registration").dumps(registration.id)
    assert congresses.manage_path(registration) == f"/congress/registration/{emailed}"
    assert congresses.by_token(emailed).id == registration.id
    payload, signature = emailed.rsplit(".", 1)  # a signature's last letter may carry only padding: change its first
    assert congresses.by_token(f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}") is None


def test_one_workshop_per_slot_and_a_full_workshop_has_its_own_waiting_list(ctx, deliver):
    congress = make_congress(capacity=10, workshop_capacity=1)
    safer, work, children = congress.workshops
    with pytest.raises(DomainError, match="one workshop in each time slot"):
        congresses.register(congress, **person(0), workshop_ids=[safer.id, work.id])
    first = congresses.register(congress, **person(1), workshop_ids=[safer.id, children.id])
    second = congresses.register(congress, **person(2), workshop_ids=[safer.id])
    db.session.commit()
    assert [p.status for p in first.places] == ["confirmed", "confirmed"]
    assert [p.status for p in second.places] == ["waitlisted"]
    before = len(deliver())
    congresses.cancel(first)
    db.session.commit()
    assert [p.status for p in second.places] == ["confirmed"]
    [told] = deliver()[before:]  # the person whose workshop place came free; nobody else
    assert told["To"] == "p2@example.org"
    assert told["Subject"] == "You have a place at “Safer streets” at the Spring 2027 Partnership Congress"


def test_registering_through_the_pages_and_cancelling_by_the_emailed_link(app, new_browser, deliver):
    with app.app_context():
        make_congress(capacity=1)
        accounts.register("Amina Rahman", "amina@example.org", "a long password", ["lives"], "en", True)
        accounts.register("Kwame Mensah", "kwame@example.org", "a long password", ["lives"], "en", True)
        db.session.commit()
    pages = {}
    for email in ("amina@example.org", "kwame@example.org"):
        browser = new_browser()
        browser.submit("/account/sign-in", {"email": email, "password": "a long password"})
        response = sign_up(
            browser, "/congress/spring-2027", {"attending_as": "resident", "interpreter": "bengali", "access": ["bsl"]}
        )
        assert response.status_code == 302
        pages[email] = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have a place" in pages["amina@example.org"]
    assert "You are number 1 on the waiting list." in pages["kwame@example.org"]
    amina_link = re.search(
        r"http://engage\.test(/congress/registration/\S+)", deliver()[0].get_body(("plain",)).get_content()
    ).group(1)
    stranger = app.test_client()  # the link works without signing in
    token_page = stranger.get(f"{amina_link}/cancel").get_data(as_text=True)  # asked first
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
    stranger.post(f"{amina_link}/cancel", data={"csrf_token": token})
    assert "Cancelled" in stranger.get(amina_link).get_data(as_text=True)
    with app.app_context():
        kwame = db.session.scalar(db.select(Registration).filter_by(email="kwame@example.org"))
        assert kwame.status == "offered"
        assert kwame.needs["access"] == ["bsl"] and kwame.needs["interpreter"] == "bengali"
    assert app.test_client().get("/congress/registration/forged-token").status_code == 404


def test_a_forged_answer_no_option_offered_is_refused_with_the_answers_kept(app, new_browser):
    """Every choice is checked against what the page offered: a workshop of another slot or congress, a call to
    action, organisation or need that is not on the page."""
    with app.app_context():
        congress = make_congress()
        slot_1, slot_2 = (str(w.id) for w in congress.workshops if w.title in ("Safer streets", "Children first"))
        accounts.register("Amina Rahman", "amina@example.org", "a long password", ["lives"], "en", True)
        db.session.commit()
    browser = new_browser()
    browser.submit("/account/sign-in", {"email": "amina@example.org", "password": "a long password"})
    good = {"attending_as": "resident", "interpreter": "none", "slot_1": slot_1, "dietary": "<b>halal</b>"}
    for forged in (
        {"slot_1": slot_2},
        {"slot_2": "999999"},
        {"priorities": ["2", "9"]},
        {"organisation": "no-such-partner"},
        {"access": ["step_free", "teleport"]},
        {"attending_as": "<script>"},
    ):
        response = sign_up(browser, "/congress/spring-2027", {**good, **forged})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, forged
        assert "There is a problem" in page and "the options given" in page, forged
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
    assert sign_up(browser, "/congress/spring-2027", good).status_code == 302


def amina_signed_in(app, new_browser, **congress):
    """A congress made with these settings, and Amina signed in to register for it."""
    with app.app_context():
        make_congress(**congress)
        accounts.register("Amina Rahman", "amina@example.org", "a long password", ["lives"], "en", True)
        db.session.commit()
    browser = new_browser()
    browser.submit("/account/sign-in", {"email": "amina@example.org", "password": "a long password"})
    return browser


def test_registration_before_it_opens_is_refused_with_a_clear_page(app, new_browser):
    browser = amina_signed_in(app, new_browser, opens_in=5)
    assert "Registration is not open" in browser.get("/congress/spring-2027/register").get_data(as_text=True)
    assert "Registration opens on" in browser.get("/congress/spring-2027").get_data(as_text=True)


def test_the_sign_up_page_shows_a_change_to_the_programme_or_a_full_workshop_at_once(app):
    """Each process keeps a congress's programme: a change shows on the next page all the same, even one committed
    after another page read the programme as it was; and a workshop shows as full as soon as it is."""
    with app.app_context():
        make_congress(workshop_capacity=1)
        db.session.commit()
    page = app.test_client().get
    first = page("/congress/spring-2027/register/workshops").get_data(as_text=True)
    assert "Safer streets" in first and "full: waiting list" not in first
    with app.app_context():
        congress = congresses.by_slug("spring-2027")
        congress.title = "Spring 2027 People's Congress"
        congress.workshops[0].title = "Safer streets and parks"
        congress.workshops.append(Workshop(title="Clean air", starts_at=congress.starts_at, capacity=5))
        congresses.register(congress, **person(1), workshop_ids=[congress.workshops[1].id])
        db.session.flush()
        with ThreadPoolExecutor(1) as elsewhere:  # another request, in its own transaction, reads it as it was
            before = elsewhere.submit(page, "/congress/spring-2027/register/workshops").result().get_data(as_text=True)
        assert "Safer streets" in before and "Clean air" not in before
        db.session.commit()
    changed = page("/congress/spring-2027/register/workshops").get_data(as_text=True)
    assert "Spring 2027 People&#39;s Congress" in changed
    assert "Safer streets and parks" in changed and "Clean air" in changed
    assert "Good work (full: waiting list)" in changed and "Safer streets and parks (full" not in changed
    with app.app_context():
        congress = congresses.by_slug("spring-2027")
        congress.closes_at = utcnow()
        db.session.commit()
    assert "Registration is not open" in page("/congress/spring-2027/register/workshops").get_data(as_text=True)


# Real concurrency: many people at once against a served app -----------------------------------------------


def session_cookie(app, user, answers: dict | None = None) -> str:
    """A signed-in session cookie minted the way sign-in mints it (the rate limit would stop 500 real sign-ins),
    holding the sign-up's answers as its pages keep them: what is left is Register on its check page."""
    from flask import session
    from flask_login import login_user

    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "load"}):
        accounts.start_session(user)
        login_user(user)
        answers = {"attending_as": "resident", "interpreter": "none", **(answers or {})}
        session["sign_up"] = {"slug": "spring-2027", "answers": {name: [value] for name, value in answers.items()}}
        return app.session_interface.get_signing_serializer(app).dumps(dict(session))


def post_registration(port: int, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"session={cookie}", "User-Agent": "load"}
    connection.request("GET", "/congress/spring-2027/register/check", headers=headers)
    response = connection.getresponse()
    page = response.read().decode()
    cookie = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or f"session={cookie}").group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    connection.request(
        "POST",
        "/congress/spring-2027/register/check",
        body=urlencode({"csrf_token": token}),
        headers={
            "Cookie": f"session={cookie}",
            "User-Agent": "load",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    status = connection.getresponse().status
    connection.close()
    return status


def register_at_once(app, people: int, answers: dict | None = None) -> list[int]:
    """`people` signed-in people, their answers given, press Register at once (50 at a time) on a served app: their
    statuses."""
    with app.app_context():
        users = [
            accounts.register(f"Person {n}", f"load{n}@example.org", "x" * 12, ["lives"], "en", True)
            for n in range(people)
        ]
        db.session.commit()
        cookies = [session_cookie(app, user, answers) for user in users]
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            return list(pool.map(lambda c: post_registration(server.server_port, c), cookies))
    finally:
        server.shutdown()


@pytest.mark.parametrize(("people", "places"), [(500, 100)])
def test_concurrent_registrations_never_oversell(app, people, places):
    with app.app_context():
        make_congress(capacity=places)
        db.session.commit()
    statuses = register_at_once(app, people)
    assert statuses.count(302) == people, sorted(set(statuses))
    with app.app_context():
        rows = db.session.scalars(db.select(Registration)).all()
        counts = {s: sum(r.status == s for r in rows) for s in ("confirmed", "waitlisted")}
        assert counts == {"confirmed": places, "waitlisted": people - places}
        assert len({r.email for r in rows}) == people
        assert db.session.scalar(db.select(Congress.confirmed)) == places


def test_concurrent_registrations_never_oversell_a_workshop(app):
    with app.app_context():
        safer = make_congress(capacity=1000, workshop_capacity=40).workshops[0]
        db.session.commit()
        safer_id = safer.id
    statuses = register_at_once(app, 300, {"slot_1": str(safer_id)})
    assert statuses.count(302) == 300, sorted(set(statuses))
    with app.app_context():
        places = db.session.scalars(db.select(WorkshopPlace.status).filter_by(workshop_id=safer_id)).all()
        assert (places.count("confirmed"), places.count("waitlisted")) == (40, 260)
        assert db.session.get(Workshop, safer_id).confirmed == 40  # its counter agrees with its places


@pytest.mark.parametrize(("holder_leaves", "expected"), [(0, "confirmed"), (1, "waitlisted")])
def test_a_sign_up_waiting_for_the_congress_decides_on_what_the_holder_left(app, holder_leaves, expected):
    """Someone signs up while another transaction holds the congress (a cancellation freeing the last place, or a
    sign-up taking it): the sign-up waits for it and decides on the count it left, never on the one before."""
    with app.app_context():
        congress = make_congress(capacity=1)
        congresses.register(congress, **person(1))
        db.session.commit()
        congress_id = congress.id
    decided = {}

    def sign_up():
        with app.app_context():
            decided["status"] = congresses.register(db.session.get(Congress, congress_id), **person(2)).status
            db.session.commit()

    with app.app_context(), db.engine.connect() as holder:
        holder.execute(db.update(Congress).where(Congress.id == congress_id).values(confirmed=holder_leaves))
        waiting = threading.Thread(target=sign_up)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive(), "the sign-up did not wait for the congress"
        holder.commit()
    waiting.join(timeout=30)
    assert decided["status"] == expected
    with app.app_context():
        assert db.session.get(Congress, congress_id).confirmed == 1


def test_the_workers_scheduled_job_passes_on_expired_offers(app, ctx):
    from worker.tasks import expire_congress_offers

    congress = make_congress(capacity=1)
    holder, waiting = (congresses.register(congress, **person(n)) for n in range(2))
    congresses.cancel(holder)
    db.session.commit()
    waiting_id = waiting.id
    db.session.execute(
        db.update(Registration)
        .where(Registration.id == waiting_id)
        .values(offer_expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    assert expire_congress_offers.run() == 1
    assert db.session.get(Registration, waiting_id).status == "cancelled"


def offered_places(app, offers: int) -> list[str]:
    """A congress of `offers` places whose holders all cancelled: as many people offered a place (and as many
    still waiting behind them); the offers' registration pages."""
    with app.app_context():
        congress = make_congress(capacity=offers)
        holders = [congresses.register(congress, **person(n)) for n in range(offers)]
        offered = [congresses.register(congress, **person(offers + n)) for n in range(2 * offers)][:offers]
        for holder in holders:
            congresses.cancel(holder)
        db.session.commit()
        assert {r.status for r in offered} == {"offered"}
        return [congresses.manage_path(r) for r in offered]


def opened(app, path: str):
    """Someone's browser on their registration page: it and the page's CSRF token."""
    client = app.test_client()
    page = client.get(path).get_data(as_text=True)
    return client, re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def accept(app, path: str, opened_page=None) -> str:
    """Press "Accept the place" on the registration page: the page it leads to."""
    client, token = opened_page or opened(app, path)
    return client.post(f"{path}/accept", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)


def test_an_offer_past_its_window_cannot_be_accepted_though_the_expiry_job_has_not_run(app):
    [path] = offered_places(app, 1)
    opened_in_time = opened(app, path)  # the page was opened while the offer stood, and pressed after it ended
    with app.app_context():
        db.session.execute(db.update(Registration).filter_by(status="offered").values(offer_expires_at=utcnow()))
        db.session.commit()
    page = accept(app, path, opened_in_time)
    assert "The time to accept this offer ended on" in page
    assert "The place passes to the next person waiting." in page and "The place is yours" not in page
    with app.app_context():
        assert db.session.scalar(select(Registration.status).filter_by(email="p1@example.org")) == "offered"
        assert congresses.expire_offers() == 1  # the job passes it on when it runs
        db.session.commit()
        assert db.session.scalar(select(Registration.status).filter_by(email="p1@example.org")) == "cancelled"
        assert db.session.scalar(select(Registration.status).filter_by(email="p2@example.org")) == "offered"


OFFERS = 20


def test_a_person_told_the_place_is_theirs_keeps_it_when_the_expiry_job_runs_at_the_same_moment(app):
    """People accept their offers (each in a request of its own) while the expiry job, run late, treats every
    offer as lapsed: whoever the job reaches first loses the offer and is told so; whoever accepted first keeps the
    place. Before, the job picked the offers without the congress's lock and cancelled whatever they had become."""
    need("database", DATABASE_URL)  # real row locks, real concurrent transactions
    paths = offered_places(app, OFFERS)
    pages = [opened(app, path) for path in paths]
    start = threading.Barrier(OFFERS + 1)

    def accepting(path, opened_page) -> bool:
        start.wait()
        return "The place is yours" in accept(app, path, opened_page)

    def expiring() -> int:
        with app.app_context():
            start.wait()
            expired = congresses.expire_offers(utcnow() + timedelta(hours=49))
            db.session.commit()
            db.session.remove()
            return expired

    with ThreadPoolExecutor(max_workers=OFFERS + 1) as pool:
        job = pool.submit(expiring)
        told = list(pool.map(accepting, paths, pages))
    with app.app_context():
        rows = db.session.execute(select(Registration.email, Registration.status)).all()
        status = dict(rows)
        kept = [status[f"p{OFFERS + n}@example.org"] for n in range(OFFERS)]
        assert [s for s, yours in zip(kept, told, strict=True) if yours] == ["confirmed"] * sum(told)
        assert set(kept) <= {"cancelled", "confirmed"} and job.result() == kept.count("cancelled")
        holding = sum(s in ("confirmed", "offered") for _, s in rows)
        assert holding == db.session.scalar(select(Congress.confirmed)) <= OFFERS


def test_a_confirmation_carries_an_invitation_and_a_qr_code_for_the_door(ctx, deliver):
    congress = make_congress(capacity=1)
    congresses.register(congress, **person(1))
    congresses.register(congress, **person(2))
    db.session.commit()
    confirmed, waiting = deliver()
    files = {part.get_filename(): part for part in confirmed.iter_attachments()}
    invitation = files["congress.ics"].get_content()
    assert "BEGIN:VEVENT" in invitation and "SUMMARY:Spring 2027 Partnership Congress" in invitation
    assert files["check-in-qr-code.png"].get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.get_filename() for p in waiting.iter_attachments()] == ["congress.ics"]  # no QR without a place


def test_reminders_go_a_week_and_a_day_before_once_each_and_follow_a_new_date(ctx, deliver):
    congress = make_congress(capacity=5)
    congresses.register(congress, **person(1))
    congresses.register(congress, **person(2))
    admin = accounts.register("Admin", "admin@example.org", "x" * 12, ["lives"], "en", True)
    db.session.commit()
    starts = congress.starts_at
    assert congresses.send_reminders(starts - timedelta(days=8)) == 0
    week_before = starts - timedelta(days=6)
    assert congresses.send_reminders(week_before) == 2
    congresses.send_reminders(week_before + timedelta(hours=1))  # the job runs again: nothing new
    db.session.commit()
    reminders = [m for m in deliver() if m["Subject"].startswith("Reminder:")]
    assert len(reminders) == 2
    assert congresses.move(congress, starts + timedelta(days=7), starts + timedelta(days=7, hours=6), admin) == 2
    db.session.commit()
    moved = [m for m in deliver() if "has a new date" in m["Subject"]]
    assert len(moved) == 2 and moved[0].get_body(("plain",)).get_content().count("2027") >= 1
    congresses.send_reminders(starts - timedelta(hours=12))  # the old day before: no longer a day before
    congresses.send_reminders(starts + timedelta(days=6, hours=12))  # the new day before
    db.session.commit()
    assert len([m for m in deliver() if m["Subject"].startswith("Reminder:")]) == 4


def test_moving_a_congress_to_end_before_it_starts_is_refused(ctx):
    congress = make_congress()
    admin = accounts.register("Admin", "admin@example.org", "x" * 12, ["lives"], "en", True)
    with pytest.raises(DomainError, match="end must be after the start"):
        congresses.move(congress, congress.starts_at, congress.starts_at - timedelta(hours=1), admin)


def test_someone_offered_a_place_gets_their_workshop_too_where_there_is_room(ctx):
    congress = make_congress(capacity=1, workshop_capacity=5)
    safer = congress.workshops[0]
    holder = congresses.register(congress, **person(1))
    waiting = congresses.register(congress, **person(2), workshop_ids=[safer.id])
    assert [p.status for p in waiting.places] == ["waitlisted"]
    congresses.cancel(holder)
    db.session.commit()
    assert waiting.status == "offered" and [p.status for p in waiting.places] == ["confirmed"]


def test_someone_without_an_account_holds_a_place_only_after_confirming_by_email(app, deliver):
    with app.app_context():
        make_congress(capacity=1)
        db.session.commit()
    guest = Browser(app.test_client())
    form = {"name": "Rokeya Khatun", "email": "rokeya@example.org", "attending_as": "resident", "interpreter": "none"}
    response = sign_up(guest, "/congress/spring-2027", form)
    assert response.headers["Location"] == "/congress/spring-2027/register/check-your-email"
    with app.app_context():
        assert db.session.scalar(db.select(Registration.status)) == "unconfirmed"
        assert db.session.scalar(db.select(Congress.confirmed)) == 0  # nothing held yet
    [message] = deliver()
    link = re.search(r"http://engage\.test(/congress/registration/\S+)", message.get_body(("plain",)).get_content())
    assert "Confirm my registration" in guest.get(link.group(1)).get_data(as_text=True)
    guest.submit(f"{link.group(1)}/confirm", {}, page=link.group(1))
    assert "You have a place" in guest.get(link.group(1)).get_data(as_text=True)
    again = sign_up(guest, "/congress/spring-2027", form)
    assert again.headers["Location"] == "/congress/spring-2027/register/check-your-email"  # the same answer
    assert deliver()[-1]["Subject"] == "Your registration for the Spring 2027 Partnership Congress"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1


def test_the_guest_sign_up_asks_who_you_are_first_then_a_page_for_each_part_then_checks(app):
    with app.app_context():
        make_congress(capacity=5)
        db.session.commit()
    guest = Browser(app.test_client())
    first = guest.get("/congress/spring-2027/register").get_data(as_text=True)
    order = [first.index(f'name="{name}"') for name in ("name", "email", "attending_as")]
    assert order == sorted(order) and 'name="slot_1"' not in first and 'name="access"' not in first
    answers = {"name": "Rokeya Khatun", "email": "rokeya@example.org", "attending_as": "resident", "dietary": "Halal"}
    page, headings = "/congress/spring-2027/register", []
    while not page.endswith("/check"):
        headings += re.findall(r'<h1 class="govuk-heading-l">([^<]+)</h1>', guest.get(page).get_data(as_text=True))
        page = guest.submit(page, {**answers, "interpreter": "none"}).headers["Location"]
    assert headings == ["About you", "Workshops", "What you need on the day", "Staying in touch"]
    check = guest.get(page).get_data(as_text=True)
    assert "Check your answers" in check and "Rokeya Khatun" in check and "Halal" in check
    assert 'href="/congress/spring-2027/register/needs?return=check"' in check
    with app.app_context():  # nothing is stored before Register
        assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_the_sign_up_keeps_what_was_typed_going_back_and_changing_from_the_check_page(app, new_browser):
    browser = amina_signed_in(app, new_browser, capacity=5)
    register = "/congress/spring-2027/register"
    with app.app_context():
        safer = str(db.session.scalar(db.select(Workshop.id).filter_by(title="Safer streets")))
    browser.submit(register, {"attending_as": "other"})
    browser.submit(f"{register}/workshops", {"slot_1": safer})
    needs = browser.get(f"{register}/needs").get_data(as_text=True)
    assert f'href="{register}/workshops" class="govuk-back-link"' in needs
    assert re.search(f'value="{safer}"[^>]*checked', browser.get(f"{register}/workshops").get_data(as_text=True))
    assert re.search('value="other"[^>]*checked', browser.get(register).get_data(as_text=True))
    browser.submit(f"{register}/needs", {"interpreter": "none", "dietary": "Vegan", "access": ["bsl"]})
    assert browser.submit(f"{register}/staying-in-touch", {"consent": "y"}).headers["Location"] == f"{register}/check"
    changed = browser.submit(f"{register}/needs?return=check", {"interpreter": "sylheti", "dietary": "Halal"})
    assert changed.headers["Location"] == f"{register}/check"  # straight back to the check page
    check = browser.get(f"{register}/check").get_data(as_text=True)
    assert "Sylheti" in check and "Halal" in check and "Safer streets" in check
    assert "Vegan" not in check and "A British Sign Language interpreter" not in check  # unticked is unticked
    assert browser.submit(f"{register}/check", {}).status_code == 302
    with app.app_context():
        registration = db.session.scalar(db.select(Registration))
        assert registration.attending_as == "other" and registration.consent_to_contact
        assert registration.needs["interpreter"] == "sylheti" and registration.needs["access"] == []
        assert [place.workshop_id for place in registration.places] == [int(safer)]


@pytest.mark.parametrize(
    ("page", "answers", "kept", "error"),
    [
        ("", {"name": "Rokeya Khatun", "email": "not an address"}, 'value="Rokeya Khatun"', "email address"),
        ("/workshops", {"slot_1": "999999", "slot_2": "x"}, 'name="slot_1"', "the options given"),
        ("/needs", {"interpreter": "other", "dietary": "Vegan"}, 'value="Vegan"', "Say which language"),
        ("/staying-in-touch", {"priorities": ["99"], "consent": "y"}, "checked", "the options given"),
    ],
)
def test_each_sign_up_page_refuses_its_own_bad_answers_keeping_what_was_typed(app, page, answers, kept, error):
    with app.app_context():
        make_congress(capacity=5)
        db.session.commit()
    guest = Browser(app.test_client())
    response = guest.submit(f"/congress/spring-2027/register{page}", answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in html and error in html
    assert kept in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_the_check_page_sends_back_to_a_page_not_yet_answered(app):
    with app.app_context():
        make_congress(capacity=5)
        db.session.commit()
    guest = app.test_client()
    assert guest.get("/congress/spring-2027/register/check").headers["Location"] == "/congress/spring-2027/register"


def test_another_language_for_an_interpreter_says_which_and_is_required_when_chosen(app, new_browser):
    browser = amina_signed_in(app, new_browser, capacity=5)
    form_page = browser.get("/congress/spring-2027/register/needs").get_data(as_text=True)
    # The box follows the interpreter question.
    assert form_page.index('value="other"') < form_page.index('name="interpreter_other"') < form_page.index('"dietary"')
    answers = {"attending_as": "resident", "interpreter": "other", "dietary": "Vegan"}
    missing = sign_up(browser, "/congress/spring-2027", answers)
    html = missing.get_data(as_text=True)
    assert missing.status_code == 200 and "Say which language you would like an interpreter for" in html
    assert 'value="Vegan"' in html  # what was typed is kept
    done = sign_up(browser, "/congress/spring-2027", {**answers, "interpreter_other": "Tigrinya"})
    assert done.status_code == 302
    with app.app_context():
        needs = db.session.scalar(db.select(Registration.needs))
        assert needs["interpreter"] == "other" and needs["interpreter_other"] == "Tigrinya"
        assert planning.planning(db.session.scalar(db.select(Congress))).answers["interpreter_other"] == [
            ("Tigrinya", 1)
        ]
