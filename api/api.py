"""The read-only JSON API (Django Ninja): agreements, goals and attainment figures per year and
Landkreis, for other systems. Every request carries a token of an organisation
(`Authorization: Bearer zs_…`); the token sees what the organisation's users see, through
the same `visible_to(user)` querysets and the same attainment engine as the pages.

The OpenAPI schema is served as JSON (`/api/v1/openapi.json`); Ninja's Swagger page is off,
since it loads its scripts from a CDN, which the CSP (and an offline site) does not allow.
"""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from agreements import attainment, year_end
from agreements.models import Agreement
from api.models import ApiToken

DESCRIPTION = """Lesezugriff auf Zielvereinbarungen, Ziele und Zielerreichung der Landkreise
(zugelassene kommunale Träger) in Niedersachsen. Jede Anfrage braucht ein API-Token in der
Kopfzeile `Authorization: Bearer zs_…`. Ein Token eines Ministeriums sieht alle Landkreise,
das Token eines Landkreises nur den eigenen. Beträge und Prozentwerte sind Zeichenketten mit
Dezimalpunkt (`"3.10"`), Monate der erste Tag des Monats (`"2020-06-01"`)."""


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        holder = ApiToken.objects.holder(token)
        if holder is None:
            return None
        ApiToken.objects.filter(pk=holder.pk).update(last_used_at=timezone.now())
        return holder.principal()


