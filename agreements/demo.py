"""Demo agreements 2020 for the 16 zkT: the signed Heidekreis agreement as it is, and for the
other 15 Landkreise plausible agreements with the same text structure, marked as demo data.

Their K2 and K3 targets, budgets (scaled by the Landkreis' size in the demo delivery), the
steps of the two qualitative goals and the names of the Landkreis signatories are invented.
Two agreements are still being negotiated (no signatures yet). Idempotent: an agreement is
created only when the Landkreis has none for 2020, so later edits are never overwritten.
"""

import copy
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from agreements import seed_heidekreis
from agreements.models import Agreement
from agreements.serialization import create_agreement
from indicators.demo import LANDKREISE as DEMO_SIZES
from zielsteuerung.formats import number as de_number
from zielsteuerung.models import Organisation

YEAR = seed_heidekreis.YEAR

# Kreisschlüssel: K2 target (+%), K3 target (−%), status, variant of goal 4, of goal 5,
# invented Landkreis signatory.
DEMO_AGREEMENTS = {
    "03451": ("2.5", "-2.0", "unterzeichnet", 0, 0, "Jens Albers"),
    "03452": ("1.2", "-0.5", "unterzeichnet", 1, 1, "Gerda Onken"),
    "03454": ("3.8", "-2.5", "unterzeichnet", 2, 2, "Bernd Tieben"),
    "03455": ("2.0", "-1.0", "unterzeichnet", 3, 0, "Sonja Harms"),
    "03159": ("1.5", "-1.2", "unterzeichnet", 0, 1, "Martin Reinecke"),
    "03456": ("3.5", "-3.0", "unterzeichnet", 1, 2, "Heike Lögering"),
    "03457": ("2.2", "-0.8", "unterzeichnet", 2, 0, "Karl-Heinz Dirks"),
    "03458": ("3.0", "-2.2", "unterzeichnet", 3, 1, "Anja Wübbenhorst"),
    "03459": ("4.0", "-2.8", "unterzeichnet", 0, 2, "Thomas Kemper"),
    "03356": ("1.0", "-0.5", "in_abstimmung", 1, 0, ""),
    "03157": ("2.8", "-1.8", "unterzeichnet", 2, 1, "Claudia Brandes"),
    "03357": ("3.3", "-2.4", "unterzeichnet", 3, 2, "Uwe Meinken"),
    "03257": ("1.8", "-1.0", "unterzeichnet", 0, 0, "Petra Schönemann"),
    "03361": ("2.6", "-1.4", "unterzeichnet", 1, 1, "Rainer Köhler"),
    "03462": ("2.4", "-1.6", "in_abstimmung", 2, 2, ""),
}

EQUALITY_VARIANTS = [
    (
        "Ausbau von Teilzeitqualifizierungen für Frauen in Zusammenarbeit mit regionalen "
        "Bildungsträgern",
        "Das Ziel ist erreicht, wenn mindestens zwei Teilzeitqualifizierungen angeboten und mit "
        "Teilnehmerinnen besetzt sind.",
    ),
    (
        "Einrichtung einer Sprechstunde zur Vereinbarkeit von Familie und Beruf gemeinsam mit "
        "dem örtlichen Familienservicebüro",
        "Das Ziel ist erreicht, wenn die Sprechstunde eingerichtet ist und regelmäßig angeboten "
        "wird.",
    ),
    (
        "Gezielte Ansprache von Berufsrückkehrerinnen und Unterstützung bei der Suche nach "
        "Kinderbetreuung",
        "Das Ziel ist erreicht, wenn ein Ansprachekonzept erstellt und in allen Teams des "
        "Jobcenters umgesetzt ist.",
    ),
    (
        "Schulung der Integrationsfachkräfte zu geschlechtersensibler Beratung",
        "Das Ziel ist erreicht, wenn alle Integrationsfachkräfte geschult sind und die Inhalte "
        "in die Beratungsarbeit übernommen wurden.",
    ),
]

MITARBEIT_VARIANTS = [
    (
        "Akquise zusätzlicher Arbeitgeber für die Teilhabe am Arbeitsmarkt nach § 16i SGB II",
        "Das Ziel ist erreicht, wenn die Akquise durchgeführt und die zusätzlichen Stellen "
        "besetzt sind.",
    ),
    (
        "Einführung eines ganzheitlichen Coachings für Bedarfsgemeinschaften mit Kindern im "
        "Langzeitleistungsbezug",
        "Das Ziel ist erreicht, wenn das Coaching konzipiert, vergeben und mit geeigneten "
        "Teilnehmenden besetzt ist.",
    ),
    (
        "Aufbau einer Kooperation mit dem Gesundheitsamt zur Gesundheitsförderung von "
        "Langzeitleistungsbeziehenden",
        "Das Ziel ist erreicht, wenn die Kooperationsvereinbarung geschlossen ist und erste "
        "Angebote durchgeführt wurden.",
    ),
]

