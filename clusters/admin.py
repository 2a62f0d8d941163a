from django.contrib import admin

from core.admin import ModelAdmin, TabularInline

from .models import Cluster, FinancingYear, Member, TeamYear


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
