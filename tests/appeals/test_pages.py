"""The appeal's page when it has moved on since it was read: a refused answer keeps its words and says why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appeals.services import appeal_ask, appeal_lodge

pytestmark = pytest.mark.django_db


def test_an_answer_sent_from_a_page_out_of_date_is_shown_again_with_the_refusal(refused, manager, handler, client_for):
    appeal = appeal_lodge(user=manager, assessment=refused, ground="refused", reasons="Our statutes were filed.")
    appeal_ask(user=handler, appeal=appeal, question="Send the minutes.", expected_version=1)
    client = client_for(manager)
    url = reverse("appeals:answer", args=[appeal.pk])
    first = client.post(url, {"answer": "Here they are.", "version": 2})
    assert first.status_code == 302
    # a second tab, read before the first answer: the question is no longer waiting
    stale = client.post(url, {"answer": "My words, typed in the other tab.", "version": 2})
    assert stale.status_code == 400
    page = stale.content.decode()
    form = stale.context["page"].answer_form
    assert form is not None and form.errors
    assert "My words, typed in the other tab." in page
    assert all(str(message) in page for messages in form.errors.values() for message in messages)
