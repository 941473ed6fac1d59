"""Admin: the indicator catalogue is edited here; deliveries and values are only shown,
because a stored delivery never changes (no add, change or delete, not even in bulk)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import MONTH_FIELDS, ColumnMapping, DataDelivery, Indicator, Values


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "unit", "better", "sort_order"]
    list_filter = ["kind", "unit", "better"]
    search_fields = ["code", "name"]
    ordering = ["sort_order", "code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataDelivery)
class DataDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "ladestand",
        "waiting_months",
        "source",
        "organisation",
        "delivered_by",
        "file_name",
        "row_count",
        "created_at",
        "withdrawn_at",
    ]
    list_filter = [
        "source",
        "waiting_months",
        "is_demo",
        ("withdrawn_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["organisation", "delivered_by"]


@admin.register(Values)
class ValuesAdmin(ReadOnlyAdmin):
    list_display = ["delivery", "unit", "indicator", "sex", "year", *MONTH_FIELDS]
    list_filter = ["indicator", "sex", "year"]
    search_fields = ["unit__key", "unit__name"]
    list_select_related = ["delivery", "unit", "indicator"]
    show_full_result_count = False  # counting the rows of many deliveries on every page is slow


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    """Saved mappings are made in the upload's mapping step; here they are seen and deleted."""

    list_display = ["organisation", "source", "header_line", "created_by", "updated_at"]
    list_filter = ["source", "organisation"]
    readonly_fields = ["fingerprint", "header", "roles", "header_line", "created_by", "updated_at"]

    def has_add_permission(self, request):
        return False
