"""Path converters shared by the url modules."""

from django.urls import register_converter
from django.urls.converters import StringConverter


class TextConverter(StringConverter):
    """Like ``str`` (anything but a slash), without NUL characters: PostgreSQL refuses them in a query, so a url
    holding one would crash the lookup instead of answering 404."""

    regex = "[^/\x00]+"


register_converter(TextConverter, "text")
