"""Agreements as JSON (format `zielsteuerung.agreements/1`, docs/agreements-json.md).

Export writes the full agreement, so export → import into an empty database → export gives the
same JSON. Import parses and checks the whole file first and collects every error as a German
message naming the agreement and the field; only when there is none does it write, in one
transaction. While writing, every record passes the models' own validation (`full_clean`, the
rules the edit page applies too: what each kind of goal may carry, who signs, which days
exist); a record that fails is reported with its place like any other error and the whole
transaction is rolled back, so nothing is written. An existing agreement (same year and
Kreisschlüssel) is updated in place: budget lines are matched by kind, parties by organisation,
goals by number, steps and signatures by their position; only records whose values change are
saved, missing ones created and those the file no longer has deleted, and the version moves on
only when something changed. A closed agreement ("abgeschlossen") is never changed.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agreements import services
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    BudgetKind,
    BudgetLine,
    Goal,
    GoalKind,
    ImplementationStep,
    Signature,
    StepStatus,
    TargetType,
)
from indicators.models import Indicator
from zielsteuerung.models import Organisation, OrganisationKind

FORMAT = "zielsteuerung.agreements/1"

# Text sections of the agreement: JSON key = model field, with its maximum length (or None).
TEXT_FIELDS = {name: Agreement._meta.get_field(name).max_length for name in Agreement.TEXT_FIELDS}
GOAL_TEXT_FIELDS = ["description", "target_text", "monitoring_text", "steps_intro", "criterion"]
BUDGET_KEYS = [BudgetKind.ADMINISTRATION.value, BudgetKind.INTEGRATION.value]

AGREEMENT_KEYS = {
    "year",
    "traeger",
    "status",
    "is_demo",
    "parties",
    "budget",
    "goals",
    "signatures",
    *TEXT_FIELDS,
}
GOAL_KEYS = {
    "number",
    "kind",
    "title",
    "indicator",
    "target_type",
    "target_change_percent",
    "steps",
    *GOAL_TEXT_FIELDS,
}
STEP_KEYS = {"text", "status", "status_note", "status_updated_at"}
PARTY_KEYS = {"organisation", "name", "abbreviation"}
SIGNATURE_KEYS = {
    "organisation",
    "place",
    "day",
    "month",
    "year",
    "in_representation",
    "signatory",
    "organisation_label",
}


class ImportRefused(Exception):
    """The file cannot be imported; `errors` lists every reason in German."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --- export -------------------------------------------------------------------------------


def _decimal_text(value, places=None):
    """`8793355.00` for amounts (fixed places), `3.1` / `-1.5` for percentages."""
    if value is None:
        return None
    value = Decimal(value)
    if places is not None:
        return f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def _timestamp_text(value):
    return value.astimezone(UTC).isoformat() if value else None


def _export_queryset(queryset):
    return (
        queryset.select_related("traeger")
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation")),
            "budget_lines",
            Prefetch(
                "goals",
                queryset=Goal.objects.select_related("indicator").prefetch_related("steps"),
            ),
            Prefetch("signatures", queryset=Signature.objects.select_related("organisation")),
        )
        .order_by("year", "traeger__key")
    )


def agreement_to_dict(agreement):
    budget = {line.kind: line.amount for line in agreement.budget_lines.all()}
    data = {
        "year": agreement.year,
        "traeger": agreement.traeger.key,
        "status": agreement.status,
        "is_demo": agreement.is_demo,
    }
    data.update({name: getattr(agreement, name) for name in TEXT_FIELDS})
    data["parties"] = [
        {
            "organisation": party.organisation.key,
            "name": party.name,
            "abbreviation": party.abbreviation,
        }
        for party in agreement.parties.all()
    ]
    data["budget"] = {kind: _decimal_text(budget.get(kind), places=2) for kind in BUDGET_KEYS}
    data["goals"] = [_goal_to_dict(goal) for goal in agreement.goals.all()]
    data["signatures"] = [
        {
            "organisation": signature.organisation.key,
            "place": signature.place,
            "day": signature.day,
            "month": signature.month,
            "year": signature.year,
            "in_representation": signature.in_representation,
            "signatory": signature.signatory,
            "organisation_label": signature.organisation_label,
        }
        for signature in agreement.signatures.all()
    ]
    return data


