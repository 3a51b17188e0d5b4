"""The annual report's lifecycle through its services and the worker's task: start, prepare (with progress), write
the narrative, put to PEG, record approval, publish; and what never changes once published."""

import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from engage.accounts import services as accounts
from engage.audit import services as audit
from engage.cli import DEMO_PASSWORD
from engage.errors import DomainError
from engage.extensions import db
from engage.partnership import services as partnership
from engage.programmes import meetings
from engage.programmes.services import year_label
from engage.proposals import services as proposals
from engage.reports import figures
from engage.reports import services as reports
from engage.reports.models import AnnualReport
from engage.time import utcnow
from worker.tasks import prepare_annual_report, relay_annual_reports

PEG = "partnership-executive-group"
HWB = "health-and-wellbeing-board"


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def peg_person(email: str, role: str):
    person = accounts.register(email.split("@")[0].title(), email, DEMO_PASSWORD, ["works"], "en", verified=True)
    accounts.grant(person, role, PEG)
    return person


class People:
    """The people of a test, looked up in the session at each use: the worker's task ends the session it ran in."""

    EMAILS = {
        "peg_member": "peg.member@example.org",
        "peg_chair": "peg.chair@example.org",
    }

    def __getitem__(self, key: str):
        return accounts.user_by_email(self.EMAILS.get(key, f"{key}@example.org"))


@pytest.fixture
def people(app, demo, ctx):
    peg_person("peg.member@example.org", "board_member")
    peg_person("peg.chair@example.org", "board_chair")
    db.session.commit()
    return People()


def peg_meeting(actor, days: int = 14):
    board = partnership.board_by_slug(PEG)
    day = (utcnow() + timedelta(days=days)).date()
    return meetings.create_meeting(board, actor, day=day, starts=time(10), ends=time(12), place="Town Hall")


def prepared(people, year: int | None = None) -> AnnualReport:
    """A report started and prepared by the worker's task, as the secretariat's commit and the worker leave it."""
    report = reports.start(year or reports.current_year(), people["secretariat"])
    db.session.commit()
    report_id = report.id
    assert prepare_annual_report.run(report_id)
    return db.session.get(AnnualReport, report_id)


def written(report: AnnualReport, people, **words) -> AnnualReport:
    reports.write(
        report,
        people["secretariat"],
        version=report.version,
        foreword=words.get("foreword", "A year of listening."),
        foreword_bn=words.get("foreword_bn", "শোনার একটি বছর।"),
        commentaries=words.get("commentaries", {}),
    )
    db.session.commit()
    return report


def approved(people) -> AnnualReport:
    report = written(prepared(people), people)
    peg_meeting(people["secretariat"])
    reports.put_to_peg(report, people["secretariat"])
    reports.record_approval(report, people["peg_chair"])
    db.session.commit()
    return report


