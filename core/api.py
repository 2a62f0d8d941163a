from functools import partial

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError, InvalidFields
from core.pagination import CountedPaginator


def exception_handler(exc, context):
    """Map the domain errors onto DRF answers, once for every endpoint: ``{"detail", "errors"?}`` with the
    error's status; values refused field by field (``InvalidFields``) answer 400 with the errors by field, as a
    serializer's do. An error is JSON even where the view renders another format (a calendar file's
    ``?format=ics``): the schema documents every error as JSON."""
    response = _error_response(exc, context)
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if response is not None and request is not None and getattr(renderer, "format", "json") not in ("json", "api"):
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    return response


def _error_response(exc, context):
    if isinstance(exc, InvalidFields):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message)}
        if exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=exc.status_code)
    if isinstance(exc, RecursionError) and "JSON" in str(exc):  # a body nested thousands of levels deep
        exc = exceptions.ParseError(_("The request body is nested too deeply."))
    if isinstance(exc, Http404):  # get_object_or_404's "No Label matches the given query.": English, names the model
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, PermissionError):
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    return response


def read_input(serializer_class, request, **context) -> dict:
    """The request's body read by ``serializer_class`` (``context``: the serializer's); invalid, a 400 with the
    errors by field."""
    serializer = serializer_class(data=request.data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# A step on one record sent with the record's ``version`` as read (the optimistic lock), as a POST: ``target``
# fetches the record for this user and this step (404 for what they may not see or do), ``input_serializer``
# reads the body (400), ``perform`` calls the one service with ``expected_version=data["version"]`` (409 for a
# stale version, through ``exception_handler``), and the answer is ``answer``'s body, 201 when the step
# ``creates``. The schema is the subclass's ``@extend_schema``. No docstring here nor on ``post``:
# drf-spectacular would give it to every step whose schema has no description of its own.
class StepView(APIView):
    permission_classes = [IsAuthenticated]
    input_serializer: type
    creates = False

    def target(self, request, pk: int):
        raise NotImplementedError

    def perform(self, request, target, data: dict) -> None:
        raise NotImplementedError

    def answer(self, request, pk: int) -> dict:
        raise NotImplementedError

    def post(self, request, pk: int):
        target = self.target(request, pk)
        data = read_input(self.input_serializer, request)
        self.perform(request, target, data)
        return Response(
            self.answer(request, pk), status=status.HTTP_201_CREATED if self.creates else status.HTTP_200_OK
        )


class Pagination(PageNumberPagination):
    """DRF's page-number pagination, whose contract the schema states: ``page`` is a positive integer (anything
    else, an empty ``page=`` too, answers 400 with a field error), and a page past the last answers 404."""

    def paginate_queryset(self, queryset, request, view=None):
        """A view with a ``paginated_count()`` (a cached count) is not counted again."""
        count = getattr(view, "paginated_count", None)
        self.django_paginator_class = Paginator if count is None else partial(CountedPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)

    last_page_strings = ()  # the schema says "an integer": no ``page=last``

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            raise exceptions.ValidationError({self.page_query_param: [_("A page number is a whole number from 1.")]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = (
                    "Page number, from 1 (50 items a page). Not a whole number ≥ 1: 400; past the last page: 404."
                )
        return parameters
