"""The audit trail moves to its own app (``audit``): this side only forgets the model; the table and its rows
stay, and ``audit.0001_initial`` takes them over (and renames the table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("labelling", "0003_list_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditEvent")]),
    ]
