"""The assessment ledger in the admin, read-only: entries, objections and decisions change only
through their services, which keep the states and the audit trail right."""

from django.contrib import admin

from assessment.models import Decision, Entry, Objection, ObjectionAttachment


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["person", "month", "rule_id", "points", "fine", "state", "source"]
    list_filter = ["state", "source", "rule_id", "month"]
    search_fields = ["person__name", "person__staff_no", "fact_key"]
    list_select_related = ["person"]


class AttachmentInline(admin.TabularInline):
    model = ObjectionAttachment
    fields = ["name", "file", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    inlines = [AttachmentInline]
    list_display = ["entry", "filed_at", "decision", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["entry__person"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["person", "month", "rule_id", "kind", "state", "confirmed_at"]
    list_filter = ["state", "kind", "rule_id", "month"]
    search_fields = ["person__name", "person__staff_no"]
    list_select_related = ["person"]
