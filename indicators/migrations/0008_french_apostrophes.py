"""The typographic apostrophe (’) in the framework texts already installed, as indicators/frameworks/ecei-31.json now
writes them: « structure d’animation », « Ni l’un ni l’autre » (core.text.french_apostrophes, the rule of the French
catalogue). The French side only: the rows' names, help texts, units and option labels, and every French text of the
kept source (the guidance the report quotes lives there). English is left as it is."""

from django.db import migrations

from core.text import french_apostrophes


def _french(value, *, french=False):
    """``value`` with the apostrophes of every string under a ``"fr"`` key made typographic."""
    if isinstance(value, dict):
        return {key: _french(item, french=french or key == "fr") for key, item in value.items()}
    if isinstance(value, list):
        return [_french(item, french=french) for item in value]
    if french and isinstance(value, str):
        return french_apostrophes(value)
    return value


def fix_french_apostrophes(apps, schema_editor):
    Framework = apps.get_model("indicators", "Framework")
    Category = apps.get_model("indicators", "Category")
    Indicator = apps.get_model("indicators", "Indicator")
    for framework in Framework.objects.all():
        framework.name_fr = french_apostrophes(framework.name_fr)
        framework.description_fr = french_apostrophes(framework.description_fr)
        framework.source = _french(framework.source)
        framework.save(update_fields=["name_fr", "description_fr", "source", "updated_at"])
    for category in Category.objects.all():
        category.name_fr = french_apostrophes(category.name_fr)
        category.save(update_fields=["name_fr"])
    for indicator in Indicator.objects.all():
        indicator.name_fr = french_apostrophes(indicator.name_fr)
        indicator.help_fr = french_apostrophes(indicator.help_fr)
        indicator.unit_fr = french_apostrophes(indicator.unit_fr)
        indicator.options = _french(indicator.options)
        indicator.save(update_fields=["name_fr", "help_fr", "unit_fr", "options"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0007_ecei_31_guidance_by_threshold")]

    operations = [migrations.RunPython(fix_french_apostrophes, migrations.RunPython.noop)]
