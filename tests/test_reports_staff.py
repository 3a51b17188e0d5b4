"""The annual report's staff pages: every role against every route, the lifecycle through the pages (with the
progress shown while the figures are prepared), refusals shown as errors, hostile text shown as text, a stale edit
refused with the typed text kept, a board's own figures in its workspace."""

from datetime import time, timedelta
from html import unescape

import pytest
from support import REDIS_URL, Browser, csrf_token
from test_notices import wait_for, worker  # noqa: F401 - worker: a real Celery worker on Redis, as a fixture
from test_query_counts import queries
from test_roles import ROLE_ACCOUNTS, signed_in_as

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.config import broker_settings
from engage.extensions import db
from engage.partnership import services as partnership
from engage.programmes import meetings
from engage.programmes.services import municipal_year, today, year_label
from engage.proposals import services as proposals
from engage.reports import services as reports
from engage.reports.models import AnnualReport
from engage.time import utcnow
from worker.tasks import prepare_annual_report

PEG = "partnership-executive-group"
PEG_PEOPLE = {
    "peg_member": ("peg.member@example.org", "board_member"),
    "peg_chair": ("peg.chair@example.org", "board_chair"),
}
ROLES = ["anonymous", *ROLE_ACCOUNTS, *PEG_PEOPLE]
YEAR = municipal_year(today())
LABEL = year_label(YEAR)
HOSTILE = '<script>alert("x")</script>\x00 <b>bold</b> \u202eevil'


@pytest.fixture
def staff(app):
    """The demo's accounts, a member and a chair of PEG, and PEG's next meeting."""
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0
    with app.app_context():
        for key, (email, role) in PEG_PEOPLE.items():
            person = accounts.register(key.title(), email, DEMO_PASSWORD, ["works"], "en", verified=True)
            accounts.grant(person, role, PEG)
        secretariat = accounts.user_by_email("secretariat@example.org")
        day = (utcnow() + timedelta(days=14)).date()
        meetings.create_meeting(
            partnership.board_by_slug(PEG), secretariat, day=day, starts=time(10), ends=time(12), place="Town Hall"
        )
        db.session.commit()


def as_role(new_browser, role):
    if role in PEG_PEOPLE:
        person = new_browser()
        response = person.submit("/account/sign-in", {"email": PEG_PEOPLE[role][0], "password": DEMO_PASSWORD})
        assert response.status_code == 302
        return person
    return signed_in_as(new_browser, role)


def report_in(app, state: str = "draft", prepared: bool = True) -> int:
    """This year's report, taken through the services to `state`."""
    with app.app_context():
        secretariat = accounts.user_by_email("secretariat@example.org")
        report = reports.start(YEAR, secretariat)
        db.session.commit()
        report_id = report.id
        if prepared:
            prepare_annual_report.run(report_id)
        report = db.session.get(AnnualReport, report_id)
        if state != "draft":
            secretariat = accounts.user_by_email("secretariat@example.org")
            reports.write(
                report, secretariat, version=report.version, foreword="Hello.", foreword_bn="নমস্কার।", commentaries={}
            )
            reports.put_to_peg(report, secretariat)
        if state in ("approved", "published"):
            reports.record_approval(report, secretariat)
        if state == "published":
            reports.publish(report, secretariat)
        db.session.commit()
        db.session.remove()
        return report_id


def state_of(app, report_id: int) -> str:
    with app.app_context():
        found = db.session.get(AnnualReport, report_id)
        state = found.state if found else None
        db.session.remove()
        return state


def expected(role: str, allowed: set[str]) -> int:
    return 302 if role == "anonymous" else 200 if role in allowed else 403


RUNS = {"secretariat", "admin"}
READS = RUNS | set(PEG_PEOPLE)


# Every role against every route ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_list_and_a_draft(app, staff, new_browser, role):
    report_in(app)
    person = as_role(new_browser, role)
    for page in ("/secretariat/reports/", f"/secretariat/reports/{LABEL}"):
        response = person.get(page)
        assert response.status_code == expected(role, READS), page
        if role in PEG_PEOPLE:
            assert "You can read" in response.get_data(as_text=True)
            assert "Write the narrative" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", ["narrative", "refresh", "put-to-peg", "publish", "approval"])
