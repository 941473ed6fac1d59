"""Admin for dialogs. Approved minutes are read-only here as everywhere: the admin shows them
but offers no change, delete or revert; an attempt anyway (a posted form, the bulk delete, a
history revert) is refused with a message and nothing is written. Minutes under review by the
Landkreis are read-only here too: changing them would bypass the workflow (the approvals given
would stay, the version would not move); the ministry takes them back into the draft first."""

from dataclasses import replace

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.http import HttpResponseRedirect
from django.urls import reverse
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
    MinutesFrozen,
    Participant,
)

REVIEW_MESSAGE = (
    "Das Protokoll liegt dem Landkreis zur Prüfung vor und kann im Admin nicht geändert oder "
    "gelöscht werden. Holen Sie es auf der Seite des Zieldialogs in den Entwurf zurück, um es "
    "zu ändern."
)


def _frozen(dialog):
    return dialog is not None and dialog.pk is not None and dialog.is_frozen_in_db()


def _locked(dialog):
    """Sent for review or approved: the admin no longer changes the minutes."""
    if dialog is None or dialog.pk is None:
        return False
    return dialog.stored_status() not in (None, DialogStatus.DRAFT)


def _locked_message(dialog):
    return FROZEN_MESSAGE if _frozen(dialog) else REVIEW_MESSAGE


class RefusesFrozenMinutes:
    """Turn every refusal of approved minutes into an admin message instead of an error page.

    The models refuse on their own (`MinutesFrozen`); this only makes sure the person in the
    admin learns why, and lands on a page that shows the unchanged minutes."""

    # True: refuse every posted change of approved minutes before the form is read.
    _refuses_posts = False

    def minutes_frozen(self, obj):
        raise NotImplementedError

    def refusal_message(self, obj):
        return FROZEN_MESSAGE

    def _refuse(self, request, object_id=None, message=FROZEN_MESSAGE):
        self.message_user(request, message, messages.ERROR)
        opts = self.model._meta
        if object_id is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
        else:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return HttpResponseRedirect(url)

    def _frozen_object(self, request, object_id):
        """The object if it is part of minutes that cannot change, else None."""
        obj = self.get_object(request, object_id) if object_id else None
        return obj if obj is not None and self.minutes_frozen(obj) else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and self._refuses_posts:
            frozen = self._frozen_object(request, object_id)
            if frozen is not None:
                return self._refuse(request, object_id, self.refusal_message(frozen))
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except MinutesFrozen as refusal:
            return self._refuse(request, object_id, " ".join(refusal.messages))

    def delete_view(self, request, object_id, extra_context=None):
        frozen = self._frozen_object(request, object_id)
        if frozen is not None:
            return self._refuse(request, object_id, self.refusal_message(frozen))
        return super().delete_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        frozen = self._frozen_object(request, object_id) if request.method == "POST" else None
        if frozen is not None:
            return self._refuse(request, object_id, self.refusal_message(frozen))
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except MinutesFrozen as refusal:
            return self._refuse(request, object_id, " ".join(refusal.messages))

    def revert_disabled(self, request, obj=None):
        return (obj is not None and self.minutes_frozen(obj)) or super().revert_disabled(
            request, obj
        )

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if "delete_selected" in actions:
            delete_selected = actions["delete_selected"]

            def delete_unless_frozen(modeladmin, request, queryset):
                frozen = next((o for o in queryset if modeladmin.minutes_frozen(o)), None)
                if frozen is not None:
                    modeladmin.message_user(
                        request, modeladmin.refusal_message(frozen), messages.ERROR
                    )
                    return None
                return delete_selected.func(modeladmin, request, queryset)

            actions["delete_selected"] = replace(delete_selected, func=delete_unless_frozen)
        return actions


class MinutesInline(admin.StackedInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)


class ParticipantInline(MinutesInline, admin.TabularInline):
    model = Participant
    exclude = ["organisation_name"]  # stored at approval


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
class DialogAdmin(RefusesFrozenMinutes, SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "date", "status"]
    list_select_related = ["agreement__traeger"]
    list_filter = ["status", "kind", "agreement__year"]
    search_fields = ["agreement__traeger__name", "agreement__traeger__key"]
    readonly_fields = [
        "status",
        "version",
        "frozen_at",
        "traeger_name",
        "created_by",
        "created_at",
    ]
    inlines = [
        ParticipantInline,
        AgendaItemInline,
        FinalAssessmentInline,
        ApprovalInline,
        CorrectionInline,
        EventInline,
    ]

    # Any posted change of minutes under review or approved is refused, whatever the form holds.
    _refuses_posts = True

    def minutes_frozen(self, obj):
        return _locked(obj)

    def refusal_message(self, obj):
        return _locked_message(obj)

    def has_change_permission(self, request, obj=None):
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dialog = self.get_object(request, object_id)
        # Say why nothing can be changed, unless a refusal just said so.
        if request.method == "GET" and _locked(dialog) and not len(messages.get_messages(request)):
            self.message_user(request, _locked_message(dialog), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_queryset(self, request, queryset):
        if queryset.filter(status=DialogStatus.APPROVED).exists():
            self.message_user(request, FROZEN_MESSAGE, messages.ERROR)
            return
        if queryset.exclude(status=DialogStatus.DRAFT).exists():
            self.message_user(request, REVIEW_MESSAGE, messages.ERROR)
            return
        super().delete_queryset(request, queryset)


@admin.register(Measure)
class MeasureAdmin(RefusesFrozenMinutes, SimpleHistoryAdmin):
    """A measure of minutes under review or approved keeps its wording; its state can still be
    reported."""

    list_display = ["__str__", "agreement", "due_date", "status"]
    list_select_related = ["agreement__traeger"]
    list_filter = ["status", "agreement__year"]
    search_fields = ["text", "responsible_person"]
    _refuses_posts = False

    def minutes_frozen(self, obj):
        return self.wording_locked(obj)

    def refusal_message(self, obj):
        return FROZEN_MESSAGE if obj.in_approved_minutes() else REVIEW_MESSAGE

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dialog":  # minutes in review or approved take no new measures
            kwargs["queryset"] = Dialog.objects.filter(status=DialogStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def wording_locked(self, obj):
        """The wording belongs to the minutes that agreed the measure: fixed once they are
        sent for review (the Landkreis reads them) or approved."""
        return obj is not None and (obj.in_approved_minutes() or _locked(obj.dialog))

    def get_readonly_fields(self, request, obj=None):
        if self.wording_locked(obj):
            return ["dialog", "text", "responsible_organisation", "responsible_person", "due_date"]
        return []

    def has_delete_permission(self, request, obj=None):
        if self.wording_locked(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        locked = next((measure for measure in queryset if self.wording_locked(measure)), None)
        if locked is not None:
            self.message_user(request, self.refusal_message(locked), messages.ERROR)
            return
        super().delete_queryset(request, queryset)
