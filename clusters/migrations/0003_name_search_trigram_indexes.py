"""Trigram indexes for the accent- and case-insensitive name search (core/search.py) on PostgreSQL.

``unaccent()`` is only STABLE (its dictionary could change), so an index cannot use it: ``grappe_unaccent`` is
the same call with the dictionary named, declared IMMUTABLE (the usual way to index unaccented text), and the
search compares ``lower(grappe_unaccent(column))`` with ``LIKE '%text%'``, which a GIN ``gin_trgm_ops`` index
answers without reading every cluster. Nothing to do on SQLite (``make run``), where search folds in Python.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The body names the extension's schema: pg_restore (bin/backup.py) builds the indexes with an empty
# search_path, where an unqualified unaccent() would not be found.
FUNCTION = """
CREATE OR REPLACE FUNCTION grappe_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$
"""
SCHEMA_OF_UNACCENT = """
SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'unaccent'
"""
INDEXES = {
    "cluster_name_folded_trgm": "name",
    "cluster_acronym_folded_trgm": "acronym",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SCHEMA_OF_UNACCENT)
        (schema,) = cursor.fetchone()
    schema_editor.execute(FUNCTION.format(schema=schema))
    for index, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON clusters_cluster "
            f"USING gin (lower(grappe_unaccent({column})) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    schema_editor.execute("DROP FUNCTION IF EXISTS grappe_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0002_unaccent_and_list_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
