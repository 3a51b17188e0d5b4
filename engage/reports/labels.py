"""What a report's pages call each of its figures' keys (engage.reports.figures), in the page's language."""

from engage.i18n import lazy_gettext as _l
from engage.programmes.services import STATUS_COLOURS, STATUS_LABELS
from engage.proposals.statuses import LABELS as PROPOSAL_STATUSES

OUTCOMES = {
    "accepted": PROPOSAL_STATUSES["accepted"],
    "declined": PROPOSAL_STATUSES["declined"],
    "duplicate": PROPOSAL_STATUSES["duplicate"],
    "referred": PROPOSAL_STATUSES["referred"],
    "escalated": PROPOSAL_STATUSES["escalated"],
    "open": _l("Still open"),
    "withdrawn": PROPOSAL_STATUSES["withdrawn"],
}
SOURCES = {
    "online": _l("Online"),
    "paper": _l("On paper"),
    "phone": _l("By phone"),
    "congress": _l("From a congress workshop"),
}
KINDS = {
    "proposed": _l("Proposed an idea"),
    "supported": _l("Supported an idea"),
    "commented": _l("Commented"),
    "registered": _l("Registered for a congress"),
    "attended": _l("Came to a congress"),
}
CONNECTIONS = {
    "lives": _l("Live in Tower Hamlets"),
    "works": _l("Work in Tower Hamlets"),
    "studies": _l("Study in Tower Hamlets"),
    "leisure": _l("Take part in leisure or cultural life in Tower Hamlets"),
    "partner": _l("Represent a partner organisation"),
}
RESOLUTION = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}
DECISIONS = {**PROPOSAL_STATUSES, None: _l("Not decided yet")}
ITEM_STATUSES = STATUS_LABELS
ITEM_COLOURS = STATUS_COLOURS
