"""Account pages in the site's layout: the forgotten-password path, its e-mail in the account's language, and
the preferred language applied at login and saved by the language switch."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_login_page_links_to_the_forgotten_password_page(client):
    content = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in content
    assert "Mot de passe oublié\u202f?" in content


def test_the_reset_pages_use_the_site_layout(client):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="site-header' in content or "<header" in content
    assert "Django administration" not in content and "Administration de Django" not in content
    assert 'name="email"' in content


@pytest.mark.parametrize(
    "language, subject",
    [("en", "Grappe: choose a new password"), ("fr", "Grappe\u202f: choisissez un nouveau mot de passe")],
)
def test_the_reset_e_mail_is_written_in_the_accounts_language_whatever_the_page(
    client, language, subject, eager_celery, django_capture_on_commit_callbacks
):
    user = factories.UserFactory(language=language, email="someone@example.org")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr" if language == "en" else "en"  # the page in the other one
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves through the outbox after commit
        response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == subject
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    # the link opens the styled page that sets the new password
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "A-new-pass-2026!", "new_password2": "A-new-pass-2026!"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-new-pass-2026!")


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_preferred_language_is_applied_at_login(client):
    user = factories.UserFactory(language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(reverse("login"), {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("home"), follow=True)
    assert 'lang="en"' in page.content.decode()


def test_the_language_switch_saves_the_preferred_language(client):
    user = factories.UserFactory(language="fr")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_switching_language_after_a_refused_form_goes_back_to_the_page_it_was_posted_from(client, framework):
    from labelling.services.answers import assessment_create

    manager = factories.ManagerFactory(language="fr")
    cluster = factories.ClusterFactory()
    cluster.managers.add(manager)
    assessment = assessment_create(user=manager, cluster=cluster, reference_year=2025)
    client.force_login(manager)
    summary = reverse("labelling:assessment_summary", args=[assessment.pk])
    refused = client.post(
        reverse("labelling:assessment_submit", args=[assessment.pk]), {}, HTTP_REFERER=f"http://testserver{summary}"
    )
    assert refused.status_code in (400, 409)
    [next_url] = re.findall(r'name="next"\s+type="hidden"\s+value="([^"]*)"', refused.content.decode())
    assert next_url == f"http://testserver{summary}"
    back = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert back.status_code == 302 and back["Location"] == f"http://testserver{summary}"
    assert client.get(back["Location"]).status_code == 200
