"""Small numbers of people: no count of 1–4 people is published, and no hidden count can be worked out by subtracting
published ones, across every table of the report's figures (hypothesis generates the people and what they did)."""

import copy

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import reset_database
from test_report_figures import VCS, WARD_A, WARD_B, WARD_C, YEAR, Year, at

from engage.congress.models import Congress, Registration, Workshop, WorkshopPlace
from engage.extensions import db
from engage.proposals.models import Comment, Support
from engage.reports import figures, suppression

KINDS = ("proposed", "supported", "commented", "registered", "attended")
CONNECTIONS = ("lives", "works", "studies", "leisure", "partner")
WARDS = ("A", "B", "C", None)
CTAS = (1, 2, 3)
CONGRESSES = (0, 1)


@st.composite
def populations(draw, min_size: int = 0, max_size: int = 30) -> list[dict]:
    """People and what they did. Some populations have each person under one call to action, in one ward, with one
    connection, doing one thing: then the cells add up exactly to their totals, and subtraction works."""

    def one_or_more(values, single: bool, min_size: int = 1):
        return st.sets(st.sampled_from(values), min_size=min_size, max_size=1 if single else 2)

    one_cta, one_ward, one_connection, one_kind = (draw(st.booleans()) for _ in range(4))
    person = st.fixed_dictionaries(
        {
            "kinds": one_or_more(KINDS[:3], one_kind, min_size=0),
            "ctas": one_or_more(CTAS, one_cta),
            "wards": one_or_more(WARDS, one_ward),
            "connections": one_or_more(CONNECTIONS, one_connection, min_size=0),
            "congress": st.none() | st.sampled_from(CONGRESSES),
            "attended": st.booleans(),
        }
    )
    return draw(st.lists(person, min_size=min_size, max_size=max_size))


def did(someone: dict) -> set[str]:
    kinds = set(someone["kinds"])
    if someone["congress"] is not None:
        kinds.add("registered")
        if someone["attended"]:
            kinds.add("attended")
    return kinds


def section(people: list[dict]) -> dict:
    """A section's participation as engage.reports.figures counts it, from the people who took part in it."""
    people = [someone for someone in people if did(someone)]
    proposers = [someone for someone in people if "proposed" in did(someone)]
    return {
        "participation": {
            "people": len(people),
            "by_kind": {kind: sum(kind in did(someone) for someone in people) for kind in KINDS},
            "by_connection": {c: sum(c in someone["connections"] for someone in people) for c in CONNECTIONS},
            "by_ward": [{"ward": w, "people": sum(w in someone["wards"] for someone in proposers)} for w in WARDS],
        }
    }


def report(people: list[dict]) -> dict:
    return {
        "partnership": section(people),
        "calls_to_action": [{"number": n, **section([p for p in people if n in p["ctas"]])} for n in CTAS],
        "congresses": [
            {
                "places_taken": sum(p["congress"] == c for p in people),
                "attended": sum(p["congress"] == c and p["attended"] for p in people),
            }
            for c in CONGRESSES
        ],
    }


def tables(figures: dict) -> list[tuple[object, list]]:
    """Every published total with the published cells an attacker would subtract from it (as getters), for figures of
    compute()'s shape, whatever their number of calls to action, wards and congresses."""

    def at(*path):
        def get(f):
            for key in path:
                f = f[key]
            return f

        return get

    sections = [("partnership",)] + [("calls_to_action", i) for i in range(len(figures["calls_to_action"]))]
    whole = figures["partnership"]["participation"]
    measures = (
        [("people",)]
        + [("by_kind", k) for k in whole["by_kind"]]
        + [("by_connection", c) for c in whole["by_connection"]]
        + [("by_ward", i, "people") for i in range(len(whole["by_ward"]))]
    )
    found = []
    for s in sections:
        part = (*s, "participation")
        kinds = [at(*part, *m) for m in measures if m[0] == "by_kind"]
        connections = [at(*part, *m) for m in measures if m[0] == "by_connection"]
        wards = [at(*part, *m) for m in measures if m[0] == "by_ward"]
        found += [(at(*part, "people"), kinds), (at(*part, "people"), connections), (at(*part, "people"), wards)]
        found += [(at(*part, "by_kind", "proposed"), wards)]
    for m in measures:
        found.append((at("partnership", "participation", *m), [at(*s, "participation", *m) for s in sections[1:]]))
    for key, kind in (("places_taken", "registered"), ("attended", "attended")):
        cells = [at("congresses", i, key) for i in range(len(figures["congresses"]))]
        found.append((at("partnership", "participation", "by_kind", kind), cells))
    return found


def recoveries(true: dict, shown: dict) -> int:
    """Differencing: total less the shown cells gives a lone hidden cell; or hidden cells all 1 when the rest equals
    their number (none can be 0: 0 is shown)."""
    found = 0
    for total, cells in tables(true):
        if total(shown) is None:
            continue
        hidden = [cell for cell in cells if cell(shown) is None]
        rest = total(shown) - sum(cell(shown) for cell in cells if cell(shown) is not None)
        if (
            len(hidden) == 1
            and hidden[0](true) == rest
            or len(hidden) > 1
            and rest == len(hidden)
            and all(cell(true) == 1 for cell in hidden)
        ):
            found += 1
    return found


def people_counts(figures: dict) -> list:
    counts = []
    for total, cells in tables(figures):
        counts += [total(figures), *(cell(figures) for cell in cells)]
    return counts


ONE_EACH = {"kinds": {"supported"}, "wards": {"A"}, "connections": {"lives"}, "congress": None, "attended": False}


