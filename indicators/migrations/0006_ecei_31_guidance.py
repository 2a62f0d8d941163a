"""ecei-31 carries, for each indicator, guidance on reaching its criterion (French and English): the assessment
report's recommendations for the criteria not fully met (issue 20). The guidance lives in the framework's kept source
file (not in the indicator rows), so this copies it from indicators/frameworks/ecei-31.json into the installed
version's source."""

import json
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "frameworks" / "ecei-31.json"


def add_guidance(apps, schema_editor):
    Framework = apps.get_model("indicators", "Framework")
    shipped = json.loads(FILE.read_text(encoding="utf-8"))
    guidance = {
        indicator["code"]: indicator["guidance"]
        for category in shipped["categories"]
        for indicator in category["indicators"]
        if indicator.get("guidance")
    }
    for framework in Framework.objects.filter(code="ecei-31"):
        source = framework.source or {}
        for category in source.get("categories", []):
            for indicator in category.get("indicators", []):
                if indicator.get("code") in guidance:
                    indicator["guidance"] = guidance[indicator["code"]]
        framework.source = source
        framework.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_gold_visit_freeze_days")]

    operations = [migrations.RunPython(add_guidance, migrations.RunPython.noop)]
