"""Every uploaded file is stored under a random key in its folder, whatever path saved it (core.uploads)."""

from __future__ import annotations

import re

from django.apps import apps
from django.db import models

from core.uploads import RandomName


def test_every_file_field_stores_under_a_random_key():
    fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and not isinstance(field.upload_to, RandomName)
    ]
    assert fields == []  # a string upload_to keeps the name the person gave (a cluster's name, say) in the key


def test_a_random_name_keeps_only_the_folder_and_a_plain_extension():
    name = RandomName("evidence/%Y/%m/")
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", name(None, "Budget Cosmetic Valley.PDF"))
    assert re.fullmatch(r"logos/[0-9a-f]{32}", RandomName("logos/")(None, "cosmetic-valley"))
    assert re.fullmatch(r"logos/[0-9a-f]{32}", RandomName("logos/")(None, "../x.p<h>p"))
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", RandomName("logos/")(None, "..\\..\\valley.png"))
    assert name(None, "a.pdf") != name(None, "a.pdf")
    assert RandomName("logos/") == RandomName("logos/") != RandomName("minutes/")
