"""`{% can "change" agreement as may_change %}`: templates ask `zielsteuerung.access.can`
for the user of the request, as views and services do. Loaded as a builtin."""

from django import template

from zielsteuerung import access

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj):
    return access.can(context["request"].user, action, obj)
