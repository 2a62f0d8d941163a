"""Domain errors on forms: the one mapping of a service's ``DomainError`` to a form that re-renders with what was
typed (the API's is ``core.api.exception_handler``)."""

from django import forms

from core.exceptions import DomainError


def apply_domain_errors(form: forms.Form, exc: DomainError, *, field_map: dict[str, str] | None = None) -> None:
    """Put a service's errors on the form's fields (or on the form when they name no field of it); an error
    without details puts its message on the form. ``field_map`` renames the service's fields to the form's."""
    field_map = field_map or {}
    errors = exc.errors
    if isinstance(errors, dict):
        for field, messages in errors.items():
            name = field_map.get(field, field)
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                form.add_error(name if name in form.fields else None, str(message))
    elif errors:
        for message in errors:
            form.add_error(None, str(message))
    else:
        form.add_error(None, str(exc.message))
