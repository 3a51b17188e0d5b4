"""Boards' meetings: agendas where a member's item is guaranteed its place, attendance with proxies, minutes, the
public pages and the calendar feed."""

from datetime import date, time, timedelta
from html import unescape

import pytest
from support import csrf_token
from test_query_counts import queries as count
from test_roles import ROLES, signed_in_as

from engage.accounts import services as accounts
from engage.audit import services as audit
from engage.cli import DEMO_PASSWORD
from engage.errors import DomainError
from engage.extensions import db
from engage.partnership import services as partnership
from engage.programmes import meetings
from engage.programmes.models import AgendaItem, Meeting
from engage.proposals.models import Proposal
from engage.time import utcnow
from engage.triage.models import Escalation

HWB = "health-and-wellbeing-board"
PEG = "partnership-executive-group"
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


@pytest.fixture
def people(app, demo, ctx):
    """The demo's people, and a second member of the Health and Wellbeing Board."""
    found = {key: accounts.user_by_email(f"{key}@example.org") for key in ("member", "chair", "secretariat", "admin")}
    found["officer"] = accounts.user_by_email("officer@example.org")  # of another board
    other = accounts.register("Other Member", "other@example.org", DEMO_PASSWORD, ["lives"], "en", verified=True)
    accounts.grant(other, "board_member", HWB)
    found["other"] = other
    db.session.commit()
    return found


def soon(days: int = 14) -> date:
    return (utcnow() + timedelta(days=days)).date()


def a_meeting(board_slug: str, actor, days: int = 14, place: str = "Town Hall, Room 1") -> Meeting:
    board = partnership.board_by_slug(board_slug)
    return meetings.create_meeting(board, actor, day=soon(days), starts=time(10), ends=time(12), place=place)


# The guaranteed item rule ------------------------------------------------------------------------------------


def test_a_members_item_is_guaranteed_and_only_its_proposer_can_drop_it(people):
    meeting = a_meeting(HWB, people["chair"])
    item = meetings.submit_item(meeting, people["member"], title="Waiting times at the GP", paper="A paper")
    assert item.guaranteed and item.proposer_id == people["member"].id
    for refused in ("chair", "secretariat", "admin", "other"):
        with pytest.raises(DomainError, match="only its proposer can agree"):
            meetings.drop_item(item, people[refused], "The chair thinks it is done")
        assert item.dropped_at is None
    meetings.drop_item(item, people["member"], "Resolved with the practice before the meeting")
    db.session.commit()
    kept = db.session.get(AgendaItem, item.id)
    assert kept.dropped_at is not None and kept.dropped_by_id == people["member"].id
    assert kept.dropped_reason == "Resolved with the practice before the meeting"
    assert [e.action for e in audit.trail(kept)] == ["add_agenda_item", "drop_agenda_item"]
    assert audit.trail(kept)[-1].detail["reason"] == "Resolved with the practice before the meeting"
    with pytest.raises(DomainError, match="already been taken off"):
        meetings.drop_item(kept, people["member"], "Again")


def test_the_chairs_items_the_chair_officers_and_secretariat_may_drop_but_members_may_not(people):
    meeting = a_meeting(HWB, people["chair"])
    item = meetings.submit_item(meeting, people["secretariat"], title="Minutes of the last meeting")
    assert not item.guaranteed
    with pytest.raises(DomainError, match="Only the board's chair"):
        meetings.drop_item(item, people["member"], "Not needed")
    with pytest.raises(DomainError, match="Say why"):
        meetings.drop_item(item, people["chair"], "  ")
    meetings.drop_item(item, people["chair"], "Taken with the next item")
    assert item.dropped_by_id == people["chair"].id


def test_only_people_who_act_for_the_board_add_items_and_only_before_the_meeting(people):
    meeting = a_meeting(HWB, people["chair"])
    with pytest.raises(DomainError, match="Only the board's chair"):
        meetings.submit_item(meeting, people["officer"], title="Not my board")
    past = a_meeting(HWB, people["chair"], days=-7)
    with pytest.raises(DomainError, match="has not started"):
        meetings.submit_item(past, people["member"], title="Too late")


