"""The annual report's figures: a year of known proposals, decisions, items, meetings, escalations, a congress and
answers gives exactly the expected numbers, people's small numbers hidden; a fixed number of queries."""

import json
from datetime import datetime, timedelta

from support import QueryCounter

from engage.accounts.models import User
from engage.congress.models import Congress, Registration, Workshop, WorkshopPlace
from engage.extensions import db
from engage.partnership.models import Board, Plan, Priority, Ward
from engage.programmes.models import Meeting, ProgressUpdate, WorkProgramme, WorkProgrammeItem, item_proposals
from engage.programmes.services import municipal_year, today
from engage.proposals.models import (
    Comment,
    Proposal,
    ProposalPriority,
    ResolutionCheck,
    StatusChange,
    Support,
    workshop_proposals,
)
from engage.reports import figures
from engage.time import utcnow
from engage.triage.models import Escalation

YEAR = 2025  # 1 July 2025 – 30 June 2026
VCS = "voluntary-and-community-sector-partnership-board"  # leads call to action 1
HWB = "health-and-wellbeing-board"  # leads 2
CSP = "community-safety-partnership"  # leads 3
WARD_A, WARD_B, WARD_C = "Bethnal Green East", "Bow East", "Mile End"


def at(day: str | datetime, hour: int = 10) -> datetime:
    """A day at an hour (UTC, as stored); a time given is kept."""
    if isinstance(day, datetime):
        return day
    return datetime.fromisoformat(day) + timedelta(hours=hour)


class Year:
    """Builds rows directly, at known dates (the services stamp the time of now)."""

    def __init__(self):
        self.boards = {board.slug: board for board in db.session.scalars(db.select(Board))}
        plan = db.session.scalar(db.select(Plan).filter_by(current=True))
        self.ctas = {p.number: p for p in db.session.scalars(db.select(Priority).filter_by(plan_id=plan.id))}
        self.wards = {ward.name: ward for ward in db.session.scalars(db.select(Ward))}
        self.people: dict[str, User] = {}
        self.references = 0

    def person(self, name: str, *connections: str) -> User:
        if name in self.people:
            return self.people[name]
        user = User(email=f"{name}@example.org", name=name, password_hash="!", connections=list(connections))
        db.session.add(user)
        db.session.flush()
        self.people[name] = user
        return user

    def proposal(self, author, ctas, ward, source, board, submitted, steps=(), hidden=False) -> Proposal:
        """steps: (status, day, board) after submission, in order."""
        self.references += 1
        proposal = Proposal(
            reference=f"TH-2025-{self.references:05d}",
            author_id=self.people[author].id if author else None,
            title=f"Idea {self.references}",
            ward_id=self.wards[ward].id if ward else None,
            source=source,
            board_id=self.boards[board].id,
            submitted_at=at(submitted),
            hidden_at=at(submitted) + timedelta(days=1) if hidden else None,
            status="submitted",
        )
        db.session.add(proposal)
        db.session.flush()
        for position, number in enumerate(ctas):
            db.session.add(
                ProposalPriority(proposal_id=proposal.id, priority_id=self.ctas[number].id, position=position)
            )
        previous = "draft"
        for status, day, step_board in (("submitted", submitted, board), *steps):
            db.session.add(
                StatusChange(
                    proposal_id=proposal.id,
                    at=at(day),
                    from_status=previous,
                    to_status=status,
                    board_id=self.boards[step_board].id,
                )
            )
            db.session.flush()
            previous = status
        proposal.status = previous
        db.session.flush()
        return proposal


