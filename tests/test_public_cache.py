"""Public pages served from the cache (core/public_cache.py): validators, 304 without SQL, a rendered copy per
version, the ETag's change on revocation, and no throttle on a hit."""

import pytest
from django.test import Client

from core import caching
from labelling.services.labels import label_revoke
from tests import factories
from tests.throttling import fresh_address

pytestmark = pytest.mark.django_db

# route → (max-age, s-maxage): a browser asks again for a verification each time, and keeps the badge five minutes
ROUTES = {
    "/registry/": (60, 60),
    "/verify/": (0, 300),
    "/verify/{number}/": (0, 300),
    "/verify/{number}/badge.svg": (300, 3600),
    "/registry/clusters/{cluster}/": (60, 60),
    "/registry/open-data/": (3600, 3600),
    "/registry/open-data/labels.csv": (3600, 3600),
    "/registry/open-data/labels.json": (3600, 3600),
    "/methodology/": (3600, 3600),
    "/api/v1/registry/": (60, 60),
    "/api/v1/certificates/{number}/": (0, 300),
}


@pytest.fixture
def label(framework):
    return factories.LabelFactory(cluster__public_profile=True)


def _visitor(language="fr") -> Client:
    return Client(REMOTE_ADDR=fresh_address(), HTTP_ACCEPT_LANGUAGE=language)


def _url(route, label):
    return route.format(number=label.certificate_number, cluster=label.cluster_id)


def test_every_public_route_exists(label):
    from django.urls import resolve

    for route in ROUTES:
        resolve(_url(route, label).split("?")[0])


@pytest.mark.parametrize("route", ROUTES)
def test_a_public_route_answers_head_as_get_rendered_or_kept(route, label):
    url = _url(route, label)

    rendered = _visitor().head(url)  # a miss: the view renders it
    got = _visitor().get(url)
    kept = _visitor().head(url)  # the kept copy
    conditional = _visitor().head(url, HTTP_IF_NONE_MATCH=got["ETag"])

    assert rendered.status_code == 200 and rendered["ETag"] == got["ETag"]
    body = b"".join(kept.streaming_content) if kept.streaming else kept.content  # open data's files stream
    assert kept.status_code == 200 and kept["ETag"] == got["ETag"] and body == b""
    assert conditional.status_code == 304


@pytest.mark.parametrize("route", ROUTES)
def test_a_public_route_answers_with_validators_and_public_cache_control(route, label):
    response = _visitor().get(_url(route, label))

    assert response.status_code == 200, response.content[:300]
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    max_age, shared_max_age = ROUTES[route]
    assert {"public", f"max-age={max_age}", f"s-maxage={shared_max_age}"} <= cache_control
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary
    assert ("accept" in vary) == route.startswith("/api/")
    assert not response.cookies  # nothing of the visitor's own (a CSRF token, a session) in a shared copy
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"csrfmiddlewaretoken" not in body


@pytest.mark.parametrize("route", ROUTES)
def test_a_conditional_request_answers_304_without_sql(route, label, django_assert_num_queries):
    url = _url(route, label)
    etag = _visitor().get(url)["ETag"]

    with django_assert_num_queries(0):
        response = _visitor().get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""


@pytest.mark.parametrize("route", ["/registry/", "/verify/{number}/", "/verify/{number}/badge.svg", "/methodology/"])
def test_a_second_visitor_gets_the_kept_copy_without_sql(route, label, django_assert_num_queries):
    url = _url(route, label)
    first = _visitor().get(url)

    with django_assert_num_queries(0):
        second = _visitor().get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_each_language_has_its_own_copy_and_etag(label):
    french, english = _visitor("fr").get("/registry/"), _visitor("en").get("/registry/")

    assert french["ETag"] != english["ETag"]
    assert "Registre" in french.content.decode() or "registre" in french.content.decode()
    assert english["Content-Language"] == "en"


def test_a_revocation_changes_the_etag_and_the_page_at_once(label, administrator):
    url = f"/verify/{label.certificate_number}/"
    before = _visitor().get(url)

    label_revoke(user=administrator, label=label, reason="Fraude constatée")
    after = _visitor().get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


@pytest.mark.parametrize("header", ['"', "W/", "garbage, ,,", '"' + "x" * 5000 + '"', '*, W/"abc"'])
def test_a_malformed_if_none_match_gets_the_full_answer_never_a_500(header, label):
    response = _visitor().get("/registry/", HTTP_IF_NONE_MATCH=header)

    assert response.status_code in (200, 304)
    if header.strip() != "*" and not header.startswith("*"):
        assert response.status_code == 200


