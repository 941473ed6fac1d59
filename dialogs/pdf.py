"""The two PDFs of a dialog: its minutes, and the Dialogmappe that prepares it."""

from django.contrib.staticfiles import finders
from django.db.models import Q

from agreements.attainment import monthly_series
from dialogs import services
from dialogs.charts import month_chart
from dialogs.models import Dialog, DialogStatus
from zielsteuerung.pdf import render_pdf


def minutes_stylesheet():
    """The layout of the minutes (static/css/pdf-minutes.css), embedded in the document so that
    it does not depend on how the PDF renderer resolves URLs; the page frame comes from
    render_pdf's own stylesheet."""
    path = finders.find("css/pdf-minutes.css")
    with open(path, encoding="utf-8") as stylesheet:
        return stylesheet.read()


def _render(template_name, context, request):
    return render_pdf(template_name, {**context, "pdf_css": minutes_stylesheet()}, request)


def minutes_pdf(dialog, request=None):
    context = services.minutes_context(dialog)
    context["pdf"] = True
    return _render("dialogs/pdf_minutes.html", context, request)


def dialog_folder_pdf(dialog, request=None):
    return _render("dialogs/pdf_folder.html", folder_context(dialog), request)


def _series_values(rows, key):
    """Twelve values (January..December) of one figure of `monthly_series` rows."""
    values = [None] * 12
    for row in rows:
        values[row.month.month - 1] = getattr(row, key)
    return values


def goal_chart(agreement, item, delivery):
    if item.goal is None or delivery is None:
        return None
    rows = monthly_series(agreement, item.goal, delivery=delivery, year=agreement.year)
    return month_chart(
        [
            (f"JFW {agreement.year}", "line-current", _series_values(rows, "jfw")),
            (
                f"JFW {agreement.year - 1}",
                "line-previous",
                _series_values(rows, "jfw_previous_year"),
            ),
            ("Zielpfad", "line-target", _series_values(rows, "target_path")),
        ]
    )


def previous_minutes(dialog):
    """Approved minutes before this dialog: of the same agreement, else the last ones of the
    Landkreis' agreement of the year before."""
    agreement = dialog.agreement
    earlier = Dialog.objects.filter(agreement=agreement, status=DialogStatus.APPROVED).filter(
        Q(date__lt=dialog.date) | Q(date=dialog.date, pk__lt=dialog.pk)
    )
    dialogs = list(earlier.order_by("date", "pk"))
    if not dialogs:
        last_year = (
            Dialog.objects.filter(
                agreement__traeger=agreement.traeger,
                agreement__year=agreement.year - 1,
                status=DialogStatus.APPROVED,
            )
            .order_by("-date", "-pk")
            .first()
        )
        dialogs = [last_year] if last_year else []
    return [services.minutes_context(previous) for previous in dialogs]


def folder_context(dialog):
    agreement = dialog.agreement
    items = services.annotate_items(
        dialog,
        list(dialog.items.select_related("goal", "delivery").prefetch_related("goal__steps")),
    )
    for item in items:
        delivery = item.figures.delivery if item.is_goal and item.figures else None
        item.chart = goal_chart(agreement, item, delivery) if item.is_goal else None
    return {
        "pdf": True,
        "dialog": dialog,
        "agreement": agreement,
        "budget_lines": list(agreement.budget_lines.all()),
        "goals": list(agreement.goals.select_related("indicator").prefetch_related("steps")),
        "items": items,
        "previous": previous_minutes(dialog),
        "open_measures": services.open_measures(agreement, today=dialog.date),
    }
