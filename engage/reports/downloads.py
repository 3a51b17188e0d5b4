"""A report's figures as the CSV and JSON downloads give them: every figure of engage.reports.figures' dict, each count
of people too small to publish (None there) written as "fewer than 5", as the page shows it."""

import copy
import json

from engage.congress.planning import to_csv
from engage.reports.figures import THRESHOLD

# Where the figures hold counts of people (engage.reports.figures' PEOPLE): in each section's participation, and a
# congress's places taken and attendance. Every other None (no median yet, no decision, a borough-wide ward) is no
# hidden count, and stays null.
_CONGRESS_PEOPLE = ("places_taken", "attended")


def hidden(threshold: int) -> str:
    return f"fewer than {threshold}"


def _hide_participation(participation: dict, words: str) -> None:
    if participation.get("people", 0) is None:
        participation["people"] = words
    for part in ("by_kind", "by_connection"):
        counts = participation.get(part) or {}
        for key, value in counts.items():
            if value is None:
                counts[key] = words
    for row in participation.get("by_ward") or []:
        if row.get("people", 0) is None:
            row["people"] = words


def published(figures: dict) -> dict:
    """The figures with every hidden count of people written "fewer than N" (N the report's threshold)."""
    figures = copy.deepcopy(figures)
    words = hidden(figures.get("threshold") or THRESHOLD)
    sections = [figures.get("partnership") or {}, *(figures.get("calls_to_action") or [])]
    for section in sections:
        if isinstance(section.get("participation"), dict):
            _hide_participation(section["participation"], words)
    for congress in figures.get("congresses") or []:
        for key in _CONGRESS_PEOPLE:
            if key in congress and congress[key] is None:
                congress[key] = words
    return figures


def as_json(figures: dict) -> str:
    return json.dumps(published(figures), ensure_ascii=False, indent=2, sort_keys=False)


# A list's rows are named in the CSV by what identifies them, so a row's figures keep their place whatever the order.
_NAMES = ("number", "slug", "reference", "board", "ward", "title", "status")


def _name(row, index: int) -> str:
    if isinstance(row, dict):
        for key in _NAMES:
            if key in row:
                value = row[key]
                return "borough-wide" if value is None and key == "ward" else str(value)
    return str(index + 1)


def _leaves(value, path: str):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        if not value:
            return
        if all(not isinstance(row, dict | list) for row in value):  # a list of numbers: its calls to action
            yield path, " ".join(str(row) for row in value)
            return
        for index, row in enumerate(value):
            yield from _leaves(row, f"{path}[{_name(row, index)}]")
    else:
        yield path, "" if value is None else str(value).lower() if isinstance(value, bool) else value


def as_csv(figures: dict) -> str:
    """One row per figure: its place in the report (like calls_to_action[2].proposals.outcomes.accepted) and its
    value; text that would be a formula to a spreadsheet is written so that it is not."""
    return to_csv([["figure", "value"], *_leaves(published(figures), "")])