def build_year() -> Year:
    """The fixture year."""
    y = Year()
    y.boards[HWB].acknowledgement_days = 15
    for name, connections in [
        ("u1", ["lives"]),
        ("u2", ["lives", "works"]),
        ("u3", ["works"]),
        ("u4", ["lives"]),
        ("u5", ["studies"]),
        ("u6", ["lives"]),
        ("u7", ["lives"]),
        *[(f"s{n}", ["lives"]) for n in range(1, 11)],
        ("s11", ["works"]),
        ("s12", ["works"]),
    ]:
        y.person(name, *connections)
    p = {}
    review = "under_review"
    # Working days to review: P1 2, P2 6, P3 15, P4 1, P7 10, P8 4 (median 5.0).
    p[1] = y.proposal(
        "u1", [1], WARD_A, "online", VCS, "2025-09-01", [(review, "2025-09-03", VCS), ("accepted", "2025-09-20", VCS)]
    )
    p[2] = y.proposal(
        "u2", [1, 2], WARD_A, "paper", VCS, "2025-09-05", [(review, "2025-09-15", VCS), ("declined", "2025-10-20", VCS)]
    )
    p[3] = y.proposal("u3", [2], WARD_B, "phone", HWB, "2025-10-06", [(review, "2025-10-27", HWB)])
    p[4] = y.proposal(
        "u4",
        [3],
        None,
        "congress",
        CSP,
        "2025-11-03",
        [
            (review, "2025-11-04", CSP),
            ("escalated", "2025-11-05", CSP),
            (review, "2025-11-20", CSP),
            ("escalated", "2025-12-01", CSP),
        ],
    )
    p[5] = y.proposal("u5", [1], WARD_B, "online", VCS, "2025-12-01")
    p[6] = y.proposal("u6", [1], WARD_A, "online", VCS, "2025-12-02", [("withdrawn", "2025-12-03", VCS)])
    p[7] = y.proposal(
        "u7", [2], WARD_C, "online", HWB, "2025-11-10", [(review, "2025-11-24", HWB), ("duplicate", "2025-11-25", HWB)]
    )
    p[8] = y.proposal(
        "u1", [1], WARD_A, "online", CSP, "2026-01-05", [(review, "2026-01-09", VCS), ("referred", "2026-01-12", VCS)]
    )
    p[9] = y.proposal("u2", [1], WARD_A, "online", VCS, "2026-02-02", hidden=True)  # hidden: never counted
    p[10] = y.proposal(
        "u3", [1], WARD_A, "online", VCS, "2024-12-02", [(review, "2024-12-03", VCS), ("accepted", "2025-01-10", VCS)]
    )
    # Supports: s1–s8 on P1, s9–s12 on P3; one after the year, one on the hidden proposal.
    for n in range(1, 13):
        db.session.add(
            Support(
                proposal_id=(p[1] if n <= 8 else p[3]).id, user_id=y.people[f"s{n}"].id, created_at=at("2026-01-20")
            )
        )
    db.session.add(Support(proposal_id=p[3].id, user_id=y.people["u2"].id, created_at=at("2026-07-15")))
    db.session.add(Support(proposal_id=p[9].id, user_id=y.people["u3"].id, created_at=at("2026-02-03")))
    # Comments: u3 on P1, s1 on P3; a hidden one by s2.
    for author, proposal, hidden in [("u3", p[1], None), ("s1", p[3], None), ("s2", p[1], at("2026-01-02"))]:
        db.session.add(
            Comment(
                proposal_id=proposal.id,
                author_id=y.people[author].id,
                body="Yes",
                created_at=at("2026-01-01"),
                hidden_at=hidden,
            )
        )
    # Answers to "did this resolve what you raised?"
    for proposal, answer, answered in [
        (p[1], "yes", "2026-04-01"),
        (p[2], "no", "2026-02-01"),
        (p[10], "partly", "2025-08-01"),
        (p[3], None, None),
        (p[7], "yes", "2026-08-01"),
    ]:
        db.session.add(
            ResolutionCheck(
                proposal_id=proposal.id,
                reason="done",
                due_at=at("2025-07-01"),
                answer=answer,
                answered_at=at(answered) if answered else None,
            )
        )
    build_programmes(y, p)
    build_meetings(y)
    build_escalations(y, p)
    build_congress(y, p)
    db.session.commit()
    return y


