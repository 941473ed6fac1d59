"""Who may see and change what: the one home of the project's access rules.

Every model's `visible_to(user)` / `editable_by(user)` queryset method builds on these
predicates, and every view fetches objects through those methods. Roles:

- ministry editors (MW, MS) and administrators see and change everything;
- readers (e.g. the Ausschuss für Zielvereinbarungen) see everything and change nothing;
- Jobcenter editors see and change only what belongs to their own Landkreis.
"""

from django.core.exceptions import PermissionDenied

from zielsteuerung.models import Role


def membership_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Exception:  # RelatedObjectDoesNotExist: a user without organisation
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


def can_edit_anything(user):
    return role_of(user) in {Role.MINISTRY_EDITOR, Role.JOBCENTER_EDITOR}


def require_ministry(user):
    """Raise 403 unless the user edits for a ministry."""
    if not is_ministry(user):
        raise PermissionDenied("Diese Änderung ist den Ministerien vorbehalten.")


def require_editor(user):
    """Raise 403 for readers and users without a role."""
    if not can_edit_anything(user):
        raise PermissionDenied("Sie haben nur Lesezugriff.")
