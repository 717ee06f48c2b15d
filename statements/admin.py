"""Month closes and statements are read-only in the admin (they change only through their
services, which audit them); wage records are edited by HR here or on the wages page."""

from django.contrib import admin

from core import audit, clock
from statements.models import AssessmentClose, Statement, WageRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentClose)
class AssessmentCloseAdmin(ReadOnlyAdmin):
    list_display = ["unit", "month", "closed_at", "closed_by", "reopened_at", "reopened_by"]
    list_filter = ["month"]
    list_select_related = ["unit", "closed_by", "reopened_by"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["person", "month", "points", "total", "active"]
    list_filter = ["month", "active"]
    search_fields = ["person__name", "person__staff_no"]
    list_select_related = ["person"]


@admin.register(WageRecord)
class WageRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "monthly_wage", "minimum_wage", "effective_from", "recorded_at"]
    search_fields = ["person__name", "person__staff_no"]
    list_select_related = ["person"]
    autocomplete_fields = ["person"]
    exclude = ["recorded_at", "recorded_by"]

    def save_model(self, request, obj, form, change):
        obj.recorded_at, obj.recorded_by = clock.now(), request.user
        super().save_model(request, obj, form, change)
        audit.record(
            obj,
            "statements.wage.recorded",
            by=request.user,
            data={
                "monthly_wage": obj.monthly_wage,
                "minimum_wage": obj.minimum_wage,
                "effective_from": obj.effective_from,
            },
        )