def build_programmes(y: Year, p: dict) -> None:
    vcs = WorkProgramme(board_id=y.boards[VCS].id, year=YEAR, published_at=at("2025-06-20"))
    hwb = WorkProgramme(board_id=y.boards[HWB].id, year=YEAR, published_at=at("2025-08-15"))
    csp = WorkProgramme(board_id=y.boards[CSP].id, year=YEAR)  # never published
    before = WorkProgramme(board_id=y.boards[VCS].id, year=YEAR - 1, published_at=at("2024-06-01"))
    db.session.add_all([vcs, hwb, csp, before])
    db.session.flush()
    grants = WorkProgrammeItem(
        programme_id=vcs.id, position=0, title="Community grants", target="20 groups funded", status="on_track"
    )
    fair = WorkProgrammeItem(programme_id=vcs.id, position=1, title="Volunteer fair", target="One fair", status="done")
    walks = WorkProgrammeItem(programme_id=hwb.id, title="Health walks", target="Weekly walks", status="off_track")
    draft = WorkProgrammeItem(programme_id=csp.id, title="Safer streets", status="at_risk")
    old = WorkProgrammeItem(programme_id=before.id, title="Last year's", status="done")
    grants.calls_to_action = [y.ctas[1]]
    fair.calls_to_action = [y.ctas[1], y.ctas[2]]
    walks.calls_to_action = [y.ctas[2]]
    draft.calls_to_action = [y.ctas[3]]
    old.calls_to_action = [y.ctas[1]]
    db.session.add_all([grants, fair, walks, draft, old])
    db.session.flush()
    db.session.add_all(
        [
            ProgressUpdate(item_id=grants.id, status="at_risk", body="Slow start", created_at=at("2025-10-01")),
            ProgressUpdate(item_id=grants.id, status="on_track", body="Back on track", created_at=at("2026-03-01")),
            ProgressUpdate(item_id=walks.id, status="off_track", body="Funding cut", created_at=at("2026-05-01")),
        ]
    )
    db.session.execute(item_proposals.insert().values(item_id=grants.id, proposal_id=p[1].id))


def build_meetings(y: Year) -> None:
    def meeting(board, day, agenda=None, minutes=None, cancelled=None):
        db.session.add(
            Meeting(
                board_id=y.boards[board].id,
                starts_at=at(day, 18),
                ends_at=at(day, 20),
                agenda_published_at=at(agenda) if agenda else None,
                minutes_published_at=at(minutes) if minutes else None,
                cancelled_at=at(cancelled) if cancelled else None,
            )
        )

    meeting(VCS, "2025-09-10", agenda="2025-09-01", minutes="2025-10-08")  # 20 working days: on time
    meeting(VCS, "2025-11-12", agenda="2025-11-01", minutes="2025-12-11")  # 21 working days: late
    meeting(VCS, "2026-02-11", agenda="2026-02-01")  # minutes never
    meeting(VCS, "2026-03-11", agenda="2026-03-01", cancelled="2026-03-05")
    meeting(VCS, "2025-05-14", agenda="2025-05-01", minutes="2025-05-20")  # the year before
    meeting(HWB, "2026-04-01")


def build_escalations(y: Year, p: dict) -> None:
    db.session.add_all(
        [
            Escalation(
                proposal_id=p[4].id,
                board_id=y.boards[CSP].id,
                issue="Dark streets",
                ask="Fund lighting",
                why_not_resolved="No budget",
                raised_at=at("2025-11-05"),
            ),
            Escalation(
                proposal_id=p[2].id,
                board_id=y.boards[HWB].id,
                issue="Gyms",
                ask="Open gyms late",
                why_not_resolved="Council's call",
                raised_at=at("2025-10-01"),
                decision="declined",
                decision_reason="Out of scope",
                decided_at=at("2025-10-20"),
            ),
            Escalation(
                proposal_id=p[10].id,
                board_id=y.boards[VCS].id,
                issue="Old",
                ask="Old ask",
                why_not_resolved="-",
                raised_at=at("2024-12-10"),
            ),
        ]
    )


