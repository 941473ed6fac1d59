"""Admin for dialogs. Approved minutes are read-only here as everywhere: the admin shows them
but offers no change or delete, and a bulk delete that touches them is refused."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from dialogs.models import (
    FROZEN_MESSAGE,
    AgendaItem,
    Approval,
    Correction,
    Dialog,
    DialogEvent,
    DialogStatus,
    FinalAssessment,
    Measure,
    Participant,
)


def _frozen(dialog):
    return dialog is not None and dialog.pk is not None and dialog.is_frozen_in_db()


class MinutesInline(admin.StackedInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)


class ParticipantInline(MinutesInline, admin.TabularInline):
    model = Participant


class AgendaItemInline(MinutesInline):
    model = AgendaItem
    fields = ["order", "kind", "goal", "title", "discussion", "decisions", "jobcenter_comment"]


class FinalAssessmentInline(MinutesInline, admin.TabularInline):
    model = FinalAssessment
    fields = ["goal_number", "goal_title", "computed_verdict", "assessment", "reason"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApprovalInline(ReadOnlyInline):
    model = Approval
    fields = ["side", "name", "organisation_name", "approved_at"]


class CorrectionInline(ReadOnlyInline):
    model = Correction
    fields = ["created_at", "author_name", "item", "text", "reason"]


class EventInline(ReadOnlyInline):
    model = DialogEvent
    fields = ["at", "action", "user_name", "organisation_name", "comment"]


@admin.register(Dialog)
class DialogAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "date", "status"]
    list_select_related = ["agreement__traeger"]
    list_filter = ["status", "kind", "agreement__year"]
    search_fields = ["agreement__traeger__name", "agreement__traeger__key"]
    readonly_fields = ["status", "version", "frozen_at", "created_by", "created_at"]
    inlines = [
        ParticipantInline,
        AgendaItemInline,
        FinalAssessmentInline,
        ApprovalInline,
        CorrectionInline,
        EventInline,
    ]

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dialog = self.get_object(request, object_id)
        if request.method == "GET" and _frozen(dialog):
            self.message_user(request, FROZEN_MESSAGE, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_queryset(self, request, queryset):
        if queryset.filter(status=DialogStatus.APPROVED).exists():
            self.message_user(request, FROZEN_MESSAGE, messages.ERROR)
            return
        super().delete_queryset(request, queryset)


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "agreement", "due_date", "status"]
    list_select_related = ["agreement__traeger"]
    list_filter = ["status", "agreement__year"]
    search_fields = ["text", "responsible_person"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and _frozen(obj.dialog):
            return ["dialog", "text", "responsible_organisation", "responsible_person", "due_date"]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _frozen(obj.dialog):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(dialog__status=DialogStatus.APPROVED).exists():
            self.message_user(request, FROZEN_MESSAGE, messages.ERROR)
            return
        super().delete_queryset(request, queryset)