def test_who_may_open_each_step_of_a_draft(app, staff, new_browser, role, step):
    report_in(app)
    allowed = RUNS | ({"peg_chair"} if step == "approval" else set())
    assert as_role(new_browser, role).get(f"/secretariat/reports/{LABEL}/{step}").status_code == expected(role, allowed)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_start_a_report(app, staff, new_browser, role):
    person = as_role(new_browser, role)
    assert person.get(f"/secretariat/reports/{LABEL}/start").status_code == expected(role, RUNS)
    token = csrf_token(person.get("/account/sign-out").get_data(as_text=True)) if role != "anonymous" else "x"
    response = person.client.post(f"/secretariat/reports/{LABEL}/start", data={"csrf_token": token})
    assert response.status_code == {"anonymous": 400, **dict.fromkeys(RUNS, 302)}.get(role, 403)
    with app.app_context():
        assert (reports.by_year(YEAR) is not None) == (role in RUNS)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in RUNS and r != "anonymous"])
@pytest.mark.parametrize(
    "state, step",
    [
        ("draft", "put-to-peg"),
        ("put_to_peg", "approval"),
        ("approved", "publish"),
        ("draft", "refresh"),
        ("draft", "narrative"),
    ],
)
def test_a_step_posted_by_someone_not_allowed_changes_nothing(app, staff, new_browser, role, state, step):
    report_id = report_in(app, state)
    person = as_role(new_browser, role)
    token = csrf_token(person.get("/account/sign-out").get_data(as_text=True))
    response = person.client.post(f"/secretariat/reports/{LABEL}/{step}", data={"csrf_token": token})
    if role == "peg_chair" and step == "approval":
        assert response.status_code == 302 and state_of(app, report_id) == "approved"
    else:
        assert response.status_code == 403 and state_of(app, report_id) == state


@pytest.mark.parametrize("role", ROLES)
def test_a_boards_figures_are_for_the_board_and_the_secretariat(app, staff, new_browser, role):
    report_in(app)
    own = {"board_member", "board_chair", "secretariat", "admin"}  # the demo's member and chair sit on this board
    page = "/workspace/health-and-wellbeing-board/annual-report"
    assert as_role(new_browser, role).get(page).status_code == expected(role, own)


def test_a_year_without_a_report_or_not_a_year_is_not_found(app, staff, new_browser):
    secretariat = as_role(new_browser, "secretariat")
    assert secretariat.get(f"/secretariat/reports/{LABEL}").status_code == 404
    assert secretariat.get("/secretariat/reports/2026-28").status_code == 404
    assert secretariat.get("/secretariat/reports/next-year").status_code == 404


# The lifecycle through the pages -------------------------------------------------------------------------------


