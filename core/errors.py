"""Errors raised by business operations, with the field they concern."""


class DomainError(Exception):
    """A business rule refused an operation. `field` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class ValidationErrors(DomainError):
    """Several inputs were wrong at once: `errors` maps field name -> message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = {key: str(value) for key, value in errors.items()}
        first = next(iter(self.errors.items()), ("", ""))
        super().__init__(f"{first[0]}: {first[1]}", field=first[0] or None)
