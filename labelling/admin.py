from django.contrib import admin

from core.admin import ModelAdmin, TabularInline

from .models import Answer, Assessment, Decision, Evidence, Label, Report, Review


class AnswerInline(TabularInline):
    model = Answer
    extra = 0
    fields = ("indicator", "declared_number", "declared_option", "validated_number", "validated_option", "reviewed")
    # Answers change only through the services (audit trail; declared and validated values never overwritten).
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ModelAdmin):
    list_display = ("cluster", "reference_year", "status", "assessor", "submitted_at", "validated_on")
    list_filter = ("status", "reference_year", "framework")
    search_fields = ("cluster__name",)
    raw_id_fields = ("previous",)
    # The workflow moves only through the services, which write the audit trail.
    readonly_fields = ("status", "assessor", "submitted_at", "validated_on", "recommended_level")
    inlines = [AnswerInline]


@admin.register(Evidence)
class EvidenceAdmin(ModelAdmin):
    list_display = ("original_name", "answer", "content_type", "size", "document_date")


@admin.register(Review)
class ReviewAdmin(ModelAdmin):
    list_display = ("assessment", "assessor", "no_conflict_declared_at", "conflict_declared")


@admin.register(Decision)
class DecisionAdmin(ModelAdmin):
    list_display = ("assessment", "level", "computed_level", "decided_by", "decided_on")

    # A decision records who, when and the scores as they stood: it is never edited nor removed.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Label)
class LabelAdmin(ModelAdmin):
    list_display = ("certificate_number", "cluster", "level", "status", "awarded_on", "expires_on")
    list_filter = ("level", "status")
    search_fields = ("certificate_number", "cluster__name")
    # Labels are issued by a decision and revoked with a reason through the services (audit trail).
    readonly_fields = (
        "cluster",
        "assessment",
        "level",
        "certificate_number",
        "awarded_on",
        "expires_on",
        "status",
        "revoked_at",
        "revoked_reason",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ModelAdmin):
    list_display = ("kind", "assessment", "language", "status", "attempts", "created_at")
    list_filter = ("kind", "status")
