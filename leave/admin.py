from django.contrib import admin

from core.admin import AuditedAdmin
from leave.models import ApprovalStep, LeaveType, Request


@admin.register(LeaveType)
class LeaveTypeAdmin(AuditedAdmin):
    """Leave types are data (REQ-01, REQ-05, REQ-06); changes are audited."""

    list_display = [
        "code",
        "name",
        "name_en",
        "paid",
        "needs_notice",
        "needs_certificate",
        "active",
    ]
    list_filter = ["active", "paid"]
    search_fields = ["code", "name", "name_en"]


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    fields = ["order", "approver", "basis", "status", "decided_at", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    """Read-only: requests change only through the request pages and API (audited services)."""

    list_display = ["pk", "person", "kind", "leave_type", "start_date", "end_date", "status"]
    list_filter = ["kind", "status", "leave_type"]
    search_fields = ["person__name", "person__staff_no", "reason"]
    date_hierarchy = "created_at"
    inlines = [ApprovalStepInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