def test_if_modified_since_answers_304_when_nothing_changed(label):
    url = "/registry/"
    first = _visitor().get(url)

    response = _visitor().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert response.status_code == 304


def test_a_logged_in_visitor_gets_a_private_fresh_page(label, manager):
    client = _visitor()
    client.force_login(manager)

    response = client.get("/registry/")

    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "ETag" not in response or response["ETag"] != _visitor().get("/registry/").get("ETag")


def test_cache_hits_are_not_throttled_only_misses_count(rates, label):
    rates(public_pages="2/minute")
    visitor = _visitor()
    url = f"/verify/{label.certificate_number}/"

    codes = [visitor.get(url).status_code for _ in range(10)]  # one miss, then hits

    assert codes == [200] * 10
    visitor.get("/registry/?q=a")  # the second miss
    assert visitor.get("/registry/?q=b").status_code == 429  # a third miss past the rate


def test_a_visitor_without_cookies_gets_the_kept_copy_and_the_304_before_the_session_and_locale_work(label):
    from unittest import mock

    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.locale import LocaleMiddleware

    url = f"/verify/{label.certificate_number}/"
    first = _visitor("en").get(url)

    refused = mock.Mock(side_effect=AssertionError("the kept copy must be answered before this middleware"))
    with (
        mock.patch.object(SessionMiddleware, "process_request", refused),
        mock.patch.object(LocaleMiddleware, "process_request", refused),
    ):
        hit = _visitor("en").get(url)
        not_modified = _visitor("en").get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert hit.status_code == 200 and not_modified.status_code == 304
    assert hit.content == first.content
    for name in ("ETag", "Cache-Control", "Content-Type", "Content-Language", "X-Frame-Options", "Vary"):
        assert hit[name] == first[name], name
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):  # the outer middlewares'
        assert hit[name] == first[name], name
    assert hit["Content-Length"] == str(len(first.content))
    assert hit["X-Request-ID"] != first["X-Request-ID"]  # each answer its own
    assert not hit.cookies and not not_modified.cookies


def test_a_visitor_with_a_session_cookie_gets_the_same_kept_copy_through_the_view(label, django_assert_num_queries):
    url = "/registry/"
    first = _visitor().get(url)
    visitor = _visitor()
    visitor.cookies["sessionid"] = "no-such-session"

    with django_assert_num_queries(1):  # the session's row, looked up and not found; no page query
        second = visitor.get(url)

    assert second.status_code == 200
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert "private" not in second["Cache-Control"]


def test_a_logged_in_visitor_never_gets_the_kept_copy(label, manager):
    _visitor().get("/registry/")  # kept for visitors
    client = _visitor()
    client.force_login(manager)

    response = client.get("/registry/")

    assert "private" in response["Cache-Control"]
    assert manager.get_full_name() in response.content.decode() or manager.username in response.content.decode()


def test_a_rendered_registry_page_reads_the_cache_once_and_writes_its_copy_once(label):
    from unittest import mock

    from django.core.cache import caches

    backend = type(caches["default"])
    _visitor().get("/registry/")  # the filter choices and the count are in the cache
    calls = []

    def spy(name):
        original = getattr(backend, name)

        def called(self, *args, **kwargs):
            calls.append(name)
            return original(self, *args, **kwargs)

        return called

    read = caching._get_many

    def read_spy(keys):
        calls.append("read")
        return read(keys)

    with (
        mock.patch.multiple(backend, **{name: spy(name) for name in ("get", "get_many", "set", "add", "set_many")}),
        mock.patch.object(caching, "_get_many", read_spy),
    ):
        response = _visitor().get("/registry/?utm_source=newsletter")  # a query of its own: rendered

    assert response.status_code == 200 and label.certificate_number in response.content.decode()
    # the versions, the copy, the choices and the count; then the copy and its validators (one pipeline)
    assert calls == ["read", "set_many"]


