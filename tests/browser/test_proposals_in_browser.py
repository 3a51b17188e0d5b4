"""Proposals in Chromium, the way a resident meets them: the question pages one by one, checking and sending,
the emailed confirmation, the public page, coming back to a draft, finding proposals in the public list,
supporting, following and withdrawing; on a desktop, on a phone and in Bengali. Every page passes axe."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.extensions import db
from engage.partnership import services as partnership
from engage.proposals import services as proposals

pytestmark = pytest.mark.browser

TITLE = "More benches along the canal towpath"
BETTER_TITLE = "Benches every 200 metres on the towpath"
# What a resident types, hostile markup and line breaks included: it must come back as text, lines kept.
PROBLEM_LINES = ["<script>alert(1)</script> Older people cannot walk far without a rest.", "<b>Not bold</b> & “quoted”"]
IDEA = "Put a bench every 200 metres between Mile End and Limehouse."
WHO = "Older residents, carers and parents of young children."
# A long address has no spaces to wrap at: it must not push the page sideways on a phone.
LINK = "https://www.towerhamlets.gov.uk/lgnl/transport_and_streets/canal_and_river_towpaths_improvement_programme.aspx"
CALL_3 = re.compile(r"^3\. Everyone in Tower Hamlets should feel safe")
CALL_2 = re.compile(r"^2\. Everyone in Tower Hamlets should be able to enjoy good mental health")
REFERENCE = re.compile(r"^TH-\d{4}-\d{5}$")


def heading(page):
    return page.get_by_role("heading", level=1)


def error_summary(page):
    return page.locator(".govuk-error-summary")


def banner(page):
    return page.locator(".govuk-notification-banner")


def answer(page, key: str):
    """The value of one row of a summary list (check your answers, or the public page)."""
    row = page.locator(".govuk-summary-list__row").filter(has=page.get_by_text(key, exact=True))
    return row.locator(".govuk-summary-list__value")


def journey(page):
    return page.get_by_role("heading", name="You said, we did").locator("xpath=following-sibling::ol[1]")


def fits_the_width(page) -> None:
    """No sideways scrolling at 375 CSS pixels (WCAG 1.4.10 Reflow)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


def save(page, follow) -> None:
    follow(page.get_by_role("button", name="Save and continue"))


def step_url(name: str) -> re.Pattern:
    return re.compile(rf"/proposals/drafts/\d+/{name}$")


@dataclass
class Published:
    reference: str
    title: str
    calls: list[int]
    ward: str


def publish(app, specs: list[dict], author: str = "resident@example.org", supporters: dict | None = None):
    """Proposals sent through the services, as the question pages send them; `supporters` maps a title to the
    email addresses of the people who support it."""
    made = []
    with app.app_context():
        person = accounts.user_by_email(author)
        for spec in specs:
            proposal = proposals.start_draft(person)
            proposals.edit(
                proposal,
                person,
                title=spec["title"],
                problem=spec.get("problem", "The problem, as the resident sees it."),
                idea=spec.get("idea", "What the resident would do about it."),
                who_it_helps=spec.get("who_it_helps", "Everyone who lives nearby."),
                show_name=spec.get("show_name", True),
            )
            proposals.choose_calls_to_action(proposal, person, spec.get("calls", [3]))
            proposals.place(proposal, person, spec.get("ward", "mile-end"))
            proposals.submit(proposal, person)
            for email in (supporters or {}).get(spec["title"], []):
                proposals.support(proposal, accounts.user_by_email(email))
            made.append(
                Published(proposal.reference, spec["title"], spec.get("calls", [3]), spec.get("ward", "mile-end"))
            )
        db.session.commit()
        db.session.remove()
    return made


