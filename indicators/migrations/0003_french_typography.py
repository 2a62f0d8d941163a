"""French typography in the framework texts already installed: a narrow no-break space (U+202F) before
: ; ? ! % and inside « » (core.text.french_typography, the rule of the French catalogue)."""

from django.db import migrations

from core.text import french_typography


def fix_french_texts(apps, schema_editor):
    Framework = apps.get_model("indicators", "Framework")
    Category = apps.get_model("indicators", "Category")
    Indicator = apps.get_model("indicators", "Indicator")
    for framework in Framework.objects.all():
        framework.name_fr = french_typography(framework.name_fr)
        framework.description_fr = french_typography(framework.description_fr)
        framework.save(update_fields=["name_fr", "description_fr"])
    for category in Category.objects.all():
        category.name_fr = french_typography(category.name_fr)
        category.save(update_fields=["name_fr"])
    for indicator in Indicator.objects.all():
        indicator.name_fr = french_typography(indicator.name_fr)
        indicator.help_fr = french_typography(indicator.help_fr)
        indicator.unit_fr = french_typography(indicator.unit_fr)
        for option in indicator.options or []:
            label = option.get("label")
            if isinstance(label, dict) and isinstance(label.get("fr"), str):
                label["fr"] = french_typography(label["fr"])
        indicator.save(update_fields=["name_fr", "help_fr", "unit_fr", "options"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_load_ecei_31")]

    operations = [migrations.RunPython(fix_french_texts, migrations.RunPython.noop)]
