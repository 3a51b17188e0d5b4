"""The figures of an annual report and of a call to action's dashboard, computed by aggregate SQL.

CONTRACT (what every reader of the figures relies on; a report stores exactly this as JSON, so it must stay plain
JSON: str, int, float, bool, None, lists and dicts with str keys). STUB: the shape is final, the values are not yet
computed (the figures helper replaces the bodies; the pages, downloads and lifecycle are written against the shape).

A count of PEOPLE (not of proposals, items or meetings) is an int, or None when it is fewer than `threshold` people
(or hidden so that a hidden cell cannot be worked out by subtracting published ones): readers show None as
"fewer than 5". Counts of proposals, supports, items, meetings are plain ints, never hidden.

compute(year, progress=callback) -> {
  "year": 2026, "label": "2026-27", "from": "2026-07-01", "to": "2027-06-30",   # the municipal year
  "generated_at": "2027-07-03T10:00:00Z", "threshold": 5,
  "partnership": SECTION,                                   # everything in the year
  "calls_to_action": [{"number": 1, "title": str, "title_bn": str, **SECTION}, ...],   # current plan, by number
  "boards": [{"slug", "name", "name_bn",
              "received": int,                               # proposals routed to the board, submitted in the year
              "median_working_days": float | None, "within_target": int, "responded": int,
              "acknowledgement_days": int,
              "programme": None | {"label": "2026-27", "published_on": "2026-06-20" | None,
                                   "on_time": bool,           # published by 30 June before the year
                                   "items_by_status": {status: int for the 5 ITEM_STATUSES},
                                   "items": [{"title", "target", "status", "calls_to_action": [int],
                                              "last_update": None | {"on": "2027-05-01", "status", "body"},
                                              "proposals": [{"reference", "title"}]}]},
              "meetings": {"held": int, "agendas_published": int, "minutes_published": int,
                           "minutes_late": int, "minutes_never": int}}, ...],
  "escalations": [{"reference", "title", "board": slug, "raised_on": date, "ask": str,
                   "decision": None | "accepted" | "declined" | "under_review" ..., "decision_reason": str,
                   "decided_on": date | None}],
  "congresses": [{"slug", "title", "title_bn", "starts_on": date, "venue": str,
                  "places_taken": PEOPLE, "attended": PEOPLE,
                  "workshops": [{"title", "title_bn", "call_to_action": int | None, "ideas": int,
                                 "outcomes": OUTCOMES}]}],
}

SECTION = {
  "proposals": {"received": int, "supports": int,
                "by_source": {"online": int, "paper": int, "phone": int, "congress": int},
                "by_ward": [{"ward": name | None (borough-wide), "received": int}],      # every ward, by name
                "by_board": [{"board": slug, "received": int}],
                "outcomes": OUTCOMES},
  "response": {"median_working_days": float | None, "within_target": int, "responded": int},
  "items_by_status": {status: int},                          # work programme items of the year (tagged with it)
  "participation": {"people": PEOPLE,
                    "by_kind": {"proposed": PEOPLE, "supported": PEOPLE, "commented": PEOPLE,
                                "registered": PEOPLE, "attended": PEOPLE},
                    "by_connection": {connection: PEOPLE},   # User.connections' values
                    "by_ward": [{"ward": name | None, "people": PEOPLE}]},
  "resolution": {"yes": int, "partly": int, "no": int},     # answers to "did this resolve what you raised?"
}

OUTCOMES = {"accepted": int, "declined": int, "duplicate": int, "referred": int, "escalated": int, "open": int,
            "withdrawn": int}    # what became of the proposals received in the year, by their status today

live(number) -> {"number", "title", "title_bn", "year", "label", "threshold", **SECTION,
                 "boards": [{"slug", "name", "name_bn", "lead": bool}],
                 "items": [{"board": slug, "title", "target", "status", "last_update": None | {...}}]}
   # the current municipal year so far, for /calls-to-action/<number>
"""

from collections.abc import Callable

from engage.programmes.models import ITEM_STATUSES
from engage.programmes.services import year_label, year_span
from engage.proposals.models import SOURCES

THRESHOLD = 5
OUTCOMES = ("accepted", "declined", "duplicate", "referred", "escalated", "open", "withdrawn")
KINDS = ("proposed", "supported", "commented", "registered", "attended")


def _section() -> dict:
    return {
        "proposals": {
            "received": 0,
            "supports": 0,
            "by_source": dict.fromkeys(SOURCES, 0),
            "by_ward": [],
            "by_board": [],
            "outcomes": dict.fromkeys(OUTCOMES, 0),
        },
        "response": {"median_working_days": None, "within_target": 0, "responded": 0},
        "items_by_status": dict.fromkeys(ITEM_STATUSES, 0),
        "participation": {"people": 0, "by_kind": dict.fromkeys(KINDS, 0), "by_connection": {}, "by_ward": []},
        "resolution": {"yes": 0, "partly": 0, "no": 0},
    }


def compute(year: int, progress: Callable[[int], None] = lambda percent: None) -> dict:
    """STUB: the report's figures for a municipal year (see the module's contract); `progress` is told the percent
    done between the parts, so a worker can show the secretariat how far it has got."""
    start, end = year_span(year)
    return {
        "year": year,
        "label": year_label(year),
        "from": start.date().isoformat(),
        "to": end.date().isoformat(),
        "generated_at": None,
        "threshold": THRESHOLD,
        "partnership": _section(),
        "calls_to_action": [],
        "boards": [],
        "escalations": [],
        "congresses": [],
    }


def live(number: int) -> dict:
    """STUB: a call to action's figures for the current municipal year so far (see the module's contract)."""
    return {"number": number, "title": "", "title_bn": "", "year": None, "label": "", "threshold": THRESHOLD}
