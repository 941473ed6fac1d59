"""Access tokens of the read-only API, one or more per organisation (a ministry or a zkT).

Only a hash of the token is stored (SHA-256: the token is 32 random bytes, so a slow password
hash adds nothing); the token itself is shown once, when it is made."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from zielsteuerung.models import Membership, Organisation, OrganisationKind, Role

PREFIX = "zs_"


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def holder(self, token):
        """The active token stored for `token` (the secret), or None."""
        if not token or not token.startswith(PREFIX):
            return None
        return (
            self.active().select_related("organisation").filter(key_hash=hash_token(token)).first()
        )


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="Organisation",
        on_delete=models.PROTECT,
        related_name="api_tokens",
        limit_choices_to={"kind__in": [OrganisationKind.MINISTRY, OrganisationKind.TRAEGER]},
    )
    name = models.CharField("Bezeichnung", max_length=120, help_text="z. B. „Statistikstelle“")
    key_hash = models.CharField("SHA-256 des Tokens", max_length=64, unique=True, editable=False)
    hint = models.CharField("Anfang des Tokens", max_length=12, editable=False)
    created_at = models.DateTimeField("angelegt am", default=timezone.now, editable=False)
    created_by_name = models.CharField("angelegt von", max_length=200, blank=True, editable=False)
    last_used_at = models.DateTimeField("zuletzt benutzt", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("widerrufen am", null=True, blank=True, editable=False)
    revoked_by_name = models.CharField("widerrufen von", max_length=200, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API-Token"
        verbose_name_plural = "API-Tokens"
        ordering = ["organisation__name", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.organisation.display_short}, {self.hint}…)"

    def clean(self):
        if self.organisation_id and self.organisation.kind not in (
            OrganisationKind.MINISTRY,
            OrganisationKind.TRAEGER,
        ):
            raise ValidationError(
                {"organisation": "API-Tokens gibt es nur für ein Ministerium oder einen Landkreis."}
            )

    def new_secret(self):
        """Give the token a fresh secret and return it (to be shown once; only its hash stays)."""
        token = PREFIX + secrets.token_urlsafe(32)
        self.key_hash = hash_token(token)
        self.hint = token[: len(PREFIX) + 8]
        return token

    @property
    def is_active(self):
        return self.revoked_at is None

    def principal(self):
        """The user the access rules see for this token: a reader of a ministry (sees every
        Landkreis, changes nothing) or the Jobcenter of its Landkreis (sees its own)."""
        return TokenUser(self)


class TokenUser:
    """Stands in for a user in `visible_to(user)`: the access rules read the role and the
    organisation of its (unsaved) membership. Never saved, never logged in."""

    is_authenticated = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    is_active = True
    pk = None

    def __init__(self, token):
        role = (
            Role.READER
            if token.organisation.kind == OrganisationKind.MINISTRY
            else Role.JOBCENTER_EDITOR
        )
        self.token = token
        self.membership = Membership(organisation=token.organisation, role=role)

    def __str__(self):
        return f"API-Token {self.token.hint}…"

    def get_username(self):
        return str(self)

    def get_full_name(self):
        return str(self)
