"""The project's admin bases: their forms are ``core.forms.ModelForm``, so that numbers typed in the admin are read
as in every other form (« 12 000,50 » is 12000.5 in French and English, never 1200050)."""

from django.contrib import admin
from django.db import models

from core.forms import ModelForm

# A web address typed without its scheme is read as https (Django 6's default; Django 5.2 warns without it).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ModelAdmin(admin.ModelAdmin):
    form = ModelForm
    formfield_overrides = URL_FIELDS


class TabularInline(admin.TabularInline):
    form = ModelForm
    formfield_overrides = URL_FIELDS
