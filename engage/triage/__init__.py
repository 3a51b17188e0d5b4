"""A board's triage workspace: its queue of proposals and the decisions it takes on them."""