def build_congress(y: Year, p: dict) -> None:
    def congress(slug, day, state="published"):
        found = Congress(
            slug=slug,
            title=f"Congress {slug}",
            title_bn="কংগ্রেস",
            starts_at=at(day),
            ends_at=at(day, 16),
            venue="Oxford House",
            capacity=100,
            opens_at=at("2025-01-01"),
            closes_at=at(day),
            state=state,
        )
        db.session.add(found)
        db.session.flush()
        return found

    spring = congress("spring-2026", "2026-03-14")
    congress("draft-2026", "2026-04-14", state="draft")
    before = congress("spring-2025", "2025-03-15")
    w1 = Workshop(
        congress_id=spring.id,
        priority_id=y.ctas[1].id,
        title="Volunteering",
        starts_at=at("2026-03-14", 11),
        capacity=20,
    )
    w2 = Workshop(
        congress_id=spring.id, priority_id=y.ctas[2].id, title="Health", starts_at=at("2026-03-14", 11), capacity=20
    )
    db.session.add_all([w1, w2])
    db.session.flush()
    number = 0

    def register(congress_, who, status="confirmed", workshop=None, checked_in=False, email=None):
        nonlocal number
        number += 1
        user = y.people.get(who)
        registration = Registration(
            congress_id=congress_.id,
            user_id=user.id if user else None,
            reference=f"SP26-{number:06d}",
            name=who,
            email=email if email is not None else f"{who}@example.org",
            status=status,
            checked_in_at=at("2026-03-14", 9) if checked_in else None,
        )
        db.session.add(registration)
        db.session.flush()
        if workshop is not None:
            db.session.add(WorkshopPlace(registration_id=registration.id, workshop_id=workshop.id, status="confirmed"))

    for n in range(1, 7):
        register(spring, f"s{n}", workshop=w1 if n <= 4 else w2, checked_in=n <= 3)
    register(spring, "walk-in", email="walkin@example.org", checked_in=True)  # no account
    register(spring, "u7", status="waitlisted")
    register(spring, "u6", status="cancelled")
    register(before, "u1", checked_in=True)  # the year before
    db.session.execute(
        workshop_proposals.insert(),
        [
            {"proposal_id": p[10].id, "workshop_id": w1.id},
            {"proposal_id": p[9].id, "workshop_id": w1.id},  # hidden
            {"proposal_id": p[4].id, "workshop_id": w2.id},
        ],
    )


def outcomes(**counts) -> dict:
    return {key: counts.get(key, 0) for key in figures.OUTCOMES}


def wards(**named) -> list[dict]:
    """Every ward by name (0 unless given), borough-wide last; keys: A, B, C, none."""
    names = {"A": WARD_A, "B": WARD_B, "C": WARD_C}
    given = {names.get(key): value for key, value in named.items()}
    every = sorted(ward.name for ward in db.session.scalars(db.select(Ward)))
    return [(name, given.get(name, 0)) for name in every] + [(None, given.get(None, 0))]


def by_ward(counts: list[dict], key: str) -> list[tuple]:
    return [(row["ward"], row[key]) for row in counts]


def boards_received(counts: list[dict]) -> dict:
    return {row["board"]: row["received"] for row in counts if row["received"]}


