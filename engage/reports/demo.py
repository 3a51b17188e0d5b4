"""Demo annual reports for `flask demo`: last municipal year's published (put to PEG's next meeting, approved), this
year's a draft with its foreword; both with figures computed there and then. Running it again adds nothing."""

from engage.accounts.models import Person
from engage.errors import DomainError
from engage.reports import services as reports

FOREWORD = (
    "This is the partnership's report on the year: what residents proposed, what the boards did with it, and how "
    "the work programmes went.\n\nThank you to everyone who took part."
)
FOREWORD_BN = (
    "এটি বছরটি নিয়ে পার্টনারশিপের প্রতিবেদন: বাসিন্দারা কী প্রস্তাব করেছেন, বোর্ডগুলো তা নিয়ে কী করেছে, এবং কর্মসূচিগুলো "
    "কেমন চলেছে।\n\nযাঁরা অংশ নিয়েছেন তাঁদের সবাইকে ধন্যবাদ।"
)


def make(secretariat: Person) -> int:
    """Add the demo reports (PEG's next meeting must exist for last year's to be published); how many were added."""
    made = 0
    this_year = reports.current_year()
    for year in (this_year - 1, this_year):
        if reports.by_year(year) is not None:
            continue
        report = reports.prepare_now(reports.start(year, secretariat))
        reports.write(report, secretariat, foreword=FOREWORD, foreword_bn=FOREWORD_BN)
        if year < this_year:
            _publish(report, secretariat)
        made += 1
    return made


def _publish(report, secretariat: Person) -> None:
    """Through PEG to published; left a draft when PEG has no meeting coming up (a demo run long after the first)."""
    try:
        reports.put_to_peg(report, secretariat)
    except DomainError:
        return
    reports.record_approval(report, secretariat)
    reports.publish(report, secretariat)
