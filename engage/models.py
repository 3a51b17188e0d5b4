"""Every area's models, imported once so the metadata (and so Alembic) knows every table."""

from engage.accounts import models as accounts  # noqa: F401
from engage.audit import models as audit  # noqa: F401
from engage.congress import models as congress  # noqa: F401
from engage.notices import models as notices  # noqa: F401
from engage.partnership import models as partnership  # noqa: F401
from engage.programmes import models as programmes  # noqa: F401
from engage.proposals import models as proposals  # noqa: F401
from engage.reports import models as reports  # noqa: F401
from engage.triage import models as triage  # noqa: F401