def test_organising_is_for_the_chair_officers_and_secretariat(people):
    board = partnership.board_by_slug(HWB)
    with pytest.raises(DomainError, match="Only the board's chair"):
        meetings.create_meeting(board, people["member"], day=soon(), starts=time(10), ends=time(11), place="")
    with pytest.raises(DomainError, match="end time must be after"):
        meetings.create_meeting(board, people["chair"], day=soon(), starts=time(10), ends=time(9), place="")
    meeting = a_meeting(HWB, people["secretariat"])
    with pytest.raises(DomainError, match="at least one item"):
        meetings.publish_agenda(meeting, people["chair"])
    meetings.submit_item(meeting, people["chair"], title="Welcome")
    with pytest.raises(DomainError, match="Only the board's chair"):
        meetings.publish_agenda(meeting, people["member"])
    meetings.publish_agenda(meeting, people["chair"])
    assert meeting.agenda_published_at is not None


def test_items_move_up_and_down(people):
    meeting = a_meeting(HWB, people["chair"])
    first, second, third = (meetings.submit_item(meeting, people["chair"], title=t) for t in ("A", "B", "C"))
    meetings.move_item(third, people["chair"], -1)
    meetings.move_item(first, people["chair"], -1)  # already first: nothing moves
    db.session.commit()
    assert [i.title for i in meetings.meeting_of(meeting.board, meeting.id).agenda] == ["A", "C", "B"]


def test_minutes_are_published_once_the_meeting_has_taken_place(people):
    coming = a_meeting(HWB, people["chair"])
    meetings.write_minutes(coming, people["chair"], "Notes")
    with pytest.raises(DomainError, match="once the meeting has taken place"):
        meetings.publish_minutes(coming, people["chair"])
    past = a_meeting(HWB, people["chair"], days=-7)
    with pytest.raises(DomainError, match="Write the minutes"):
        meetings.publish_minutes(past, people["chair"])
    meetings.write_minutes(past, people["chair"], "The board agreed the plan.")
    meetings.publish_minutes(past, people["chair"])
    assert past.minutes_published_at is not None
    assert [e.action for e in audit.trail(past)] == ["create_meeting", "write_minutes", "publish_minutes"]


def test_attendance_with_apologies_and_a_proxy(people):
    meeting = a_meeting(HWB, people["chair"])
    record = meetings.record_attendance(
        meeting, people["chair"], people["member"], "apologies", proxy_name="Jo Bloggs", proxy_role="Deputy Director"
    )
    assert (record.status, record.proxy_name, record.proxy_role) == ("apologies", "Jo Bloggs", "Deputy Director")
    again = meetings.record_attendance(meeting, people["chair"], people["member"], "attending")
    assert again is record and record.proxy_name == "" and len(meeting.attendance) == 1
    with pytest.raises(DomainError, match="Only a member who sends apologies"):
        meetings.record_attendance(
            meeting, people["chair"], people["other"], "attending", proxy_name="X", proxy_role="Y"
        )
    with pytest.raises(DomainError, match="experience and delegated authority"):
        meetings.record_attendance(meeting, people["chair"], people["other"], "apologies", proxy_name="X")
    with pytest.raises(DomainError, match="one of the board's members"):
        meetings.record_attendance(meeting, people["chair"], people["officer"], "attending")
    with pytest.raises(DomainError, match="Only the board's chair"):
        meetings.record_attendance(meeting, people["member"], people["other"], "attending")
    other = people["other"]
    own = meetings.record_attendance(meeting, other, other, "apologies", proxy_name="A", proxy_role="B")
    assert (own.user_id, own.proxy_name) == (people["other"].id, "A")
    assert meetings.attendance_choices(meeting.board, people["other"]) == [people["other"]]
    assert people["member"] in meetings.attendance_choices(meeting.board, people["chair"])


def test_every_change_to_a_meeting_is_audited_with_who_did_it(people):
    meeting = a_meeting(HWB, people["chair"], days=-1)
    meetings.change_meeting(meeting, people["secretariat"], day=soon(-1), starts=time(9), ends=time(10), place="Hall")
    meetings.add_item(meeting, people["chair"], title="Item")
    meetings.publish_agenda(meeting, people["chair"])
    meetings.record_attendance(meeting, people["chair"], people["member"], "attending")
    meetings.write_minutes(meeting, people["chair"], "Minutes")
    meetings.publish_minutes(meeting, people["chair"])
    meetings.cancel_meeting(meeting, people["admin"])
    trail = [(e.action, e.actor_id) for e in audit.trail(meeting)]
    chair, secretariat, admin = (people[k].id for k in ("chair", "secretariat", "admin"))
    assert trail == [
        ("create_meeting", chair),
        ("change_meeting", secretariat),
        ("publish_agenda", chair),
        ("record_attendance", chair),
        ("write_minutes", chair),
        ("publish_minutes", chair),
        ("cancel_meeting", admin),
    ]


