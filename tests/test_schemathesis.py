"""schemathesis against the OpenAPI schema, as a visitor, a manager and an administrator.

schemathesis's own pytest integration runs its phases on every operation of ``/api/schema/`` — examples (the
schema's request examples), coverage (the boundaries of every parameter and field, valid and invalid: an empty
``page=``, a value outside an enum, a missing required field…) and fuzzing (generated requests, valid and invalid)
— and every check the command line runs: no server error; a documented status code, content type and body;
schema-valid requests accepted (2xx, or 401/404/409/429: never a 400 for what the schema allows); schema-invalid
ones refused with a 4xx; a missing token answered 401; an undocumented method 405. Path parameters name objects
of the access matrix's ``world`` half of the time, so that the answers are not all 404. Bounded (``EXAMPLES``
generated cases per operation and phase) and seeded (``SEED``): the same requests every run.

A new endpoint is covered as soon as it is in the schema; ``docs/api.md`` says how to document one so that this
test stays green.
"""

from __future__ import annotations

import hashlib

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES = 2
# The token endpoint refuses a wrong user name or password with 400, as OAuth 2's token endpoint does: no schema
# can tell a generator which passwords are right, and schemathesis excuses that 400 only on an OAuth `tokenUrl`.
# Every other check applies to it (its wrong-password answer is documented, its refusals of bad input too).
# schemathesis.toml says the same to schemathesis's command line.
TOKEN_PATH = "/api/v1/auth/token/"
SEED = 20261207

CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": EXAMPLES, "mode": "all", "database": "none"},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "checks": {"enabled": True},
}


@pytest.fixture(scope="module")
def wsgi_app():
    """The WSGI application, called in-process like Django's test client does: without closing the database
    connection at the end of each request (the test's transaction lives on it)."""
    from django.core import signals
    from django.db import close_old_connections

    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def _cases(schema, operation, strategy_settings):
    """The cases of schemathesis's phases for one operation, the same every run: its coverage phase (every
    boundary of every parameter and field, valid and invalid, and the schema's request examples: one case per
    scenario and parameter) and its fuzzing phase (``EXAMPLES`` generated requests, valid and invalid)."""
    cases = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategy = operation.as_strategy(generation_mode=mode)

        @given(case=strategy)
        @strategy_settings
        def collect(case):
            cases.append(case)

        try:
            collect()
        except Unsatisfiable:  # e.g. no invalid request exists for an operation without input
            pass
    generator = CoverageGenerator(
        operation=operation,
        generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=schema.config.generation_for(operation=operation, phase="coverage"),
        auth_storage=None,
        override=Override(),
        feedback=NO_FEEDBACK,
    )
    boundaries = {}
    for case in generator:  # one case per boundary: the phase's scenario on each parameter or field
        data = case.meta.phase.data
        boundaries.setdefault((data.scenario, data.parameter_location, data.parameter), case)
    return [*boundaries.values(), *cases]


def _real_ids(w, role) -> dict:
    """Path parameters that name objects of the world (the role may or may not see them), by path."""
    assessment = w.draft if role == "manager" else w.in_review
    return {
        "/clusters/{id}/": {"id": w.cluster.pk},
        "/members/{id}/": {"id": w.member.pk},
        "/labels/{id}/": {"id": w.label.pk},
        "/reports/{id}/": {"id": w.report.pk},
        "/frameworks/{code}/": {"code": "ecei-31"},
        "": {
            "id": assessment.pk,
            "cluster_pk": w.cluster.pk,
            "code": "S1",
            "number": w.label.certificate_number,
            "year": 2025,
        },
    }


def _with_real_ids(case, ids: dict) -> None:
    """Half of the cases whose path parameters are valid (an invalid one stays invalid: it must be refused)
    name real objects, chosen by a hash of the case (the same ones every run)."""
    meta = case.meta
    if not case.path_parameters or meta is None:
        return
    component = meta.components.get(ParameterLocation.PATH)
    if component is not None and component.mode != GenerationMode.POSITIVE:
        return
    if hashlib.sha256(repr(sorted(case.path_parameters.items())).encode()).digest()[0] % 2:
        return
    for name in case.path_parameters:
        for fragment, values in ids.items():
            if fragment in case.operation.path and name in values:
                case.path_parameters[name] = values[name]
                break


def _breaks_a_declared_rule(operation, response) -> bool:
    """A 400 whose every field has a rule the schema declares in words (``x-field-rules``, from a serializer's
    ``FIELD_RULES``: uniqueness, a comparison with another field or with today, an id the user may use)."""
    rules = operation.definition.raw.get("x-field-rules") or {}
    if response.status_code != 400 or not rules:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    if isinstance(body, dict) and isinstance(body.get("errors"), dict):  # a service's {"detail", "errors"}
        body = body["errors"]
    return isinstance(body, dict) and bool(body) and set(body) <= set(rules)


@pytest.mark.parametrize("role", ["visitor", "manager", "administrator"])
def test_the_api_answers_every_generated_request_as_its_schema_says(world, wsgi_app, role):
    user = world.users[role]
    token = Token.objects.get_or_create(user=user)[0] if user else None
    headers = {"Authorization": f"Token {token.key}"} if token else {}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=SchemathesisConfig.from_dict(CONFIG))
    ids = _real_ids(world, role)
    strategy_settings = settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    failures, count = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for case in _cases(schema, operation, strategy_settings):
            if token is not None:  # DELETE /api/v1/auth/token/ revokes it: give it back
                Token.objects.get_or_create(key=token.key, defaults={"user": user})
            _with_real_ids(case, ids)
            count += 1
            try:
                response = case.call(headers=headers)
                excused = operation.path == TOKEN_PATH or _breaks_a_declared_rule(operation, response)
                case.validate_response(
                    response, headers=headers, excluded_checks=[positive_data_acceptance] if excused else []
                )
            except (AssertionError, BaseExceptionGroup) as exc:  # every failing operation reported together
                failures.setdefault(operation.label, str(exc)[:1500])
    report = "\n\n".join(f"{label}: {text}" for label, text in failures.items())
    print(f"{role}: {count} requests, {len(failures)} operations failing\n{report}")
    assert not failures, f"{len(failures)} operations break their schema (see the captured output)"
