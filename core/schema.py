"""The OpenAPI schema's shared parts (``SPECTACULAR_SETTINGS``, ``DEFAULT_SCHEMA_CLASS``): the tag of each
operation, and the answers every operation may give. A module of its own: drf-spectacular's ``AutoSchema`` imports
DRF's generic views, which import ``core.api`` 's paginator when they are defined."""

from http import HTTPStatus

from drf_spectacular.openapi import AutoSchema as DrfAutoSchema
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

# --- the schema: tags by resource, the answers every operation may give -------------------------------------

#: A path segment → the resource tag of the operations under it; the last segment of a path found here wins,
#: else the first segment after ``/api/v1/`` (``/api/v1/programmes/{id}/`` → ``programmes``). Every tag is
#: declared, with a one-line description, in ``SPECTACULAR_SETTINGS["TAGS"]`` (``tests/test_api_schema.py``).
RESOURCE_TAGS = {
    "": "api",
    "auth": "authentication",
    "team-years": "clusters",
    "financing-years": "clusters",
    "members": "members",
    "answers": "answers",
    "submit": "assessments",
    "questionnaire": "assessments",
    "assign": "reviews",
    "assign-second": "reviews",
    "declare-no-conflict": "reviews",
    "declare-conflict": "reviews",
    "review": "reviews",
    "request-changes": "reviews",
    "accept-remaining": "reviews",
    "validate": "reviews",
    "countersign": "reviews",
    "disagree": "reviews",
    "score": "reviews",
    "decide": "reviews",
    "reports": "reports",
    "benchmark": "benchmark",
    "statistics": "benchmark",
    "certificates": "registry",
}
API_PREFIX = "/api/v1/"


def example(value: dict, name: str = "Example", summary: str = "") -> OpenApiExample:
    """A request body's example for ``extend_schema(examples=[…])``: every write shows one."""
    return OpenApiExample(name, value=value, summary=summary, request_only=True)


class AutoSchema(DrfAutoSchema):
    """drf-spectacular's schema of an operation, with: the tag of its resource by default (``RESOURCE_TAGS``; an
    ``extend_schema(tags=[…])`` still wins); a decimal's pattern that refuses what the field refuses (an empty
    string, a sign below a ``min_value`` of 0); and the request serializer's ``FIELD_RULES`` as ``x-field-rules``.

    ``FIELD_RULES`` (``{"field": "the rule, in words"}``) declares on a serializer the rules JSON Schema cannot
    state: uniqueness, a field compared with another one, a date compared with today, an id that must name a row
    the user may use. A request that breaks one is schema-valid and still answers 400 naming the field: the
    schema says so (``x-field-rules`` and the 400's description), and ``tests/test_schemathesis.py`` accepts that
    400 only when every field it names has a declared rule."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        # Only a write has a request body: asking a GET's APIView for one makes drf-spectacular guess, and fail.
        has_body = operation is not None and self.method in ("PUT", "PATCH", "POST")
        serializer = self.get_request_serializer() if has_body else None
        rules = getattr(serializer, "FIELD_RULES", None)
        if rules:
            operation["x-field-rules"] = {field: str(rule) for field, rule in rules.items()}
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.DecimalField) and "pattern" in schema and field.max_whole_digits:
            sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
            whole, places = field.max_whole_digits, field.decimal_places
            schema["pattern"] = rf"^{sign}(?:\d{{1,{whole}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"
        return schema

    def get_tags(self) -> list[str]:
        path = self.path.removeprefix(API_PREFIX) if self.path.startswith(API_PREFIX) else self.path.lstrip("/")
        segments = [part for part in path.split("/") if part and not part.startswith("{")]
        for segment in reversed(segments):
            if segment in RESOURCE_TAGS:
                return [RESOURCE_TAGS[segment]]
        return segments[:1] or [RESOURCE_TAGS[""]]


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the language of the request."},
        "errors": {"type": "object", "description": "Details, e.g. the missing answers of a refused submission."},
    },
    "additionalProperties": {
        "description": 'A field\'s errors (400): `{"name": ["This field is required."]}`; a list\'s or a nested '
        "object's, by position or field.",
    },
    "description": "An error: `detail` (and `errors` when the refusal has details), or the errors by field.",
}


def _standard_answers(operation: dict) -> dict[str, str]:
    """The answers an operation may give whatever it does, from its shape (``core.api`` and ``core.views`` give
    them for every endpoint): status → description."""
    parameters = operation.get("parameters", [])
    query = any(p.get("in") == "query" for p in parameters)
    on_object = any(p.get("in") == "path" for p in parameters)
    paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
    public = {} in operation.get("security", [{}])
    answers = {}
    if query or "requestBody" in operation:
        answers["400"] = 'Bad input: the errors by field (`{"name": ["…"]}`), or `detail`'
    answers["401"] = (
        "The token sent is unknown or revoked (send none to read anonymously)"
        if public
        else "Not authenticated (`WWW-Authenticate: Token`), or the token sent is unknown or revoked"
    )
    if on_object:
        answers["404"] = "Not found, or not yours"
    elif paginated:
        answers["404"] = "No such page (past the last one)"
    answers["414"] = "The URL is too long (the web server's limit, about 4 KB)"
    if "requestBody" in operation:
        answers["415"] = "Unsupported media type: send JSON (or a form)"
    answers["429"] = "Throttled: try again after `Retry-After` seconds (or a locked-out log-in)"
    return answers


#: Answers given by the web server in front of Django, whose body is not ours (documented without one).
NO_BODY = {"414"}


def schema_postprocess(result, generator, request, public):
    """Say in the schema what the API enforces, for every operation (so that a new endpoint gets it without a
    word): ``version`` is required by every PATCH that has one (optimistic locking); the answers of
    ``_standard_answers`` (400 for bad query parameters or body, 401 for a missing or bad token — a public
    operation too: a bad token is refused, never ignored —, 404 for an object or a page, 414, 415, 429); every
    4xx answer has the ``Error`` body."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.startswith("Patched") and "version" in schema.get("properties", {}):
            schema["required"] = sorted({*schema.get("required", []), "version"})
    schemas.setdefault("Error", ERROR_SCHEMA)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status_code, description in _standard_answers(operation).items():
                responses.setdefault(status_code, {"description": description})
            standard = _standard_answers(operation)
            for status_code, response in responses.items():
                if status_code.startswith("4") and status_code not in NO_BODY:
                    response.setdefault("content", error)
                if not response.get("description"):
                    response["description"] = standard.get(status_code) or HTTPStatus(int(status_code)).phrase
            rules = operation.get("x-field-rules")
            if rules and "400" in responses:  # the rules JSON Schema cannot state, in words (AutoSchema)
                responses["400"]["description"] += ". Rules the schema cannot state: " + "; ".join(
                    f"`{field}`: {rule}" for field, rule in rules.items()
                )
            operation["responses"] = dict(sorted(responses.items()))
    return result
