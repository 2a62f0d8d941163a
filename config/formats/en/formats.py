"""English as the British write it (the users are European): 25 Oct 2006, 14:30; never an all-digit date."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

TIME_FORMAT = "H:i"  # '14:30'
DATETIME_FORMAT = "j M Y, H:i"  # '25 Oct 2006, 14:30'
# Never 06/12/2028 (6 December or June 12?): the month in letters, as in DATE_FORMAT (issue 22, item 14).
SHORT_DATE_FORMAT = "j M Y"  # '25 Oct 2006'
SHORT_DATETIME_FORMAT = "j M Y H:i"  # '25 Oct 2006 14:30'
