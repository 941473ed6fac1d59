"""The year-end report (Jahresabschlussbericht) as a page, PDF and CSV/XLSX download. Access
as on every page: ministries and readers see all Landkreise, a Jobcenter its own."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements import exports, year_end
from agreements.dashboards import basis
from agreements.models import Agreement
from zielsteuerung import access
from zielsteuerung.pdf import pdf_response, render_pdf


class YearForm(forms.Form):
    year = forms.ChoiceField(label="Jahr")

    def __init__(self, *, years, **kwargs):
        super().__init__(**kwargs)
        self.fields["year"].choices = [(str(year), str(year)) for year in years]
        self.fields["year"].widget.attrs["class"] = "form-select"


@login_required
@require_GET
def report(request):
    user = request.user
    visible = Agreement.objects.visible_to(user)
    years = sorted(set(visible.order_by().values_list("year", flat=True)), reverse=True)
    context = {"nav": "overview", "years": years, "sees_all": access.sees_all(user)}
    if not years:
        return render(request, "dashboards/year_end.html", context)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year not in years:
        # The year the committee looks back on; before any, the dashboards' default year.
        year = year_end.newest_assessed_year(visible) or basis.default_year(visible)
    report = year_end.build_report(visible.for_year(year), year)
    scope = "" if access.sees_all(user) else f"-{access.traeger_of(user).key}"
    filename = f"jahresabschluss-{year}{scope}"
    file_format = request.GET.get("format")
    if file_format == "pdf":
        content = render_pdf("dashboards/year_end_pdf.html", {"report": report}, request)
        return pdf_response(content, f"Jahresabschlussbericht-{year}{scope}.pdf")
    response = exports.download(year_end.report_table(report), filename, file_format)
    if response:
        return response
    context.update(
        {"report": report, "year": year, "form": YearForm(years=years, initial={"year": year})}
    )
    return render(request, "dashboards/year_end.html", context)
