from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation

from api import services
from api.models import ApiToken
from zielsteuerung import formats


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation", "revoked_at"]
    actions = ["revoke_tokens"]
    readonly_fields = [
        "hint",
        "created_at",
        "created_by_name",
        "last_used_at",
        "revoked_at",
        "revoked_by_name",
    ]

    def get_readonly_fields(self, request, obj=None):
        # A token stays with its organisation; only its name may change.
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["organisation"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.created_by_name = formats.person_name(request.user)
        secret = obj.new_secret()
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            f"Das Token für {obj.organisation} lautet {secret} – es wird nur jetzt angezeigt "
            "und nicht gespeichert. Bitte geben Sie es sicher weiter.",
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the record says who had access when

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Ausgewählte Tokens widerrufen")
    def revoke_tokens(self, request, queryset):
        count = services.revoke(queryset, by=formats.person_name(request.user))
        self.message_user(request, f"{count} Token(s) widerrufen.")
