from django.contrib import admin

from core.admin import ModelAdmin, TabularInline

from .models import Category, Framework, Indicator


class IndicatorInline(TabularInline):
    model = Indicator
    extra = 0
    fields = ("code", "name_en", "value_type", "weight", "full_threshold", "partial_threshold", "baseline")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(ModelAdmin):
    list_display = ("code", "name_en", "is_default", "created_at")
    readonly_fields = ("source",)
    inlines = [IndicatorInline]


@admin.register(Category)
class CategoryAdmin(ModelAdmin):
    list_display = ("code", "name_en", "framework", "position")
    list_filter = ("framework",)


@admin.register(Indicator)
class IndicatorAdmin(ModelAdmin):
    list_display = ("code", "name_en", "framework", "category", "value_type", "weight", "baseline")
    list_filter = ("framework", "category__code", "baseline", "value_type")
    search_fields = ("code", "name_en", "name_fr")