def _goal_to_dict(goal):
    data = {
        "number": goal.number,
        "kind": goal.kind,
        "title": goal.title,
        "indicator": goal.indicator.code if goal.indicator else None,
        "target_type": goal.target_type,
        "target_change_percent": _decimal_text(goal.target_value),
    }
    data.update({name: getattr(goal, name) for name in GOAL_TEXT_FIELDS})
    data["steps"] = [
        {
            "text": step.text,
            "status": step.status,
            "status_note": step.status_note,
            "status_updated_at": _timestamp_text(step.status_updated_at),
        }
        for step in goal.steps.all()
    ]
    return data


def export_agreements(queryset=None):
    """The agreements as a JSON-ready dict, ordered by year and Kreisschlüssel."""
    if queryset is None:
        queryset = Agreement.objects.all()
    return {
        "format": FORMAT,
        "agreements": [agreement_to_dict(a) for a in _export_queryset(queryset)],
    }


# --- validation ---------------------------------------------------------------------------


@dataclass
class _Catalogue:
    """What the file may refer to, loaded once."""

    organisations: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)

    @classmethod
    def load(cls):
        return cls(
            organisations={org.key: org for org in Organisation.objects.all()},
            indicators={ind.code: ind for ind in Indicator.objects.all()},
        )


class _Checker:
    """Reads plain JSON values and records German errors with their place in the file."""

    def __init__(self):
        self.errors = []

    def error(self, where, name, message):
        self.errors.append(f"{where}, Feld „{name}“: {message}")

    def unknown_keys(self, where, data, allowed):
        for key in sorted(set(data) - allowed):
            self.errors.append(f"{where}: unbekanntes Feld „{key}“.")

    def text(self, where, data, name, *, max_length=None, required=False, default=""):
        value = data.get(name, default)
        if value is None and not required:
            value = ""
        if not isinstance(value, str):
            self.error(where, name, f"{_shown(value)} ist kein Text.")
            return default
        if required and not value.strip():
            self.error(where, name, "darf nicht leer sein.")
        if max_length is not None and len(value) > max_length:
            self.error(where, name, f"höchstens {max_length} Zeichen (hat {len(value)}).")
        return value

    def boolean(self, where, data, name, default=False):
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.error(where, name, f"{_shown(value)} ist weder true noch false.")
            return default
        return value

    def integer(self, where, data, name, *, low, high, required=False):
        value = data.get(name)
        if value is None:
            if required:
                self.error(where, name, "fehlt.")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(where, name, f"{_shown(value)} ist keine ganze Zahl.")
            return None
        if not low <= value <= high:
            self.error(where, name, f"{value} liegt nicht zwischen {low} und {high}.")
            return None
        return value

    def choice(self, where, data, name, choices, *, default=None):
        value = data.get(name, default)
        if value not in choices.values:
            allowed = ", ".join(f"„{v}“" for v in choices.values)
            self.error(where, name, f"{_shown(value)} ist nicht zulässig (erlaubt: {allowed}).")
            return None
        return value

    def decimal(self, where, data, name, *, places, max_digits, minimum=None, money=False):
        value = data.get(name)
        if value is None:
            return None
        if money and isinstance(value, float):
            self.error(
                where,
                name,
                f"{_shown(value)} ist eine Gleitkommazahl; Beträge als Text mit Dezimalpunkt "
                "angeben, z. B. „4250000.50“.",
            )
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(where, name, f"{_shown(value)} ist keine Zahl.")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            hint = " (Dezimalpunkt verwenden, z. B. „3.1“)" if "," in str(value) else ""
            self.error(where, name, f"{_shown(value)} ist keine Zahl{hint}.")
            return None
        if number.as_tuple().exponent < -places:
            self.error(where, name, f"{_shown(value)} hat mehr als {places} Nachkommastellen.")
            return None
        if abs(number) >= Decimal(10) ** (max_digits - places):
            self.error(where, name, f"{_shown(value)} ist zu groß.")
            return None
        if minimum is not None and number < minimum:
            self.error(where, name, f"{_shown(value)} darf nicht negativ sein.")
            return None
        return number

    def listing(self, where, data, name):
        value = data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(where, name, "muss eine Liste sein.")
            return []
        return value

    def obj(self, where, value):
        if not isinstance(value, dict):
            self.errors.append(f"{where}: muss ein Objekt {{…}} sein.")
            return False
        return True