def test_the_secretariat_takes_a_report_from_start_to_published(app, staff, new_browser):
    secretariat = as_role(new_browser, "secretariat")
    listed = unescape(secretariat.get("/secretariat/reports/").get_data(as_text=True))
    assert LABEL in listed and "Not started" in listed
    response = secretariat.submit(f"/secretariat/reports/{LABEL}/start", {})
    assert response.headers["Location"] == f"/secretariat/reports/{LABEL}"
    page = unescape(secretariat.get(f"/secretariat/reports/{LABEL}").get_data(as_text=True))
    assert "The report is started" in page
    assert "Being prepared (0%)" in page and "Look again" in page
    assert "Put the report to PEG" not in page  # not before the figures are ready
    with app.app_context():
        report_id = reports.by_year(YEAR).id
        db.session.execute(db.update(AnnualReport).where(AnnualReport.id == report_id).values(progress=40))
        db.session.commit()
    assert "Being prepared (40%)" in unescape(secretariat.get(f"/secretariat/reports/{LABEL}").get_data(as_text=True))
    with app.app_context():
        prepare_annual_report.run(report_id)
    page = unescape(secretariat.get(f"/secretariat/reports/{LABEL}").get_data(as_text=True))
    assert "Being prepared" not in page and "Prepared on" in page

    calls = list_calls(app)
    words = {"foreword": "A year of listening.", "foreword_bn": "শোনার একটি বছর।"}
    words |= {f"commentary_{calls[0]}": "Homes first.", f"commentary_{calls[0]}_bn": "প্রথমে ঘর।"}
    assert write(secretariat, words).status_code == 302
    page = unescape(secretariat.get(f"/secretariat/reports/{LABEL}").get_data(as_text=True))
    assert "The narrative is saved" in page
    assert "A year of listening." in secretariat.get(f"/secretariat/reports/{LABEL}/narrative").get_data(as_text=True)

    for step, done, state in (
        ("put-to-peg", "on the agenda of PEG's next meeting", "With PEG"),
        ("approval", "PEG's approval is recorded", "Approved by PEG"),
        ("publish", "The report is published", "Published"),
    ):
        assert secretariat.submit(f"/secretariat/reports/{LABEL}/{step}", {}).status_code == 302
        page = unescape(secretariat.get(f"/secretariat/reports/{LABEL}").get_data(as_text=True))
        assert done in page and state in page, step
    assert "On the agenda of PEG's meeting on" in page and f'href="/reports/{LABEL}"' in page
    assert "Write the narrative" not in page and "Prepare the figures again" not in page
    token = csrf_token(secretariat.get("/account/sign-out").get_data(as_text=True))
    refused = secretariat.client.post(
        f"/secretariat/reports/{LABEL}/narrative", data={**words, "foreword": "Changed.", "csrf_token": token}
    )
    assert refused.headers["Location"] == f"/secretariat/reports/{LABEL}"
    assert "This report is published" in unescape(secretariat.get(refused.headers["Location"]).get_data(as_text=True))
    with app.app_context():
        assert reports.by_year(YEAR).foreword == "A year of listening."


def write(person, words: dict):
    """Post the narrative form as a person does: with the version of the report the form showed."""
    page = f"/secretariat/reports/{LABEL}/narrative"
    return person.submit(page, {"version": version_on(person.get(page).get_data(as_text=True)), **words})


def version_on(html: str) -> str:
    return html.split('name="version" type="hidden" value="')[1].split('"')[0]


def list_calls(app) -> list[int]:
    with app.app_context():
        return [call.id for call in proposals.current_calls_to_action().values()]


def test_put_to_peg_without_a_meeting_says_to_schedule_one_on_the_page(app, staff, new_browser):
    report_id = report_in(app)
    with app.app_context():
        secretariat = accounts.user_by_email("secretariat@example.org")
        for meeting in meetings.all_meetings(partnership.board_by_slug(PEG)):
            meetings.cancel_meeting(meeting, secretariat)
        report = db.session.get(AnnualReport, report_id)
        reports.write(report, secretariat, version=report.version, foreword="Hi.", foreword_bn="হাই।", commentaries={})
        db.session.commit()
    response = as_role(new_browser, "secretariat").submit(f"/secretariat/reports/{LABEL}/put-to-peg", {})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "There is a problem" in page
    assert "Schedule a PEG meeting first" in page and 'href="#submit"' in page
    assert state_of(app, report_id) == "draft"


def test_the_narrative_form_offers_every_call_to_action_in_both_languages(app, staff, new_browser):
    report_in(app)
    page = as_role(new_browser, "secretariat").get(f"/secretariat/reports/{LABEL}/narrative").get_data(as_text=True)
    calls = list_calls(app)
    assert len(calls) == 5
    for call in calls:
        assert f'name="commentary_{call}"' in page
        assert f'name="commentary_{call}_bn"' in page
    assert page.count('lang="bn"') >= 6 + page.count('hreflang="bn"')  # every Bengali box, beside the language link


