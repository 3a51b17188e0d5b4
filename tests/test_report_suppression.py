"""Small numbers of people: no count of 1–4 people is published, and no hidden count can be worked out by subtracting
published ones, across every table of the report's figures (hypothesis generates the people and what they did)."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.reports import suppression

KINDS = ("proposed", "supported", "commented", "registered", "attended")
CONNECTIONS = ("lives", "works", "studies", "leisure", "partner")
WARDS = ("A", "B", "C", None)
CTAS = (1, 2, 3)
CONGRESSES = (0, 1)

person = st.fixed_dictionaries(
    {
        "kinds": st.sets(st.sampled_from(KINDS[:3]), max_size=3),
        "ctas": st.sets(st.sampled_from(CTAS), min_size=1, max_size=2),
        "wards": st.sets(st.sampled_from(WARDS), min_size=1, max_size=2),
        "connections": st.sets(st.sampled_from(CONNECTIONS), max_size=2),
        "congress": st.none() | st.sampled_from(CONGRESSES),
        "attended": st.booleans(),
    }
)


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
    """Every published total with the published cells an attacker would subtract from it (as getters)."""

    def at(*path):
        def get(f):
            for key in path:
                f = f[key]
            return f

        return get

    sections = [("partnership",)] + [("calls_to_action", i) for i in range(len(CTAS))]
    measures = (
        [("people",)]
        + [("by_kind", k) for k in KINDS]
        + [("by_connection", c) for c in CONNECTIONS]
        + [("by_ward", i, "people") for i in range(len(WARDS))]
    )
    found = []
    for s in sections:
        part = (*s, "participation")
        kinds = [at(*part, "by_kind", k) for k in KINDS]
        connections = [at(*part, "by_connection", c) for c in CONNECTIONS]
        wards = [at(*part, "by_ward", i, "people") for i in range(len(WARDS))]
        found += [(at(*part, "people"), kinds), (at(*part, "people"), connections), (at(*part, "people"), wards)]
        found += [(at(*part, "by_kind", "proposed"), wards)]
    for m in measures:
        found.append((at("partnership", "participation", *m), [at(*s, "participation", *m) for s in sections[1:]]))
    for key, kind in (("places_taken", "registered"), ("attended", "attended")):
        cells = [at("congresses", i, key) for i in range(len(CONGRESSES))]
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


@settings(max_examples=400, deadline=None)
@given(st.lists(person, max_size=30))
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
