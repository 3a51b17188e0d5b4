"""The annual reports and a call to action's live figures in Chromium: axe-core clean, no sideways scrolling at
320 px, in Bengali with English marked English, and reachable by keyboard."""

import copy

import pytest
from playwright.sync_api import expect
from test_phone_in_browser import NARROW, SIDEWAYS
from test_report_pages import FIGURES, LIVE, add_report

pytestmark = pytest.mark.browser


@pytest.fixture
def published(app, monkeypatch):
    """A published report for 2026-27 (and one for 2025-26 in the archive), and call to action 3's live figures."""
    from engage.reports import figures

    add_report(app, year=2025)
    # Words longer than a phone is wide, where the report shows text: the foreword, a chart's label, a table's cell.
    long = copy.deepcopy(FIGURES)
    long["partnership"]["proposals"]["by_ward"][0]["ward"] = "Ward" * 40
    long["boards"][0]["programme"]["items"][0]["target"] = "Trees" * 40
    long["congresses"][0]["workshops"][0]["title"] = "Workshop" * 20
    add_report(app, figures=long, foreword="Foreword" * 40, foreword_bn="বাংলায় মুখবন্ধ\nদ্বিতীয় লাইন")
    live = copy.deepcopy(LIVE)
    live["items"][1]["title"] = "Quiet" * 40
    live["proposals"]["by_ward"][0]["ward"] = "Ward" * 40
    monkeypatch.setattr(figures, "live", lambda number: {**copy.deepcopy(live), "number": number})


PAGES = ["/reports/", "/reports/2026-27", "/calls-to-action/3"]


def test_the_archive_a_report_and_a_call_to_action_pass_axe(page, visit, follow, published):
    visit(page, "/")
    follow(page.get_by_role("contentinfo").get_by_role("link", name="Annual reports"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual reports")
    expect(page.get_by_role("main").get_by_role("link", name="Annual report 2026-27")).to_be_visible()
    follow(page.get_by_role("link", name="Annual report 2026-27"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual report 2026-27")
    # A chart is a table: its caption names it, its rows give each label's number.
    chart = page.get_by_role("table", name="What became of the proposals received").first
    expect(chart.get_by_role("row", name="Accepted 321")).to_be_visible()
    expect(chart.locator("svg rect").first).to_be_visible()
    visit(page, "/calls-to-action/3")
    expect(page.get_by_role("heading", name="This year so far (2026-27)")).to_be_visible()
    items = page.get_by_role("table", name="Work programme items by status")
    expect(items.get_by_role("row", name="At risk 3")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_nothing_scrolls_sideways_at_320_pixels(open_page, visit, published, lang):
    page = open_page(NARROW, is_mobile=True, has_touch=True)
    desktop = open_page()
    for path in PAGES:
        visit(desktop, f"{path}?lang={lang}")
        assert desktop.evaluate(SIDEWAYS)["page"] == 0, path
        visit(page, f"{path}?lang={lang}")
        found = page.evaluate(SIDEWAYS)
        assert found == {"page": 0, "wide": [], "scrolling": []}, (path, found)
    # The text of a chart is the page's own, at the page's size: not shrunk with a picture.
    visit(page, f"/reports/2026-27?lang={lang}")
    size = page.locator(".engage-chart__label").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 16


def test_the_bengali_pages_mark_what_is_english(page, visit, published, misread, english_left):
    for path in PAGES:
        visit(page, f"{path}?lang=bn")
        expect(page.locator("html")).to_have_attribute("lang", "bn")
        assert misread(page) == []
        assert english_left(page) == []
    visit(page, "/reports/2026-27?lang=bn")
    expect(page.get_by_text("বাংলায় মুখবন্ধ")).to_be_visible()


def test_the_report_is_reachable_by_keyboard(page, visit, published):
    visit(page, "/reports/2026-27")
    wanted = ["The report as a PDF, for printing", "Every figure as a spreadsheet (CSV)", "Boards #boards"]
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.textContent, document.activeElement.hash || '']")
        reached.append(" ".join(" ".join(focused).split()))
        if reached[-1] == "Boards #boards":  # the contents' link, not the menu's
            break
    assert all(name in reached for name in wanted), reached
    page.keyboard.press("Enter")  # the contents' link to the boards' section
    expect(page).to_have_url(f"{page.url.split('#')[0]}#boards")
    expect(page.get_by_role("heading", level=2, name="Boards")).to_be_in_viewport()
    # The proposal that led to an item is a link of its own, reached by keyboard too.
    link = page.get_by_role("link", name="TH-2026-00042: Trees on Mile End Road")
    link.focus()
    expect(link).to_be_focused()