def test_the_year_gives_exactly_the_expected_figures(ctx):
    build_year()
    steps = []
    found = figures.compute(YEAR, progress=steps.append)
    assert json.loads(json.dumps(found)) == found  # stored as JSON when published
    assert steps == sorted(steps) and steps[-1] == 100 and len(steps) > 3
    assert (found["year"], found["label"], found["from"], found["to"]) == (2025, "2025-26", "2025-07-01", "2026-06-30")
    assert found["threshold"] == 5

    whole = found["partnership"]
    assert whole["proposals"]["received"] == 8
    assert whole["proposals"]["supports"] == 12
    assert whole["proposals"]["by_source"] == {"online": 5, "paper": 1, "phone": 1, "congress": 1}
    assert by_ward(whole["proposals"]["by_ward"], "received") == wards(A=4, B=2, C=1, none=1)
    assert boards_received(whole["proposals"]["by_board"]) == {VCS: 4, HWB: 2, CSP: 2}
    assert whole["proposals"]["outcomes"] == outcomes(
        accepted=1, declined=1, duplicate=1, referred=1, escalated=1, open=2, withdrawn=1
    )
    assert whole["response"] == {"median_working_days": 5.0, "within_target": 6, "responded": 6}
    assert whole["items_by_status"] == {"not_started": 0, "on_track": 1, "at_risk": 0, "off_track": 1, "done": 1}
    assert whole["resolution"] == {"yes": 1, "partly": 1, "no": 1}
    assert whole["participation"] == {
        "people": 20,
        "by_kind": {"proposed": 7, "supported": 12, "commented": None, "registered": 8, "attended": None},
        "by_connection": {"lives": 15, "works": None, "studies": None, "leisure": 0, "partner": 0},
        "by_ward": [
            {"ward": ward, "people": None if ward in (WARD_A, WARD_B, WARD_C, None) else 0} for ward, _ in wards()
        ],
    }

    ctas = {cta["number"]: cta for cta in found["calls_to_action"]}
    assert list(ctas) == [1, 2, 3, 4, 5]
    one, two, three = ctas[1], ctas[2], ctas[3]
    assert one["proposals"]["received"] == 5 and one["proposals"]["supports"] == 8
    assert one["proposals"]["by_source"] == {"online": 4, "paper": 1, "phone": 0, "congress": 0}
    assert by_ward(one["proposals"]["by_ward"], "received") == wards(A=4, B=1)
    assert boards_received(one["proposals"]["by_board"]) == {VCS: 4, CSP: 1}
    assert one["proposals"]["outcomes"] == outcomes(accepted=1, declined=1, referred=1, open=1, withdrawn=1)
    assert one["response"] == {"median_working_days": 4.0, "within_target": 3, "responded": 3}
    assert one["items_by_status"] == {"not_started": 0, "on_track": 1, "at_risk": 0, "off_track": 0, "done": 1}
    assert one["resolution"] == {"yes": 1, "partly": 1, "no": 1}
    assert one["participation"]["people"] == 13
    # supported is 8, hidden as the partnership's 12 less call to action 2's hidden 4 would give it away
    assert one["participation"]["by_kind"] == {
        "proposed": None,
        "supported": None,
        "commented": None,
        "registered": None,
        "attended": None,
    }
    assert one["participation"]["by_connection"] == {
        "lives": 11,
        "works": None,
        "studies": None,
        "leisure": 0,
        "partner": 0,
    }

    assert two["proposals"]["received"] == 3 and two["proposals"]["supports"] == 4
    assert two["proposals"]["by_source"] == {"online": 1, "paper": 1, "phone": 1, "congress": 0}
    assert boards_received(two["proposals"]["by_board"]) == {VCS: 1, HWB: 2}
    assert two["proposals"]["outcomes"] == outcomes(declined=1, duplicate=1, open=1)
    assert two["response"] == {"median_working_days": 10.0, "within_target": 3, "responded": 3}
    assert two["items_by_status"] == {"not_started": 0, "on_track": 0, "at_risk": 0, "off_track": 1, "done": 1}
    assert two["resolution"] == {"yes": 0, "partly": 0, "no": 1}
    # Three wards of one proposer each: their sum (3) would show each is 1, so the section's people are hidden too;
    # lives (7) is hidden as the section's only other cell beside works (4).
    assert two["participation"]["people"] is None
    assert two["participation"]["by_kind"] == {
        "proposed": None,
        "supported": None,
        "commented": None,
        "registered": None,
        "attended": 0,
    }
    assert two["participation"]["by_connection"] == {
        "lives": None,
        "works": None,
        "studies": 0,
        "leisure": 0,
        "partner": 0,
    }

    assert three["proposals"]["received"] == 1 and three["proposals"]["outcomes"] == outcomes(escalated=1)
    assert three["response"] == {"median_working_days": 1.0, "within_target": 1, "responded": 1}
    assert three["participation"]["people"] is None
    assert ctas[4]["proposals"]["received"] == 0 and ctas[4]["participation"]["people"] == 0
    assert ctas[4]["response"] == {"median_working_days": None, "within_target": 0, "responded": 0}

    boards = {board["slug"]: board for board in found["boards"]}
    assert list(boards) == [b.slug for b in db.session.scalars(db.select(Board).order_by(Board.position))]
    vcs, hwb, csp = boards[VCS], boards[HWB], boards[CSP]
    assert (vcs["received"], vcs["median_working_days"], vcs["within_target"], vcs["responded"]) == (4, 4.0, 3, 3)
    assert (hwb["received"], hwb["median_working_days"], hwb["within_target"], hwb["responded"]) == (2, 12.5, 2, 2)
    assert (csp["received"], csp["median_working_days"], csp["within_target"], csp["responded"]) == (2, 1.0, 1, 1)
    assert hwb["acknowledgement_days"] == 15 and vcs["acknowledgement_days"] == 10
    assert vcs["programme"] == {
        "label": "2025-26",
        "published_on": "2025-06-20",
        "on_time": True,
        "items_by_status": {"not_started": 0, "on_track": 1, "at_risk": 0, "off_track": 0, "done": 1},
        "items": [
            {
                "title": "Community grants",
                "target": "20 groups funded",
                "status": "on_track",
                "calls_to_action": [1],
                "last_update": {"on": "2026-03-01", "status": "on_track", "body": "Back on track"},
                "proposals": [{"reference": "TH-2025-00001", "title": "Idea 1"}],
            },
            {
                "title": "Volunteer fair",
                "target": "One fair",
                "status": "done",
                "calls_to_action": [1, 2],
                "last_update": None,
                "proposals": [],
            },
        ],
    }
    assert (hwb["programme"]["published_on"], hwb["programme"]["on_time"]) == ("2025-08-15", False)
    assert hwb["programme"]["items"][0]["last_update"] == {
        "on": "2026-05-01",
        "status": "off_track",
        "body": "Funding cut",
    }
    assert csp["programme"] == {
        "label": "2025-26",
        "published_on": None,
        "on_time": False,
        "items_by_status": dict.fromkeys(["not_started", "on_track", "at_risk", "off_track", "done"], 0),
        "items": [],
    }
    assert boards["climate-partnership"]["programme"] is None
    assert vcs["meetings"] == {
        "held": 3,
        "agendas_published": 3,
        "minutes_published": 2,
        "minutes_late": 1,
        "minutes_never": 1,
    }
    assert hwb["meetings"] == {
        "held": 1,
        "agendas_published": 0,
        "minutes_published": 0,
        "minutes_late": 0,
        "minutes_never": 1,
    }
    assert csp["meetings"]["held"] == 0

    assert found["escalations"] == [
        {
            "reference": "TH-2025-00002",
            "title": "Idea 2",
            "board": HWB,
            "raised_on": "2025-10-01",
            "ask": "Open gyms late",
            "decision": "declined",
            "decision_reason": "Out of scope",
            "decided_on": "2025-10-20",
        },
        {
            "reference": "TH-2025-00004",
            "title": "Idea 4",
            "board": CSP,
            "raised_on": "2025-11-05",
            "ask": "Fund lighting",
            "decision": None,
            "decision_reason": "",
            "decided_on": None,
        },
    ]
    assert found["congresses"] == [
        {
            "slug": "spring-2026",
            "title": "Congress spring-2026",
            "title_bn": "কংগ্রেস",
            "starts_on": "2026-03-14",
            "venue": "Oxford House",
            "places_taken": 7,
            "attended": None,
            "workshops": [
                {
                    "title": "Volunteering",
                    "title_bn": "",
                    "call_to_action": 1,
                    "ideas": 1,
                    "outcomes": outcomes(accepted=1),
                },
                {"title": "Health", "title_bn": "", "call_to_action": 2, "ideas": 1, "outcomes": outcomes(escalated=1)},
            ],
        },
    ]


