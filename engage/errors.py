class DomainError(Exception):
    """A broken business rule, with a message for the person and the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