def _shown(value):
    if isinstance(value, str):
        return f"„{value}“"
    if value is None:
        return "leer (null)"
    return f"„{value!r}“" if not isinstance(value, (int, float)) else f"„{value}“"


@dataclass
class _AgreementSpec:
    """One validated agreement of the file: plain values, ready to write."""

    year: int
    traeger: Organisation
    fields: dict
    parties: list | None
    budget: dict
    goals: list
    signatures: list
    where: str = ""
    existing: Agreement | None = None


def _label(index, data):
    year, traeger = data.get("year"), data.get("traeger")
    if isinstance(year, int) and isinstance(traeger, str) and traeger:
        return f"Vereinbarung {year}/{traeger}"
    return f"Vereinbarung Nr. {index + 1}"


def _check_agreement(check, catalogue, where, data):
    check.unknown_keys(where, data, AGREEMENT_KEYS)
    year = check.integer(where, data, "year", low=2005, high=2100, required=True)
    traeger = None
    key = data.get("traeger")
    organisation = catalogue.organisations.get(key) if isinstance(key, str) else None
    if organisation is None or organisation.kind != OrganisationKind.TRAEGER:
        hint = ""
        if isinstance(key, (str, int)) and str(key).isdigit() and len(str(key)) < 5:
            hint = " (führende Null vergessen? z. B. „03358“)"
        check.error(where, "traeger", f"{_shown(key)} ist kein Kreisschlüssel eines zkT{hint}.")
    else:
        traeger = organisation
    fields = {
        "status": check.choice(where, data, "status", AgreementStatus),
        "is_demo": check.boolean(where, data, "is_demo"),
    }
    defaults = {name: Agreement._meta.get_field(name).get_default() for name in TEXT_FIELDS}
    for name, max_length in TEXT_FIELDS.items():
        fields[name] = check.text(where, data, name, max_length=max_length, default=defaults[name])
    for name in ("title", "legal_basis", "target_followup_title"):
        if isinstance(fields[name], str) and not fields[name].strip():
            check.error(where, name, "darf nicht leer sein.")

    parties = None
    if "parties" in data:
        parties = _check_parties(check, catalogue, where, check.listing(where, data, "parties"))
    budget = _check_budget(check, where, data.get("budget"))
    goals = _check_goals(check, catalogue, where, check.listing(where, data, "goals"))
    signatures = _check_signatures(
        check, catalogue, where, check.listing(where, data, "signatures")
    )
    if year is None or traeger is None:
        return None
    return _AgreementSpec(year, traeger, fields, parties, budget, goals, signatures, where)


def _organisation(check, catalogue, where, data):
    key = data.get("organisation")
    organisation = catalogue.organisations.get(key) if isinstance(key, str) else None
    if organisation is None:
        check.error(where, "organisation", f"{_shown(key)} ist keine bekannte Organisation.")
    return organisation


def _check_parties(check, catalogue, where, items):
    parties, seen = [], set()
    for number, item in enumerate(items, start=1):
        here = f"{where}, Partner {number}"
        if not check.obj(here, item):
            continue
        check.unknown_keys(here, item, PARTY_KEYS)
        organisation = _organisation(check, catalogue, here, item)
        if organisation is not None and organisation.key in seen:
            check.error(here, "organisation", f"„{organisation.key}“ ist doppelt genannt.")
        if organisation is not None:
            seen.add(organisation.key)
        parties.append(
            {
                "organisation": organisation,
                "name": check.text(here, item, "name", max_length=200, required=True),
                "abbreviation": check.text(here, item, "abbreviation", max_length=20),
            }
        )
    return parties


