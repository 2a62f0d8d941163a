"""Settings of the scale benches (bench/): the test settings (Redis cache under a key prefix of its own,
high throttle rates) with persistent database connections, as production keeps them."""

from .test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