def test_an_empty_year_has_zeros_and_no_median(ctx):
    found = figures.compute(YEAR)
    assert found["partnership"]["proposals"]["received"] == 0
    assert found["partnership"]["response"]["median_working_days"] is None
    assert found["partnership"]["participation"]["people"] == 0
    assert found["congresses"] == [] and found["escalations"] == []
    assert all(board["programme"] is None for board in found["boards"])


def more_of_everything(y: Year, when, times: int) -> None:
    """`times` more of each kind of row at `when`: proposals with their steps under each call to action, supports,
    comments, answers, items with updates and proposals, meetings, escalations, a congress with registrations."""
    tag = f"{when:%Y%m%d%H%M}x{y.references}"
    programmes = {}
    for n in range(times):
        for number, board in ((1, VCS), (2, HWB), (3, CSP)):
            name = f"{tag}-{number}-{n}"
            y.person(name, "lives", "works")
            proposal = y.proposal(
                name,
                [number, 4],
                WARD_A if n % 2 else None,
                "online",
                board,
                when,
                [("under_review", when + timedelta(days=1), board), ("accepted", when + timedelta(days=2), board)],
            )
            db.session.add(Support(proposal_id=proposal.id, user_id=y.people[name].id, created_at=when))
            db.session.add(Comment(proposal_id=proposal.id, author_id=y.people[name].id, body="!", created_at=when))
            db.session.add(
                ResolutionCheck(proposal_id=proposal.id, reason="done", due_at=when, answer="yes", answered_at=when)
            )
            db.session.add(
                Escalation(
                    proposal_id=proposal.id,
                    board_id=y.boards[board].id,
                    issue="i",
                    ask="a",
                    why_not_resolved="w",
                    raised_at=when,
                )
            )
            db.session.add(
                Meeting(
                    board_id=y.boards[board].id,
                    starts_at=when,
                    ends_at=when,
                    agenda_published_at=when,
                    minutes_published_at=when + timedelta(days=40),
                )
            )
            year = municipal_year(when.date())
            if board not in programmes:
                programmes[board] = db.session.scalar(
                    db.select(WorkProgramme).filter_by(board_id=y.boards[board].id, year=year)
                )
                if programmes[board] is None:
                    programmes[board] = WorkProgramme(board_id=y.boards[board].id, year=year, published_at=when)
                    db.session.add(programmes[board])
                    db.session.flush()
            item = WorkProgrammeItem(programme_id=programmes[board].id, title=name, status="on_track")
            item.calls_to_action = [y.ctas[number]]
            db.session.add(item)
            db.session.flush()
            db.session.add(ProgressUpdate(item_id=item.id, status="on_track", body="Going", created_at=when))
            db.session.execute(item_proposals.insert().values(item_id=item.id, proposal_id=proposal.id))
        congress = Congress(
            slug=f"c{tag}-{n}",
            title="C",
            starts_at=when,
            ends_at=when,
            capacity=10,
            opens_at=when,
            closes_at=when,
            state="published",
        )
        db.session.add(congress)
        db.session.flush()
        workshop = Workshop(congress_id=congress.id, priority_id=y.ctas[1].id, title="W", starts_at=when, capacity=10)
        db.session.add(workshop)
        db.session.flush()
        registration = Registration(
            congress_id=congress.id,
            reference=f"R{tag}{n}",
            name="R",
            email=f"r{tag}{n}@example.org",
            status="confirmed",
            checked_in_at=when,
        )
        db.session.add(registration)
        db.session.flush()
        db.session.add(WorkshopPlace(registration_id=registration.id, workshop_id=workshop.id, status="confirmed"))
        db.session.execute(workshop_proposals.insert().values(proposal_id=proposal.id, workshop_id=workshop.id))
    db.session.commit()