def _check_budget(check, where, data):
    if data is None:
        return {}
    if not isinstance(data, dict):
        check.error(where, "budget", "muss ein Objekt mit Beträgen sein.")
        return {}
    for key in sorted(set(data) - set(BUDGET_KEYS)):
        allowed = ", ".join(f"„{k}“" for k in BUDGET_KEYS)
        check.error(where, f"budget.{key}", f"unbekannter Haushaltsansatz (erlaubt: {allowed}).")
    budget = {}
    for kind in BUDGET_KEYS:
        amount = check.decimal(
            where, {f"budget.{kind}": data.get(kind)}, f"budget.{kind}",
            places=2, max_digits=14, minimum=0, money=True,
        )  # fmt: skip
        if amount is not None:
            budget[kind] = amount
    return budget


def _check_goals(check, catalogue, where, items):
    goals, numbers = [], set()
    for position, item in enumerate(items, start=1):
        number = item.get("number") if isinstance(item, dict) else None
        valid_number = isinstance(number, int) and not isinstance(number, bool) and number > 0
        here = f"{where}, Ziel {number if valid_number else f'an Position {position}'}"
        if not check.obj(here, item):
            continue
        check.unknown_keys(here, item, GOAL_KEYS)
        if not valid_number:
            check.error(here, "number", f"{_shown(number)} ist keine Zielnummer (1, 2, …).")
        elif number in numbers:
            check.error(here, "number", f"Ziel {number} ist doppelt vergeben.")
        elif number > 32767:
            check.error(here, "number", f"{number} ist zu groß.")
        else:
            numbers.add(number)
        kind = check.choice(here, item, "kind", GoalKind)
        goal = {
            "number": number,
            "kind": kind,
            "title": check.text(here, item, "title", max_length=300, required=True),
            "indicator": None,
            "target_type": "",
            "target_value": check.decimal(
                here, item, "target_change_percent", places=2, max_digits=8
            ),
        }
        for name in GOAL_TEXT_FIELDS:
            goal[name] = check.text(here, item, name)
        code = item.get("indicator")
        if code is not None:
            goal["indicator"] = catalogue.indicators.get(code) if isinstance(code, str) else None
            if goal["indicator"] is None:
                check.error(here, "indicator", f"{_shown(code)} ist keine bekannte Kennzahl.")
        target_type = item.get("target_type") or ""
        if target_type and target_type not in TargetType.values:
            check.choice(here, item, "target_type", TargetType)
        goal["target_type"] = target_type
        if kind == GoalKind.QUANTITATIVE:
            if code is None:
                check.error(here, "indicator", "ein quantitatives Ziel braucht eine Kennzahl.")
            if item.get("target_change_percent") is None:
                check.error(
                    here, "target_change_percent", "ein quantitatives Ziel braucht einen Zielwert."
                )
            goal["target_type"] = target_type or TargetType.CHANGE
        goal["steps"] = _check_steps(check, here, check.listing(here, item, "steps"))
        goals.append(goal)
    return sorted(goals, key=lambda g: g["number"] if isinstance(g["number"], int) else 0)


def _check_steps(check, where, items):
    steps = []
    for number, item in enumerate(items, start=1):
        here = f"{where}, Schritt {number}"
        if not check.obj(here, item):
            continue
        check.unknown_keys(here, item, STEP_KEYS)
        steps.append(
            {
                "text": check.text(here, item, "text", required=True),
                "status": check.choice(here, item, "status", StepStatus, default="offen"),
                "status_note": check.text(here, item, "status_note"),
                "status_updated_at": _timestamp(check, here, item.get("status_updated_at")),
            }
        )
    return steps


