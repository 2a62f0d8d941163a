"""Logs as JSON lines (python-json-logger): time, level, logger, message and the request id.

``RequestIdMiddleware`` gives each request an id (the ``X-Request-ID`` header set by the proxy in front when it
is a sane token, else a new one), returns it in the answer's ``X-Request-ID`` header and puts it in every log
line written while the request runs (``RequestIdFilter``). In the Celery worker, the lines of a task carry the
task's id instead. ``LOG_FORMAT=text`` gives plain lines for a developer's terminal.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
HEADER = "X-Request-ID"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if _SANE.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs the answer's status ("Not Found", "Internal Server Error") after
        # the middleware chain has returned, and that line must carry the id too. The next request replaces it.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def bind_task_id(task_id: str | None) -> None:
    """The Celery worker's log lines carry the id of the task they belong to (see config/celery.py)."""
    _request_id.set(task_id or "-")