def test_a_cancelled_meeting_changes_no_more(people):
    meeting = a_meeting(HWB, people["chair"])
    item = meetings.submit_item(meeting, people["chair"], title="Item")
    meetings.cancel_meeting(meeting, people["chair"])
    for attempt in (
        lambda: meetings.submit_item(meeting, people["member"], title="Late"),
        lambda: meetings.publish_agenda(meeting, people["chair"]),
        lambda: meetings.drop_item(item, people["chair"], "Why"),
        lambda: meetings.cancel_meeting(meeting, people["chair"]),
    ):
        with pytest.raises(DomainError, match="cancelled"):
            attempt()


# Escalations on PEG's agenda ---------------------------------------------------------------------------------


def an_escalation(raiser, number: int, **fields) -> Escalation:
    board = partnership.board_by_slug(HWB)
    proposal = Proposal(reference=f"TH-2026-{number:05d}", title=f"Idea {number}", status="escalated", board=board)
    escalation = Escalation(
        proposal=proposal,
        board=board,
        issue=f"Issue {number}",
        ask=f"Ask {number}",
        why_not_resolved=f"Why {number}",
        raised_by_id=raiser.id,
        **fields,
    )
    db.session.add(escalation)
    db.session.flush()
    return escalation


def test_a_new_peg_meeting_takes_every_pending_escalation_as_a_guaranteed_item(people):
    pending = an_escalation(people["chair"], 1)
    an_escalation(people["chair"], 2, decision="declined")
    elsewhere = an_escalation(people["chair"], 3)
    earlier = a_meeting(PEG, people["secretariat"], days=3)
    assert [i.escalation_id for i in earlier.agenda] == [pending.id, elsewhere.id]
    meetings.drop_item(earlier.agenda[1], people["chair"], "Resolved by the board")
    later = a_meeting(PEG, people["secretariat"], days=30)
    assert later.agenda == []  # on the earlier agenda, or no longer required
    item = earlier.agenda[0]
    assert item.guaranteed and item.proposer_id == people["chair"].id
    assert item.title == "TH-2026-00001: Idea 1"
    assert all(text in item.paper for text in ("Issue 1", "Ask 1", "Why 1", "Health and Wellbeing Board"))
    with pytest.raises(DomainError, match="only its proposer"):
        meetings.drop_item(item, people["secretariat"], "PEG is busy")
    meetings.cancel_meeting(earlier, people["secretariat"])
    assert [i.escalation_id for i in later.agenda] == [pending.id]  # moved to PEG's next meeting


def test_other_boards_meetings_take_no_escalations(people):
    an_escalation(people["chair"], 1)
    assert a_meeting(HWB, people["chair"]).agenda == []
    assert a_meeting(PEG, people["secretariat"], days=-3).agenda == []  # a past meeting recorded afterwards


# Pages -------------------------------------------------------------------------------------------------------


