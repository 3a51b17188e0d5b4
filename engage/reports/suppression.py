"""Small numbers of people are not published, and no hidden number can be worked out from the published ones.

Primary suppression: a count of 1 to threshold-1 people is hidden (None, shown as "fewer than 5"); 0 stays 0.

Secondary suppression: where cells stand against a published total (the people who took part against those of each
kind, each connection, each ward; a call to action's count against the partnership's; each congress against the
year's), an attacker subtracts the shown cells from the total. So in every such group that has a hidden cell:
- one hidden cell alone would be recovered: the next smallest shown cell that is not 0 is hidden too (the total
  itself when there is none);
- hidden cells that are all 1 would be recovered too (their sum equals their number, and none can be 0, as 0 is
  shown): one more is hidden.
A cell sits in several groups (a ward's count is in its section's group and across calls to action), so the rule runs
until nothing changes. Groups are treated this way even where people overlap (someone can propose and support, or
take part under two calls to action), so the sums are not exact: a guess that happens to be right is prevented too.

Written here rather than taken from a library: the statistical disclosure control packages (sdcMicro, tau-Argus) are
R and Java programs for microdata and whole tables, not a rule to apply to a few dozen counts in a request.
"""

from collections.abc import Hashable, Iterable, Sequence

THRESHOLD = 5

Cell = Hashable
Path = tuple


def hidden_cells(values: dict[Cell, int], groups: Iterable[tuple[Cell, Sequence[Cell]]], threshold: int) -> set[Cell]:
    """Which cells to hide, given every cell's true value and the groups of cells that stand against a total."""
    hidden = {cell for cell, value in values.items() if 0 < value < threshold}
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        for total, cells in groups:
            if total in hidden:
                continue
            covered = [cell for cell in cells if cell in hidden]
            if not covered or (len(covered) > 1 and sum(values[cell] for cell in covered) > len(covered)):
                continue
            shown = [(values[cell], i) for i, cell in enumerate(cells) if cell not in hidden and values[cell] > 0]
            hidden.add(cells[min(shown)[1]] if shown else total)
            changed = True
    return hidden


def _get(figures: dict, path: Path):
    for key in path:
        figures = figures[key]
    return figures


def _set(figures: dict, path: Path, value) -> None:
    _get(figures, path[:-1])[path[-1]] = value


def _measures(figures: dict, section: Path) -> list[Path]:
    """The paths, within a section, of its counts of people (relative to the section)."""
    participation = _get(figures, section)["participation"]
    return [
        ("people",),
        *[("by_kind", kind) for kind in participation["by_kind"]],
        *[("by_connection", connection) for connection in participation["by_connection"]],
        *[("by_ward", i, "people") for i in range(len(participation["by_ward"]))],
    ]


def _section_groups(section: Path, measures: list[Path]) -> list[tuple[Path, list[Path]]]:
    def at(measure: Path) -> Path:
        return (*section, "participation", *measure)

    def of(prefix: str) -> list[Path]:
        return [at(m) for m in measures if m[0] == prefix]

    people, proposed = at(("people",)), at(("by_kind", "proposed"))
    return [
        (people, of("by_kind")),
        (people, of("by_connection")),
        (people, of("by_ward")),
        (proposed, of("by_ward")),
    ]


def _apply(figures: dict, cells: list[Path], groups: list[tuple[Path, list[Path]]], threshold: int) -> None:
    values = {cell: _get(figures, cell) for cell in cells}
    for cell in hidden_cells(values, groups, threshold):
        _set(figures, cell, None)


def suppress(figures: dict, threshold: int = THRESHOLD) -> dict:
    """Hide, in place, the counts of people of an annual report's figures (engage.reports.figures.compute's shape)."""
    sections = [("partnership",)] + [("calls_to_action", i) for i in range(len(figures["calls_to_action"]))]
    measures = _measures(figures, sections[0])
    cells = [(*section, "participation", *m) for section in sections for m in _measures(figures, section)]
    groups = [group for section in sections for group in _section_groups(section, _measures(figures, section))]
    # A call to action's count against the partnership's, measure by measure.
    groups += [
        (("partnership", "participation", *m), [(*section, "participation", *m) for section in sections[1:]])
        for m in measures
    ]
    # Each congress against the year's.
    congresses = [("congresses", i) for i in range(len(figures["congresses"]))]
    cells += [(*congress, key) for congress in congresses for key in ("places_taken", "attended")]
    kinds = ("partnership", "participation", "by_kind")
    groups += [
        ((*kinds, "registered"), [(*congress, "places_taken") for congress in congresses]),
        ((*kinds, "attended"), [(*congress, "attended") for congress in congresses]),
    ]
    _apply(figures, cells, groups, threshold)
    return figures


def suppress_section(figures: dict, threshold: int = THRESHOLD) -> dict:
    """Hide, in place, the counts of people of one section (a call to action's dashboard: figures.live's shape)."""
    measures = _measures(figures, ())
    cells = [("participation", *m) for m in measures]
    _apply(figures, cells, _section_groups((), measures), threshold)
    return figures
