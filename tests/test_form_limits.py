"""Every form says what it takes and refuses the rest with a GOV.UK error, keeping what was typed: no text without a
stated limit, no required answer without its own message, and no post without an answer that changes anything."""

import importlib
import inspect
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from test_triage import HEALTH, make_proposal, proposal_of, sign_in
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

import engage
from engage.accounts import services as accounts
from engage.admin.forms import routing_form
from engage.congress import services as congresses
from engage.congress.forms import registration_form
from engage.congress.models import Congress
from engage.congress.staff_forms import ClockField, PlacesField, register_someone_form
from engage.extensions import db
from engage.forms import GovCharacterCount
from engage.notices import services as notices
from engage.notices.forms import preferences_form
from engage.partnership import services as partnership
from engage.partnership.models import Priority
from engage.programmes.models import Meeting
from engage.triage import services as triage
from engage.triage.models import ResponseTemplate

# Parsed into a time or a number: anything else is refused by the parsing, whatever its length.
PARSED = (ClockField, PlacesField)


def _form_classes() -> list[type[FlaskForm]]:
    """Every form class written in a forms module of the application."""
    found = []
    for module in pkgutil.walk_packages(engage.__path__, "engage."):
        if module.name.endswith("forms"):
            imported = importlib.import_module(module.name)
            found += [
                kind
                for kind in vars(imported).values()
                if inspect.isclass(kind) and issubclass(kind, FlaskForm) and kind.__module__ == imported.__name__
            ]
    return found


def _every_form(app) -> list[FlaskForm]:
    """An instance of every form class, and of every form made for its data (routing, sign-ups, preferences)."""
    forms = [kind(meta={"csrf": False}) for kind in _form_classes()]
    slug = db.session.scalars(db.select(Congress.slug)).first()
    programme, congress = congresses.programme(slug), congresses.by_slug(slug)
    resident = accounts.user_by_email("resident@example.org")
    categories = notices.categories_for(resident)
    boards = [SelectChoice(b.slug, b.name) for b in partnership.boards()]
    return [
        *forms,
        routing_form(partnership.current_plan().priorities, boards, "en"),
        registration_form(programme, partnership.structure(), "en", True),
        registration_form(programme, partnership.structure(), "en", False),
        register_someone_form(congress),
        preferences_form(categories, {c.name: notices.choice(resident, c) for c in categories}),
    ]


def _limit(field) -> Length | None:
    return next((v for v in field.validators if isinstance(v, Length) and v.max and v.max > 0), None)


def test_every_text_field_states_its_limit_and_every_required_answer_its_message(app):
    app.test_cli_runner().invoke(args=["demo"])
    problems = []
    with app.test_request_context("/"):
        forms = _every_form(app)
        assert len(forms) > 40
        for form in forms:
            for field in form:
                where = f"{type(form).__name__}.{field.name}"
                required = [v for v in field.validators if isinstance(v, (InputRequired, DataRequired))]
                problems += [f"{where}: required without a message" for v in required if not v.message]
                if not isinstance(field, StringField) or isinstance(field, PARSED) or field.type == "CSRFTokenField":
                    continue
                limit = _limit(field)
                if limit is None:
                    problems.append(f"{where}: no maximum length")
                elif str(limit.max) not in str(limit.message):
                    problems.append(f"{where}: its too-long message does not say {limit.max}")
                elif isinstance(field, TextAreaField) and (
                    not isinstance(field.widget, GovCharacterCount)
                    or field.render_kw["params"].get("maxlength") != limit.max
                ):
                    problems.append(f"{where}: the page does not count down to {limit.max}")
    assert problems == []


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def error_summary(response) -> list[str]:
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html, response.status_code
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)]


def test_an_empty_post_withdraws_nothing_and_asks_for_a_yes(app, demo, new_browser):
    reference = make_proposal(app)
    author = sign_in(new_browser, "resident@example.org")
    page = f"/proposals/{reference}/withdraw"
    assert error_summary(author.submit(page, {})) == ["Select yes if you want to withdraw your proposal"]
    refused = author.submit(page, {"reason": "Done already\x00", "confirm": "maybe"})
    assert error_summary(refused) == ["Choose one of the options given"]
    assert "Done already</textarea>" in refused.get_data(as_text=True)
    too_long = author.submit(page, {"reason": "x" * 1001, "confirm": "yes"})
    assert error_summary(too_long) == ["Use 1000 characters or fewer"]
    assert author.submit(page, {"confirm": "no"}).headers["Location"] == f"/proposals/{reference}"
    assert proposal_of(app, reference).status == "submitted"
    assert author.submit(page, {"reason": "Done already", "confirm": "yes"}).status_code == 302
    assert proposal_of(app, reference).status == "withdrawn"


