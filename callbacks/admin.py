from django.contrib import admin

from callbacks.models import BehaviourItem, Callback, Complaint


@admin.register(BehaviourItem)
class BehaviourItemAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "engineer", "due_on", "state", "satisfaction"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["order", "engineer", "customer", "unit", "assigned_to", "done_by"]
    readonly_fields = ["done_at", "done_by", "satisfaction", "violations", "state"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["pk", "engineer", "registered_at", "state"]
    list_filter = ["state"]
    raw_id_fields = ["order", "engineer", "customer", "unit"]
    readonly_fields = ["state", "decided_at", "decided_by", "reason"]
