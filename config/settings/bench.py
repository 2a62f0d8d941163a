"""Settings of the scale benches (bench/): the test settings (Redis cache under a key prefix of its own,
high throttle rates) with persistent database connections, as production keeps them."""

from .test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
# Throttles still count every request, but per second: the test settings' 100,000/minute keeps a history of
# every request of the last minute in one cache entry, which a load of thousands of requests makes costly
# (production's 30/minute keeps at most 30).
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {scope: "1000000/s" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},  # noqa: F405
}
