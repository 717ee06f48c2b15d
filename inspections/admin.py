"""Inspections in the admin: assets are master data edited here (saved through the service, which
fills in the station and the responsible engineer and audits the change); checklists and plans
are edited on their pages, tickets only looked up."""

from django.contrib import admin

from core.admin import AuditedAdmin
from inspections.models import Asset, ChecklistItem, ChecklistTemplate, Plan, SpotCheck, Ticket
from inspections.services import save_asset


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "address", "unit", "station", "engineer", "client", "active"]
    list_filter = ["kind", "active", "station"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["customer"]
    raw_id_fields = ["unit", "engineer"]

    def save_model(self, request, obj, form, change):
        save_asset(obj, by=request.user)


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditedAdmin):
    list_display = ["name", "asset_kind", "client", "version", "status"]
    list_filter = ["asset_kind", "status"]
    inlines = [ItemInline]


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["name", "rule_id", "asset_kind", "frequency", "per_period", "sampled", "active"]
    list_filter = ["rule_id", "active"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["asset", "rule_id", "engineer", "planned_on", "due_on", "status"]
    list_filter = ["status", "rule_id", "kind"]
    search_fields = ["asset__name", "engineer__name"]
    date_hierarchy = "due_on"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SpotCheck)
class SpotCheckAdmin(admin.ModelAdmin):
    list_display = ["ticket", "result", "checked_by", "checked_at", "supervisor"]
    list_filter = ["result"]

    def has_change_permission(self, request, obj=None):
        return False
