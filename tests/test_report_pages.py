"""The public annual reports: the archive, a published report's page, its PDF, CSV and JSON, each giving exactly the
figures the report holds (a figures dict of engage.reports.figures' shape, written here with known numbers), counts
of people too small to publish as "fewer than 5", and what the secretariat wrote as text."""

import copy
import csv
import io
import json
import re
import time
from datetime import datetime
from html import unescape

import pytest
from pypdf import PdfReader

from engage.extensions import db
from engage.partnership import services as partnership
from engage.reports.models import AnnualReport, ReportCommentary

HOSTILE = "<script>alert('foreword')</script>\nA second line & <b>not bold</b>\u202e"


def section(received: int, accepted: int, people: int | None) -> dict:
    """A SECTION of the figures with known numbers: `received` proposals, `accepted` of them accepted."""
    return {
        "proposals": {
            "received": received,
            "supports": 5678,
            "by_source": {"online": received - 234, "paper": 134, "phone": 60, "congress": 40},
            "by_ward": [{"ward": "Mile End", "received": received - 534}, {"ward": None, "received": 534}],
            "by_board": [{"board": "climate-partnership", "received": received}],
            "outcomes": {
                "accepted": accepted,
                "declined": 123,
                "duplicate": 12,
                "referred": 34,
                "escalated": 7,
                "open": received - accepted - 183,
                "withdrawn": 7,
            },
        },
        "response": {"median_working_days": 3.5, "within_target": 901, "responded": 1103},
        "items_by_status": {"not_started": 2, "on_track": 11, "at_risk": 3, "off_track": 1, "done": 9},
        "participation": {
            "people": people,
            "by_kind": {"proposed": 812, "supported": 1907, "commented": 251, "registered": 433, "attended": None},
            "by_connection": {"lives": 2003, "works": 302, "studies": None, "leisure": 41, "partner": 19},
            "by_ward": [{"ward": "Mile End", "people": 1511}, {"ward": "Bow West", "people": None}],
        },
        "resolution": {"yes": 44, "partly": 17, "no": 9},
    }


FIGURES = {
    "year": 2026,
    "label": "2026-27",
    "from": "2026-07-01",
    "to": "2027-06-30",
    "generated_at": "2027-07-03T10:00:00Z",
    "threshold": 5,
    "partnership": section(1234, 321, 2468),
    "calls_to_action": [
        {"number": 1, "title": "A fairer borough", "title_bn": "একটি ন্যায্য বরো", **section(777, 211, None)},
    ],
    "boards": [
        {
            "slug": "climate-partnership",
            "name": "Climate Partnership",
            "name_bn": "",
            "received": 1234,
            "median_working_days": 4.25,
            "within_target": 88,
            "responded": 97,
            "acknowledgement_days": 10,
            "programme": {
                "label": "2026-27",
                "published_on": "2026-06-20",
                "on_time": True,
                "items_by_status": {"not_started": 1, "on_track": 4, "at_risk": 0, "off_track": 0, "done": 6},
                "items": [
                    {
                        "title": "Plant <em>600</em> street trees",
                        "target": "600 trees by March",
                        "status": "done",
                        "calls_to_action": [1],
                        "last_update": {"on": "2027-05-01", "status": "done", "body": "Planted.\n<i>All</i> of them."},
                        "proposals": [{"reference": "TH-2026-00042", "title": "Trees on Mile End Road"}],
                    }
                ],
            },
            "meetings": {
                "held": 6,
                "agendas_published": 6,
                "minutes_published": 5,
                "minutes_late": 2,
                "minutes_never": 1,
            },
        },
        {
            "slug": "community-safety-partnership",
            "name": "Community Safety Partnership",
            "name_bn": "",
            "received": 0,
            "median_working_days": None,
            "within_target": 0,
            "responded": 0,
            "acknowledgement_days": 10,
            "programme": None,
            "meetings": {
                "held": 0,
                "agendas_published": 0,
                "minutes_published": 0,
                "minutes_late": 0,
                "minutes_never": 0,
            },
        },
    ],
    "escalations": [
        {
            "reference": "TH-2026-00077",
            "title": "A crossing on Burdett Road",
            "board": "climate-partnership",
            "raised_on": "2026-11-02",
            "ask": "<img src=x onerror=alert(1)>\nFund it jointly",
            "decision": "accepted",
            "decision_reason": "Agreed by all partners",
            "decided_on": "2026-12-01",
        }
    ],
    "congresses": [
        {
            "slug": "spring-2027",
            "title": "Spring congress 2027",
            "title_bn": "",
            "starts_on": "2027-03-14",
            "venue": "Oxford House",
            "places_taken": 183,
            "attended": None,
            "workshops": [
                {
                    "title": "Cleaner air",
                    "title_bn": "",
                    "call_to_action": 1,
                    "ideas": 13,
                    "outcomes": {
                        "accepted": 4,
                        "declined": 1,
                        "duplicate": 0,
                        "referred": 0,
                        "escalated": 0,
                        "open": 8,
                        "withdrawn": 0,
                    },
                }
            ],
        }
    ],
}


