"""Forms of the agreement pages: the agreement with its budget, goals, steps and signatures on
one page, the status change, and the Jobcenter's report on its qualitative steps."""

from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from agreements.models import (
    Agreement,
    AgreementStatus,
    BudgetKind,
    Cause,
    Explanation,
    Goal,
    GoalKind,
    ImplementationStep,
    Signature,
    StepStatus,
)
from indicators.models import Indicator
from zielsteuerung.models import Organisation

GERMAN_DECIMAL_HELP = "Deutsche Schreibweise, z. B. 8.793.355 oder 8793355,00"


class GermanDecimalField(forms.DecimalField):
    """Accepts `8.793.355`, `8793355,00`, `+3,1` and `−1,5` as users type them."""

    # A text box: a browser's number input would discard the German comma.
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def widget_attrs(self, widget):
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
            text = text.removesuffix("€").removesuffix("Euro").removesuffix("%")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            elif text.count(".") > 1 or (
                "." in text and len(text.rsplit(".", 1)[1]) == 3 and self.decimal_places == 2
            ):
                text = text.replace(".", "")  # thousands separators only
            value = text
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            places = self.decimal_places or 0
            text = f"{value:,.{places}f}".replace(",", "\u2009").replace(".", ",")
            return text.replace("\u2009", ".")
        return value


class AgreementForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    verwaltungskosten = GermanDecimalField(
        label="Verwaltungskosten (Euro)",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=GERMAN_DECIMAL_HELP,
    )
    eingliederung = GermanDecimalField(
        label="Leistungen zur Eingliederung in Arbeit (Euro)",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=GERMAN_DECIMAL_HELP,
    )
    change_reason = forms.CharField(
        label="Grund der Änderung",
        required=False,
        max_length=100,
        help_text="Pflicht bei unterzeichneten Vereinbarungen; erscheint im Verlauf.",
    )

    class Meta:
        model = Agreement
        fields = ["year", "traeger", *Agreement.TEXT_FIELDS]
        widgets = {
            field: forms.Textarea(attrs={"rows": 6})
            for field in ("preamble", "principles", "framework", "target_followup")
        } | {
            field: forms.Textarea(attrs={"rows": 3})
            for field in ("obligations", "budget_intro", "goals_intro", "indicator_reference")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["traeger"].queryset = Organisation.objects.traeger().order_by("name")
        self.fields["traeger"].label_from_instance = lambda org: f"{org.name} ({org.key})"
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        if self.instance.pk:
            amounts = {line.kind: line.amount for line in self.instance.budget_lines.all()}
            self.fields["verwaltungskosten"].initial = amounts.get(BudgetKind.ADMINISTRATION)
            self.fields["eingliederung"].initial = amounts.get(BudgetKind.INTEGRATION)
            # Year and Landkreis identify the agreement; a copy makes the next year.
            self.fields["year"].disabled = True
            self.fields["traeger"].disabled = True
        if not (self.instance.pk and self.instance.status == AgreementStatus.SIGNED):
            del self.fields["change_reason"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2005 <= year <= 2100:
            raise forms.ValidationError("Bitte ein Jahr zwischen 2005 und 2100 angeben.")
        return year

    def clean_change_reason(self):
        reason = self.cleaned_data.get("change_reason", "").strip()
        if not reason:
            raise forms.ValidationError(
                "Die Vereinbarung ist unterzeichnet: Bitte geben Sie den Grund der Änderung an."
            )
        return reason


class GoalForm(forms.ModelForm):
    """One goal; what each kind of goal needs is checked by Goal.clean(), as in the import."""

    target_value = GermanDecimalField(
        label="Zielwert (%)",
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text="Veränderung mit Vorzeichen: +3,1 oder −1,5; absolute Quote: 31,1",
    )

    class Meta:
        model = Goal
        fields = [
            "number",
            "kind",
            "title",
            "indicator",
            "target_type",
            "target_value",
            "description",
            "target_text",
            "monitoring_text",
            "steps_intro",
            "criterion",
        ]
        widgets = {
            field: forms.Textarea(attrs={"rows": 3})
            for field in ("description", "target_text", "monitoring_text", "steps_intro")
        } | {"criterion": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.exclude(kind="basis").order_by(
            "sort_order", "code"
        )
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} – {i.name}"


class UniqueNumberFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("number")
            if number in seen:
                form.add_error("number", f"Die Zielnummer {number} ist doppelt vergeben.")
            seen.add(number)


GoalFormSet = inlineformset_factory(
    Agreement, Goal, form=GoalForm, formset=UniqueNumberFormSet, extra=1, can_delete=True
)


class StepForm(forms.ModelForm):
    """A step of a qualitative goal; the goal is chosen by its number so that steps of a goal
    added on the same page can be given at once."""

    goal_number = forms.IntegerField(label="Ziel-Nr.", min_value=1)

    class Meta:
        model = ImplementationStep
        fields = ["goal_number", "order", "text", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["goal_number"].initial = self.instance.goal.number


StepFormSet = forms.modelformset_factory(
    ImplementationStep, form=StepForm, extra=2, can_delete=True
)


def check_step_goals(goals, steps):
    """Steps must name a qualitative goal of the same page; report where they do not."""
    numbers = {
        form.cleaned_data.get("number")
        for form in goals.forms
        if form.cleaned_data
        and not goals._should_delete_form(form)
        and form.cleaned_data.get("kind") == GoalKind.QUALITATIVE
    }
    valid = True
    for form in steps.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        if steps.can_delete and steps._should_delete_form(form):
            continue
        number = form.cleaned_data.get("goal_number")
        if number is not None and number not in numbers:
            form.add_error(
                "goal_number", f"Ziel {number} ist kein qualitatives Ziel dieser Vereinbarung."
            )
            valid = False
    return valid


class SignatureForm(forms.ModelForm):
    class Meta:
        model = Signature
        fields = [
            "organisation",
            "order",
            "place",
            "day",
            "month",
            "year",
            "in_representation",
            "signatory",
            "organisation_label",
        ]
        widgets = {"organisation_label": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind__in=["ministerium", "traeger"]
        ).order_by("kind", "name")


SignatureFormSet = inlineformset_factory(
    Agreement, Signature, form=SignatureForm, extra=1, can_delete=True
)


def allowed_transitions(status):
    """The status changes the ministry may make from `status`, in the order offered. Closing
    is undone by going back to „unterzeichnet“ (with a reason)."""
    return {
        AgreementStatus.DRAFT: [AgreementStatus.NEGOTIATION],
        AgreementStatus.NEGOTIATION: [AgreementStatus.DRAFT, AgreementStatus.SIGNED],
        AgreementStatus.SIGNED: [AgreementStatus.CLOSED],
        AgreementStatus.CLOSED: [AgreementStatus.SIGNED],
    }[AgreementStatus(status)]


# simple-history keeps at most 100 characters of a change reason, the prefix included.
REOPEN_PREFIX = "Abschluss zurückgenommen: "
REASON_MAX = 100 - len(REOPEN_PREFIX)


class StatusForm(forms.Form):
    """A status change. Nothing is preselected: the user picks the new status. Closing is
    confirmed on a page of its own (`confirmed`), reopening a closed agreement needs a
    reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Neuer Status")
    reason = forms.CharField(label="Bemerkung", required=False, max_length=REASON_MAX)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.fields["version"].initial = agreement.version
        self.fields["status"].choices = [("", "Bitte wählen")] + [
            (status.value, status.label) for status in allowed_transitions(agreement.status)
        ]
        if self.reopens:
            self.fields["reason"].label = "Grund der Rücknahme"

    @property
    def reopens(self):
        return self.agreement.status == AgreementStatus.CLOSED

    @property
    def closes(self):
        return self.is_valid() and self.cleaned_data["status"] == AgreementStatus.CLOSED

    def clean(self):
        cleaned = super().clean()
        if self.reopens and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                "Bitte geben Sie an, warum der Abschluss zurückgenommen wird; der Grund "
                "erscheint im Verlauf.",
            )
        return cleaned

    def change_reason(self):
        reason = self.cleaned_data["reason"].strip()
        return REOPEN_PREFIX + reason if self.reopens else reason


class StepReportForm(forms.ModelForm):
    class Meta:
        model = ImplementationStep
        fields = ["status", "status_note"]
        widgets = {"status_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = StepStatus.choices


# Only the steps shown can be reported on: no new rows, whatever the posted form count says.
StepReportFormSet = forms.modelformset_factory(
    ImplementationStep, form=StepReportForm, extra=0, edit_only=True
)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Jahr", coerce=int, required=False, empty_value=None)
    traeger = forms.ModelChoiceField(
        label="Landkreis", queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args, years, traeger, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "alle Jahre")] + [(y, str(y)) for y in years]
        self.fields["traeger"].queryset = traeger
        self.fields["traeger"].empty_label = "alle Landkreise"
        self.fields["status"].choices = [("", "alle")] + list(AgreementStatus.choices)


class ExplanationForm(forms.ModelForm):
    """Why a goal is off the target path in one month: the causes and a text."""

    causes = forms.MultipleChoiceField(
        label="Ursachen",
        choices=Cause.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # Explanation.clean asks for one, for the admin too
        error_messages={
            "invalid_choice": "„%(value)s“ ist keine der Ursachen; bitte wählen Sie aus der Liste.",
        },
        help_text="Eine oder mehrere; § 4 Abs. 4 und 5 der Zielvereinbarung nennen "
        "Rechtsänderungen und Abweichungen der Haushaltsmittel.",
    )

    class Meta:
        model = Explanation
        fields = ["causes", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "text": {"required": "Bitte beschreiben Sie, warum das Ziel vom Zielpfad abweicht."}
        }
