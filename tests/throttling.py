"""Helpers for the tests of throttles (the fixture ``rates`` that lowers the rates for one test is in conftest)."""

import uuid


def fresh_address() -> str:
    """An address of this test's own, so that counters left in the shared cache by other tests do not count."""
    value = uuid.uuid4().int
    return f"10.{value % 250}.{(value >> 8) % 250}.{(value >> 16) % 250 + 1}"
