from django.contrib import admin

from registers.models import EquipmentItem, Loan, Loss, MachineRoomEntry, StockTake, StockTakeLine


@admin.register(EquipmentItem)
class EquipmentItemAdmin(admin.ModelAdmin):
    list_display = ["name", "serial", "community", "expected_quantity", "active"]
    list_filter = ["active"]
    search_fields = ["name", "serial"]


class LineInline(admin.TabularInline):
    model = StockTakeLine
    extra = 0
    raw_id_fields = ["item"]


@admin.register(StockTake)
class StockTakeAdmin(admin.ModelAdmin):
    list_display = ["community", "due_on", "status", "counted_by"]
    list_filter = ["status"]
    inlines = [LineInline]


@admin.register(Loss)
class LossAdmin(admin.ModelAdmin):
    list_display = ["line", "quantity", "status", "recorded_at"]
    list_filter = ["status"]
    raw_id_fields = ["line", "stocktake"]


@admin.register(MachineRoomEntry)
class MachineRoomEntryAdmin(admin.ModelAdmin):
    list_display = ["room", "visitor_name", "visitor_company", "escort", "time_in", "time_out"]


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["item", "serial", "borrower", "due_back", "returned_at"]