api = NinjaAPI(
    title="Zielsteuerung SGB II Niedersachsen",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    docs_url=None,
    openapi_url="/v1/openapi.json",
    docs_decorator=require_GET,  # the schema answers GET only
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = api.create_response(
        request,
        {"detail": "Ein gültiges API-Token fehlt: Kopfzeile „Authorization: Bearer zs_…“."},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


MESSAGES = {
    "missing": "Angabe fehlt",
    "int_parsing": "ist keine ganze Zahl",
    "int_type": "ist keine ganze Zahl",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than_equal": "darf höchstens {le} sein",
}


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        template = MESSAGES.get(error.get("type"))
        text = template.format(**error.get("ctx", {})) if template else error.get("msg", "")
        problems.append({"ort": where, "meldung": text})
    detail = "; ".join(f"{p['ort']}: {p['meldung']}" for p in problems)
    return api.create_response(
        request, {"detail": f"Ungültige Anfrage – {detail}", "fehler": problems}, status=422
    )


# ---------------------------------------------------------------------------------------------
# Schemas


class LandkreisOut(Schema):
    key: str
    name: str


class GoalOut(Schema):
    number: int
    kind: str
    title: str
    indicator: str | None
    target_type: str | None
    target_value: Decimal | None


class BudgetLineOut(Schema):
    kind: str
    amount: Decimal


class AgreementOut(Schema):
    id: int
    year: int
    landkreis: LandkreisOut
    status: str
    is_demo: bool
    goals: list[GoalOut]
    budget_lines: list[BudgetLineOut]
    budget_total: Decimal


class FinalOut(Schema):
    label: str
    met: bool
    spring_review_date: date


class AttainmentOut(Schema):
    agreement_id: int
    year: int
    landkreis: LandkreisOut
    goal_number: int
    goal_kind: str
    indicator: str
    month: date | None
    ladestand: date | None
    jfw: Decimal | None
    jfw_previous_year: Decimal | None
    change_percent: Decimal | None
    target_change_percent: Decimal | None
    target_path: Decimal | None
    distance_percent: Decimal | None
    verdict: str
    verdict_label: str
    final_assessment: FinalOut | None
    note: str


class Filters(Schema):
    jahr: int | None = None
    landkreis: str | None = None


class AttainmentFilters(Schema):
    jahr: int
    monat: int | None = None
    landkreis: str | None = None


# ---------------------------------------------------------------------------------------------
# Shapes


def _landkreis(traeger):
    return {"key": traeger.key, "name": traeger.name}


def _agreement(agreement):
    lines = list(agreement.budget_lines.all())
    return {
        "id": agreement.pk,
        "year": agreement.year,
        "landkreis": _landkreis(agreement.traeger),
        "status": agreement.status,
        "is_demo": agreement.is_demo,
        "goals": [
            {
                "number": goal.number,
                "kind": goal.kind,
                "title": goal.title,
                "indicator": goal.indicator.code if goal.indicator_id else None,
                "target_type": goal.target_type or None,
                "target_value": goal.target_value,
            }
            for goal in agreement.goals.all()
        ],
        "budget_lines": [{"kind": line.kind, "amount": line.amount} for line in lines],
        "budget_total": sum((line.amount for line in lines), Decimal("0")),
    }


def _visible(request, filters):
    agreements = Agreement.objects.visible_to(request.auth)
    if filters.jahr is not None:
        agreements = agreements.for_year(filters.jahr)
    if filters.landkreis:
        agreements = agreements.filter(traeger__key=filters.landkreis)
    return agreements.select_related("traeger").order_by("year", "traeger__key")


def _with_details(agreements):
    return agreements.prefetch_related("goals__indicator", "budget_lines")


# ---------------------------------------------------------------------------------------------
# Endpoints


@api.get("/v1/jahre", response=list[int], summary="Jahre mit Zielvereinbarungen")
def years(request):
    agreements = Agreement.objects.visible_to(request.auth)
    return sorted(set(agreements.order_by().values_list("year", flat=True)))


@api.get(
    "/v1/vereinbarungen",
    response=list[AgreementOut],
    summary="Zielvereinbarungen mit Zielen und Haushaltsmitteln",
)
def agreements(request, filters: Query[Filters]):
    return [_agreement(a) for a in _with_details(_visible(request, filters))]


@api.get(
    "/v1/vereinbarungen/{agreement_id}", response=AgreementOut, summary="Eine Zielvereinbarung"
)
def agreement(request, agreement_id: int):
    visible = _with_details(Agreement.objects.visible_to(request.auth).select_related("traeger"))
    return _agreement(get_object_or_404(visible, pk=agreement_id))


@api.get(
    "/v1/zielerreichung",
    response=list[AttainmentOut],
    summary="Zielerreichung der gemessenen Ziele eines Jahres",
    description=(
        "Je quantitativem und Monitoring-Ziel: Jahresfortschrittswert (JFW), Vorjahr, "
        "Veränderung, Zielpfad und errechnete Bewertung am Berichtsmonat (`monat`, Standard: "
        "der neueste mit Daten), je Landkreis auf dem neuesten vollständigen Ladestand – wie "
        "die Seite „Zielerreichung“. Nach freigegebener Frühjahrsbilanz zusätzlich die "
        "abschließende Bewertung."
    ),
)
def attainments(request, filters: Query[AttainmentFilters]):
    if filters.monat is not None and not 1 <= filters.monat <= 12:
        raise ValidationError(
            [{"loc": ("query", "monat"), "type": "month", "msg": "ist kein Monat (1 bis 12)"}]
        )
    visible = list(_visible(request, filters))
    if not visible:
        return []
    results = attainment.attainment_for_year(filters.jahr, month=filters.monat, agreements=visible)
    finals = year_end.final_assessments(visible)
    return [_attainment(item, finals.get(item.goal.pk)) for item in results]


def _attainment(item, final):
    agreement = item.goal.agreement
    return {
        "agreement_id": agreement.pk,
        "year": agreement.year,
        "landkreis": _landkreis(agreement.traeger),
        "goal_number": item.goal.number,
        "goal_kind": item.goal.kind,
        "indicator": item.indicator_code,
        "month": item.month,
        "ladestand": item.delivery.ladestand if item.delivery else None,
        "jfw": item.jfw,
        "jfw_previous_year": item.jfw_previous_year,
        "change_percent": item.change_percent,
        "target_change_percent": item.target_change_percent,
        "target_path": item.target_path,
        "distance_percent": item.distance_percent,
        "verdict": str(item.verdict),
        "verdict_label": item.verdict.label_for(item.month),
        "final_assessment": (
            {"label": final.label, "met": final.met, "spring_review_date": final.dialog_date}
            if final
            else None
        ),
        "note": item.note,
    }
