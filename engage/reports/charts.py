"""The reports' charts: horizontal bars drawn on the server as SVG, each bar in a row of a table that holds its label
and its number, so the table is the chart's text alternative and no JavaScript is needed (templates/reports/_charts.html
draws them from what bars() returns).

Why a Jinja macro and not a charting library. The issue asks for a maintained library unless it costs more than it
saves; both candidates were tried on the report's own data (December 2026):

- pygal 3.1.3: one chart of two bars is 15.7 KB, most of it a <style> element inside the SVG, which the site's
  Content-Security-Policy (style-src 'self') refuses, so the chart shows unstyled; every chart gets a random id
  (the same report drawn twice differs); its labels are text inside the picture, so a 600-unit-wide chart shown at
  320 px draws its 10 px labels at about 5 px, and a long call to action's title is cut short; it brings
  importlib-metadata and zipp with it.
- leather 0.4.1: small (2.5 KB, no dependencies, no <style>), but it writes a fixed width and height and no viewBox,
  so it cannot shrink to a phone; its labels are text inside the picture too, and at 320 px wide with the plan's
  calls to action as labels it moved the plot 392 px to the right, off the chart; its grey axis text (#9c9c9c)
  is below the 4.5:1 contrast the pages keep.

Making either fit (a viewBox, the styles moved out, the labels taken out of the picture, roles and names added)
costs more than the geometry it would save, which for a horizontal bar is one rectangle whose width is a
percentage. So the labels and numbers are the page's own text (they wrap, take the reader's font size and zoom,
Bengali shaped by the browser like the rest of the page, and screen readers read them as a table), and each bar is
an SVG rectangle beside its number, hidden from screen readers since the number says the same. WeasyPrint draws the
same SVG in the PDF."""


def bars(rows) -> list[dict]:
    """A chart's bars from (label, value) pairs: each bar's label, value and width as a percentage of the largest
    value. A value of None is a count of people too small to publish: it keeps its row, with no bar."""
    rows = list(rows)
    largest = max((value for _, value in rows if value), default=0)
    return [
        {
            "label": label,
            "value": value,
            "percent": round(100 * value / largest, 1) if largest and value else 0,
        }
        for label, value in rows
    ]


def label_rows(labels: dict, counts: dict) -> list[tuple]:
    """(label, count) pairs for a chart of counts by key (statuses, sources, kinds): the keys in the labels' order, any
    other key after them under its own name."""
    counts = counts or {}
    known = [(label, counts[key]) for key, label in labels.items() if key in counts]
    return known + [(key, value) for key, value in counts.items() if key not in labels]


def ward_rows(rows: list[dict], key: str) -> list[tuple]:
    """(ward, count) pairs from the figures' rows by ward (a ward of None: borough-wide, named by the page)."""
    from engage.i18n import gettext, own_language

    return [(own_language(row["ward"]) if row["ward"] else gettext("Borough-wide"), row[key]) for row in rows or []]