def signed_in(new_browser, email):
    person = new_browser()
    assert person.submit("/account/sign-in", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
    return person


def test_the_chair_runs_a_meeting_through_the_workspace(app, demo, new_browser):
    chair = signed_in(new_browser, "chair@example.org")
    base = f"/workspace/{HWB}/meetings"
    day = soon()
    response = chair.submit(
        f"{base}/new",
        {"date": [day.day, day.month, day.year], "starts": "18:00", "ends": "19:30", "place": HOSTILE},
    )
    assert response.status_code == 302
    url = response.headers["Location"]
    with app.app_context():
        meeting = db.session.scalars(db.select(Meeting)).one()
        assert meeting.place == HOSTILE
    assert chair.submit(f"{url}/items/new", {"title": HOSTILE, "paper": "Paper text"}).status_code == 302
    assert chair.submit(f"{url}/items/new", {"title": "Second", "paper": ""}).status_code == 302
    page = chair.get(url).get_data(as_text=True)
    assert HOSTILE not in page and "&lt;script&gt;" in page and "18:00 – 19:30" in unescape(page)
    with app.app_context():
        second = db.session.scalar(db.select(AgendaItem).filter_by(title="Second"))
        hostile = db.session.scalar(db.select(AgendaItem).filter_by(title=HOSTILE))
    drop_page = chair.get(f"{url}/items/{hostile.id}/drop").text
    assert HOSTILE not in drop_page and "&lt;script&gt;" in drop_page
    chair.submit(f"{url}/items/{second.id}/up", {}, page=url)
    assert chair.submit(f"{url}/publish-agenda", {}, page=url).status_code == 302
    public = app.test_client().get(f"/boards/{HWB}/meetings/{meeting.id}").get_data(as_text=True)
    assert public.index("Second") < public.index("Paper text") and HOSTILE not in public
    assert "Paper text" in public
    board = app.test_client().get(f"/boards/{HWB}").get_data(as_text=True)
    assert f"/boards/{HWB}/meetings/{meeting.id}" in board
    when = {"date": [day.day, day.month, day.year], "starts": "18:30", "ends": "18:00", "place": "Room 2"}
    edit = chair.submit(f"{url}/edit", when)
    assert edit.status_code == 200 and "The end time must be after the start time" in edit.get_data(as_text=True)


def person(email: str):
    return accounts.user_by_email(email)


def test_a_member_submits_an_item_and_withdraws_it_and_the_chair_cannot(app, demo, new_browser):
    with app.app_context():
        meeting_id = a_meeting(HWB, person("chair@example.org")).id
        db.session.commit()
    url = f"/workspace/{HWB}/meetings/{meeting_id}"
    member = signed_in(new_browser, "member@example.org")
    assert "guaranteed its place" in member.get(f"{url}/items/new").text
    assert member.submit(f"{url}/items/new", {"title": "Mental health services", "paper": ""}).status_code == 302
    with app.app_context():
        item_id = db.session.scalar(db.select(AgendaItem.id).filter_by(title="Mental health services"))
    chair = signed_in(new_browser, "chair@example.org")
    refused = chair.submit(f"{url}/items/{item_id}/drop", {"reason": "Out of time"})
    assert refused.status_code == 200 and "only its proposer can agree" in refused.text
    assert member.submit(f"{url}/items/{item_id}/drop", {"reason": "Answered by email"}).status_code == 302
    page = chair.get(url).text
    assert "Withdrawn by its proposer" in page and "Answered by email" in page
    assert member.get(f"{url}/edit").status_code == 403
    with app.app_context():
        meetings.submit_item(db.session.get(Meeting, meeting_id), person("chair@example.org"), title="Welcome")
        meetings.publish_agenda(db.session.get(Meeting, meeting_id), person("chair@example.org"))
        db.session.commit()
    assert "Mental health services" not in app.test_client().get(f"/boards/{HWB}/meetings/{meeting_id}").text


def test_a_member_sends_their_own_apologies_and_names_only_themselves(app, demo, new_browser):
    with app.app_context():
        meeting_id = a_meeting(HWB, person("chair@example.org")).id
        member_id, chair_id = person("member@example.org").id, person("chair@example.org").id
        db.session.commit()
    url = f"/workspace/{HWB}/meetings/{meeting_id}/attendance"
    member = signed_in(new_browser, "member@example.org")
    form = member.get(url).text
    assert "Ayesha Khan" in form and "David Levy" not in form
    forged = member.submit(url, {"person": str(chair_id), "status": "apologies"})
    assert forged.status_code == 200 and "There is a problem" in forged.text
    sent = {"person": str(member_id), "status": "apologies", "proxy_name": "Jo Bloggs", "proxy_role": "Deputy"}
    assert member.submit(url, sent).status_code == 302
    with app.app_context():
        assert [(a.user_id, a.proxy_name) for a in db.session.get(Meeting, meeting_id).attendance] == [
            (member_id, "Jo Bloggs")
        ]
        assert [e.action for e in audit.trail(db.session.get(Meeting, meeting_id))][-1] == "record_attendance"


def test_minutes_and_attendance_through_the_workspace_and_on_the_public_page(app, demo, new_browser):
    with app.app_context():
        meeting_id = a_meeting(HWB, person("chair@example.org"), days=-2).id
        member_id = person("member@example.org").id
        db.session.commit()
    url = f"/workspace/{HWB}/meetings/{meeting_id}"
    chair = signed_in(new_browser, "chair@example.org")
    record = {"person": str(member_id), "status": "apologies", "proxy_name": HOSTILE, "proxy_role": "Deputy"}
    assert chair.submit(f"{url}/attendance", record).status_code == 302
    assert chair.submit(f"{url}/minutes", {"minutes": "Agreed: " + HOSTILE}).status_code == 302
    public = f"/boards/{HWB}/meetings/{meeting_id}"
    assert "Agreed" not in app.test_client().get(public).text
    assert chair.submit(f"{url}/publish-minutes", {}, page=url).status_code == 302
    text = app.test_client().get(public).text
    assert "Agreed: &lt;script&gt;" in text and "Ayesha Khan" in text and "Sent apologies" in text
    assert HOSTILE not in text


def test_the_calendar_feed_lists_the_boards_meetings_and_marks_cancelled_ones(app, people):
    kept = a_meeting(HWB, people["chair"], place="Room 1, Town Hall; Whitechapel")
    gone = a_meeting(HWB, people["chair"], days=21)
    meetings.cancel_meeting(gone, people["chair"])
    a_meeting(PEG, people["secretariat"])
    db.session.commit()
    response = app.test_client().get(f"/boards/{HWB}/meetings.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = parse_calendar(response.get_data(as_text=True))
    assert [e["UID"] for e in events] == [f"meeting-{kept.id}@engage.test", f"meeting-{gone.id}@engage.test"]
    assert events[0]["LOCATION"] == "Room 1\\, Town Hall\\; Whitechapel" and "STATUS" not in events[0]
    assert events[1]["STATUS"] == "CANCELLED"
    assert events[0]["DTSTART"] == f"{kept.starts_at:%Y%m%dT%H%M%S}Z"
    assert events[0]["URL"] == f"http://engage.test/boards/{HWB}/meetings/{kept.id}"
    assert app.test_client().get("/boards/no-such-board/meetings.ics").status_code == 404


def parse_calendar(text: str) -> list[dict]:
    """The events of an iCalendar text: lines unfolded, each event's properties by name."""
    assert text.endswith("\r\n")
    lines = text.replace("\r\n ", "").split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    events, current = [], None
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return events


def test_unknown_meetings_and_items_are_not_found(app, demo, new_browser):
    with app.app_context():
        meeting_id = a_meeting(PEG, person("secretariat@example.org")).id
        db.session.commit()
    secretariat = signed_in(new_browser, "secretariat@example.org")
    assert secretariat.get(f"/workspace/{HWB}/meetings/{meeting_id}").status_code == 404  # another board's
    assert secretariat.get(f"/workspace/{PEG}/meetings/{meeting_id}/items/999/drop").status_code == 404
    assert app.test_client().get(f"/boards/{HWB}/meetings/{meeting_id}").status_code == 404


# Query counts ------------------------------------------------------------------------------------------------


def add_meetings(chair, how_many: int) -> None:
    for number in range(how_many):
        meeting = a_meeting(HWB, chair, days=number - how_many // 2)
        for item in range(3):
            meetings.add_item(meeting, chair, title=f"Item {item}", paper="Paper")
        meetings.record_attendance(meeting, chair, chair, "attending")
        meetings.record_attendance(
            meeting, chair, accounts.user_by_email("member@example.org"), "apologies", proxy_name="P", proxy_role="R"
        )
        meeting.agenda_published_at = utcnow()
    db.session.commit()


@pytest.mark.parametrize("page", ["/boards/{board}", "/boards/{board}/meetings.ics", "{workspace}", "{meeting}"])
def test_meeting_pages_cost_the_same_queries_with_few_or_many_meetings(app, demo, new_browser, page):
    chair = signed_in(new_browser, "chair@example.org").client
    with app.app_context():
        add_meetings(person("chair@example.org"), 2)
        first = db.session.scalar(db.select(Meeting.id).order_by(Meeting.id))
    urls = {"board": HWB, "workspace": f"/workspace/{HWB}/meetings/", "meeting": f"/workspace/{HWB}/meetings/{first}"}
    few = count(app, chair, page.format(**urls))
    with app.app_context():
        add_meetings(person("chair@example.org"), 30)
    assert count(app, chair, page.format(**urls)) == few


def test_a_public_meeting_page_costs_the_same_with_one_or_many_items(app, demo):
    def grow(items: int, attendance: list[str]) -> None:
        with app.app_context():
            chair, meeting = person("chair@example.org"), db.session.get(Meeting, meeting_id)
            for number in range(items):
                meetings.add_item(meeting, chair, title=f"Item {number}", paper="Paper")
            for email in attendance:
                meetings.record_attendance(meeting, chair, person(email), "attending")
            db.session.commit()

    with app.app_context():
        meeting = a_meeting(HWB, person("chair@example.org"))
        meeting.agenda_published_at, meeting_id = utcnow(), meeting.id
        db.session.commit()
    url = f"/boards/{HWB}/meetings/{meeting_id}"
    grow(1, ["chair@example.org"])
    few = count(app, app.test_client(), url)
    grow(30, ["member@example.org"])
    assert count(app, app.test_client(), url) == few


def test_flask_demo_gives_every_board_meetings_and_peg_a_members_item_and_a_proxy(app):
    runner = app.test_cli_runner()
    assert "and 16 board meetings" in runner.invoke(args=["demo"]).output
    assert "and 0 board meetings" in runner.invoke(args=["demo"]).output
    with app.app_context():
        peg = meetings.next_meeting(partnership.board_by_slug(PEG))
        member_items = [i for i in peg.agenda if i.guaranteed and i.escalation_id is None]
        assert [i.proposer.name for i in member_items] == ["Nadia Rahman"]
        [escalated] = [i for i in peg.agenda if i.escalation_id is not None]  # the demo's escalated proposal
        assert escalated.guaranteed and escalated.title.startswith("TH-")
        assert [(a.status, a.proxy_name) for a in peg.attendance] == [("apologies", "Imran Hussain")]
        past = meetings.board_meetings(partnership.board_by_slug(HWB)).past
        assert past and past[0].minutes_published_at and past[0].agenda_published_at


# Who may use which page --------------------------------------------------------------------------------------

VIEWERS = {"board_member", "board_chair", "secretariat", "admin"}  # act for the Health and Wellbeing Board
ORGANISERS = {"board_chair", "secretariat", "admin"}
WORKSPACE_PAGES = {
    "": VIEWERS,
    "new": ORGANISERS,
    "{meeting}": VIEWERS,
    "{meeting}/items/new": VIEWERS,
    "{meeting}/items/{item}/drop": VIEWERS,
    "{meeting}/edit": ORGANISERS,
    "{meeting}/cancel": ORGANISERS,
    "{meeting}/minutes": ORGANISERS,
    "{meeting}/attendance": VIEWERS,  # members record their own
}


@pytest.fixture
def hwb_meeting(app, demo) -> dict:
    with app.app_context():
        meeting = a_meeting(HWB, person("chair@example.org"))
        item = meetings.submit_item(meeting, person("chair@example.org"), title="Welcome")
        db.session.commit()
        return {"meeting": meeting.id, "item": item.id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", WORKSPACE_PAGES)
def test_workspace_meeting_pages_by_role(app, hwb_meeting, new_browser, role, page):
    url = f"/workspace/{HWB}/meetings/" + page.format(**hwb_meeting)
    response = signed_in_as(new_browser, role).get(url)
    expected = 302 if role == "anonymous" else 200 if role in WORKSPACE_PAGES[page] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_publish_an_agenda(app, hwb_meeting, new_browser, role):
    person_ = signed_in_as(new_browser, role)
    token = csrf_token(person_.get("/account/sign-out").text) if role != "anonymous" else "x"
    response = person_.client.post(
        f"/workspace/{HWB}/meetings/{hwb_meeting['meeting']}/publish-agenda", data={"csrf_token": token}
    )
    assert response.status_code == {"anonymous": 400}.get(role, 302 if role in VIEWERS else 403)
    with app.app_context():
        published = db.session.get(Meeting, hwb_meeting["meeting"]).agenda_published_at is not None
    assert published == (role in ORGANISERS)


@pytest.mark.parametrize("role", ROLES)
def test_public_meeting_pages_are_for_everyone(app, hwb_meeting, new_browser, role):
    person_ = signed_in_as(new_browser, role)
    for url in (f"/boards/{HWB}", f"/boards/{HWB}/meetings/{hwb_meeting['meeting']}", f"/boards/{HWB}/meetings.ics"):
        assert person_.get(url).status_code == 200


def test_an_officer_organises_their_own_boards_meetings(app, demo, new_browser):
    officer = signed_in_as(new_browser, "board_officer")
    assert officer.get("/workspace/community-safety-partnership/meetings/new").status_code == 200