def test_hostile_text_in_the_narrative_is_shown_as_text(app, staff, new_browser):
    report_in(app)
    secretariat = as_role(new_browser, "secretariat")
    words = {"foreword": HOSTILE, "foreword_bn": HOSTILE}
    assert write(secretariat, words).status_code == 302
    for page in (f"/secretariat/reports/{LABEL}", f"/secretariat/reports/{LABEL}/narrative"):
        html = secretariat.get(page).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(" in html  # the form gives it back as text
    with app.app_context():
        assert "\x00" not in reports.by_year(YEAR).foreword


def test_too_long_a_foreword_is_refused_on_its_field_and_kept(app, staff, new_browser):
    report_in(app)
    response = write(as_role(new_browser, "secretariat"), {"foreword": "x" * 10_001, "foreword_bn": "কিছু"})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Use 10000 characters or fewer" in page and 'href="#foreword"' in page
    assert "কিছু" in page
    with app.app_context():
        assert reports.by_year(YEAR).foreword == ""


def test_a_stale_edit_is_refused_with_the_typed_text_kept(app, staff, new_browser):
    report_in(app)
    first, second = as_role(new_browser, "secretariat"), as_role(new_browser, "admin")
    page = f"/secretariat/reports/{LABEL}/narrative"
    opened = second.get(page).get_data(as_text=True)
    assert write(first, {"foreword": "The first editor's words."}).status_code == 302
    token, version = csrf_token(opened), version_on(opened)
    response = second.client.post(
        page, data={"csrf_token": token, "version": version, "foreword": "The second editor's words."}
    )
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Someone else changed this report" in html
    assert "The second editor's words." in html
    with app.app_context():
        assert reports.by_year(YEAR).foreword == "The first editor's words."


def test_changing_the_words_after_approval_is_warned_and_needs_approval_again(app, staff, new_browser):
    report_id = report_in(app, "approved")
    secretariat = as_role(new_browser, "secretariat")
    form = unescape(secretariat.get(f"/secretariat/reports/{LABEL}/narrative").get_data(as_text=True))
    assert "it goes back to draft" in form
    write(secretariat, {"foreword": "New words.", "foreword_bn": "নতুন।"})
    assert state_of(app, report_id) == "draft"
    refused = secretariat.submit(f"/secretariat/reports/{LABEL}/publish", {})
    assert "Only a report PEG has approved can be published" in unescape(refused.get_data(as_text=True))


def test_a_board_sees_its_own_figures_from_the_latest_report_with_figures(app, staff, new_browser):
    member = as_role(new_browser, "board_member")
    page = "/workspace/health-and-wellbeing-board/annual-report"
    assert "No annual report has its figures yet" in member.get(page).get_data(as_text=True)
    report_in(app)
    html = unescape(member.get(page).get_data(as_text=True))
    assert f"the annual report for {LABEL} (Draft)" in html
    assert 'aria-current="page"' in html and "Annual report figures" in html


def test_the_secretariat_finds_annual_reports_in_the_menu_and_peg_in_its_workspace(app, staff, new_browser):
    home = as_role(new_browser, "secretariat").get("/").get_data(as_text=True)
    assert 'href="/secretariat/reports/"' in home
    assert 'href="/secretariat/reports/"' not in as_role(new_browser, "board_member").get("/").get_data(as_text=True)
    workspace = as_role(new_browser, "peg_member").get(f"/workspace/{PEG}/").get_data(as_text=True)
    assert 'href="/secretariat/reports/"' in workspace


def test_the_pages_issue_a_fixed_number_of_queries(app, staff, new_browser):
    secretariat = as_role(new_browser, "secretariat")
    report_in(app)
    counts = [
        queries(app, secretariat.client, page) for page in (f"/secretariat/reports/{LABEL}", "/secretariat/reports/")
    ]
    with app.app_context():
        for year in range(YEAR - 8, YEAR):
            reports.start(year, accounts.user_by_email("secretariat@example.org"))
        db.session.commit()
    assert [
        queries(app, secretariat.client, page) for page in (f"/secretariat/reports/{LABEL}", "/secretariat/reports/")
    ] == counts


def test_a_bengali_page_is_in_bengali(app, staff, new_browser):
    report_in(app)
    secretariat = as_role(new_browser, "secretariat")
    html = secretariat.get(f"/secretariat/reports/{LABEL}?lang=bn").get_data(as_text=True)
    assert '<html lang="bn"' in html and "Annual report" not in html.split("<main")[1]


@pytest.mark.redis
@pytest.mark.usefixtures("worker")
def test_a_report_started_on_the_page_is_prepared_by_a_real_worker_after_the_commit(app, app_with, staff):
    web = app_with(CELERY=broker_settings(REDIS_URL))
    secretariat = Browser(web.test_client())
    secretariat.submit("/account/sign-in", {"email": "secretariat@example.org", "password": DEMO_PASSWORD})
    assert secretariat.submit(f"/secretariat/reports/{LABEL}/start", {}).status_code == 302

    def prepared() -> bool:
        with app.app_context():
            report = reports.by_year(YEAR)
            done = report.progress is None and report.figures is not None
            db.session.remove()
            return done

    assert wait_for(prepared), "the worker did not prepare the report"
    page = unescape(secretariat.get(f"/secretariat/reports/{LABEL}").get_data(as_text=True))
    assert "Prepared on" in page and "Being prepared" not in page


def board_entry(slug: str, received: int) -> dict:
    """A board's figures as the contract (engage.reports.figures) shapes them."""
    return {
        "slug": slug,
        "name": slug,
        "name_bn": slug,
        "received": received,
        "median_working_days": 3.5,
        "within_target": 7,
        "responded": 10,
        "acknowledgement_days": 5,
        "programme": {
            "label": LABEL,
            "published_on": "2026-06-20",
            "on_time": True,
            "items_by_status": {"not_started": 1, "on_track": 2, "at_risk": 0, "off_track": 0, "done": 4},
            "items": [],
        },
        "meetings": {"held": 4, "agendas_published": 4, "minutes_published": 3, "minutes_late": 1, "minutes_never": 1},
    }


def test_a_board_sees_only_its_own_entry_of_the_figures(app, staff, new_browser):
    report_id = report_in(app)
    with app.app_context():
        report = db.session.get(AnnualReport, report_id)
        boards = [board_entry("health-and-wellbeing-board", 12), board_entry("climate-partnership", 99)]
        report.figures = {**report.figures, "boards": boards}
        db.session.commit()
    html = unescape(as_role(new_browser, "board_chair").get("/workspace/health-and-wellbeing-board/annual-report").text)
    main = html.split("<main")[1].split("</main>")[0]
    assert "Proposals received" in main and ">12<" in main and ">99<" not in main
    assert "3.5" in main and "7 of 10 (target: 5 working days)" in main
    assert "3 (1 late, 1 never)" in main
    assert f"Work programme {LABEL}: items by status" in main


def test_a_report_started_while_the_broker_is_down_is_kept_and_the_page_says_so(app, app_with, staff):
    web = app_with(CELERY=broker_settings("redis://127.0.0.1:1/0"))  # nothing listens there
    secretariat = Browser(web.test_client())
    secretariat.submit("/account/sign-in", {"email": "secretariat@example.org", "password": DEMO_PASSWORD})
    response = secretariat.submit(f"/secretariat/reports/{LABEL}/start", {})
    assert response.status_code == 302
    page = unescape(secretariat.get(response.headers["Location"]).get_data(as_text=True))
    assert "could not be handed to the worker just now" in page and "Being prepared (0%)" in page
    with app.app_context():
        assert reports.by_year(YEAR).progress == 0  # the relay hands it over once the broker is back


def test_when_pegs_meeting_is_cancelled_the_page_offers_to_put_the_report_to_the_next(app, staff, new_browser):
    report_in(app, "put_to_peg")
    secretariat = as_role(new_browser, "secretariat")
    page = unescape(secretariat.get(f"/secretariat/reports/{LABEL}").get_data(as_text=True))
    assert "Record PEG's approval" in page and "Put the report to PEG" not in page
    with app.app_context():
        for meeting in meetings.all_meetings(partnership.board_by_slug(PEG)):
            meetings.cancel_meeting(meeting, accounts.user_by_email("secretariat@example.org"))
        day = (utcnow() + timedelta(days=30)).date()
        later = meetings.create_meeting(
            partnership.board_by_slug(PEG),
            accounts.user_by_email("secretariat@example.org"),
            day=day,
            starts=time(10),
            ends=time(12),
            place="Town Hall",
        )
        db.session.commit()
        later_id = later.id
    page = unescape(secretariat.get(f"/secretariat/reports/{LABEL}").get_data(as_text=True))
    assert "That meeting is cancelled" in page and "Record PEG's approval" not in page
    assert secretariat.submit(f"/secretariat/reports/{LABEL}/put-to-peg", {}).status_code == 302
    with app.app_context():
        assert reports.by_year(YEAR).agenda_item.meeting_id == later_id
