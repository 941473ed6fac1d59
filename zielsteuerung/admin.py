from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zielsteuerung.models import Membership, Organisation, OrganisationName


class OrganisationNameInline(admin.TabularInline):
    model = OrganisationName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "kind", "comparison_type"]
    list_filter = ["kind"]
    search_fields = ["key", "name"]
    inlines = [OrganisationNameInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "function"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name"]