def add_report(app, year=2026, state="published", figures=FIGURES, foreword=HOSTILE, foreword_bn="") -> None:
    with app.app_context():
        plan = partnership.current_plan()
        first = next(p for p in plan.priorities if p.number == 1)
        report = AnnualReport(
            year=year,
            state=state,
            figures=copy.deepcopy(figures),
            figures_at=datetime(2027, 7, 3, 10),
            foreword=foreword,
            foreword_bn=foreword_bn,
            published_at=datetime(2027, 7, 20, 9) if state == "published" else None,
        )
        report.commentaries.append(
            ReportCommentary(priority=first, text="Commentary on one.\nIts <u>second</u> line.", text_bn="মন্তব্য এক")
        )
        db.session.add(report)
        db.session.commit()


def words(html: str) -> str:
    """A page's text as a reader sees it: tags gone, entities read, every run of white space one space."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def titles(outline):
    """Every bookmark's title in a PDF's outline (pypdf gives a heading's sub-headings as a list after it)."""
    for entry in outline:
        yield from titles(entry) if isinstance(entry, list) else [entry.title]


# Figures each download and the page must give: (what the page says, the value).
EXPECTED = [
    ("Proposals received", "1234"),
    ("Supports given", "5678"),
    ("Accepted", "321"),
    ("Still open", "730"),
    ("On paper", "134"),
    ("Borough-wide", "534"),
    ("Different people who took part", "2468"),
    ("Supported an idea", "1907"),
    ("Came to a congress", "fewer than 5"),
    ("Study in Tower Hamlets", "fewer than 5"),
    ("Bow West", "fewer than 5"),
    ("Median working days from a proposal to its review starting", "3.5"),
    ("Reviews started within the board's target", "901 of 1103"),
    ("Minutes published late", "2"),
    ("Minutes never published", "1"),
    ("Places taken", "183"),
    ("People who came", "fewer than 5"),
]


@pytest.fixture
def published(app):
    add_report(app)


def test_a_published_report_shows_exactly_its_figures(app, published):
    response = app.test_client().get("/reports/2026-27")
    assert response.status_code == 200
    text = words(response.get_data(as_text=True))
    for name, value in EXPECTED:
        assert f"{name} {value}" in text, (name, value)
    # The call to action's own section: its own numbers, its people count hidden, its commentary.
    call = text[text.index("Call to action 1: A fairer borough Commentary") :]
    assert "Proposals received 777" in call and "Accepted 211" in call
    assert "Different people who took part fewer than 5" in call
    assert "Commentary on one. Its <u>second</u> line." in call
    # The boards: response times, the programme on time, its item with target, last update and proposal.
    assert "Climate Partnership 4.25" not in text and "Climate Partnership 4.2" in text  # one decimal place
    assert "Published by 30 June On time" in text
    assert "Target or measure 600 trees by March" in text
    assert "Last update 1 May 2027 Done Planted. <i>All</i> of them." in text
    assert re.search(r"TH-2026-00042 ?: Trees on Mile End Road", text)
    assert "This board published no work programme for the year." in text
    assert "Community Safety Partnership No reviews started" in text
    # PEG's decision, the congress's workshop and what became of its ideas, the answers to "did it resolve".
    assert "What the Partnership Executive Group decided Accepted" in text
    assert "Cleaner air 1 13 Accepted: 4 Declined: 1 Still open: 8" in text
    assert "Yes 44 Partly 17 No 9" in text


def test_the_narrative_and_figures_text_are_shown_as_text_with_their_line_breaks(app, published):
    page = app.test_client().get("/reports/2026-27").get_data(as_text=True)
    assert "<script>alert(" not in page and "<b>not bold</b>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;foreword&#39;)&lt;/script&gt;\nA second line &amp; &lt;b&gt;not bold" in page
    assert "Plant &lt;em&gt;600&lt;/em&gt; street trees" in page
    assert re.search(r'class="govuk-body engage-pre-line engage-narrative">&lt;script&gt;', page)


def test_the_pdf_holds_the_same_figures_with_bookmarks_a_title_and_a_language(app, published):
    response = app.test_client().get("/reports/2026-27.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "annual-report-2026-27.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for name, value in EXPECTED:
        assert f"{name} {value}" in text, (name, value)
    assert "<script>alert('foreword')</script> A second line & <b>not bold</b>" in text
    assert reader.metadata.title == "Tower Hamlets Partnership annual report 2026-27"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    bookmarks = list(titles(reader.outline))
    # The charts' bars are drawn, in the pages' blue (#1d70b8).
    assert any(b"0.113725 0.439216 0.721569 rg" in page.get_contents().get_data() for page in reader.pages)
    assert "Foreword" in bookmarks and "Boards" in bookmarks and "Congresses" in bookmarks


def test_the_pdf_is_drawn_once_and_kept_and_the_worker_draws_it_ahead(app, published):
    from engage.reports.models import ReportDocument
    from worker.tasks import draw_report_pdfs

    client = app.test_client()
    first = client.get("/reports/2026-27.pdf").data
    with app.app_context():
        kept = db.session.scalars(db.select(ReportDocument)).all()
        assert [(row.lang, row.pdf) for row in kept] == [("en", first)]
        report = db.session.scalars(db.select(AnnualReport)).one()
        report.foreword = "Changed after it was drawn"  # (a published report never changes: this shows what is sent)
        db.session.commit()
        report_id = report.id
    assert client.get("/reports/2026-27.pdf").data == first
    with app.app_context():
        assert draw_report_pdfs(report_id) == 0
        kept = dict(db.session.execute(db.select(ReportDocument.lang, ReportDocument.pdf)).all())
    assert set(kept) == {"en", "bn"} and kept["en"] == first
    bengali = PdfReader(io.BytesIO(kept["bn"]))
    assert bengali.trailer["/Root"]["/Lang"] == "bn"
    assert "Changed after it was drawn" in " ".join(page.extract_text() for page in bengali.pages)
    assert client.get("/reports/2026-27.pdf?lang=bn").data == kept["bn"]
    # Its links lead to the public site, wherever it was drawn.
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in bengali.pages
        for annotation in page.get("/Annots") or []
        if "/URI" in annotation.get_object().get("/A", {})
    ]
    assert "http://engage.test/proposals/TH-2026-00042" in links


def test_the_csv_and_json_hold_every_figure_with_small_counts_of_people_hidden(app, published):
    client = app.test_client()
    response = client.get("/reports/2026-27.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = dict(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows["partnership.proposals.received"] == "1234"
    assert rows["partnership.proposals.outcomes.accepted"] == "321"
    assert rows["partnership.proposals.by_ward[borough-wide].received"] == "534"
    assert rows["calls_to_action[1].proposals.received"] == "777"
    assert rows["calls_to_action[1].participation.people"] == "fewer than 5"
    assert rows["partnership.participation.by_kind.attended"] == "fewer than 5"
    assert rows["partnership.participation.by_ward[Bow West].people"] == "fewer than 5"
    assert rows["partnership.response.median_working_days"] == "3.5"
    assert rows["boards[climate-partnership].meetings.minutes_late"] == "2"
    assert rows["boards[community-safety-partnership].median_working_days"] == ""
    assert rows["congresses[spring-2027].attended"] == "fewer than 5"
    assert rows["congresses[spring-2027].workshops[Cleaner air].ideas"] == "13"
    assert rows["escalations[TH-2026-00077].ask"] == "<img src=x onerror=alert(1)>\nFund it jointly"

    response = client.get("/reports/2026-27.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["partnership"]["proposals"] == FIGURES["partnership"]["proposals"]
    assert data["partnership"]["participation"]["people"] == 2468
    assert data["partnership"]["participation"]["by_kind"]["attended"] == "fewer than 5"
    assert data["calls_to_action"][0]["participation"]["people"] == "fewer than 5"
    assert data["congresses"][0]["attended"] == "fewer than 5"
    assert data["boards"][1]["median_working_days"] is None  # no reviews: not a hidden count
    # Nothing else differs from the stored figures.
    assert data["boards"] == FIGURES["boards"] and data["escalations"] == FIGURES["escalations"]


def test_a_formula_in_a_figure_is_not_a_formula_in_the_csv(app):
    figures = copy.deepcopy(FIGURES)
    figures["escalations"][0]["title"] = '=HYPERLINK("http://evil.example")'
    add_report(app, figures=figures)
    text = app.test_client().get("/reports/2026-27.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("state", ["draft", "put_to_peg", "approved"])
@pytest.mark.parametrize("suffix", ["", ".csv", ".json", ".pdf"])
def test_a_report_not_yet_published_is_not_found_by_anyone(app, new_browser, state, suffix):
    from test_roles import ROLES, signed_in_as

    app.test_cli_runner().invoke(args=["demo", "--accounts-only"])
    add_report(app, state=state)
    for role in ROLES:
        response = signed_in_as(new_browser, role).get(f"/reports/2026-27{suffix}")
        assert response.status_code == 404, role
    assert "2026-27" not in app.test_client().get("/reports/").get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["", ".csv", ".json", ".pdf"])
def test_a_published_report_is_for_everyone(app, new_browser, published, suffix):
    from test_roles import ROLES, signed_in_as

    app.test_cli_runner().invoke(args=["demo", "--accounts-only"])
    archive = set()
    for role in ROLES:
        person = signed_in_as(new_browser, role)
        assert person.get(f"/reports/2026-27{suffix}").status_code == 200, role
        archive.add(re.search(r'href="/reports/2026-27"', person.get("/reports/").get_data(as_text=True)) is not None)
    assert archive == {True}


@pytest.mark.parametrize(
    "address",
    [
        "/reports/2025-26",  # no report that year
        "/reports/2026-28",  # not a municipal year
        "/reports/2026",
        "/reports/26-27",
        "/reports/2026-27.xlsx",
        "/reports/2026-27.pdf/",
        "/reports/%00",
        "/reports/2026-27%3Cscript%3E",
        "/reports/" + "9" * 400,
    ],
)
def test_a_bad_or_unknown_year_is_not_found(app, published, address):
    assert app.test_client().get(address).status_code == 404


def test_the_archive_lists_published_reports_newest_first_and_is_linked_from_every_page(app):
    add_report(app, year=2024)
    add_report(app, year=2026)
    add_report(app, year=2025, state="approved")
    client = app.test_client()
    page = client.get("/reports/").get_data(as_text=True)
    assert re.findall(r'href="/reports/(\d{4}-\d{2})"', page) == ["2026-27", "2024-25"]
    home = client.get("/").get_data(as_text=True)
    assert home.count('href="/reports/"') == 2  # the home page's link and the footer's
    assert 'href="/reports/"' in client.get("/boards/").get_data(as_text=True)


def test_published_reports_may_be_kept_by_caches_for_anonymous_visitors_only(app, new_browser, published):
    from test_roles import signed_in_as

    client = app.test_client()
    for address in ("/reports/2026-27", "/reports/2026-27.pdf", "/reports/2026-27.csv", "/reports/2026-27.json"):
        response = client.get(address)
        assert response.cache_control.public and response.cache_control.max_age == 86400, address
        assert "Accept-Language" in response.vary and "Cookie" in response.vary
    assert client.get("/reports/").cache_control.max_age == 300
    assert client.get("/reports/2026-27?lang=bn").cache_control.public is False  # it sets the language's cookie
    app.test_cli_runner().invoke(args=["demo", "--accounts-only"])
    response = signed_in_as(new_browser, "resident").get("/reports/2026-27")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_the_bengali_report_shows_what_was_written_in_bengali_and_marks_english(app):
    add_report(app, foreword_bn="বাংলায় মুখবন্ধ\nদ্বিতীয় লাইন")
    page = app.test_client().get("/reports/2026-27?lang=bn").get_data(as_text=True)
    assert '<html lang="bn"' in page
    assert "বাংলায় মুখবন্ধ\nদ্বিতীয় লাইন" in page and "A second line" not in page
    assert "মন্তব্য এক" in page and "Commentary on one" not in page
    assert "একটি ন্যায্য বরো" in page  # the call to action's Bengali title
    # What was written only in English is marked English: the board's name, an item's title.
    assert '<span lang="en">Climate Partnership</span>' in page
    assert '<span lang="en">Plant &lt;em&gt;600&lt;/em&gt; street trees</span>' in page
    assert "Annual report" not in words(page)  # every heading translated
    assert "1234" in words(page)  # Latin digits


def test_a_bengali_page_shows_the_english_foreword_marked_english_when_none_is_written_in_bengali(app, published):
    page = app.test_client().get("/reports/2026-27?lang=bn").get_data(as_text=True)
    assert '<span lang="en">&lt;script&gt;alert(&#39;foreword&#39;)&lt;/script&gt;\nA second line' in page


def test_the_bengali_pdf_draws_bengali_and_says_its_language(app):
    add_report(app, foreword_bn="বাংলায় মুখবন্ধ")
    response = app.test_client().get("/reports/2026-27.pdf?lang=bn")
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "bn"
    fonts = {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert any(font.endswith("+Noto-Sans-Bengali") for font in fonts), fonts
    # Text drawn shaped comes back from the PDF in the order its glyphs are drawn (a vowel sign written before its
    # consonant comes first), so only words without such signs read back exactly.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "বার্ষিক" in text and "2026-27" in text and "Cleaner air 1 13" in text


# A call to action's live figures (engage.reports.figures.live's shape), with known numbers.
LIVE = {
    "number": 3,
    "title": "Safer streets",
    "title_bn": "নিরাপদ রাস্তা",
    "year": 2026,
    "label": "2026-27",
    "threshold": 5,
    **section(345, 67, None),
    "boards": [
        {"slug": "community-safety-partnership", "name": "Community Safety Partnership", "name_bn": "", "lead": True},
        {"slug": "climate-partnership", "name": "Climate Partnership", "name_bn": "", "lead": False},
    ],
    "items": [
        {
            "board": "community-safety-partnership",
            "title": "Lighting on <b>towpaths</b>",
            "target": "40 new lights",
            "status": "at_risk",
            "last_update": {"on": "2026-11-20", "status": "at_risk", "body": "Waiting for the\nCanal & River Trust"},
        },
        {
            "board": "climate-partnership",
            "title": "Quiet routes",
            "target": "",
            "status": "not_started",
            "last_update": None,
        },
    ],
}


@pytest.fixture
def live(monkeypatch):
    """The call to action's live figures as engage.reports.figures.live gives them (its shape, known numbers)."""
    from engage.reports import figures

    monkeypatch.setattr(figures, "live", lambda number: {**copy.deepcopy(LIVE), "number": number})


def test_a_call_to_action_shows_its_live_figures(app, live):
    page = app.test_client().get("/calls-to-action/3").get_data(as_text=True)
    text = words(page)
    assert "This year so far (2026-27)" in text
    assert "Community Safety Partnership (lead board) Climate Partnership" in text
    for name, value in [
        ("Proposals received", "345"),
        ("Accepted", "67"),
        ("Still open", "95"),
        ("Different people who took part", "fewer than 5"),
        ("Came to a congress", "fewer than 5"),
        ("At risk", "3"),
        ("Reviews started within the board's target", "901 of 1103"),
    ]:
        assert f"{name} {value}" in text, (name, value)
    assert "Lighting on <b>towpaths</b> Board Community Safety Partnership Target or measure 40 new lights" in text
    assert "Last update 20 November 2026 At risk Waiting for the Canal & River Trust" in text
    quiet = "Quiet routes Board Climate Partnership Target or measure None Status Not started Last update No update yet"
    assert quiet in text
    assert "<b>towpaths" not in page and "Waiting for the\nCanal &amp; River Trust" in page


def test_a_call_to_action_in_bengali(app, live):
    page = app.test_client().get("/calls-to-action/3?lang=bn").get_data(as_text=True)
    assert '<span lang="en">Lighting on &lt;b&gt;towpaths&lt;/b&gt;</span>' in page
    assert "This year so far" not in page and "345" in words(page)


def test_a_call_to_action_that_does_not_exist_is_not_found(app, live):
    assert app.test_client().get("/calls-to-action/99").status_code == 404


def test_a_report_and_the_archive_cost_a_handful_of_queries_however_many_commentaries(app, published):
    from support import QueryCounter

    with app.app_context():
        engine = db.engine
        report = db.session.scalars(db.select(AnnualReport)).one()
        for priority in partnership.current_plan().priorities[1:]:
            report.commentaries.append(ReportCommentary(priority=priority, text=f"On {priority.number}"))
        db.session.commit()
    client = app.test_client()
    for address, most in (("/reports/2026-27", 4), ("/reports/", 2)):
        with QueryCounter(engine) as counter:
            assert client.get(address).status_code == 200
        assert counter.count <= most, (address, counter.statements)


def test_odd_text_in_the_figures_never_breaks_a_page_or_a_download(app):
    """Text the figures carry from what people wrote (a NUL byte, a right-to-left override, markup, a word as long as
    the longest text a board may write, 20,000 letters of words) is shown as text everywhere, no download fails on
    it, and the PDF is drawn in seconds (WeasyPrint took minutes over such text in a table's cell, see print.css)."""
    figures = copy.deepcopy(FIGURES)
    item = figures["boards"][0]["programme"]["items"][0]
    item["title"] = "Trees\x00 <script>x</script> \u202eright to left"
    item["last_update"]["body"] = "A" * 5000
    figures["escalations"][0]["ask"] = "Fund it jointly. " * 1200
    add_report(app, figures=figures, foreword="Foreword " * 2500)
    client = app.test_client()
    for suffix in ("", ".csv", ".json", "?lang=bn"):
        response = client.get(f"/reports/2026-27{suffix}")
        assert response.status_code == 200, suffix
        assert b"<script>x</script>" not in response.data or suffix in (".csv", ".json"), suffix
    started = time.monotonic()
    for suffix in (".pdf", ".pdf?lang=bn"):
        response = client.get(f"/reports/2026-27{suffix}")
        assert response.status_code == 200 and response.mimetype == "application/pdf", suffix
    assert time.monotonic() - started < 30
