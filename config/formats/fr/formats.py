"""French formats: Django's, with the narrow no-break space (U+202F) between thousands, as in indicators.values."""

from django.conf.locale.fr.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\u202f"
