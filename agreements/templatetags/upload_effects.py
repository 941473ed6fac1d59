"""`{% upload_effects check %}`: the upload preview's part on goals (agreements.previews).

The preview page belongs to the indicators app, which knows nothing of agreements (the apps
depend one way); the template composes the page from both."""

from django import template

from agreements.previews import upload_effects as effects_of

register = template.Library()

SHOWN_CHANGES = 60


@register.inclusion_tag("dashboards/_upload_effects.html")
def upload_effects(check):
    return {"effects": effects_of(check), "shown_changes": SHOWN_CHANGES}
