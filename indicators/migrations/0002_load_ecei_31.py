"""Install the shipped `ecei-31` framework as the default version (data migration).

It reads indicators/frameworks/ecei-31.json and writes the rows with the historical models; the parsing and
the row mapping are the pure helpers of indicators.spec (no current model is imported here).
"""

from django.db import migrations

CODE = "ecei-31"


def load_ecei_31(apps, schema_editor):
    from indicators.spec import FRAMEWORKS_DIR, framework_row, load_framework_file, write_framework_rows

    Framework = apps.get_model("indicators", "Framework")
    Category = apps.get_model("indicators", "Category")
    Indicator = apps.get_model("indicators", "Indicator")
    if Framework.objects.filter(code=CODE).exists():
        return
    spec = load_framework_file(FRAMEWORKS_DIR / f"{CODE}.json")
    make_default = not Framework.objects.filter(is_default=True).exists()
    framework = Framework.objects.create(is_default=make_default, **framework_row(spec))
    write_framework_rows(spec, framework, Category, Indicator)


def unload_ecei_31(apps, schema_editor):
    Framework = apps.get_model("indicators", "Framework")
    Indicator = apps.get_model("indicators", "Indicator")
    Category = apps.get_model("indicators", "Category")
    Indicator.objects.filter(framework__code=CODE).delete()
    Category.objects.filter(framework__code=CODE).delete()
    Framework.objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load_ecei_31, unload_ecei_31)]
