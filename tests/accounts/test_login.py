import pytest

from tests.factories import PASSWORD, ManagerFactory


@pytest.mark.django_db
def test_a_manager_logs_in_at_django_usual_place(client):
    ManagerFactory(username="alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_a_wrong_password_re_renders_the_form_with_the_username_kept(client):
    ManagerFactory(username="alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert 'value="alice"' in response.content.decode()
    assert "_auth_user_id" not in client.session
