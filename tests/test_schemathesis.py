"""schemathesis against the OpenAPI schema, as a visitor, a manager and an administrator.

Every operation of ``/api/schema/`` gets generated requests, valid and invalid ones, with the ids of real objects
half of the time so that the answers are not all 404. The checks: no server error (5xx), and every answer matches the
schema — a documented status code, the documented content type and a body that validates against the documented
schema. Bounded: ``EXAMPLES`` cases per operation and role, derandomised (the same cases every run).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _real_ids(w, role) -> dict:
    """Path parameters that name objects of the world (the role may or may not see them)."""
    assessment = w.draft if role == "manager" else w.in_review
    return {
        "id": assessment.pk,
        "cluster_pk": w.cluster.pk,
        "code": "S1",
        "number": w.label.certificate_number,
        "year": 2025,
    }


def _with_real_ids(strategy, ids: dict, operation):
    def replace(pair):
        case, real = pair
        if real and case.path_parameters:
            path = operation.path
            for name in case.path_parameters:
                value = ids.get(name)
                if name == "id" and "/clusters/{id}/" in path:
                    value = ids["cluster_pk"]
                elif name == "id" and "/labels/" in path:
                    value = ids["label"]
                elif name == "id" and "/reports/" in path:
                    value = ids["report"]
                elif name == "id" and "/members/" in path:
                    value = ids["member"]
                elif name == "code" and "/frameworks/" in path:
                    value = "ecei-31"
                if value is not None:
                    case.path_parameters[name] = value
        return case

    return st.tuples(strategy, st.booleans()).map(replace)


@pytest.fixture
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


@pytest.mark.parametrize("role", ["visitor", "manager", "administrator"])
def test_the_api_answers_every_generated_request_as_its_schema_says(world, wsgi_app, role):
    w = world
    user = w.users[role]
    token = Token.objects.get_or_create(user=user)[0] if user else None
    headers = {"Authorization": f"Token {token.key}"} if token else {}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    ids = {**_real_ids(w, role), "label": w.label.pk, "report": w.report.pk, "member": w.member.pk}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = st.one_of(
            _with_real_ids(operation.as_strategy(), ids, operation),
            # invalid input too (wrong types, missing fields, out-of-range values): refused, never a 5xx
            _with_real_ids(operation.as_strategy(GenerationMode.NEGATIVE), ids, operation),
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            if token is not None:  # DELETE /api/v1/auth/token/ revokes it: give it back
                Token.objects.get_or_create(key=token.key, defaults={"user": user})
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all operations reported together
            failures.append(f"{operation.label}: {exc}"[:1500])
    report = "\n\n".join(failures)
    print(report)
    assert not failures, f"{len(failures)} operations break their schema (see the captured output)"