def queries(run) -> int:
    with QueryCounter(db.engine) as counter:
        run()
    return counter.count


def test_compute_and_live_issue_a_fixed_number_of_queries(ctx):
    y = Year()
    in_the_year, now = at("2026-02-02"), utcnow() - timedelta(minutes=10)
    more_of_everything(y, in_the_year, 1)
    more_of_everything(y, now, 1)
    small = queries(lambda: figures.compute(YEAR)), queries(lambda: figures.live(1))
    more_of_everything(y, in_the_year, 6)
    more_of_everything(y, now, 6)
    assert figures.compute(YEAR)["partnership"]["proposals"]["received"] == 21
    assert figures.live(1)["proposals"]["received"] == 7
    assert (queries(lambda: figures.compute(YEAR)), queries(lambda: figures.live(1))) == small
    assert small[0] <= 20 and small[1] <= 15


def test_a_call_to_action_this_year_so_far(ctx):
    y = build_year()  # a past year: not in this year's figures
    now = utcnow() - timedelta(minutes=10)
    more_of_everything(y, now, 5)
    found = figures.live(1)
    assert (found["number"], found["year"], found["label"]) == (
        1,
        municipal_year(today()),
        figures.year_label(found["year"]),
    )
    assert found["title"] == y.ctas[1].title and found["threshold"] == 5
    assert found["proposals"]["received"] == 5 and found["proposals"]["supports"] == 5
    assert found["proposals"]["outcomes"] == outcomes(accepted=5)
    assert boards_received(found["proposals"]["by_board"]) == {VCS: 5}
    assert found["response"]["responded"] == 5
    assert found["items_by_status"]["on_track"] == 5
    assert found["resolution"] == {"yes": 5, "partly": 0, "no": 0}
    # 5 proposers (each also supported and commented) and 5 registrations without an account, in a workshop on it
    assert found["participation"]["people"] == 10
    assert found["participation"]["by_kind"] == {
        "proposed": 5,
        "supported": 5,
        "commented": 5,
        "registered": 5,
        "attended": 5,
    }
    assert found["participation"]["by_connection"] == {"lives": 5, "works": 5, "studies": 0, "leisure": 0, "partner": 0}
    # Ward A has 2 proposers, borough-wide 3: both hidden
    assert [row["people"] for row in found["participation"]["by_ward"] if row["people"] != 0] == [None, None]
    assert [(b["slug"], b["lead"]) for b in found["boards"]] == [
        ("every-chance-for-every-child-forum", False),
        ("community-safety-partnership", False),
        (VCS, True),
    ]
    assert len(found["items"]) == 5 and {item["board"] for item in found["items"]} == {VCS}
    assert found["items"][0]["last_update"]["body"] == "Going"
    assert "congresses" not in found and "escalations" not in found
    assert figures.live(6) is None and figures.live(0) is None
