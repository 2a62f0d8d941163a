"""Accent- and case-insensitive search: "nekoe" finds "Nekoé", "ELASTOPOLE" finds "Elastopole".

On PostgreSQL the ``unaccent`` extension (installed by migration ``clusters/0002``) strips the accents, through
an IMMUTABLE wrapper that trigram indexes of the cluster names and acronyms hold (``clusters/0003``), so that a
search does not read every cluster; on SQLite (``make run``) a function of the same name, registered on every
new connection, does it in Python.
The searched text goes through ``fold`` (the same folding in Python), and both sides are lower-cased.
"""

from __future__ import annotations

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, F, Func, Q, QuerySet
from django.db.models.functions import Lower


def fold(text: str) -> str:
    """Lower case, without accents (é → e, Œ → oe is left to the database: only combining marks go)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class Unaccent(Func):
    """``unaccent(text)``; on PostgreSQL its IMMUTABLE wrapper ``grappe_unaccent`` (migration ``clusters/0003``),
    whose expression the trigram indexes of the cluster names and acronyms hold."""

    function = "UNACCENT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GRAPPE_UNACCENT", **extra_context)


def folded(field: str) -> Func:
    """The expression ``lower(unaccent(field))`` (accents first: lower() of a C-locale database leaves É alone)."""
    return Lower(Unaccent(F(field)))


def search(qs: QuerySet, text: str, *fields: str) -> QuerySet:
    """Rows where any of ``fields`` contains ``text``, ignoring case and accents."""
    needle = fold(text.strip())
    if not needle:
        return qs
    names = {f"_folded_{i}": folded(field) for i, field in enumerate(fields)}
    condition = Q()
    for name in names:
        condition |= Q(**{f"{name}__contains": needle})
    return qs.alias(**names).filter(condition)


def _sqlite_unaccent(value):
    return None if value is None else fold(value)


def register_sqlite_unaccent(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, _sqlite_unaccent, deterministic=True)


connection_created.connect(register_sqlite_unaccent, dispatch_uid="core.search.unaccent")
