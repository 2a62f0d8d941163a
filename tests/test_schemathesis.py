"""schemathesis against the OpenAPI schema, as a visitor, a manager and an administrator.

schemathesis's own pytest integration runs its phases on every operation of ``/api/schema/`` — examples (the
schema's request examples), coverage (the boundaries of every parameter and field, valid and invalid: an empty
``page=``, a value outside an enum, a missing required field…) and fuzzing (generated requests, valid and invalid)
— and every check the command line runs: no server error; a documented status code, content type and body;
schema-valid requests accepted (2xx, or 401/404/409/429: never a 400 for what the schema allows); schema-invalid
ones refused with a 4xx; a missing token answered 401; an undocumented method 405. Path parameters name objects
of the access matrix's ``world`` half of the time, so that the answers are not all 404. Bounded (``EXAMPLES``
generated valid requests and ``NEGATIVE_EXAMPLES`` generated invalid ones per operation, besides the coverage
phase's one case per boundary of every parameter and field) and seeded (``SEED``): the same requests every run.

The cases are generated once per operation, not once per role (the schema is the same for everyone). Every role
sends one valid request to every operation (its answer, refusal included, must be documented; the same request
without the token must be refused); the operation's other cases are shared out among the roles it lets in (not
answered 401, 403 or 404): each boundary is checked once, by a role whose input the server reads, rather than
three times (about 1,500 requests instead of 3,030; the test took 6 to 9 minutes on a loaded machine).

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
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

EXAMPLES = 2
NEGATIVE_EXAMPLES = 2  # the fuzzer's invalid requests per operation (shared out among the roles, like the valid ones)
# The token endpoint refuses a wrong user name or password with 400, as OAuth 2's token endpoint does: no schema
# can tell a generator which passwords are right, and schemathesis excuses that 400 only on an OAuth `tokenUrl`.
# Every other check applies to it (its wrong-password answer is documented, its refusals of bad input too).
# schemathesis.toml says the same to schemathesis's command line.
TOKEN_PATH = "/api/v1/auth/token/"
SEED = 20261207
ROLES = ("visitor", "manager", "administrator")
TURNED_AWAY = {401, 403, 404}  # answered before the input is read: the role's other cases would say nothing more

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
    scenario and parameter) and its fuzzing phase, positive and negative (``EXAMPLES`` generated valid requests,
    ``NEGATIVE_EXAMPLES`` generated invalid ones: a few, since the coverage phase already tries each boundary;
    the fuzzer's invalid values combine them, an empty enum value with a garbled string, which it does not)."""
    cases = []
    for mode, examples in ((GenerationMode.POSITIVE, EXAMPLES), (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(strategy_settings, max_examples=examples)
        def collect(case):
            cases.append(case)

        try:
            collect()
        except Unsatisfiable:  # nothing to make invalid (no parameter, no body): no negative case
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


def _with_real_ids(case, ids: dict, *, always: bool = False) -> None:
    """Half of the cases whose path parameters are valid (an invalid one stays invalid: it must be refused)
    name real objects, chosen by a hash of the case (the same ones every run); ``always``: every such case."""
    meta = case.meta
    if not case.path_parameters or meta is None:
        return
    component = meta.components.get(ParameterLocation.PATH)
    if component is not None and component.mode != GenerationMode.POSITIVE:
        return
    if not always and hashlib.sha256(repr(sorted(case.path_parameters.items())).encode()).digest()[0] % 2:
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


class _Role:
    """One role's side of the requests: its token (given back after ``DELETE /api/v1/auth/token/`` revoked it),
    the world's objects its path parameters name, and what it sent."""

    def __init__(self, world, name: str):
        self.name = name
        self.user = world.users[name]
        self.token = Token.objects.get_or_create(user=self.user)[0] if self.user else None
        self.headers = {"Authorization": f"Token {self.token.key}"} if self.token else {}
        self.ids = _real_ids(world, name)
        self.requests = 0
        self.failures: dict[str, str] = {}

    def send(self, operation, case, path_parameters: dict | None, *, probe: bool = False):
        """Send ``case`` (its path parameters as generated, then maybe the world's ids) and check the answer. A
        probe names the world's objects, and is sent again without the token (``ignored_auth``): once per role and
        operation is enough for that check."""
        if path_parameters is not None and case.path_parameters != path_parameters:
            case.path_parameters = dict(path_parameters)
        _with_real_ids(case, self.ids, always=probe)
        self.requests += 1
        excluded = [] if probe else [ignored_auth]
        try:
            response = case.call(headers=self.headers)
            if operation.path == TOKEN_PATH or _breaks_a_declared_rule(operation, response):
                excluded.append(positive_data_acceptance)
            case.validate_response(response, headers=self.headers, excluded_checks=excluded)
        except (AssertionError, BaseExceptionGroup) as exc:  # every failing operation reported together
            self.failures.setdefault(operation.label, str(exc)[:1500])
            return None
        finally:
            if self.token is not None and operation.path == TOKEN_PATH:  # DELETE revoked it: give it back
                Token.objects.get_or_create(key=self.token.key, defaults={"user": self.user})
        return response


def test_the_api_answers_every_generated_request_as_its_schema_says(world, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=SchemathesisConfig.from_dict(CONFIG))
    roles = [_Role(world, name) for name in ROLES]
    strategy_settings = settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = [
            (case, dict(case.path_parameters) if case.path_parameters else None)
            for case in _cases(schema, operation, strategy_settings)
        ]
        # Every role sends the first valid case, with the world's ids: what it answers them must be documented.
        first = next(
            (i for i, (case, _) in enumerate(cases) if case.meta.generation.mode == GenerationMode.POSITIVE), 0
        )
        probe, path_parameters = cases.pop(first)
        let_in = []
        for role in roles:
            response = role.send(operation, probe, path_parameters, probe=True)
            if response is None or response.status_code not in TURNED_AWAY:
                let_in.append(role)
        let_in = let_in or roles  # nobody let in (an object no role may see): everyone's refusals are checked
        for index, (case, path_parameters) in enumerate(cases):
            role = let_in[index % len(let_in)]
            role.send(operation, case, path_parameters)
    failures = {f"{role.name} {label}": text for role in roles for label, text in role.failures.items()}
    for role in roles:
        print(f"{role.name}: {role.requests} requests, {len(role.failures)} operations failing")
    print("\n\n".join(f"{where}: {text}" for where, text in failures.items()))
    assert not failures, f"{len(failures)} operations break their schema (see the captured output)"