@settings(max_examples=400, deadline=None)
@given(populations())
@example([{**ONE_EACH, "ctas": {1}}] * 5 + [{**ONE_EACH, "ctas": {2}}] * 5 + [{**ONE_EACH, "ctas": {3}}] * 2)
def test_no_small_number_is_published_and_none_can_be_recovered(people):
    true = report(people)
    shown = suppression.suppress(copy.deepcopy(true))
    assert not [n for n in people_counts(shown) if n is not None and 0 < n < suppression.THRESHOLD]
    assert all(n is None or n == t for n, t in zip(people_counts(shown), people_counts(true), strict=True))
    assert recoveries(true, shown) == 0


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    values = {"total": 30, "a": 3, "b": 12, "c": 15, "d": 0}
    assert suppression.hidden_cells(values, [("total", ["a", "b", "c", "d"])], 5) == {"a", "b"}


def test_hidden_cells_all_one_hide_one_more_or_the_total():
    values = {"total": 2, "a": 1, "b": 1}
    assert suppression.hidden_cells(values, [("total", ["a", "b"])], 1) == set()
    values = {"total": 12, "a": 1, "b": 1, "c": 10}
    assert suppression.hidden_cells(values, [("total", ["a", "b", "c"])], 5) == {"a", "b", "c"}
    values = {"total": 7, "a": 1, "b": 1, "c": 0}
    assert suppression.hidden_cells(values, [("total", ["a", "b", "c"])], 5) == {"a", "b", "total"}


def test_zero_stays_zero_and_five_is_shown():
    values = {"total": 5, "a": 5, "b": 0}
    assert suppression.hidden_cells(values, [("total", ["a", "b"])], 5) == set()


# The same attacks on what compute() publishes from a generated year in the database ---------------------------------


def expected(people: list[dict], ward_names: list[str | None]) -> dict:
    """The participation compute() should count (the model of section(), in compute()'s shape), by call to action."""

    def of(group: list[dict]) -> dict:
        counted = section(group)["participation"]
        wards = dict(zip(WARDS, (row["people"] for row in counted["by_ward"]), strict=True))
        names = dict(zip(WARDS, (WARD_A, WARD_B, WARD_C, None), strict=True))
        by_name = {names[w]: n for w, n in wards.items()}
        counted["by_ward"] = [{"ward": name, "people": by_name.get(name, 0)} for name in ward_names]
        return counted

    return {None: of(people), **{n: of([p for p in people if n in p["ctas"]]) for n in (1, 2, 3, 4, 5)}}


def load(people: list[dict]) -> None:
    y = Year()
    anchors = {n: y.proposal(None, [n], None, "online", VCS, "2025-09-01") for n in CTAS}
    congresses = []
    for c in CONGRESSES:
        found = Congress(
            slug=f"c{c}",
            title="C",
            starts_at=at("2026-03-14"),
            ends_at=at("2026-03-14", 16),
            capacity=100,
            opens_at=at("2026-01-01"),
            closes_at=at("2026-03-13"),
            state="published",
        )
        db.session.add(found)
        db.session.flush()
        workshops = {
            n: Workshop(
                congress_id=found.id,
                priority_id=y.ctas[n].id,
                title="W",
                capacity=50,
                starts_at=at("2026-03-14", 10 + n),
            )
            for n in CTAS
        }
        db.session.add_all(workshops.values())
        db.session.flush()
        congresses.append((found, workshops))
    for i, someone in enumerate(people):
        user = y.person(f"p{i}", *sorted(someone["connections"]))
        ctas = sorted(someone["ctas"])
        if "proposed" in someone["kinds"]:
            names = dict(zip(WARDS, (WARD_A, WARD_B, WARD_C, None), strict=True))
            for ward in someone["wards"]:
                y.proposal(f"p{i}", ctas, names[ward], "online", VCS, "2025-10-01")
        for n in ctas:
            if "supported" in someone["kinds"]:
                db.session.add(Support(proposal_id=anchors[n].id, user_id=user.id, created_at=at("2025-11-01")))
            if "commented" in someone["kinds"]:
                db.session.add(
                    Comment(proposal_id=anchors[n].id, author_id=user.id, body="!", created_at=at("2025-11-01"))
                )
        if someone["congress"] is not None:
            congress, workshops = congresses[someone["congress"]]
            registration = Registration(
                congress_id=congress.id,
                user_id=user.id,
                reference=f"R{i}",
                name="R",
                email=f"p{i}@example.org",
                status="confirmed",
                checked_in_at=at("2026-03-14", 9) if someone["attended"] else None,
            )
            db.session.add(registration)
            db.session.flush()
            db.session.add_all(
                WorkshopPlace(registration_id=registration.id, workshop_id=workshops[n].id, status="confirmed")
                for n in ctas
            )
    db.session.commit()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(populations(min_size=1))
def test_what_compute_publishes_hides_small_numbers_and_gives_none_away(app, people):
    reset_database(app)
    with app.app_context():
        load(people)
        true = figures.compute(YEAR, threshold=1)
        shown = figures.compute(YEAR)
        db.session.remove()
    ward_names = [row["ward"] for row in true["partnership"]["participation"]["by_ward"]]
    model = expected(people, ward_names)
    assert true["partnership"]["participation"] == model[None]
    for cta in true["calls_to_action"]:
        assert cta["participation"] == model[cta["number"]]
    assert [(c["places_taken"], c["attended"]) for c in true["congresses"]] == [
        (sum(p["congress"] == c for p in people), sum(p["congress"] == c and p["attended"] for p in people))
        for c in CONGRESSES
    ]
    assert not [n for n in people_counts(shown) if n is not None and 0 < n < suppression.THRESHOLD]
    assert all(n is None or n == t for n, t in zip(people_counts(shown), people_counts(true), strict=True))
    assert recoveries(true, shown) == 0