def test_a_resident_sends_a_proposal_and_finds_it_published(page, visit, follow, sign_in_as, demo, deliver):
    sign_in_as(page, demo["resident"])
    follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Proposals"))
    expect(heading(page)).to_have_text("Proposals")
    follow(page.get_by_role("link", name="Bring an idea"))
    expect(heading(page)).to_have_text("Bring an idea to the partnership")
    expect(page.get_by_role("heading", name="Your unfinished proposals")).to_have_count(0)
    follow(page.get_by_role("button", name="Start a new proposal"))

    # The title, sent empty first: the GOV.UK error summary takes focus and leads to the field.
    expect(page).to_have_url(step_url("title"))
    expect(page).to_have_title("What is your idea called? – Tower Hamlets Partnership")
    expect(heading(page)).to_have_text("What is your idea called?")
    title = page.get_by_label("What is your idea called?")
    expect(title).to_be_visible()
    save(page, follow)
    expect(page).to_have_title(re.compile(r"^Error: What is your idea called\?"))
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page).get_by_role("heading")).to_have_text("There is a problem")
    problem_link = error_summary(page).get_by_role("link", name="Enter a title for your idea")
    expect(problem_link).to_have_attribute("href", "#title")
    expect(page.locator("#title-error")).to_contain_text("Enter a title for your idea")
    expect(title).to_have_attribute("aria-describedby", re.compile(r"\btitle-error\b"))
    problem_link.click()
    expect(title).to_be_focused()
    page.keyboard.type(TITLE)
    follow(page, key="Enter")  # Enter in a text box sends the form, as it does for anyone with a keyboard

    # The problem: the character count tells the resident how much room is left, and when they are over.
    expect(page).to_have_url(step_url("problem"))
    expect(heading(page)).to_have_text("What is the problem?")
    expect(page.get_by_role("link", name="Back")).to_have_attribute("href", re.compile(r"/title$"))
    problem = page.get_by_label("What is the problem?")
    count = page.locator(".govuk-character-count__status")
    expect(count).to_have_text("You have 2,000 characters remaining")
    problem.fill("x" * 2001)
    expect(count).to_have_text("You have 1 character too many")
    expect(problem).to_have_class(re.compile(r"\bgovuk-textarea--error\b"))
    save(page, follow)
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page)).to_contain_text("Use 2000 characters or fewer")
    expect(problem).to_have_value("x" * 2001)  # what was typed is kept, to be cut down
    problem.fill("")
    problem.press_sequentially(PROBLEM_LINES[0])
    problem.press("Enter")
    problem.press_sequentially(PROBLEM_LINES[1])
    typed = len(PROBLEM_LINES[0]) + 1 + len(PROBLEM_LINES[1])
    expect(count).to_have_text(f"You have {2000 - typed:,} characters remaining")
    expect(page.locator(".govuk-character-count__sr-status")).to_have_attribute("aria-live", "polite")
    save(page, follow)

    expect(page).to_have_url(step_url("idea"))
    expect(heading(page)).to_have_text("What is your idea?")
    page.get_by_label("What is your idea?").fill(IDEA)
    save(page, follow)

    expect(page).to_have_url(step_url("who-it-helps"))
    expect(heading(page)).to_have_text("Who would it help?")
    page.get_by_label("Who would it help?").fill(WHO)
    save(page, follow)

    # Calls to action: one main one (radios), any others (checkboxes), each in its own labelled group.
    expect(page).to_have_url(step_url("calls-to-action"))
    expect(heading(page)).to_have_text("Which call to action does your idea do most for?")
    main = page.get_by_role("group", name="Which call to action does your idea do most for?")
    others = page.get_by_role("group", name="Does it help any of the others too?")
    expect(main.get_by_role("radio")).to_have_count(5)
    expect(others.get_by_role("checkbox")).to_have_count(5)
    main.get_by_role("radio", name=CALL_3).check()
    others.get_by_role("checkbox", name=CALL_2).check()
    save(page, follow)

    expect(page).to_have_url(step_url("where"))
    expect(heading(page)).to_have_text("Where in Tower Hamlets is it?")
    page.get_by_label("Where in Tower Hamlets is it?").select_option(label="Mile End")
    save(page, follow)

    # A resident who represents no organisation is not asked on whose behalf.
    expect(page).to_have_url(step_url("your-name"))
    expect(heading(page)).to_have_text("Can we show your name with your proposal?")
    page.get_by_label("Yes, show my name").check()
    save(page, follow)

    # Check your answers, then change one: the change returns here, not to the next question.
    expect(page).to_have_url(step_url("check"))
    expect(heading(page)).to_have_text("Check your answers")
    expect(answer(page, "Title")).to_have_text(TITLE)
    expect(answer(page, "The problem")).to_contain_text(PROBLEM_LINES[0])
    expect(answer(page, "Calls to action")).to_contain_text("3. Everyone in Tower Hamlets should feel safe")
    expect(answer(page, "Calls to action")).to_contain_text("Main")
    expect(answer(page, "Where")).to_have_text("Mile End")
    expect(page.get_by_text("On behalf of")).to_have_count(0)
    expect(answer(page, "Show my name")).to_have_text("Yes")
    follow(page.get_by_role("link", name="Change title"))
    expect(page).to_have_url(re.compile(r"/proposals/drafts/\d+/title\?return=check$"))
    expect(page.get_by_role("link", name="Back")).to_have_attribute("href", re.compile(r"/check$"))
    expect(title).to_have_value(TITLE)
    title.fill(BETTER_TITLE)
    save(page, follow)
    expect(page).to_have_url(step_url("check"))
    expect(answer(page, "Title")).to_have_text(BETTER_TITLE)

    follow(page.get_by_role("button", name="Submit your proposal"))
    expect(page).to_have_url(re.compile(r"/proposals/TH-\d{4}-00001/confirmation$"))
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Proposal sent")
    reference = panel.locator("strong").inner_text()
    assert REFERENCE.match(reference), reference
    expect(panel.locator(".govuk-panel__body")).to_have_text(re.compile(rf"^\s*Your reference is\s*{reference}\s*$"))
    expect(page.get_by_role("main")).to_contain_text("Community Safety Partnership")

    # The email confirms it, with the reference and a link to the proposal's page.
    [email] = [m for m in deliver() if m["To"] == demo["resident"]]
    assert email["Subject"] == f"We have your proposal {reference}"
    body = email.get_body(("plain",)).get_content()
    assert reference in body and BETTER_TITLE in body and f"http://engage.test/proposals/{reference}" in body

    follow(page.get_by_role("link", name="See your proposal"))
    expect(page).to_have_url(re.compile(rf"/proposals/{reference}$"))
    expect(heading(page)).to_have_text(BETTER_TITLE)
    expect(page.get_by_role("main").locator(".govuk-tag").first).to_have_text("Submitted")
    expect(page.get_by_role("main")).to_contain_text("Proposed by Rahima Begum")
    # The hostile text is shown as typed, as text, with its line break kept.
    shown = answer(page, "The problem")
    assert shown.inner_text() == "\n".join(PROBLEM_LINES)
    expect(page.locator("main script, main b")).to_have_count(0)
    expect(answer(page, "The idea")).to_have_text(IDEA)
    expect(answer(page, "Who it would help")).to_have_text(WHO)
    expect(journey(page).get_by_role("listitem")).to_have_count(1)
    expect(journey(page)).to_contain_text("Submitted")
    # Its author follows it and may still change or withdraw it, but does not support their own.
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    expect(page.get_by_role("button", name="Support this proposal")).to_have_count(0)
    expect(page.get_by_role("link", name="Change your proposal")).to_be_visible()
    expect(page.get_by_role("link", name="Withdraw your proposal")).to_be_visible()


