"""Optimistic locking: a page carries the version of the row it was loaded with, and a save
claims that version. The conditional UPDATE is the one place where concurrent work is
detected; nothing is locked while a user types."""

from django.db.models import F
from django.utils import timezone


class Conflict(Exception):
    """The row is no longer at the version (or in the state) the page was loaded with.

    `current` is the row as it is now (None when it is gone); `by` and `at` say who changed it
    last and when, as the row's `last_change()` tells."""

    def __init__(self, current):
        self.current = current
        self.by, self.at = current.last_change() if current is not None else ("", None)
        who = f" von {self.by}" if self.by else ""
        when = f" ({timezone.localtime(self.at):%d.%m.%Y um %H:%M Uhr})" if self.at else ""
        subject = current.CONFLICT_SUBJECT if current is not None else "Der Eintrag"
        super().__init__(
            f"{subject} wurde inzwischen{who} geändert{when}. Ihre Änderung wurde nicht "
            "gespeichert, damit nichts überschrieben wird."
        )


def claim(obj, version, **expected):
    """Move `obj` from `version` to the next version if the row still has that version and the
    `expected` field values; else raise Conflict. `version` may come straight from a form."""
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = -1
    rows = type(obj)._base_manager.filter(pk=obj.pk)
    if not rows.filter(version=version, **expected).update(version=F("version") + 1):
        raise Conflict(rows.first())
    obj.version = version + 1
