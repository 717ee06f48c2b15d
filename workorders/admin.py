"""Work orders in the admin: to look things up only (the WO-15 wording templates excepted). Orders change through their services
(dispatch, steps, close), which keep the timeline, the audit entry and the SLA clocks right."""

from django.contrib import admin

from workorders.models import Appointment, Breach, DailyRecord, Order, OrderEvent, WordingTemplate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = OrderEvent
    fields = ["at", "kind", "by", "note", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class BreachInline(admin.TabularInline):
    model = Breach
    fields = ["rule_id", "kind", "person", "due_at", "recorded_at", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "state", "critical", "unit", "engineer", "created_at"]
    list_filter = ["state", "kind", "critical", "fault_class"]
    search_fields = ["number", "customer__account_no", "customer__name", "description"]
    list_select_related = ["unit", "engineer"]
    raw_id_fields = ["customer", "unit", "engineer", "cs_agent"]
    date_hierarchy = "created_at"
    inlines = [EventInline, BreachInline]


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "order", "kind", "by"]
    list_filter = ["kind"]
    search_fields = ["order__number", "note"]
    list_select_related = ["order", "by"]
    date_hierarchy = "at"


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["start", "end", "engineer", "order", "active"]
    list_filter = ["active"]
    search_fields = ["order__number", "engineer__name"]
    list_select_related = ["order", "engineer"]


@admin.register(Breach)
class BreachAdmin(ReadOnlyAdmin):
    list_display = ["recorded_at", "rule_id", "kind", "order", "person", "due_at", "amount"]
    list_filter = ["rule_id", "kind"]
    search_fields = ["order__number", "person__name"]
    list_select_related = ["order", "person"]


@admin.register(DailyRecord)
class DailyRecordAdmin(ReadOnlyAdmin):
    list_display = ["day", "person", "events", "handed_in_at", "flagged_at"]
    list_filter = ["day"]
    search_fields = ["person__name"]
    list_select_related = ["person"]
    date_hierarchy = "day"


@admin.register(WordingTemplate)
class WordingTemplateAdmin(admin.ModelAdmin):
    """WO-15: the operations manager's customer wording (rows override the shipped defaults)."""

    list_display = ["situation", "language", "updated_at", "updated_by"]
    list_filter = ["situation", "language"]
    search_fields = ["text"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        from core import clock
        from people.queries import person_of

        obj.updated_at, obj.updated_by = clock.now(), person_of(request.user)
        super().save_model(request, obj, form, change)
