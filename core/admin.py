"""Django admin for master data; every change through it is audited like any other."""

from django.contrib import admin

from core import audit
from core.models import ApiToken, AuditEntry, CalendarDay, PolicyVersion


class AuditedAdmin(admin.ModelAdmin):
    """Records created/changed/deleted with before and after for every admin save."""

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        self._pending = (before, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before, changed = getattr(self, "_pending", ({}, change))
        delta = audit.diff(before, audit.snapshot(obj))
        if delta or not changed:
            action = f"admin.{obj._meta.model_name}.{'changed' if changed else 'created'}"
            audit.record(obj, action, by=request.user, changes=delta)

    def delete_model(self, request, obj):
        audit.record(
            obj,
            f"admin.{obj._meta.model_name}.deleted",
            by=request.user,
            changes=audit.diff(audit.snapshot(obj), {}),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["object_type"]
    search_fields = ["action", "object_repr", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Read-only here: policy is changed on the policy page, which validates every value."""

    list_display = ["effective_from", "company", "created_by", "created_at", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "secret_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """The working calendar's override table (ATT-08): a year the chinese-calendar package does
    not know yet is entered here (the home page warns until it is)."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
