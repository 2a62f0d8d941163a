"""API and public-page throttles (core/throttles.py): 429 with Retry-After, counted in the shared cache."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from core.throttles import PublicAnonThrottle
from tests import factories
from tests.throttling import fresh_address

pytestmark = pytest.mark.django_db


def _visitor(**headers) -> Client:
    return Client(REMOTE_ADDR=fresh_address(), **headers)


def test_the_throttles_count_in_the_redis_cache_of_the_settings(settings):
    from core.throttles import _redis_client_and_key

    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    assert PublicAnonThrottle.cache is cache
    assert _redis_client_and_key("any") is not None  # one atomic operation per hit, on the shared Redis


def test_an_anonymous_caller_of_the_registry_api_gets_429_with_retry_after(rates):
    rates(public_anon="3/minute")
    visitor = _visitor()
    for search in range(3):  # searches: each one a miss of the public cache, so each one counts
        assert visitor.get("/api/v1/registry/", {"q": f"search{search}"}).status_code == 200

    response = visitor.get("/api/v1/registry/", {"q": "one too many"})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert _visitor().get("/api/v1/registry/").status_code == 200  # another address is not held back


def test_the_certificate_api_is_throttled_for_anonymous_callers(rates, framework):
    rates(public_anon="2/minute")
    label = factories.LabelFactory()
    visitor = _visitor()
    visitor.get(f"/api/v1/certificates/{label.certificate_number}/")
    visitor.get("/api/v1/certificates/GRP-2026-000001-XXXXXXXX/")

    assert visitor.get("/api/v1/certificates/GRP-2026-000002-XXXXXXXX/").status_code == 429  # probing numbers
    assert visitor.get(f"/api/v1/certificates/{label.certificate_number}/").status_code == 200  # a kept answer


def test_a_token_caller_of_the_public_api_gets_the_user_rate_not_the_anonymous_one(rates):
    rates(public_anon="2/minute", user="5/minute")
    token = Token.objects.create(user=factories.ManagerFactory())
    caller = _visitor(HTTP_AUTHORIZATION=f"Token {token.key}")

    codes = [caller.get("/api/v1/registry/").status_code for _ in range(6)]  # a token caller is never served a copy

    assert codes == [200] * 5 + [429]


def test_every_api_endpoint_has_an_anonymous_limit(rates):
    rates(anon="2/minute")
    visitor = _visitor()
    codes = [visitor.get("/api/v1/frameworks/").status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_the_public_pages_are_throttled_for_anonymous_visitors(rates, framework):
    rates(public_pages="2/minute")
    label = factories.LabelFactory()
    visitor = _visitor(HTTP_ACCEPT_LANGUAGE="en")
    visitor.get("/registry/", {"q": "nekoe"})  # a search
    visitor.get(f"/verify/{label.certificate_number}/")  # a certificate's page: every one counts

    response = visitor.get("/verify/", {"number": "GRP-2026-000002"})  # a check by number

    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Too many requests" in response.content.decode()


def test_paging_through_the_registry_and_reading_its_pages_is_never_held_back(rates, framework):
    rates(public_pages="1/minute", public_anon="1/minute")
    label = factories.LabelFactory(cluster__public_profile=True)
    visitor = _visitor(HTTP_ACCEPT_LANGUAGE="en")
    pages = [
        "/registry/", "/registry/?page=1", f"/registry/clusters/{label.cluster_id}/", "/verify/",
        "/registry/open-data/", "/registry/open-data/labels.csv", "/api/v1/registry/", "/api/v1/registry/?page=1",
        "/api/v1/registry/?format=json",
    ]  # fmt: skip

    codes = {page: visitor.get(page).status_code for page in pages}  # each one rendered: a miss of the cache

    assert set(codes.values()) == {200}, codes
    assert visitor.get("/registry/", {"q": "a"}).status_code == 200  # the searches count
    assert visitor.get("/registry/", {"q": "b"}).status_code == 429
    assert visitor.get("/api/v1/registry/", {"q": "a"}).status_code == 200
    assert visitor.get("/api/v1/registry/", {"q": "b"}).status_code == 429
    assert visitor.get("/registry/?page=1&utm_source=x").status_code == 429  # any other parameter is a new copy


def test_probing_certificate_numbers_is_held_back_at_the_pages_rate(rates, framework):
    rates(public_pages="2/minute")
    label = factories.LabelFactory()
    visitor = _visitor(HTTP_ACCEPT_LANGUAGE="en")
    visitor.get(f"/verify/{label.certificate_number}/")
    visitor.get("/verify/GRP-2026-000001-XXXXXXXX/")

    assert visitor.get("/verify/GRP-2026-000002-XXXXXXXX/").status_code == 429
    assert visitor.get(f"/verify/{label.certificate_number}/").status_code == 200  # a kept answer


def test_logged_in_users_are_not_held_by_the_public_page_rate(rates):
    rates(public_pages="1/minute")
    user = _visitor()
    user.force_login(factories.ManagerFactory())

    assert [user.get("/registry/").status_code for _ in range(3)] == [200, 200, 200]


def test_the_public_pages_default_to_a_rate_an_office_behind_one_address_can_share(settings):
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public_pages"]
    count, period = rate.split("/")
    assert period == "minute" and int(count) >= 300


def test_searching_the_registry_api_does_not_block_scanning_a_certificate(rates, framework):
    # The API's searches keep their own limit; the pages (a QR code's scan) count apart, at the pages' rate.
    rates(public_anon="3/minute", public_pages="50/minute")
    label = factories.LabelFactory()
    visitor = _visitor(HTTP_ACCEPT_LANGUAGE="en")
    codes = [visitor.get("/api/v1/registry/", {"q": f"search{n}"}).status_code for n in range(4)]
    assert codes[-1] == 429

    assert visitor.get(f"/verify/{label.certificate_number}/").status_code == 200
    assert visitor.get(f"/verify/{label.certificate_number}/badge.svg").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("limit", [30, 120])
def test_parallel_callers_never_get_more_than_the_rate_through(rates, limit):
    """16 clients at once against the real Redis: exactly the rate passes (one atomic INCR per hit)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    rates(anon=f"{limit}/day")  # a day-long window: the run never straddles two
    address = fresh_address()

    def call(_):
        try:
            return Client(REMOTE_ADDR=address).get("/api/v1/frameworks/").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(call, range(limit + 40)))

    print(f"16 parallel clients, limit {limit}: {codes.count(200)} passed, {codes.count(429)} refused")
    assert codes.count(200) == limit
    assert codes.count(429) == 40


def test_one_hit_is_one_redis_operation_and_the_previous_window_still_counts():
    from core.throttles import _redis_client_and_key, hit

    key = f"throttle-test-{fresh_address()}"
    start = 1_000_000 * 60.0  # the start of a window
    assert [hit(key, limit=3, window_seconds=60, now=start + 50) for _ in range(4)] == [True, True, True, False]
    # Just past the window's edge the previous window still weighs almost fully: one more, not a burst of 3.
    assert [hit(key, limit=3, window_seconds=60, now=start + 61) for _ in range(2)] == [True, False]
    # Half a window later it weighs half: one more again, then no more.
    assert [hit(key, limit=3, window_seconds=60, now=start + 90) for _ in range(2)] == [True, False]
    client, full_key = _redis_client_and_key(f"{key}:{int((start + 61) // 60)}")
    assert 0 < client.ttl(full_key) <= 121