def at_once(app, change, names=("secretariat", "admin")) -> dict[str, str]:
    """Each named person makes `change(actor)` in a session of their own, both at the same moment, and commits: what
    became of each ("done", or the refusal's message)."""
    results, ready = {}, threading.Barrier(len(names))

    def run(name):
        with app.app_context():
            actor = accounts.user_by_email(f"{name}@example.org")
            ready.wait()
            try:
                change(actor)
                db.session.commit()
                results[name] = "done"
            except DomainError as error:
                db.session.rollback()
                results[name] = str(error.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# Starting and preparing ----------------------------------------------------------------------------------------


def test_the_secretariat_starts_a_years_report_as_a_draft_being_prepared(people):
    year = reports.current_year()
    report = reports.start(year, people["secretariat"])
    db.session.commit()
    assert (report.state, report.progress, report.figures, report.label) == ("draft", 0, None, year_label(year))
    assert report.started_by_id == people["secretariat"].id
    assert [e.action for e in audit.trail(report)] == ["start_annual_report"]
    with pytest.raises(DomainError, match="already a report"):
        reports.start(year, people["admin"])
    with pytest.raises(DomainError, match="once its municipal year has begun"):
        reports.start(year + 1, people["secretariat"])


@pytest.mark.parametrize("who", ["chair", "member", "resident", "peg_member", "peg_chair"])
def test_only_the_secretariat_and_admins_start_a_report(people, who):
    with pytest.raises(DomainError, match="Only the secretariat"):
        reports.start(reports.current_year(), people[who])
    assert reports.start(reports.current_year() - 1, people["admin"]).state == "draft"


def test_the_workers_task_stores_the_figures_and_commits_the_progress_as_it_goes(app, people, monkeypatch):
    report = reports.start(reports.current_year(), people["secretariat"])
    db.session.commit()
    report_id, seen = report.id, []
    real = figures.compute

    def watched(year, progress):
        """The real computation; at each step a second connection reads what the secretariat's page would."""

        def told(percent):
            progress(percent)
            with db.engine.connect() as other:
                seen.append(other.scalar(select(AnnualReport.progress).where(AnnualReport.id == report_id)))

        told(40)
        return real(year, progress=told)

    monkeypatch.setattr(figures, "compute", watched)
    assert prepare_annual_report.run(report_id)
    monkeypatch.undo()
    db.session.expire_all()
    report = db.session.get(AnnualReport, report_id)
    assert seen[0] == 40
    assert report.progress is None and report.figures_at is not None
    assert report.figures == figures.compute(report.year) | {"generated_at": report.figures["generated_at"]}
    assert report.version == 1  # preparing never makes an open narrative form out of date


def test_two_people_starting_the_same_year_at_once_make_one_report(app, people):
    results = at_once(app, lambda actor: reports.start(reports.current_year(), actor))
    assert sorted(results.values()) == [f"There is already a report for {year_label(reports.current_year())}", "done"]
    assert db.session.scalar(select(func.count(AnnualReport.id))) == 1


def test_preparing_again_starts_from_nothing_and_a_missing_report_is_no_work(people):
    report = prepared(people)
    reports.refresh(report, people["secretariat"])
    db.session.commit()
    assert report.progress == 0 and report.figures is not None  # the old figures stay until the new are ready
    report_id = report.id
    assert prepare_annual_report.run(report_id)
    assert db.session.get(AnnualReport, report_id).progress is None
    assert prepare_annual_report.run(2**31 - 1) is False


def test_a_report_is_handed_to_the_worker_after_the_commit_through_the_broker(app, people):
    report = reports.start(reports.current_year(), people["secretariat"])
    db.session.commit()
    assert reports.hand_over(report.id)  # the embedded broker (a folder) takes it


def test_a_preparation_that_stalls_is_handed_to_the_worker_again_by_the_relay(app, people):
    report = reports.start(reports.current_year(), people["secretariat"])
    db.session.commit()
    report_id = report.id
    assert relay_annual_reports.run() == 0  # just handed over: not stuck
    long_ago = utcnow() - timedelta(seconds=reports.STUCK_SECONDS + 60)
    db.session.execute(db.update(AnnualReport).where(AnnualReport.id == report_id).values(updated_at=long_ago))
    db.session.commit()
    assert relay_annual_reports.run() == 1
    assert relay_annual_reports.run() == 0  # once each STUCK_SECONDS, not at every run
    prepare_annual_report.run(report_id)
    db.session.execute(db.update(AnnualReport).where(AnnualReport.id == report_id).values(updated_at=long_ago))
    db.session.commit()
    assert relay_annual_reports.run() == 0  # prepared: nothing to hand over


# The narrative -------------------------------------------------------------------------------------------------


def test_the_narrative_is_saved_in_both_languages_with_a_commentary_per_call_to_action(people):
    report = prepared(people)
    calls = list(proposals.current_calls_to_action().values())
    written(
        report,
        people,
        commentaries={calls[0].id: ("Homes first.", "প্রথমে ঘর।"), calls[1].id: ("", "")},
    )
    assert (report.foreword, report.foreword_bn) == ("A year of listening.", "শোনার একটি বছর।")
    assert {c.priority_id: (c.text, c.text_bn) for c in report.commentaries} == {
        calls[0].id: ("Homes first.", "প্রথমে ঘর।")
    }
    assert audit.trail(report)[-1].action == "write_annual_report"


def test_a_stale_edit_is_refused_and_the_first_is_kept(people):
    report = prepared(people)
    opened = report.version
    written(report, people, foreword="First, saved.")
    with pytest.raises(DomainError, match="Someone else changed this report"):
        reports.write(
            report, people["admin"], version=opened, foreword="Second, stale.", foreword_bn="", commentaries={}
        )
    db.session.rollback()
    assert db.session.get(AnnualReport, report.id).foreword == "First, saved."


def test_a_commentary_alone_moves_the_version_on(people):
    report = prepared(people)
    call = next(iter(proposals.current_calls_to_action().values()))
    before = report.version
    written(report, people, foreword="", foreword_bn="", commentaries={call.id: ("Only this.", "")})
    assert report.version == before + 1


def test_two_editors_at_once_the_later_save_is_refused(app, people):
    """Both loaded the same version; the second to write loses (the version column in the UPDATE)."""
    report = prepared(people)
    report_id, version = report.id, report.version
    db.session.remove()

    def edit(actor):
        found = db.session.get(AnnualReport, report_id)
        reports.write(found, actor, version=version, foreword=actor.email, foreword_bn="", commentaries={})

    results = at_once(app, edit)
    assert sorted(results.values()) == [str(reports.CHANGED), "done"]
    winner = next(name for name, result in results.items() if result == "done")
    assert db.session.get(AnnualReport, report_id).foreword == f"{winner}@example.org"


def test_the_narrative_has_length_limits(people):
    report = prepared(people)
    with pytest.raises(DomainError, match="10000 characters or fewer") as refused:
        reports.write(
            report,
            people["secretariat"],
            version=report.version,
            foreword="x" * 10_001,
            foreword_bn="",
            commentaries={},
        )
    assert refused.value.field == "foreword"
    call = next(iter(proposals.current_calls_to_action().values()))
    with pytest.raises(DomainError, match="5000 characters or fewer") as refused:
        reports.write(
            report,
            people["secretariat"],
            version=report.version,
            foreword="",
            foreword_bn="",
            commentaries={call.id: ("", "y" * 5001)},
        )
    assert refused.value.field == f"commentary_{call.id}_bn"


def test_changing_the_words_after_approval_sends_the_report_back_to_draft(people):
    report = approved(people)
    item_id = report.agenda_item_id
    written(report, people, foreword="A changed foreword.")
    assert (report.state, report.approved_at, report.approved_by_id) == ("draft", None, None)
    with pytest.raises(DomainError, match="Only a report PEG has approved"):
        reports.publish(report, people["secretariat"])
    reports.put_to_peg(report, people["secretariat"])  # the same meeting: the same item, not a second one
    assert report.agenda_item_id == item_id
    assert len([i for i in report.agenda_item.meeting.agenda if i.dropped_at is None]) == 1


def test_saving_the_same_words_after_approval_changes_nothing(people):
    report = approved(people)
    assert not reports.write(
        report,
        people["secretariat"],
        version=report.version,
        foreword=report.foreword,
        foreword_bn=report.foreword_bn,
        commentaries={},
    )
    assert report.state == "approved"


# PEG ------------------------------------------------------------------------------------------------------------


def test_put_to_peg_adds_an_item_to_pegs_next_meeting_not_cancelled(people):
    report = written(prepared(people), people)
    cancelled = peg_meeting(people["secretariat"], days=7)
    meetings.cancel_meeting(cancelled, people["secretariat"])
    later = peg_meeting(people["secretariat"], days=21)
    reports.put_to_peg(report, people["secretariat"])
    db.session.commit()
    assert report.state == "put_to_peg"
    item = report.agenda_item
    assert item.meeting_id == later.id and item.title == f"Annual report {report.label}: for approval"
    assert f"/secretariat/reports/{report.label}" in item.paper


def test_put_to_peg_without_a_meeting_tells_the_secretariat_to_schedule_one(people):
    report = written(prepared(people), people)
    with pytest.raises(DomainError, match="Schedule a PEG meeting first"):
        reports.put_to_peg(report, people["secretariat"])
    assert report.state == "draft" and report.agenda_item_id is None


def test_put_to_peg_needs_figures_and_the_foreword_in_both_languages(people):
    peg_meeting(people["secretariat"])
    report = reports.start(reports.current_year(), people["secretariat"])
    with pytest.raises(DomainError, match="Wait until the figures are prepared"):
        reports.put_to_peg(report, people["secretariat"])
    db.session.commit()
    report_id = report.id
    prepare_annual_report.run(report_id)
    report = db.session.get(AnnualReport, report_id)
    written(report, people, foreword_bn="")
    with pytest.raises(DomainError, match="in English and in Bengali"):
        reports.put_to_peg(report, people["secretariat"])
    with pytest.raises(DomainError, match="Only the secretariat"):
        reports.put_to_peg(report, people["peg_chair"])


@pytest.mark.parametrize(
    "who, allowed",
    [("secretariat", True), ("admin", True), ("peg_chair", True), ("peg_member", False), ("chair", False)],
)
def test_pegs_approval_is_recorded_by_the_secretariat_or_pegs_chair_once_put_to_peg(people, who, allowed):
    report = written(prepared(people), people)
    with pytest.raises(DomainError, match="Put the report to PEG before"):
        reports.record_approval(report, people["secretariat"])
    peg_meeting(people["secretariat"])
    reports.put_to_peg(report, people["secretariat"])
    if allowed:
        reports.record_approval(report, people[who])
        assert (report.state, report.approved_by_id) == ("approved", people[who].id)
    else:
        with pytest.raises(DomainError, match="PEG's chair"):
            reports.record_approval(report, people[who])


# Publishing and what it freezes ---------------------------------------------------------------------------------


def test_only_an_approved_report_is_published_and_then_it_never_changes(people):
    report = written(prepared(people), people)
    with pytest.raises(DomainError, match="Only a report PEG has approved"):
        reports.publish(report, people["secretariat"])
    peg_meeting(people["secretariat"])
    reports.put_to_peg(report, people["secretariat"])
    reports.record_approval(report, people["peg_chair"])
    with pytest.raises(DomainError, match="Only the secretariat"):
        reports.publish(report, people["peg_chair"])
    reports.publish(report, people["secretariat"])
    db.session.commit()
    assert (report.state, report.published_by_id) == ("published", people["secretariat"].id)
    assert report.published_at is not None
    for change in (
        lambda: reports.refresh(report, people["secretariat"]),
        lambda: reports.write(
            report, people["secretariat"], version=report.version, foreword="x", foreword_bn="", commentaries={}
        ),
        lambda: reports.publish(report, people["secretariat"]),
    ):
        with pytest.raises(DomainError, match="This report is published"):
            change()
    assert [e.action for e in audit.trail(report)][-3:] == [
        "put_annual_report_to_peg",
        "approve_annual_report",
        "publish_annual_report",
    ]


def test_a_later_change_in_the_data_leaves_a_published_reports_figures_as_published(people):
    report = approved(people)
    reports.publish(report, people["secretariat"])
    db.session.commit()
    stored, stored_at = report.figures, report.figures_at
    author = people["resident"]
    proposal = proposals.start_draft(author)
    proposals.edit(proposal, author, title="A later idea", problem="p", idea="i", who_it_helps="w")
    proposals.choose_calls_to_action(proposal, author, [1])
    proposals.place(proposal, author, "")
    proposals.submit(proposal, author)
    db.session.commit()
    # A task queued before publishing that runs only now stores nothing.
    report_id = report.id
    assert prepare_annual_report.run(report_id) is False
    kept = db.session.get(AnnualReport, report_id)
    assert (kept.figures, kept.figures_at, kept.state) == (stored, stored_at, "published")


def test_the_demo_has_last_years_report_published_and_this_years_a_draft(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "and 2 annual reports" in result.output
    assert "and 0 annual reports" in runner.invoke(args=["demo"]).output
    with app.app_context():
        year = reports.current_year()
        last, this = reports.by_year(year - 1), reports.by_year(year)
        assert (last.state, this.state) == ("published", "draft")
        assert last.figures["label"] == year_label(year - 1) and this.figures["label"] == year_label(year)
        assert last.agenda_item.meeting.board.slug == PEG and last.published_at is not None
        assert this.foreword and this.foreword_bn and this.progress is None
        db.session.remove()


def test_without_a_version_the_narrative_is_still_guarded_against_a_save_between_reading_and_writing(app, people):
    """A caller that gives no version (a script, another area) still loses to a save made after it read the report."""
    report = prepared(people)  # read here
    with app.app_context():  # another session saves meanwhile
        other = db.session.get(AnnualReport, report.id)
        reports.write(other, accounts.user_by_email("admin@example.org"), foreword="Saved first.", foreword_bn="")
        db.session.commit()
        db.session.remove()
    with pytest.raises(DomainError, match="Someone else changed this report"):
        reports.write(report, people["secretariat"], foreword="Read before, written after.", foreword_bn="")
    assert db.session.get(AnnualReport, report.id).foreword == "Saved first."


def test_a_report_whose_peg_meeting_is_cancelled_goes_to_pegs_next_meeting(people):
    report = written(prepared(people), people)
    first, later = peg_meeting(people["secretariat"], days=7), peg_meeting(people["secretariat"], days=28)
    reports.put_to_peg(report, people["secretariat"])
    assert report.agenda_item.meeting_id == first.id and reports.on_the_agenda(report)
    with pytest.raises(DomainError, match="already on the agenda"):
        reports.put_to_peg(report, people["secretariat"])
    meetings.cancel_meeting(first, people["secretariat"])
    assert not reports.on_the_agenda(report)
    with pytest.raises(DomainError, match="no longer on a PEG agenda"):
        reports.record_approval(report, people["peg_chair"])
    reports.put_to_peg(report, people["secretariat"])
    assert report.agenda_item.meeting_id == later.id and report.state == "put_to_peg"


def test_a_report_is_never_published_with_words_peg_did_not_approve(app, people):
    """One person changes the words of an approved report while another publishes it: one of them wins."""
    report = approved(people)
    report_id, approved_words = report.id, report.foreword
    db.session.remove()

    def change(actor):
        found = db.session.get(AnnualReport, report_id)
        if actor.email.startswith("admin"):
            reports.write(found, actor, foreword="Words PEG never saw.", foreword_bn="")
        else:
            reports.publish(found, actor)

    results = at_once(app, change)
    assert set(results.values()) in ({"done", str(reports.MOVED_ON)}, {"done", str(reports.CHANGED)})
    kept = db.session.get(AnnualReport, report_id)
    if kept.state == "published":
        assert kept.foreword == approved_words
    else:
        assert (kept.state, kept.foreword) == ("draft", "Words PEG never saw.")
