"""ecei-31's guidance is given per threshold: what a cluster typically does to reach the partial criterion, and then
the full one (French and English). The installed version's kept source gets it from indicators/frameworks/ecei-31.json
as 0006 did (the indicator rows do not hold it): a database that ran 0006 holds one text per indicator."""

from importlib import import_module

from django.db import migrations

copy_guidance = import_module("indicators.migrations.0006_ecei_31_guidance").add_guidance


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_ecei_31_guidance")]

    operations = [migrations.RunPython(copy_guidance, migrations.RunPython.noop)]
