"""The project's admin bases: their forms are ``core.forms.ModelForm``, so that numbers typed in the admin are read
as in every other form (« 12 000,50 » is 12000.5 in French and English, never 1200050)."""

from django.contrib import admin

from core.forms import ModelForm


class ModelAdmin(admin.ModelAdmin):
    form = ModelForm


class TabularInline(admin.TabularInline):
    form = ModelForm
