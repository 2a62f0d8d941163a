from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError


def exception_handler(exc, context):
    """Map domain and model validation errors onto DRF answers, once for every endpoint."""
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message)}
        if exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=exc.status_code)
    if isinstance(exc, RecursionError) and "JSON" in str(exc):  # a body nested thousands of levels deep
        exc = exceptions.ParseError(_("The request body is nested too deeply."))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, PermissionError):
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    return response
