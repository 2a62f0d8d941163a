"""django-axes lockout and the throttles of the login, admin login, password-reset and token endpoints."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, AdministratorFactory, ManagerFactory
from tests.throttling import fresh_address

pytestmark = pytest.mark.django_db


def _client(language="fr") -> Client:
    return Client(REMOTE_ADDR=fresh_address(), HTTP_ACCEPT_LANGUAGE=language)


def _fail(client, url, username, times):
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong"})


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one_then(settings):
    ManagerFactory(username="alice")
    client = _client()
    _fail(client, "/accounts/login/", "alice", settings.AXES_FAILURE_LIMIT)

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "Compte verrouillé" in response.content.decode()
    assert "15\u00a0minutes" in response.content.decode() or "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_translated():
    ManagerFactory(username="alice")
    client = _client("en")
    client.cookies["django_language"] = "en"
    _fail(client, "/accounts/login/", "alice", 5)

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert "Account locked" in response.content.decode()


def test_failures_from_one_address_do_not_lock_the_account_from_another():
    # Nobody can lock `admin` or a manager out from elsewhere: the lock falls on the pair (user name, address).
    ManagerFactory(username="alice")
    attacker = _client()
    _fail(attacker, "/accounts/login/", "alice", 5)

    assert attacker.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 429
    assert _client().post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_a_locked_pair_does_not_hold_back_colleagues_behind_the_same_address():
    ManagerFactory(username="alice")
    ManagerFactory(username="bob")
    office = fresh_address()
    _fail(Client(REMOTE_ADDR=office), "/accounts/login/", "alice", 5)

    response = Client(REMOTE_ADDR=office).post("/accounts/login/", {"username": "bob", "password": PASSWORD})

    assert response.status_code == 302


def test_an_address_that_sprays_many_user_names_is_locked_for_every_user_name(settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    ManagerFactory(username="bob")
    client = _client()
    codes = [
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "wrong"}).status_code for n in range(8)
    ]
    assert codes == [200] * 7 + [429]  # each user name failed once only: the address's eighth failure locks it

    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})

    assert response.status_code == 429
    assert _client().post("/accounts/login/", {"username": "bob", "password": PASSWORD}).status_code == 302


def test_the_address_ceiling_defaults_above_the_pair_limit(settings):
    assert settings.AXES_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_four_failures_then_the_right_password_log_in_and_reset_the_count():
    ManagerFactory(username="alice")
    client = _client()
    _fail(client, "/accounts/login/", "alice", 4)

    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_the_django_admin_login_is_locked_too():
    AdministratorFactory(username="root", is_staff=True, is_superuser=True)
    client = _client()
    _fail(client, "/admin/login/", "root", 5)

    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_administrator_unlocks_by_deleting_the_attempts_in_the_admin():
    ManagerFactory(username="alice")
    client = _client()
    _fail(client, "/accounts/login/", "alice", 5)
    admin = _client()
    admin.force_login(AdministratorFactory(username="root", is_staff=True, is_superuser=True))
    attempt = AccessAttempt.objects.get(username="alice")

    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "alice" in page.content.decode()
    response = admin.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )

    assert response.status_code == 302
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_login_posts_are_throttled_per_address(rates):
    rates(login="3/minute")
    ManagerFactory(username="alice")
    client = _client()
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "", "password": ""}).status_code == 200

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Trop de requêtes" in response.content.decode()
    assert client.get("/accounts/login/").status_code == 200  # the page itself still shows


def test_admin_login_posts_are_throttled(rates):
    rates(login="2/minute")
    client = _client()
    for _ in range(2):
        client.post("/admin/login/", {"username": "", "password": ""})

    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 429


def test_password_reset_is_throttled_and_sends_its_mail_out_of_the_request(
    rates, eager_celery, django_capture_on_commit_callbacks
):
    rates(password_reset="2/hour")
    ManagerFactory(username="alice", email="alice@example.org")
    client = _client()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent inside the request: a task is queued after commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "/accounts/reset/" in message.body

    client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert len(mail.outbox) == 1


def test_the_token_endpoint_gives_a_token_for_the_right_password():
    user = ManagerFactory(username="alice")
    response = _client().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=user).key
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/clusters/").status_code == 200


def test_the_token_endpoint_refuses_a_wrong_password_with_a_json_400():
    ManagerFactory(username="alice")
    response = _client().post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"})

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.exists()


def test_the_token_endpoint_locks_like_the_login_page():
    ManagerFactory(username="alice")
    client = _client()
    _fail(client, "/api/v1/auth/token/", "alice", 5)

    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    assert response["Content-Type"] == "application/json"
    assert not Token.objects.exists()
    # the same lock on the login page from that address: the failures are counted once, wherever they happen
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 429


def test_the_token_endpoint_is_throttled(rates):
    rates(token="2/minute")
    ManagerFactory(username="alice")
    client = _client()
    for _ in range(2):
        client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})

    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_token_user_revokes_their_token():
    user = ManagerFactory(username="alice")
    token = Token.objects.create(user=user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert api.get("/api/v1/clusters/").status_code == 401
