from django.contrib import admin

from core.admin import ModelAdmin, TabularInline

from .models import Cluster, FinancingYear, Member, TeamYear
from .services import delete_replaced_logo


class MemberInline(TabularInline):
    model = Member
    extra = 0
    fields = ("name", "member_type", "size_class", "region", "member_since", "fee_paying", "active")


@admin.register(Cluster)
class ClusterAdmin(ModelAdmin):
    list_display = ("name", "acronym", "kind", "country", "region", "year_founded")
    list_filter = ("kind", "country", "region")
    search_fields = ("name", "acronym", "city")
    filter_horizontal = ("managers",)

    def save_model(self, request, obj, form, change):
        """A logo cleared or replaced here leaves the storage too, as on the profile page."""
        old = Cluster.objects.filter(pk=obj.pk).values_list("logo", flat=True).first() if change else ""
        super().save_model(request, obj, form, change)
        delete_replaced_logo(old or "", obj.logo.name or "")


@admin.register(Member)
class MemberAdmin(ModelAdmin):
    list_display = ("name", "cluster", "member_type", "size_class", "region", "active")
    list_filter = ("member_type", "active", "cluster")
    search_fields = ("name",)


@admin.register(TeamYear)
class TeamYearAdmin(ModelAdmin):
    list_display = ("cluster", "year", "staff_fte", "board_seats", "board_company_seats")
    list_filter = ("year",)


@admin.register(FinancingYear)
class FinancingYearAdmin(ModelAdmin):
    list_display = ("cluster", "year", "state", "regional", "eu", "member_fees", "paid_services", "other_private")
    list_filter = ("year",)