def test_assigning_needs_an_answer_and_the_pages_version(app, demo, new_browser):
    reference = make_proposal(app)
    chair = sign_in(new_browser, "chair@example.org")
    page = f"/workspace/{HEALTH}/proposals/{reference}/assign"
    with app.app_context():
        chair_id = str(accounts.user_by_email("chair@example.org").id)
    version = str(proposal_of(app, reference).version)
    assert chair.submit(page, {"version": version, "assignee": chair_id}).status_code == 302
    out_of_date = "This page was out of date. Open the proposal again and make your change once more"
    assert error_summary(chair.submit(page, {})) == [out_of_date, "Choose who looks after it, or Nobody"]
    version = str(proposal_of(app, reference).version)
    forged = chair.submit(page, {"version": "9" * 5000, "assignee": "9" * 5000})
    assert error_summary(forged) == [out_of_date, "Choose one of the options given"]
    assert proposal_of(app, reference).assignee_id == int(chair_id)
    assert chair.submit(page, {"version": version, "assignee": "none"}).status_code == 302
    assert proposal_of(app, reference).assignee_id is None


def test_the_boards_wording_is_never_emptied_by_a_post_without_it(app, demo, new_browser):
    chair = sign_in(new_browser, "chair@example.org")
    page = f"/workspace/{HEALTH}/responses/decline"
    assert chair.submit(page, {"english": "No, sorry.", "bengali": "দুঃখিত, না।"}).status_code == 302
    assert error_summary(chair.submit(page, {})) == ["Enter the wording in English", "Enter the wording in Bengali"]
    too_long = chair.submit(page, {"english": "No" + "!" * 2000, "bengali": "দুঃখিত"})
    assert error_summary(too_long) == ["Use 2000 characters or fewer"]
    assert "দুঃখিত</textarea>" in too_long.get_data(as_text=True)
    with app.app_context():
        assert sorted(db.session.scalars(db.select(ResponseTemplate.text))) == ["No, sorry.", "দুঃখিত, না।"]
        board = partnership.board_by_slug(HEALTH)
        standard = triage.standard_wording("decline", "en")
    # Saved as it was offered, the standard wording stays the standard (and follows it when it changes).
    assert chair.submit(page, {"english": standard, "bengali": "দুঃখিত, না।"}).status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(ResponseTemplate.text)).all() == ["দুঃখিত, না।"]
        assert triage.response_template(board, "decline", "en") == standard


def test_minutes_are_never_emptied_by_a_post_without_them_and_say_their_limit(app, new_browser):
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        meeting = db.session.scalars(db.select(Meeting).where(Meeting.board.has(slug=HEALTH))).first()
        url = f"/workspace/{HEALTH}/meetings/{meeting.id}/minutes"
    chair = sign_in(new_browser, "chair@example.org")
    assert "You can enter up to 50000 characters" in chair.get(url).get_data(as_text=True)
    assert chair.submit(url, {"minutes": "Agreed: the plan."}).status_code == 302
    assert error_summary(chair.submit(url, {})) == ["Enter the minutes"]
    too_long = chair.submit(url, {"minutes": "Agreed" + "!" * 50_000})
    assert error_summary(too_long) == ["Use 50000 characters or fewer"]
    assert "Agreed!!!" in too_long.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting.id).minutes == "Agreed: the plan."


def test_the_routing_table_changes_only_with_a_board_for_every_call_to_action(app, demo, new_browser):
    admin = sign_in(new_browser, "admin@example.org")

    def leads():
        with app.app_context():
            plan = partnership.current_plan()
            return {p.number: p.lead_board_id for p in db.session.scalars(db.select(Priority).filter_by(plan=plan))}

    before = leads()
    assert error_summary(admin.submit("/admin/routing", {})) == ["Choose a board"] * len(before)
    forged = admin.submit("/admin/routing", {"call_1": "x" * 10_000})
    assert error_summary(forged)[0] == "Choose one of the options given"
    assert leads() == before
