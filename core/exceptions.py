"""Domain errors: raised by services, translated once into HTTP answers (see core.api)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the product refused the operation. The message is shown to the user."""

    default_message = _("This operation is not allowed.")
    status_code = 400

    def __init__(self, message=None, *, errors=None):
        self.message = message or self.default_message
        # errors: a list of strings or a {field: [messages]} dict, shown as they are.
        self.errors = errors
        super().__init__(str(self.message))


class InvalidFields(DomainError):
    """Values refused field by field (a record's validators, a name already taken): ``errors`` is
    ``{field: [messages]}``. Forms put each message on its field; the API answers 400 with the errors by field,
    as it does for a serializer's. The message is the first error."""

    def __init__(self, errors: dict):
        errors = {field: [str(m) for m in messages] for field, messages in errors.items()}
        super().__init__(next(iter(errors.values()))[0], errors=errors)


class InvalidTransition(DomainError):
    default_message = _("This step is not possible in the assessment's current state.")
    status_code = 409


class ConflictError(DomainError):
    """Somebody else saved the same record since it was loaded (optimistic locking)."""

    default_message = _(
        "Someone else has changed this record since you opened it. Reload the page to see their changes."
    )
    status_code = 409


class NotFound(DomainError):
    default_message = _("Not found.")
    status_code = 404


class RateLimited(DomainError):
    """Too many requests of one kind in a while (e.g. PDF reports)."""

    default_message = _("Too many requests: wait a little and try again.")
    status_code = 429
