from django.contrib import admin

from reports.models import Project, Report


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "manager", "start_date", "end_date"]
    list_filter = ["client"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "period_start", "due_at", "status", "late"]
    list_filter = ["kind", "status", "late"]
    raw_id_fields = ["person", "project"]
    readonly_fields = ["facts", "submitted_at", "reminded_at", "late_flagged_at", "created_at"]
