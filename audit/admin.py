from django.contrib import admin

from audit.models import AuditEvent
from core.admin import ModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ModelAdmin):
    """Read-only: the trail is appended to by the services, never edited."""

    list_display = ("created_at", "action", "actor", "assessment", "target")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