def _timestamp(check, where, value):
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        check.error(where, "status_updated_at", f"{_shown(value)} ist kein Zeitpunkt (ISO 8601).")
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _check_signatures(check, catalogue, where, items):
    signatures = []
    for number, item in enumerate(items, start=1):
        here = f"{where}, Unterschrift {number}"
        if not check.obj(here, item):
            continue
        check.unknown_keys(here, item, SIGNATURE_KEYS)
        signatures.append(
            {
                "organisation": _organisation(check, catalogue, here, item),
                "place": check.text(here, item, "place", max_length=100),
                "day": check.integer(here, item, "day", low=1, high=31),
                "month": check.integer(here, item, "month", low=1, high=12),
                "year": check.integer(here, item, "year", low=1990, high=2100),
                "in_representation": check.boolean(here, item, "in_representation"),
                "signatory": check.text(here, item, "signatory", max_length=200),
                "organisation_label": check.text(here, item, "organisation_label"),
            }
        )
    return signatures


MAX_DEPTH = 20  # the format nests 8 levels deep (file, list, agreement, goals, goal, steps …)
TOO_DEEP = (
    f"Die Datei ist zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen); so ist keine Datei "
    "dieses Formats aufgebaut. Nichts importiert."
)


def _deeper_than(data, limit):
    """Whether lists and objects in `data` nest more than `limit` levels (without recursion)."""
    level = [data]
    for _ in range(limit):
        level = [
            child
            for value in level
            for child in (value.values() if isinstance(value, dict) else value)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def parse(data):
    """Validate a whole file; return the agreement specs or raise ImportRefused."""
    check = _Checker()
    if not isinstance(data, dict):
        raise ImportRefused(["Die Datei muss ein JSON-Objekt {…} enthalten."])
    if _deeper_than(data, MAX_DEPTH):
        raise ImportRefused([TOO_DEEP])
    if data.get("format") != FORMAT:
        raise ImportRefused([f"Feld „format“: {_shown(data.get('format'))} ist nicht „{FORMAT}“."])
    items = data.get("agreements")
    if not isinstance(items, list):
        raise ImportRefused(["Feld „agreements“: muss eine Liste von Vereinbarungen sein."])
    catalogue = _Catalogue.load()
    specs, seen = [], {}
    for index, item in enumerate(items):
        where = _label(index, item) if isinstance(item, dict) else f"Vereinbarung Nr. {index + 1}"
        if not check.obj(where, item):
            continue
        spec = _check_agreement(check, catalogue, where, item)
        if spec is None:
            continue
        key = (spec.year, spec.traeger.key)
        if key in seen:
            check.errors.append(f"{where}: steht doppelt in der Datei (auch Nr. {seen[key]}).")
            continue
        seen[key] = index + 1
        spec.existing = Agreement.objects.filter(year=spec.year, traeger=spec.traeger).first()
        if spec.existing is not None and spec.existing.status == AgreementStatus.CLOSED:
            check.errors.append(
                f"{where}: ist abgeschlossen und wird nicht mehr geändert; nichts importiert."
            )
        elif spec.existing is not None:
            _check_status_change(check, where, spec.existing.status, spec.fields["status"])
        specs.append(spec)
    if check.errors:
        raise ImportRefused(check.errors)
    return specs


def _check_status_change(check, where, old, new):
    """The editor's rule (agreements.forms.allowed_transitions): a status changes only one
    allowed step at a time, so a signed agreement never goes back to draft by a file."""
    from agreements.forms import allowed_transitions

    if new is None or new == old or AgreementStatus(new) in allowed_transitions(old):
        return
    allowed = ", ".join(f"„{s.label}“" for s in allowed_transitions(old)) or "keiner"
    check.error(
        where,
        "status",
        f"von „{AgreementStatus(old).label}“ nach „{AgreementStatus(new).label}“ ist kein "
        f"erlaubter Statuswechsel (erlaubt: {allowed}); nichts importiert.",
    )


# --- writing ------------------------------------------------------------------------------


# Model fields whose JSON key differs.
JSON_KEYS = {Goal: {"target_value": "target_change_percent"}}


def _valid(instance, where, errors, keys=None):
    """Run the model's validation; on failure record its messages with their place in the
    file and return False."""
    try:
        instance.full_clean()
    except ValidationError as error:
        keys = keys or JSON_KEYS.get(type(instance), {})
        for name, messages in error.message_dict.items():
            for message in messages:
                if name == NON_FIELD_ERRORS:
                    errors.append(f"{where}: {message}")
                else:
                    errors.append(f"{where}, Feld „{keys.get(name, name)}“: {message}")
        return False
    return True


def _stored(instance):
    """The values the record would store, to tell whether the file changed any."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _put(instance, values, where, errors, reason, keys=None):
    """Set the file's `values` on a record and save it when it is new or a value really
    changed: an unchanged record leaves no history. True when saved, False when unchanged,
    None when the record fails its model's validation (the message goes to `errors`)."""
    before = None if instance._state.adding else _stored(instance)
    for name, value in values.items():
        setattr(instance, name, value)
    if not _valid(instance, where, errors, keys):
        return None
    if before is not None and _stored(instance) == before:
        return False
    instance._change_reason = reason
    instance.save()
    return True


def _drop(instance, reason):
    instance._change_reason = reason
    instance.delete()


def _next_order(record, last):
    """The order of the record that comes after order `last`: an existing record keeps its
    own while that still sorts right (orders typed in the editor stay), else `last + 1`."""
    if record.pk is not None and record.order > last:
        return record.order
    return last + 1


def _write_parties(agreement, parties, where, errors, reason):
    """Parties matched by organisation. Returns whether any record changed."""
    wanted = services.default_parties(agreement) if parties is None else parties
    keys = {data["organisation"].pk for data in wanted}
    existing = {party.organisation_id: party for party in agreement.parties.all()}
    changed = False
    for key, party in existing.items():
        if key not in keys:
            _drop(party, reason)
            changed = True
    last = -1
    for position, data in enumerate(wanted, start=1):
        party = existing.get(data["organisation"].pk) or AgreementParty(agreement=agreement)
        last = _next_order(party, last)
        saved = _put(party, {**data, "order": last}, f"{where}, Partner {position}", errors, reason)
        changed |= bool(saved)
    return changed


def _write_budget(agreement, budget, where, errors, reason):
    """Budget lines matched by kind; a kind the file leaves out (or gives as null) goes."""
    existing = {line.kind: line for line in agreement.budget_lines.all()}
    changed = False
    for kind, line in existing.items():
        if kind not in budget:
            _drop(line, reason)
            changed = True
    for kind, amount in budget.items():
        line = existing.get(kind) or BudgetLine(agreement=agreement, kind=kind)
        keys = {"amount": f"budget.{kind}"}
        changed |= bool(_put(line, {"amount": amount}, where, errors, reason, keys=keys))
    return changed


def _write_in_order(existing, items, new, label, errors, reason, first_order):
    """Records matched by their position: the n-th of the file updates the n-th stored one
    (`new()` makes one when there are fewer), stored ones beyond the file's go. Returns
    whether any record changed."""
    changed = False
    for record in existing[len(items) :]:
        _drop(record, reason)
        changed = True
    last = first_order - 1
    for position, data in enumerate(items, start=1):
        record = existing[position - 1] if position <= len(existing) else new()
        last = _next_order(record, last)
        here = f"{label} {position}"
        changed |= bool(_put(record, {**data, "order": last}, here, errors, reason))
    return changed


def _write_steps(goal, steps, where, errors, reason):
    """Steps matched by their position under the goal."""
    return _write_in_order(
        list(goal.steps.all()),
        steps,
        lambda: ImplementationStep(goal=goal),
        f"{where}, Schritt",
        errors,
        reason,
        first_order=1,
    )


def _write_goals(agreement, goals, where, errors, reason):
    """Goals matched by number, so that dialogs keep their goals; goals missing from the file
    go, unless approved minutes refer to them."""
    wanted = {goal["number"] for goal in goals}
    changed = False
    for goal in agreement.goals.exclude(number__in=wanted):
        try:
            with transaction.atomic():
                _drop(goal, reason)
        except ValidationError as error:  # a goal that approved minutes refer to
            errors.extend(f"{where}: {message}" for message in error.messages)
        else:
            changed = True
    existing = {goal.number: goal for goal in agreement.goals.prefetch_related("steps")}
    for data in goals:
        data = dict(data)
        steps = data.pop("steps")
        goal = existing.get(data["number"]) or Goal(agreement=agreement)
        here = f"{where}, Ziel {data['number']}"
        saved = _put(goal, data, here, errors, reason)
        if saved is None:
            continue
        changed |= saved
        changed |= _write_steps(goal, steps, here, errors, reason)
    return changed


def _write_signatures(agreement, signatures, where, errors, reason):
    """Signatures matched by their position in the document."""
    return _write_in_order(
        list(agreement.signatures.all()),
        signatures,
        lambda: Signature(agreement=agreement),
        f"{where}, Unterschrift",
        errors,
        reason,
        first_order=0,
    )


def _write(spec, reason, errors, explicit_reason):
    """Write one agreement in place; records failing their model's validation go to `errors`
    (the caller rolls everything back then). Only records the file changes are saved, and an
    existing agreement's version moves on only when something changed: re-importing the same
    file leaves no history and does not disturb a form opened before."""
    where = spec.where
    created = spec.existing is None
    if created:
        agreement = Agreement(year=spec.year, traeger=spec.traeger)
    else:
        # Locked until the transaction ends, as the editor's claim of a version locks it.
        agreement = Agreement.objects.select_for_update().get(pk=spec.existing.pk)
    before = _stored(agreement)
    for name, value in spec.fields.items():
        setattr(agreement, name, value)
    if not _valid(agreement, where, errors):
        return agreement, created
    agreement_changed = _stored(agreement) != before
    if created:
        agreement._change_reason = reason
        agreement.save()

    parts_changed = False
    for write, data in (
        (_write_parties, spec.parties),
        (_write_budget, spec.budget),
        (_write_goals, spec.goals),
        (_write_signatures, spec.signatures),
    ):
        parts_changed |= write(agreement, data, where, errors, reason)

    if (
        not created
        and (agreement_changed or parts_changed)
        and spec.existing.status == AgreementStatus.SIGNED
        and not explicit_reason
    ):
        errors.append(
            f"{where}: ist unterzeichnet; eine Änderung braucht, wie auf der Seite der "
            "Vereinbarung, einen Grund (import_agreements --grund „…“). Nichts importiert."
        )
        return agreement, created
    if not created and (agreement_changed or parts_changed):
        Agreement.objects.filter(pk=agreement.pk).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        agreement.refresh_from_db(fields=["version", "updated_at"])
        if agreement_changed:
            agreement._change_reason = reason
            agreement.save()
    return agreement, created


def _write_all(specs, reason, explicit_reason=False):
    """Write every spec; raise ImportRefused (rolling the caller's transaction back) when a
    record fails its model's validation, or a signed agreement would change without a reason."""
    errors = []
    results = [_write(spec, reason, errors, explicit_reason) for spec in specs]
    if errors:
        raise ImportRefused(errors)
    return results


@contextmanager
def _recorded_as(user):
    """Every history record written inside names `user`: the web editor's records name the
    signed-in user the same way, through the request that simple_history's middleware keeps
    in this context."""
    if user is None:
        yield
        return
    context = HistoricalRecords.context
    outer = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if outer is None:
            del context.request
        else:
            context.request = outer


@transaction.atomic
def import_agreements(data, reason=None, user=None):
    """Create or update the file's agreements, all or nothing; the history names `user` (or
    no one: "System") and `reason` ("importiert" if none). A signed agreement is changed only
    with a reason given, as in the editor.

    Returns [(agreement, created)]; raises ImportRefused with every error, writing nothing."""
    explicit = bool(reason and reason.strip())
    with _recorded_as(user):
        return _write_all(parse(data), reason.strip() if explicit else "importiert", explicit)


@transaction.atomic
def create_agreement(agreement_data, reason="angelegt"):
    """Create one agreement from its JSON form (as in the seed and demo modules)."""
    (spec,) = parse({"format": FORMAT, "agreements": [agreement_data]})
    if spec.existing is not None:
        raise ImportRefused([f"Vereinbarung {spec.year}/{spec.traeger.key} gibt es schon."])
    ((agreement, _),) = _write_all([spec], reason)
    return agreement