def test_the_question_pages_on_a_phone(phone_page, visit, follow, sign_in_as, demo, axe_check):
    page = phone_page
    sign_in_as(page, demo["partner_representative"])  # who is asked on whose behalf, offered their organisation
    visit(page, "/proposals/new")
    fits_the_width(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start a new proposal").tap()
    axe_check(page)

    answers = [
        ("title", "What is your idea called?", TITLE),
        ("problem", "What is the problem?", "\n".join(PROBLEM_LINES)),
        ("idea", "What is your idea?", f"{IDEA}\nThe council's plan is at {LINK}"),
        ("who-it-helps", "Who would it help?", WHO),
    ]
    for step, question, text in answers:
        expect(page).to_have_url(step_url(step))
        expect(heading(page)).to_have_text(question)
        fits_the_width(page)
        page.get_by_label(question).fill(text)
        save(page, follow)

    expect(page).to_have_url(step_url("calls-to-action"))
    fits_the_width(page)
    page.get_by_role("radio", name=CALL_3).tap()
    save(page, follow)
    expect(page).to_have_url(step_url("where"))
    fits_the_width(page)
    page.get_by_label("Where in Tower Hamlets is it?").select_option(label="Spitalfields & Banglatown")
    save(page, follow)
    expect(page).to_have_url(step_url("organisation"))
    fits_the_width(page)
    on_behalf_of = page.get_by_label("Are you proposing this on behalf of an organisation?")
    expect(on_behalf_of.locator("option")).to_have_text(
        ["Choose one", "No, it is my own idea", "Tower Hamlets Council for Voluntary Service (THCVS)"]
    )
    on_behalf_of.select_option(label="Tower Hamlets Council for Voluntary Service (THCVS)")
    save(page, follow)
    expect(page).to_have_url(step_url("your-name"))
    fits_the_width(page)
    page.get_by_label("No, keep my name private").tap()
    save(page, follow)

    expect(page).to_have_url(step_url("check"))
    expect(heading(page)).to_have_text("Check your answers")
    fits_the_width(page)
    expect(answer(page, "The idea")).to_contain_text(LINK)
    expect(answer(page, "Where")).to_have_text("Spitalfields & Banglatown")
    expect(answer(page, "On behalf of")).to_have_text("Tower Hamlets Council for Voluntary Service (THCVS)")
    expect(answer(page, "Show my name")).to_have_text("No")
    follow(page.get_by_role("button", name="Submit your proposal"))
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text(re.compile(r"TH-\d{4}-00001"))
    fits_the_width(page)
    follow(page.get_by_role("link", name="See your proposal"))
    expect(heading(page)).to_have_text(TITLE)
    fits_the_width(page)
    expect(page.get_by_role("main")).to_contain_text("Proposed by a resident, Tower Hamlets Council for Voluntary")


def answer_every_question(page) -> None:
    """Whatever the question page asks, answered: its empty text boxes typed in, each group's first radio chosen."""
    for box in page.locator("main textarea, main input[type=text]").all():
        if not box.input_value():
            box.fill("Somewhere to sit on the way to the shops.")
    for radio in page.locator("main input[type=radio]").all():
        if not page.locator(f"main input[name='{radio.get_attribute('name')}']:checked").count():
            radio.check()


def test_writing_a_proposal_in_bengali_marks_what_is_english_on_every_page(
    page, visit, follow, sign_in_as, demo, app, misread
):
    """The question pages and the check page in Bengali, with the proposals like it that the page lists and that its
    script lists again as the resident types, read aloud: what is English is marked English."""
    publish(
        app,
        [
            {"title": "Benches in Victoria Park", "problem": "Nowhere to sit near the canal."},
            {"title": "Lights for the dark paths", "problem": "No lights on the paths at night."},
        ],
    )
    sign_in_as(page, demo["resident"])
    visit(page, "/proposals/new?lang=bn")
    problems = misread(page)
    follow(page.locator("main .govuk-button"))
    page.locator("#title").fill(TITLE)
    problems += misread(page)
    follow(page.locator("main .govuk-button"))
    similar = page.locator("[data-similar-url]")
    expect(similar.get_by_role("link", name="Benches in Victoria Park")).to_be_visible()  # listed by the page
    problems += misread(page)
    page.locator("#problem").fill("No lights on the dark paths at night.")
    expect(similar.get_by_role("link", name="Lights for the dark paths")).to_be_visible()  # listed by its script
    problems += misread(page)
    while not page.url.endswith("/check"):
        answer_every_question(page)
        follow(page.locator("main .govuk-button"))
        problems += misread(page)
    assert not problems, "\n".join(problems)


def test_coming_back_to_an_unfinished_proposal(page, visit, follow, sign_in_as, demo, app):
    # Someone has already proposed something like it: the problem page points to it.
    [benches] = publish(app, [{"title": "Benches in Victoria Park", "problem": "Nowhere to sit near the canal."}])
    sign_in_as(page, demo["resident"])
    visit(page, "/proposals/new")
    follow(page.get_by_role("button", name="Start a new proposal"))
    page.get_by_label("What is your idea called?").fill(TITLE)
    save(page, follow)
    expect(page).to_have_url(step_url("problem"))
    similar = page.get_by_role("complementary", name="Proposals like yours")
    expect(similar.get_by_role("link", name="Benches in Victoria Park")).to_have_attribute(
        "href", f"/proposals/{benches.reference}"
    )
    page.get_by_label("What is the problem?").fill("Older people cannot walk far without a rest.")
    save(page, follow)
    expect(page).to_have_url(step_url("idea"))

    # The resident leaves, and comes back later from the start page.
    follow(page.get_by_role("link", name="Tower Hamlets Partnership"))
    visit(page, "/proposals/new")
    expect(page.get_by_role("heading", name="Your unfinished proposals")).to_be_visible()
    drafts = page.get_by_role("main").get_by_role("listitem")
    expect(drafts).to_have_count(1)
    expect(drafts).to_contain_text(re.compile(rf"^{TITLE}\s+\(started \d{{1,2}} \w+ \d{{4}}\)$"))
    follow(drafts.get_by_role("link", name=TITLE))

    expect(heading(page)).to_have_text("Check your answers")
    expect(answer(page, "Title")).to_have_text(TITLE)
    expect(answer(page, "The idea")).to_have_text("Not answered yet")
    expect(page.get_by_text("Answer every question before you submit your proposal.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit your proposal")).to_have_count(0)
    follow(page.get_by_role("link", name="Continue your proposal"))
    expect(page).to_have_url(step_url("idea"))  # the first question not answered
    page.get_by_label("What is your idea?").fill(IDEA)
    save(page, follow)
    page.get_by_label("Who would it help?").fill(WHO)
    save(page, follow)
    page.get_by_role("radio", name=CALL_3).check()
    save(page, follow)
    expect(page.get_by_label("Where in Tower Hamlets is it?")).to_have_value("borough-wide")
    save(page, follow)
    page.get_by_label("Yes, show my name").check()
    save(page, follow)
    expect(heading(page)).to_have_text("Check your answers")
    expect(answer(page, "Where")).to_have_text("The whole borough")
    follow(page.get_by_role("button", name="Submit your proposal"))
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text(re.compile(r"TH-\d{4}-00002"))

    # Sent, it is no longer unfinished.
    visit(page, "/proposals/new")
    expect(page.get_by_role("heading", name="Your unfinished proposals")).to_have_count(0)


# Twenty-five published proposals: five calls to action and four places in turn, a few about the towpath.
WARDS = ["mile-end", "bow-west", "poplar", "borough-wide"]
TOPICS = ["street lights", "play space", "canal towpath", "youth club", "food bank"]
SPECS = [
    {
        "title": f"Idea {i + 1:02d}: more {TOPICS[i % 5]} for {['Mile End', 'Bow West', 'Poplar', 'everyone'][i % 4]}",
        "problem": f"Residents have asked about {TOPICS[i % 5]} for years.",
        "calls": [i % 5 + 1] + ([3] if i % 5 == 0 and i % 2 == 0 else []),
        "ward": WARDS[i % 4],
    }
    for i in range(25)
]
SUPPORTERS = {
    SPECS[4]["title"]: ["partner@example.org", "member@example.org", "chair@example.org"],
    SPECS[9]["title"]: ["partner@example.org", "officer@example.org"],
    SPECS[0]["title"]: ["secretariat@example.org"],
}


def listed(page) -> list[str]:
    return page.locator(".engage-card h3").all_inner_texts()


def test_finding_proposals_in_the_public_list(page, visit, follow, demo, app):
    made = publish(app, SPECS, supporters=SUPPORTERS)
    filters = page.get_by_role("button", name="Apply filters")
    pages = page.get_by_role("navigation", name="Pages of proposals")

    visit(page, "/proposals/")
    expect(page.get_by_role("heading", name="25 proposals")).to_be_visible()
    expect(page.locator(".engage-card")).to_have_count(20)
    assert listed(page)[0] == SPECS[-1]["title"]  # newest first

    # A call to action and a ward: only the proposals for both, and the choices stay chosen.
    page.get_by_label("Call to action").select_option("3")
    page.get_by_label("Ward").select_option(label="Mile End")
    follow(filters)
    expect(page).to_have_url(re.compile(r"[?&]call-to-action=3&ward=mile-end&"))
    expected = [p.title for p in reversed(made) if 3 in p.calls and p.ward == "mile-end"]
    assert 1 < len(expected) < 25
    expect(page.get_by_role("heading", name=f"{len(expected)} proposals")).to_be_visible()
    assert listed(page) == expected
    expect(page.get_by_label("Call to action")).to_have_value("3")
    expect(page.get_by_label("Ward")).to_have_value("mile-end")
    for card in page.locator(".engage-card").all():
        expect(card).to_contain_text("Mile End")
    expect(pages).to_have_count(0)

    # A word, with the other filters set back to all.
    page.get_by_label("Call to action").select_option(label="All")
    page.get_by_label("Ward").select_option(label="All")
    page.get_by_label("Search").fill("towpath")
    follow(page.get_by_label("Search"), key="Enter")
    towpath = [p.title for p in reversed(made) if "towpath" in p.title]
    expect(page.get_by_role("heading", name=f"{len(towpath)} proposals")).to_be_visible()
    assert listed(page) == towpath
    expect(page.get_by_label("Search")).to_have_value("towpath")
    expect(page.get_by_label("Call to action")).to_have_value("")

    page.get_by_label("Search").fill("")
    page.get_by_label("Search").fill("nothing matches this")
    follow(filters)
    expect(page.get_by_role("heading", name="0 proposals")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("No proposals match. Try fewer filters.")

    # Most supported first, then on to the second page, which keeps the order asked for.
    page.get_by_label("Search").fill("")
    page.get_by_label("Sort by").select_option(label="Most supported")
    follow(filters)
    expect(page.get_by_label("Sort by")).to_have_value("supported")
    first_page = listed(page)
    assert first_page[:3] == [SPECS[4]["title"], SPECS[9]["title"], SPECS[0]["title"]]
    expect(page.locator(".engage-card").first).to_contain_text("3 supporters")
    expect(page.locator(".engage-card").nth(2)).to_contain_text("1 supporter")
    expect(pages.get_by_role("link", name=re.compile("Previous"))).to_have_count(0)
    follow(pages.get_by_role("link", name=re.compile("Next")))
    asked = parse_qs(urlsplit(page.url).query)
    assert (asked["sort"], asked["page"]) == (["supported"], ["2"]), page.url
    expect(page.get_by_role("heading", name="25 proposals")).to_be_visible()
    second_page = listed(page)
    assert len(second_page) == 5
    assert sorted(first_page + second_page) == sorted(p.title for p in made)
    expect(page.get_by_label("Sort by")).to_have_value("supported")
    expect(pages.get_by_role("link", name=re.compile("Next"))).to_have_count(0)
    follow(pages.get_by_role("link", name=re.compile("Previous")))
    assert listed(page) == first_page


def test_another_resident_follows_and_supports_a_proposal(page, visit, follow, sign_in_as, demo, app):
    [proposal] = publish(app, [{"title": TITLE}])
    sign_in_as(page, demo["partner_representative"])
    visit(page, f"/proposals/{proposal.reference}")
    expect(heading(page)).to_have_text(TITLE)
    sidebar = page.locator(".govuk-grid-column-one-third")
    expect(sidebar).to_contain_text("0 supporters")

    follow(page.get_by_role("button", name="Follow this proposal"))
    expect(banner(page)).to_contain_text("You are following this proposal: we will email you when something happens.")
    follow(page.get_by_role("button", name="Stop following"))
    expect(banner(page)).to_contain_text("You are no longer following this proposal.")
    expect(page.get_by_role("button", name="Follow this proposal")).to_be_visible()

    follow(page.get_by_role("button", name="Support this proposal"))
    expect(banner(page)).to_contain_text("Thank you: your support has been counted.")
    expect(banner(page)).to_have_class(re.compile(r"\bgovuk-notification-banner--success\b"))
    expect(sidebar).to_contain_text(re.compile(r"^\s*1\s+supporter\b"))
    expect(sidebar).to_contain_text("You support this proposal.")
    expect(page.get_by_role("button", name="Support this proposal")).to_have_count(0)
    # Supporting a proposal follows it too.
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    # Not theirs: no changing or withdrawing it.
    expect(page.get_by_role("link", name="Withdraw your proposal")).to_have_count(0)
    expect(page.get_by_role("link", name="Change your proposal")).to_have_count(0)

    visit(page, "/proposals/")
    expect(page.locator(".engage-card").first).to_contain_text("1 supporter")


def test_someone_signed_out_is_asked_to_sign_in_to_support(page, visit, follow, demo, app):
    [proposal] = publish(app, [{"title": TITLE}])
    visit(page, f"/proposals/{proposal.reference}")
    expect(page.get_by_role("button", name="Support this proposal")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Sign in to support or follow this proposal.")
    follow(page.get_by_role("main").get_by_role("link", name="Sign in"))
    expect(page).to_have_url(re.compile(rf"\?next=(/|%2F)proposals(/|%2F){proposal.reference}$"))
    page.get_by_label("Email address").fill(demo["partner_representative"])
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))
    expect(page).to_have_url(re.compile(rf"/proposals/{proposal.reference}$"))
    expect(page.get_by_role("button", name="Support this proposal")).to_be_visible()


def test_the_author_withdraws_their_proposal_with_a_reason(page, visit, follow, sign_in_as, demo, app):
    [proposal] = publish(app, [{"title": TITLE}])
    sign_in_as(page, demo["resident"])
    visit(page, f"/proposals/{proposal.reference}")
    follow(page.get_by_role("link", name="Withdraw your proposal"))
    expect(heading(page)).to_have_text("Withdraw your proposal")
    expect(page.get_by_role("main")).to_contain_text(f"{TITLE} ({proposal.reference})")
    reason = page.get_by_label("Why are you withdrawing it? (optional)")
    reason.press_sequentially("The council is already doing it.")
    reason.press("Enter")
    reason.press_sequentially("<i>Thank you</i> for the support.")
    follow(page.get_by_role("button", name="Withdraw proposal"))  # not yet said yes: nothing is withdrawn
    expect(error_summary(page)).to_contain_text("Select yes if you want to withdraw your proposal")
    expect(reason).to_have_value("The council is already doing it.\n<i>Thank you</i> for the support.")
    page.get_by_label("Yes, withdraw it").check()
    follow(page.get_by_role("button", name="Withdraw proposal"))

    expect(page).to_have_url(re.compile(rf"/proposals/{proposal.reference}$"))
    expect(banner(page)).to_contain_text("Your proposal has been withdrawn.")
    expect(page.get_by_role("main").locator(".govuk-tag").first).to_have_text("Withdrawn")
    steps = journey(page).get_by_role("listitem")
    expect(steps).to_have_count(2)
    expect(steps.first).to_contain_text("Submitted")
    expect(steps.last).to_contain_text("Withdrawn")
    assert steps.last.locator("p").inner_text() == "The council is already doing it.\n<i>Thank you</i> for the support."
    expect(page.get_by_role("link", name="Withdraw your proposal")).to_have_count(0)
    expect(page.get_by_role("link", name="Change your proposal")).to_have_count(0)

    visit(page, "/proposals/?status=withdrawn")
    expect(page.get_by_label("Status")).to_have_value("withdrawn")
    assert listed(page) == [TITLE]


def test_an_author_who_says_no_keeps_their_proposal_on_a_320_pixel_screen(
    open_page, visit, follow, sign_in_as, demo, app
):
    page = open_page({"width": 320, "height": 640})
    [proposal] = publish(app, [{"title": TITLE}])
    sign_in_as(page, demo["resident"])
    visit(page, f"/proposals/{proposal.reference}/withdraw")
    expect(page.get_by_role("group", name="Are you sure you want to withdraw your proposal?")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 320 pixels"
    page.get_by_label("No, keep it").check()
    follow(page.get_by_role("button", name="Withdraw proposal"))
    expect(page).to_have_url(re.compile(rf"/proposals/{proposal.reference}$"))
    expect(page.get_by_role("link", name="Withdraw your proposal")).to_be_visible()
    with app.app_context():
        assert proposals.by_reference(proposal.reference).status != "withdrawn"


def test_the_list_and_a_proposal_in_bengali(page, visit, follow, sign_in_as, demo, app, bengali, english_left):
    spec = {
        "title": TITLE,
        "problem": "\n".join(PROBLEM_LINES),
        "idea": IDEA,
        "who_it_helps": WHO,
        "calls": [3, 2],
        "ward": "mile-end",
    }
    [proposal] = publish(app, [spec], supporters={TITLE: ["partner@example.org"]})
    with app.app_context():
        wards = tuple(w.name for w in partnership.wards())
    data = (TITLE, *PROBLEM_LINES, IDEA, WHO, proposal.reference, "Rahima Begum", *wards)

    sign_in_as(page, demo["board_member"])
    visit(page, "/proposals/?lang=bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(heading(page)).to_have_text(bengali("Proposals"))
    expect(page.get_by_role("button", name=bengali("Apply filters"))).to_be_visible()
    untranslated = english_left(page, data)
    assert not untranslated, f"English left on {page.url}: {untranslated}"

    follow(page.get_by_role("link", name=TITLE))
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_role("button", name=bengali("Support this proposal"))).to_be_visible()
    untranslated = english_left(page, data)
    assert not untranslated, f"English left on {page.url}: {untranslated}"

    follow(page.get_by_role("button", name=bengali("Support this proposal")))
    expect(banner(page)).to_contain_text(bengali("Thank you: your support has been counted."))
    untranslated = english_left(page, data)
    assert not untranslated, f"English left on {page.url}: {untranslated}"
