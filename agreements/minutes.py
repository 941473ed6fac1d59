"""What the agreements' pages show of the Zieldialoge: the dialogs and open measures on the
Landkreis page, and the final assessments of approved spring reviews (year_end.py).

The dialogs app sits above this one (`zielsteuerung ← indicators ← agreements ← dialogs`), so
nothing here imports it or looks its models up. The dialogs app passes its answers in when
Django starts it (`dialogs/apps.py` calls `provide`); without the dialogs app the pages show
no dialogs and every final assessment is still open."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Minutes:
    # (user, agreement) → ([Dialog, …] oldest first, [open Measure, …] by due date), or
    # (None, None) when there are no dialogs to show.
    dialogs_and_measures: Callable
    # [agreement id, …] → {goal id: year_end.FinalVerdict} of the approved spring reviews.
    final_assessments: Callable
    # () → when the newest spring review was approved (None if none was).
    approved_at: Callable
    # agreements (a queryset) → the newest of their years with an approved assessment, or None.
    newest_assessed_year: Callable


NONE = Minutes(
    dialogs_and_measures=lambda user, agreement: (None, None),
    final_assessments=lambda agreement_ids: {},
    approved_at=lambda: None,
    newest_assessed_year=lambda agreements: None,
)

_given = NONE


def provide(minutes):
    """Called once by the dialogs app when Django starts it."""
    global _given
    _given = minutes


def given():
    return _given
