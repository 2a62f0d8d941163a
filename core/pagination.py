"""Pagination: every list of the pages is cut the same way (the API has ``core.api`` 's paginator)."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def page_of(request, items, per_page: int | None = None) -> Page:
    """The page ``?page=`` asks for (the last one when past the end, the first one when not a number). The
    template ``_pagination.html`` links the pages with ``{% querystring %}``, which keeps the other parameters."""
    return Paginator(items, per_page or PER_PAGE).get_page(request.GET.get("page"))
