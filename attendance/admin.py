"""Master data of attendance: shift templates, schedules, duty rosters (ATT-01), audited like any
change. Proxy signings and closed months are recorded on the station page and only listed here."""

from django.contrib import admin

from attendance.models import MonthClose, ProxySigning, RosterDay, ScheduleAssignment, ShiftTemplate
from core.admin import AuditedAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(AuditedAdmin):
    list_display = ["name", "kind", "blocks", "client", "team"]
    list_filter = ["kind", "client"]
    search_fields = ["name"]


@admin.register(ScheduleAssignment)
class ScheduleAssignmentAdmin(AuditedAdmin):
    list_display = ["person", "template", "valid_from", "valid_to"]
    list_filter = ["template"]
    search_fields = ["person__name", "person__staff_no"]
    autocomplete_fields = ["person"]
    date_hierarchy = "valid_from"


@admin.register(RosterDay)
class RosterDayAdmin(AuditedAdmin):
    list_display = ["date", "person", "template"]
    list_filter = ["template"]
    search_fields = ["person__name", "person__staff_no"]
    autocomplete_fields = ["person"]
    date_hierarchy = "date"


@admin.register(ProxySigning)
class ProxySigningAdmin(ReadOnlyAdmin):
    list_display = ["date", "signer", "signee", "note", "recorded_by", "recorded_at"]
    search_fields = ["signer__name", "signee__name"]
    date_hierarchy = "date"


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdmin):
    list_display = ["month", "unit", "closed_by", "closed_at"]
    list_filter = ["unit"]
