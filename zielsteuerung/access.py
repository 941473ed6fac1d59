"""Who may see and change what: the one home of the project's access rules.

Roles:

- ministry editors (MW, MS) and administrators see and change everything;
- readers (e.g. the Ausschuss für Zielvereinbarungen) see everything and change nothing;
- Jobcenter editors see and change only what belongs to their own Landkreis.

Every model that holds Landkreis data has a `ScopedQuerySet`, configured with the path from
the model to its Landkreis (`landkreis`) and, where it differs from `STANDARD_RULES`, with its
own `rules`: for each action the scope each role reaches. Two questions are asked of it, and
only of it:

- `Model.objects.restrict(user, action)`: the objects the user may take `action` on
  (`visible_to(user)` is `restrict(user, VIEW)`; views fetch every object through it);
- `can(user, action, obj)`: may the user take `action` on `obj` (an object, or a model class
  for "ever, on any such object", e.g. creating one)? Views, services, `allowed_actions` and
  templates (`{% can "change" agreement as may_change %}`) ask this; `require` raises 403.

A role without a scope for an action never reaches it: readers have none for any write.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q

# The actions of the rules. What each means for a model is said beside the model's rules.
VIEW = "view"
CHANGE = "change"  # the ministries' writes: agreements, minutes, corrections
REVIEW = "review"  # the Landkreis' side of the minutes: comments, change requests, approval
REPORT = "report"  # the state of steps and measures, explanations of goals off the path
UPLOAD = "upload"  # deliveries of indicator data


class Role(models.TextChoices):
    MINISTRY_EDITOR = "ministerium", "Ministerium (Bearbeitung)"
    JOBCENTER_EDITOR = "jobcenter", "Jobcenter (Bearbeitung)"
    READER = "leser", "Lesezugriff"


def membership_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except ObjectDoesNotExist:  # a user without organisation
        return None


def role_of(user):
    if getattr(user, "is_superuser", False):
        return Role.MINISTRY_EDITOR
    membership = membership_of(user)
    return membership.role if membership else None


def is_ministry(user):
    return role_of(user) == Role.MINISTRY_EDITOR


def is_reader(user):
    return role_of(user) == Role.READER


def sees_all(user):
    """Ministries and readers see every Landkreis."""
    return role_of(user) in {Role.MINISTRY_EDITOR, Role.READER}


def traeger_of(user):
    """The Landkreis (Organisation) of a Jobcenter user, else None."""
    if role_of(user) != Role.JOBCENTER_EDITOR:
        return None
    return membership_of(user).organisation


def require_editor(user):
    """Raise 403 for readers and users without a role (for a user's own settings)."""
    if role_of(user) not in {Role.MINISTRY_EDITOR, Role.JOBCENTER_EDITOR}:
        raise PermissionDenied("Sie haben nur Lesezugriff.")


# ---------------------------------------------------------------------------------------------
# Scopes and rules


@dataclass(frozen=True)
class Scope:
    """What one role reaches for one action: every Landkreis or only its own (`own`), and of
    those only the objects matching `where`."""

    own: bool = False
    where: Q = field(default_factory=Q)

    def only(self, **lookups):
        return Scope(self.own, self.where & Q(**lookups))

    def excluding(self, **lookups):
        return Scope(self.own, self.where & ~Q(**lookups))


EVERYTHING = Scope()
OWN = Scope(own=True)

# Ministries see all and change all, readers see all, a Jobcenter sees its own Landkreis.
STANDARD_RULES = {
    VIEW: {Role.MINISTRY_EDITOR: EVERYTHING, Role.READER: EVERYTHING, Role.JOBCENTER_EDITOR: OWN},
    CHANGE: {Role.MINISTRY_EDITOR: EVERYTHING},
}


class ScopedQuerySet(models.QuerySet):
    """The base of every queryset of Landkreis data; see the module's docstring."""

    landkreis = None  # the lookup path from the model to its Landkreis, e.g. "agreement__traeger"
    rules = STANDARD_RULES

    @classmethod
    def scope_for(cls, user, action):
        """The user's scope for `action` on these objects, None when it has none."""
        return cls.rules.get(action, {}).get(role_of(user))

    def of_landkreis(self, unit):
        """What belongs to the Landkreis `unit`; models with a wider notion say so here."""
        return Q(**{self.landkreis: unit})

    def restrict(self, user, action):
        """The objects the user may take `action` on."""
        scope = self.scope_for(user, action)
        if scope is None:
            return self.none()
        condition = scope.where
        if scope.own:
            own = traeger_of(user)
            if own is None:
                return self.none()
            condition &= self.of_landkreis(own)
        return self.filter(condition)

    def visible_to(self, user):
        return self.restrict(user, VIEW)


def can(user, action, obj):
    """May `user` take `action` on `obj`? `obj` is an object or a model class (then: on any
    object of the model, as for creating one)."""
    model = obj if isinstance(obj, type) else type(obj)
    objects = model._default_manager.all()
    scope = objects.scope_for(user, action)
    if scope is None:
        return False
    if isinstance(obj, type) or scope == EVERYTHING:
        return True
    return objects.restrict(user, action).filter(pk=obj.pk).exists()


REFUSALS = {
    CHANGE: "Diese Änderung ist den Ministerien vorbehalten.",
    REVIEW: "Diesen Schritt geht nur das Jobcenter des Landkreises.",
}


def require(user, action, obj, message=None):
    """Raise 403 unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise PermissionDenied(message or REFUSALS.get(action, "Sie haben nur Lesezugriff."))
