"""Making and revoking API tokens (the admin and `manage.py api_token` both call these)."""

from django.utils import timezone

from api.models import ApiToken


def create_token(organisation, name, *, by=""):
    """A new token for `organisation`; returns (ApiToken, the secret to hand over once)."""
    token = ApiToken(organisation=organisation, name=name, created_by_name=by)
    token.full_clean(exclude=["key_hash", "hint"])
    secret = token.new_secret()
    token.save()
    return token, secret


def revoke(tokens, *, by=""):
    """Revoke the active ones of `tokens` (a queryset); returns how many."""
    return tokens.active().update(revoked_at=timezone.now(), revoked_by_name=by)