def test_the_registry_page_shows_a_new_label_at_once_although_its_choices_and_count_were_read_ahead(label):
    first = _visitor().get("/registry/?from=a").content.decode()
    cluster = factories.ClusterFactory(public_profile=True, country="DE", region="DE11")
    other = factories.LabelFactory(assessment=factories.AssessmentFactory(cluster=cluster, status="decided"))

    second = _visitor().get("/registry/?from=b").content.decode()

    assert other.certificate_number not in first and 'value="DE"' not in first
    assert other.certificate_number in second
    assert 'value="DE"' in second  # the filter choices
    assert "2 labels" in _visitor("en").get("/registry/").content.decode()  # the count


def _reads(monkeypatch) -> list[list[str]]:
    """The keys of each cache read (``core.caching._get_many``, one round trip each) from now on."""
    reads: list[list[str]] = []
    read = caching._get_many

    def spy(keys):
        reads.append(list(keys))
        return read(keys)

    monkeypatch.setattr(caching, "_get_many", spy)
    return reads


CACHED_ROUTES = ["/registry/", "/verify/{number}/", "/verify/{number}/badge.svg", "/api/v1/registry/"]


@pytest.mark.parametrize("route", CACHED_ROUTES)
@pytest.mark.parametrize("session", [False, True], ids=["middleware", "decorator"])
def test_a_304_reads_the_versions_and_validators_alone_never_the_kept_copy(route, session, label, monkeypatch):
    url = _url(route, label)
    etag = _visitor().get(url)["ETag"]
    _visitor().get(url)  # a hit: the copy is there
    visitor = _visitor()
    if session:
        visitor.cookies["sessionid"] = "no-such-session"  # through every middleware to the view's decorator
    reads = _reads(monkeypatch)

    response = visitor.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304 and response["ETag"] == etag
    assert response["Last-Modified"] and response["Cache-Control"].startswith("public")
    assert len(reads) == 1, reads  # one round trip
    assert all(key.startswith(("version:", "public-validators:")) for key in reads[0]), reads


def test_a_stale_etag_reads_the_copy_and_gets_the_page(label, administrator, monkeypatch):
    url = f"/verify/{label.certificate_number}/"
    before = _visitor().get(url)
    label_revoke(user=administrator, label=label, reason="Fraude constatée")
    reads = _reads(monkeypatch)

    after = _visitor().get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert any(key.startswith("public-page:") for key in reads[-1])  # the validators first, then the copy


def test_if_modified_since_answers_304_from_the_validators_and_200_once_the_page_changed(label, administrator):
    from django.utils.http import http_date, parse_http_date

    url = f"/verify/{label.certificate_number}/"
    first = _visitor().get(url)
    modified = parse_http_date(first["Last-Modified"])

    same = _visitor().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    earlier = _visitor().get(url, HTTP_IF_MODIFIED_SINCE=http_date(modified - 1))
    label_revoke(user=administrator, label=label, reason="Fraude constatée")
    revoked = _visitor().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert same.status_code == 304 and same["Last-Modified"] == first["Last-Modified"]
    assert earlier.status_code == 200
    assert revoked.status_code == 200 and revoked["ETag"] != first["ETag"]  # the validators' versions are old


def test_if_modified_since_without_its_validators_is_answered_from_the_kept_copy(label):
    from django.core.cache import cache

    url = "/registry/"
    first = _visitor().get(url)
    cache.delete_pattern("public-validators:*")  # evicted, or written before the validators existed

    response = _visitor().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert response.status_code == 304  # the kept copy's own time
    assert response["ETag"] == first["ETag"] and response["Last-Modified"] == first["Last-Modified"]


def _pushed() -> None:
    """Wait (at most a second) until Redis's invalidation for a write made on another connection has reached this
    thread's reader: it leaves Redis in the same turn as the writer's answer, not necessarily before it."""
    assert caching._reader.held.connection.can_read(timeout=1)


def _round_trips(monkeypatch) -> list[tuple]:
    """The commands this process and thread's cache reader sends to Redis from now on (its connection made)."""
    caching._get_many(["version:test-warm"])
    connection = caching._reader.held.connection
    sent: list[tuple] = []
    send = connection.send_command

    def spy(*args, **kwargs):
        sent.append(args)
        return send(*args, **kwargs)

    monkeypatch.setattr(connection, "send_command", spy)
    return sent


