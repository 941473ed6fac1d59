from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import (
    Agreement,
    BudgetLine,
    Explanation,
    Goal,
    ImplementationStep,
    Signature,
)
from agreements.services import delete_refusal


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0


class SignatureInline(admin.StackedInline):
    model = Signature
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["year", "traeger", "status", "is_demo", "updated_at"]
    list_filter = ["year", "status", "is_demo"]
    search_fields = ["traeger__name", "traeger__key"]
    inlines = [BudgetLineInline, GoalInline, SignatureInline]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # The bulk delete would bypass the per-agreement check below.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        """Year and Landkreis of an agreement with dialogs are fixed (Agreement.clean)."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_dialogs():
            fields += ["year", "traeger"]
        return fields

    def has_delete_permission(self, request, obj=None):
        """Agreements with dialogs, delivered figures or past the draft stay."""
        if obj is not None and delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ImplementationStep)
class ImplementationStepAdmin(SimpleHistoryAdmin):
    list_display = ["goal", "order", "status"]
    list_filter = ["status"]


@admin.register(Explanation)
class ExplanationAdmin(SimpleHistoryAdmin):
    list_display = ["goal", "month", "author_name", "updated_at"]
    list_filter = ["month"]
    search_fields = ["goal__agreement__traeger__name", "text"]
