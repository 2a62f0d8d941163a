"""Give the labels numbered before verification codes existed (GRP-<year>-<sequence>) a random code, so that no
certificate number can be guessed from another one. Their certificates must be produced again."""

import secrets
import re

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
OLD = re.compile(r"^GRP-\d{4}-\d{6}$")


def add_codes(apps, schema_editor):
    Label = apps.get_model("labelling", "Label")
    for label in Label.objects.only("pk", "certificate_number").iterator():
        if OLD.match(label.certificate_number):
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
            Label.objects.filter(pk=label.pk).update(certificate_number=f"{label.certificate_number}-{code}")


class Migration(migrations.Migration):
    dependencies = [("labelling", "0001_initial")]

    operations = [migrations.RunPython(add_codes, migrations.RunPython.noop)]