def test_the_cache_read_sees_another_process_change_at_once_and_survives_a_broken_connection():
    from django.core.cache import cache

    cache.set("test-read", "a")
    cache.set("version:test-read", "v1")
    assert caching._get_many(["test-read", "test-missing", "version:test-read"]) == {
        "test-read": "a",
        "version:test-read": "v1",
    }
    cache.set("test-read", "b")  # as another process would (the client's own connection, not the reader's)
    cache.set("version:test-read", "v2")
    _pushed()
    assert caching._get_many(["test-read", "version:test-read"]) == {"test-read": "b", "version:test-read": "v2"}

    reader = caching._reader.held
    reader.connection.disconnect()
    reader.connection._sock = object()  # any use fails: the read drops it and asks the cache's client
    assert caching._get_many(["test-read", "version:test-read"]) == {"test-read": "b", "version:test-read": "v2"}
    assert caching._get_many(["test-read", "version:test-read"]) == {"test-read": "b", "version:test-read": "v2"}
    assert caching._reader.held is not reader and caching._reader.held.tracking  # a new reader, tracking again


def test_the_version_tokens_and_validators_are_kept_in_the_process_and_redis_says_when_they_change(monkeypatch):
    from django.core.cache import cache

    cache.set_many({"version:test-near": "v1", "public-validators:test-near": (["v1"], 1.0), "test-far": "f1"})
    keys = ["version:test-near", "public-validators:test-near", "test-far"]
    first = caching._get_many(keys)
    sent = _round_trips(monkeypatch)

    assert caching._get_many(keys[:2]) == {k: first[k] for k in keys[:2]}
    assert sent == []  # no round trip: both were kept near
    assert caching._get_many(keys) == first
    assert sent == [("MGET", cache.client.make_key("test-far"))]  # only the key that is not kept

    caching.bump("test-near")  # a revocation's new token: forgotten at once by the thread that wrote it
    assert caching._get_many(keys[:1])["version:test-near"] not in (None, "v1")
    cache.set("public-validators:test-near", (["v2"], 2.0))  # as another process would
    _pushed()
    changed = caching._get_many(keys[:2])
    assert changed["version:test-near"] not in (None, "v1")
    assert changed["public-validators:test-near"] == (["v2"], 2.0)

    cache.delete("version:test-near")  # evicted
    _pushed()
    assert "version:test-near" not in caching._get_many(keys[:1])
    cache.set("version:test-near", "v3")
    _pushed()
    assert caching._get_many(keys[:1]) == {"version:test-near": "v3"}


def test_a_flush_of_the_cache_empties_what_each_process_kept(settings):
    from django.core.cache import cache

    # A Redis database of its own: FLUSHDB on the suite's would wipe the other workers' entries.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:6379/13"}}
    cache.set("version:test-flush", "v1")
    assert caching._get_many(["version:test-flush"]) == {"version:test-flush": "v1"}

    cache.clear()
    _pushed()

    assert caching._get_many(["version:test-flush"]) == {}


def test_a_redis_that_refuses_tracking_is_read_each_time(monkeypatch):
    from django.core.cache import cache

    track = caching._Reader._track

    def refused(self, connection):
        send = connection.send_command
        connection.send_command = lambda *args, **kwargs: send("CLIENT", "TRACKING", "MAYBE")
        try:
            track(self, connection)
        finally:
            connection.send_command = send

    monkeypatch.setattr(caching._Reader, "_track", refused)
    monkeypatch.setattr(caching._reader, "held", None)
    cache.set("version:test-refused", "v1")
    sent = _round_trips(monkeypatch)

    assert caching._get_many(["version:test-refused"]) == {"version:test-refused": "v1"}
    assert caching._get_many(["version:test-refused"]) == {"version:test-refused": "v1"}

    assert not caching._reader.held.tracking and caching._reader.held.near == {}
    assert [command[0] for command in sent] == ["MGET", "MGET"]  # read each time, and still right


@pytest.mark.parametrize("route", CACHED_ROUTES)
def test_a_304_once_warm_costs_no_round_trip_and_a_revocation_still_changes_its_etag_at_once(
    route, label, administrator, monkeypatch
):
    url = _url(route, label)
    etag = _visitor().get(url)["ETag"]
    _visitor().get(url, HTTP_IF_NONE_MATCH=etag)  # the tokens and validators read once, then kept near
    sent = _round_trips(monkeypatch)

    assert _visitor().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert sent == []

    label_revoke(user=administrator, label=label, reason="Fraude constatée")
    after = _visitor().get(url, HTTP_IF_NONE_MATCH=etag)

    assert after.status_code == 200 and after["ETag"] != etag
