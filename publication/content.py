"""What a publication holds: built from the same data and rules as the product's pages, and
stored with the act of publishing (publication.models.Publication.content).

Only signed agreements count (status „unterzeichnet“ or „abgeschlossen“), and of them only
what the public may read: the Landkreis, each goal's number, title, indicator and agreed
target; after the spring review the Jahresendwert and the final assessment of the goals an
approved Frühjahrsbilanz assessed. Never the agreements' texts, minutes, reasons or
explanations.
"""

from agreements import year_end
from agreements.dashboards.figures import target_text
from agreements.models import Agreement, AgreementStatus, GoalKind
from zielsteuerung import formats

SIGNED = [AgreementStatus.SIGNED, AgreementStatus.CLOSED]
FORMAT = "zielsteuerung.publication/1"


class NothingToPublish(Exception):
    """The year has nothing of the asked kind to publish; the message says why, in German."""


def signed_agreements(user, year):
    return (
        Agreement.objects.visible_to(user)
        .for_year(year)
        .filter(status__in=SIGNED)
        .select_related("traeger")
        .order_by("traeger__name")
    )


def _target(goal):
    if goal.kind == GoalKind.QUALITATIVE:
        return "qualitatives Ziel"
    if goal.kind == GoalKind.MONITORING:
        return "Monitoring (ohne Zielwert)"
    return target_text(goal)


def _landkreis(traeger):
    return {"key": traeger.key, "name": traeger.name}


def targets(user, year):
    """The goals and targets of the year's signed agreements."""
    agreements = signed_agreements(user, year).prefetch_related("goals__indicator")
    landkreise = []
    for agreement in agreements:
        goals = [
            {
                "number": goal.number,
                "title": goal.title,
                "indicator": goal.indicator.code if goal.indicator_id else "",
                "indicator_name": goal.indicator.name if goal.indicator_id else "",
                "target": _target(goal),
            }
            for goal in sorted(agreement.goals.all(), key=lambda g: g.number)
        ]
        landkreise.append({**_landkreis(agreement.traeger), "goals": goals})
    if not landkreise:
        raise NothingToPublish(
            f"Für {year} gibt es keine unterzeichnete Zielvereinbarung; veröffentlicht werden "
            "nur die Ziele unterzeichneter Vereinbarungen."
        )
    return {"format": FORMAT, "landkreise": landkreise}


def results(user, year):
    """The year-end results of the signed agreements whose spring review is approved; the
    other signed agreements' Landkreise are named as still open."""
    report = year_end.build_report(signed_agreements(user, year), year)
    by_agreement, pending = {}, {}
    for row in report.rows:
        if row.final is None:
            pending.setdefault(row.agreement.pk, row.traeger.name)
            continue
        entry = by_agreement.setdefault(
            row.agreement.pk,
            {
                **_landkreis(row.traeger),
                "review_date": formats.day(row.final.dialog_date),
                "goals": [],
            },
        )
        entry["goals"].append(
            {
                "number": row.goal.number,
                "title": row.goal.title,
                "indicator": row.goal.indicator.code if row.goal.indicator_id else "",
                "target": row.target_text,
                "year_end": row.year_end_text,
                "assessment": row.final.label,
                "met": row.final.met,
            }
        )
    if not by_agreement:
        raise NothingToPublish(
            f"Für {year} ist noch keine Frühjahrsbilanz einer unterzeichneten Zielvereinbarung "
            "von beiden Seiten freigegeben; die Jahresergebnisse können erst danach "
            "veröffentlicht werden."
        )
    open_names = [name for pk, name in pending.items() if pk not in by_agreement]
    return {"format": FORMAT, "landkreise": list(by_agreement.values()), "open": open_names}


BUILDERS = {"ziele": targets, "ergebnisse": results}
