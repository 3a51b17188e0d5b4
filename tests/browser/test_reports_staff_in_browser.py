"""The annual report's staff pages in Chromium: the secretariat starts this year's report, watches it being
prepared, writes the narrative (hostile text shown as text), puts it to PEG, records PEG's approval and publishes
it; each page passes axe (the conftest checks each one), the report fits a phone, and reads right in Bengali."""

from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.extensions import db
from engage.partnership import services as partnership
from engage.programmes import meetings
from engage.programmes.services import municipal_year, today, year_label
from engage.reports import services as reports
from engage.time import utcnow
from worker.tasks import prepare_annual_report

pytestmark = pytest.mark.browser

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & <b>bold</b>'
LABEL = year_label(municipal_year(today()))


def heading(page):
    return page.get_by_role("heading", level=1)


def banner(page):
    return page.locator(".govuk-notification-banner")


def fits_the_width(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


@pytest.fixture
def peg_meeting(app, demo):
    with app.app_context():
        day = (utcnow() + timedelta(days=14)).date()
        secretariat = accounts.user_by_email(demo["secretariat"])
        board = partnership.board_by_slug("partnership-executive-group")
        meetings.create_meeting(board, secretariat, day=day, starts=time(10), ends=time(12), place="Town Hall")
        db.session.commit()


def test_the_secretariat_takes_the_years_report_from_start_to_published(
    app, page, phone_page, visit, follow, sign_in_as, demo, peg_meeting, misread
):
    sign_in_as(page, demo["secretariat"])
    follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Annual reports"))
    expect(heading(page)).to_have_text("Annual reports")
    follow(page.get_by_role("link", name=f"Start the report for {LABEL}"))
    expect(heading(page)).to_have_text(f"Start the annual report for {LABEL}")
    follow(page.get_by_role("button", name="Start the report"))
    expect(banner(page)).to_contain_text("The report is started.")
    expect(page.locator(".govuk-inset-text")).to_contain_text("The figures are being prepared (0% done).")
    expect(page.get_by_role("link", name="Put the report to PEG")).to_have_count(0)

    with app.app_context():  # the worker
        prepare_annual_report.run(reports.by_year(municipal_year(today())).id)
    follow(page.get_by_role("link", name="Look again"))
    expect(page.locator(".govuk-inset-text")).to_have_count(0)
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Prepared on")

    follow(page.get_by_role("link", name="Write the narrative"))
    expect(heading(page)).to_have_text("The narrative")
    page.get_by_label("Foreword", exact=True).fill(HOSTILE)
    bengali_box = page.get_by_label("Foreword in Bengali")
    expect(bengali_box).to_have_attribute("lang", "bn")
    bengali_box.fill("শোনার একটি বছর।")
    page.get_by_label("Commentary on call to action 1", exact=False).first.fill("Homes first.")
    follow(page.get_by_role("button", name="Save the narrative"))
    expect(banner(page)).to_contain_text("The narrative is saved.")
    expect(page.locator("main img[src='x']")).to_have_count(0)  # the report shows it as text, never as HTML
    expect(page.locator("main b", has_text="bold")).to_have_count(0)
    follow(page.get_by_role("link", name="Write the narrative"))
    expect(page.get_by_label("Foreword", exact=True)).to_have_value(HOSTILE)  # kept as typed
    follow(page.get_by_role("link", name="Back"))

    for link, button, done, state in (
        ("Put the report to PEG", "Put the report to PEG", "on the agenda of PEG's next meeting", "With PEG"),
        ("Record PEG's approval", "Record PEG's approval", "PEG's approval is recorded", "Approved by PEG"),
        ("Publish the report", "Publish the report", "The report is published.", "Published"),
    ):
        follow(page.get_by_role("link", name=link))
        follow(page.get_by_role("button", name=button))
        expect(banner(page)).to_contain_text(done)
        expect(page.locator(".govuk-caption-l .govuk-tag")).to_have_text(state)
    expect(page.get_by_role("link", name="Write the narrative")).to_have_count(0)

    sign_in_as(phone_page, demo["secretariat"])
    for path in ("/secretariat/reports/", f"/secretariat/reports/{LABEL}"):
        visit(phone_page, path)
        fits_the_width(phone_page)

    visit(page, f"/secretariat/reports/{LABEL}?lang=bn")
    expect(heading(page)).to_have_text(f"বার্ষিক প্রতিবেদন {LABEL}")
    problems = misread(page)
    visit(page, "/workspace/health-and-wellbeing-board/annual-report")  # a board's own figures, still in Bengali
    expect(heading(page)).to_have_text("বার্ষিক প্রতিবেদনের পরিসংখ্যান")
    problems += misread(page)
    assert not problems, "\n".join(problems)


def test_put_to_peg_with_no_meeting_says_to_schedule_one(app, page, visit, follow, sign_in_as, demo, misread):
    with app.app_context():
        secretariat = accounts.user_by_email(demo["secretariat"])
        report = reports.prepare_now(reports.start(municipal_year(today()), secretariat))
        reports.write(
            report, secretariat, version=report.version, foreword="Hello.", foreword_bn="নমস্কার।", commentaries={}
        )
        db.session.commit()
    sign_in_as(page, demo["secretariat"])
    visit(page, f"/secretariat/reports/{LABEL}/put-to-peg")
    follow(page.get_by_role("button", name="Put the report to PEG"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Schedule a PEG meeting first")
    expect(page).to_have_title(f"Error: Put the annual report for {LABEL} to PEG – Tower Hamlets Partnership")

    visit(page, f"/secretariat/reports/{LABEL}/narrative?lang=bn")  # the form in Bengali: English marked English
    expect(page.get_by_label("বাংলায় মুখবন্ধ")).to_have_attribute("lang", "bn")
    problems = misread(page)
    assert not problems, "\n".join(problems)