# How far the steps of a signed demo agreement had come by the end of 2020.
STEP_PROGRESS = [
    ("umgesetzt", "Umgesetzt; Bericht im Zieldialog im Herbst 2020."),
    ("in_umsetzung", "Konzept liegt vor; die Umsetzung hat begonnen."),
    ("in_umsetzung", "Wegen der Corona-Pandemie verzögert; Fortsetzung im ersten Quartal 2021."),
    ("offen", ""),
]

# Budget per ELB in the Heidekreis agreement (8.793.355 / 7.795.364 Euro on about 6 000 ELB).
HEIDEKREIS_ELB = DEMO_SIZES[seed_heidekreis.KREISSCHLUESSEL][0]
BUDGET_PER_ELB = {
    "verwaltungskosten": Decimal("8793355") / HEIDEKREIS_ELB,
    "eingliederung": Decimal("7795364") / HEIDEKREIS_ELB,
}


def _budget(key, index):
    """Scaled by size, with a small deterministic spread so the Landkreise differ."""
    elb = DEMO_SIZES[key][0]
    spread = {"verwaltungskosten": (index % 5 - 2) * 0.012, "eingliederung": (index % 3 - 1) * 0.02}
    return {
        kind: (per_elb * elb * Decimal(str(1 + spread[kind]))).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        for kind, per_elb in BUDGET_PER_ELB.items()
    }


def _replace(value, old, new):
    """`old` replaced by `new` in every text of a JSON-like structure."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, old, new) for key, item in value.items()}
    return value


def _percent_text(value):
    return de_number(abs(Decimal(value)), 1)


def _set_step(goal, text, criterion, progress):
    status, note = progress
    goal["steps"] = [
        {"text": text, "status": status, "status_note": note, "status_updated_at": None}
    ]
    goal["criterion"] = criterion


def demo_agreement_data(traeger, index):
    """The JSON form of the demo agreement 2020 of `traeger` (an Organisation)."""
    k2, k3, status, equality, mitarbeit, signatory = DEMO_AGREEMENTS[traeger.key]
    data = copy.deepcopy(seed_heidekreis.HEIDEKREIS_2020)
    data = _replace(data, "Heidekreis", traeger.short_name)
    data = _replace(data, seed_heidekreis.KREISSCHLUESSEL, traeger.key)  # party, signature
    data.update(traeger=traeger.key, status=status, is_demo=True)
    budget = _budget(traeger.key, index)
    total = sum(budget.values()) / Decimal(1_000_000)
    data["framework"] = data["framework"].replace(
        "rd. 16,6 Mio. Euro", f"rd. {de_number(total, 1)} Mio. Euro"
    )
    data["budget"] = {kind: f"{amount:.2f}" for kind, amount in budget.items()}
    goals = {goal["number"]: goal for goal in data["goals"]}
    goals[2]["target_change_percent"] = k2
    goals[2]["target_text"] = goals[2]["target_text"].replace("3,1 %", f"{_percent_text(k2)} %")
    goals[3]["target_change_percent"] = k3
    goals[3]["target_text"] = goals[3]["target_text"].replace("1,5 %", f"{_percent_text(k3)} %")
    signed = status == "unterzeichnet"
    open_step = ("offen", "")
    _set_step(
        goals[4],
        *EQUALITY_VARIANTS[equality],
        STEP_PROGRESS[index % len(STEP_PROGRESS)] if signed else open_step,
    )
    _set_step(
        goals[5],
        *MITARBEIT_VARIANTS[mitarbeit],
        STEP_PROGRESS[(index + 1) % len(STEP_PROGRESS)] if signed else open_step,
    )
    if not signed:
        data["signatures"] = []
    else:
        mw, ms, landkreis = data["signatures"]
        mw.update(day=28, month=11)
        ms.update(day=20 + index % 8, month=11)
        landkreis.update(
            place=traeger.place,
            day=2 + (index * 3) % 25,
            month=10 + index % 2,
            in_representation=False,
            signatory=signatory,
            organisation_label=traeger.name,
        )
    return data


@transaction.atomic
def seed_demo_agreements():
    """The 2020 agreements of all 16 zkT, each created only when missing; returns them."""
    agreements = [seed_heidekreis.create_heidekreis_2020()]
    traeger = Organisation.objects.traeger().filter(key__in=DEMO_AGREEMENTS).order_by("key")
    for index, organisation in enumerate(traeger):
        existing = Agreement.objects.filter(year=YEAR, traeger=organisation).first()
        if existing is None:
            existing = create_agreement(
                demo_agreement_data(organisation, index), reason="Demodaten angelegt"
            )
        agreements.append(existing)
    return agreements
