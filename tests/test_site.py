"""The public pages about the partnership, its plans and its boards."""

import re

import pytest

BOARD_SLUGS = [
    "partnership-board",
    "partnership-executive-group",
    "every-chance-for-every-child-forum",
    "community-safety-partnership",
    "voluntary-and-community-sector-partnership-board",
    "growth-and-economic-development-board",
    "health-and-wellbeing-board",
    "climate-partnership",
]


def test_home_explains_the_partnership_and_lists_the_five_calls_to_action(browser):
    page = browser.get("/").get_data(as_text=True)
    assert "Tower Hamlets Partnership" in page
    assert "A Tower Hamlets for All" in page
    for number in range(1, 6):
        assert f'href="/calls-to-action/{number}"' in page


def test_calls_to_action_page_names_each_lead_board(browser):
    page = browser.get("/calls-to-action/").get_data(as_text=True)
    assert "Tower Hamlets will be a fair, inclusive and an anti-racist borough." in page
    assert "Health and Wellbeing Board" in page


@pytest.mark.parametrize(
    ("number", "text", "lead"),
    [
        (2, "enjoy good mental health and wellbeing", "Health and Wellbeing Board"),
        (4, "good work and skills", "Growth and Economic Development Board"),
        (5, "A child-friendly borough", "Every Chance for Every Child Forum"),
    ],
)
def test_a_call_to_action_shows_its_text_and_lead_board(browser, number, text, lead):
    page = browser.get(f"/calls-to-action/{number}").get_data(as_text=True)
    assert text in page
    assert lead in page


@pytest.mark.parametrize("number", ["9", "99999999999999999999999", "-1", "1x", "%00"])
def test_unknown_call_to_action_is_a_clear_404(browser, number):
    response = browser.get(f"/calls-to-action/{number}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["no-such-board", "x" * 5000, "%F0%9F%99%82", "<script>", "a%00b"])
def test_unknown_boards_and_plans_are_a_clear_404(browser, slug):
    for prefix in ("/boards/", "/plans/"):
        response = browser.get(prefix + slug)
        assert response.status_code == 404
        assert "<script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("slug", BOARD_SLUGS)
def test_every_board_has_a_page_with_remit_and_partner_organisations(browser, slug):
    response = browser.get(f"/boards/{slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Remit" in page
    assert "London Borough of Tower Hamlets" in page


def test_boards_page_shows_the_structure_diagram_tiers(browser):
    page = browser.get("/boards/").get_data(as_text=True)
    assert (
        page.index("Partnership Board") < page.index("Partnership Executive Group") < page.index("Climate Partnership")
    )
    assert "Thematic partnerships" in page


def test_the_earlier_plan_is_marked_archived_with_its_four_areas_of_focus(browser):
    page = browser.get("/plans/tower-hamlets-plan-2018-2023").get_data(as_text=True)
    assert "This plan is archived" in page
    assert "Areas of focus" in page
    for area in (
        "A better deal for children",
        "Good jobs and employment",
        "Strong, resilient and safe",
        "Better health and wellbeing",
    ):
        assert area in page


def test_the_archived_plan_links_to_the_current_one(browser):
    page = browser.get("/plans/tower-hamlets-plan-2018-2023").get_data(as_text=True)
    link = re.search(r'<a class="govuk-link" href="(/plans/[a-z0-9-]+)">Read the current plan: ([^<]+)</a>', page)
    assert link and link.group(1) == "/plans/a-tower-hamlets-for-all"
    assert "Current" in browser.get(link.group(1)).get_data(as_text=True)


def test_the_current_plan_is_not_marked_archived(browser):
    page = browser.get("/plans/a-tower-hamlets-for-all").get_data(as_text=True)
    assert "This plan is archived" not in page
    assert "Calls to action" in page


def test_healthz_answers_when_the_database_does(browser):
    response = browser.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_pages_carry_strict_security_headers(browser):
    headers = browser.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_inline_script_carries_the_nonce_of_the_policy(browser):
    response = browser.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)


def test_the_language_links_keep_where_the_person_is_going(browser):
    page = browser.get("/account/sign-in?next=/proposals/TH-2026-00001").get_data(as_text=True)
    assert 'href="/account/sign-in?next=%2Fproposals%2FTH-2026-00001&amp;lang=bn"' in page
