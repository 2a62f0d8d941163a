"""Pagination: every list of the pages is cut the same way (the API has ``core.api`` 's paginator)."""

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Page, Paginator

PER_PAGE = 50


class CountedPaginator(Paginator):
    """A paginator told how many items there are (a cached count) instead of counting them itself."""

    def __init__(self, object_list, per_page, *, count: Callable[[], int], **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


def page_of(request, items, per_page: int | None = None, *, count: Callable[[], int] | None = None) -> Page:
    """The page ``?page=`` asks for (the last one when past the end, the first one when not a number). The
    template ``_pagination.html`` links the pages with ``{% querystring %}``, which keeps the other parameters.
    ``count``: how many items there are, when a cache knows it (``CountedPaginator``)."""
    per_page = per_page or PER_PAGE
    paginator = Paginator(items, per_page) if count is None else CountedPaginator(items, per_page, count=count)
    return paginator.get_page(request.GET.get("page"))
