"""Forms of the dialog pages. The draft is edited as one page (header, participants, agenda,
measures, final assessments) under one version number, so that concurrent work is detected
for the minutes as a whole."""

from datetime import date

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q

from dialogs.models import (
    MEASURE_FROZEN_MESSAGE,
    MISC_ORDER,
    AgendaItem,
    Assessment,
    Correction,
    Dialog,
    FinalAssessment,
    Measure,
    MeasureStatus,
    Participant,
    reason_required,
)
from indicators.computations import Verdict
from indicators.models import DataDelivery, Values
from zielsteuerung import formats
from zielsteuerung.models import Organisation, OrganisationKind


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def month_choices(year):
    return [(f"{year}-{m:02d}", formats.month_name(date(year, m, 1))) for m in range(1, 13)]


def parse_month(value):
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def delivery_label(delivery):
    label = f"Ladestand {delivery.ladestand:%d.%m.%Y} ({delivery.waiting_label})"
    if delivery.is_demo:
        label += " – Demodaten"
    return label


def deliveries_for(traeger):
    """Deliveries that hold values of the Landkreis, newest first."""
    with_values = Values.objects.for_unit(traeger).deliveries()
    return DataDelivery.objects.filter(pk__in=with_values).newest_first()


def partner_organisations(agreement):
    return Organisation.objects.filter(
        Q(kind=OrganisationKind.MINISTRY) | Q(pk=agreement.traeger_id)
    ).order_by("kind", "name")


class DeliverySelect(forms.Select):
    """The Ladestand list: each option carries its date, and those later than the dialog's
    date (`held_on`) are not offered, so the list holds only what the form accepts."""

    held_on = None

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if getattr(value, "instance", None) is not None:
            ladestand = value.instance.ladestand
            option["attrs"]["data-ladestand"] = ladestand.isoformat()
            if self.held_on and ladestand > self.held_on:
                option["attrs"].update(disabled=True, hidden=True)
        return option


class VersionField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=True, **kwargs)


class DialogForm(forms.ModelForm):
    """Kind, date, place and data basis of a dialog."""

    reporting_month = forms.TypedChoiceField(
        label="Berichtsmonat", required=False, coerce=parse_month, empty_value=None
    )

    class Meta:
        model = Dialog
        fields = ["kind", "date", "place", "delivery", "reporting_month"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "delivery": DeliverySelect,
        }
        help_texts = {"place": "Ort oder „Video“"}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        # The rules of the data basis are the dialog's (Dialog.clean), run on validation.
        self.instance.agreement = agreement
        self.helper = _helper()
        month_field = self.fields["reporting_month"]
        month_field.choices = [("", "– noch offen –"), *month_choices(agreement.year)]
        month = self.initial.get("reporting_month")
        if isinstance(month, date):
            self.initial["reporting_month"] = f"{month:%Y-%m}"
        delivery = self.fields["delivery"]
        delivery.queryset = deliveries_for(agreement.traeger)
        # Offer only what `Dialog.clean` accepts for the date shown; a changed date filters the
        # list in the browser (static/js/dialog-basis.js) and is checked again on validation.
        delivery.widget.held_on = None if self.is_bound else self.initial.get("date")
        delivery.label_from_instance = delivery_label
        delivery.empty_label = "– noch offen –"
        delivery.help_text = "Datenstand, auf dem die Zahlen des Dialogs beruhen."


class DialogEditForm(DialogForm):
    version = VersionField()


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["organisation", "name", "function"]

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partner_organisations(agreement)
        self.fields["organisation"].empty_label = "– bitte wählen –"


ParticipantFormSet = forms.inlineformset_factory(
    Dialog, Participant, form=ParticipantForm, extra=2, can_delete=True
)


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "discussion", "decisions"]
        widgets = {
            "discussion": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.is_misc:
            # A goal's item keeps the goal's title; only discussion and decisions are written.
            self.fields["title"].disabled = True


class BaseAgendaItemFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Only items added to the agenda by hand can be removed again; the goals' items and
        # „Verschiedenes“ belong to every dialog.
        item = form.instance
        if not item.pk or not item.is_misc or item.order >= MISC_ORDER:
            form.fields.pop("DELETE", None)


AgendaItemFormSet = forms.inlineformset_factory(
    Dialog,
    AgendaItem,
    form=AgendaItemForm,
    formset=BaseAgendaItemFormSet,
    extra=1,
    can_delete=True,
)


class GuardsReportedStatus:
    """The Jobcenter reports the state of a measure on its own page while the ministry may have
    the draft open. The draft page sends the state it showed (`status_seen`); a save writes the
    state only when the ministry changed it there, and refuses when both changed it."""

    def guard_status(self, cleaned, current):
        seen = cleaned.get("status_seen") or current
        chosen = cleaned.get("status")
        if chosen is None or current is None:
            return
        if chosen == seen:
            cleaned["status"] = current  # not changed here: keep what was reported meanwhile
        elif current not in (seen, chosen):
            self.add_error(
                "status",
                f"Der Stand dieser Maßnahme wurde inzwischen auf „{MeasureStatus(current).label}“ "
                "gemeldet; Ihre Auswahl wurde nicht gespeichert. Bitte prüfen Sie den Stand und "
                "speichern Sie erneut.",
            )
            # Saving again is then a deliberate choice against the state now shown.
            self.data = self.data.copy()
            self.data[self.add_prefix("status_seen")] = current


def _status_seen_field():
    return forms.CharField(required=False, widget=forms.HiddenInput)


class MeasureForm(GuardsReportedStatus, forms.ModelForm):
    status_seen = _status_seen_field()

    class Meta:
        model = Measure
        fields = ["text", "responsible_organisation", "responsible_person", "due_date", "status"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = partner_organisations(agreement)
        self.fields["responsible_organisation"].empty_label = "– bitte wählen –"
        self.stored_status = self.instance.status if self.instance.pk else None
        self.fields["status_seen"].initial = self.stored_status

    def clean(self):
        cleaned = super().clean()
        fixed = {"text", "responsible_organisation", "responsible_person", "due_date"}
        if fixed & set(self.changed_data) and self.instance.in_approved_minutes():
            raise forms.ValidationError(MEASURE_FROZEN_MESSAGE)
        self.guard_status(cleaned, self.stored_status)
        return cleaned


class BaseMeasureFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.in_approved_minutes():
                raise forms.ValidationError(
                    f"„{formats.shorten(form.instance.text)}“ kann nicht entfernt werden: "
                    + MEASURE_FROZEN_MESSAGE
                )


MeasureFormSet = forms.inlineformset_factory(
    Dialog, Measure, form=MeasureForm, formset=BaseMeasureFormSet, extra=1, can_delete=True
)


class CarriedMeasureForm(GuardsReportedStatus, forms.Form):
    """The state of a measure carried from an earlier dialog, as this dialog discusses it."""

    measure = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Stand", choices=MeasureStatus.choices)
    status_seen = _status_seen_field()
    note = forms.CharField(
        label="Erörterung", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, current_statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_statuses = current_statuses or {}

    def clean(self):
        cleaned = super().clean()
        self.guard_status(cleaned, self.current_statuses.get(cleaned.get("measure")))
        return cleaned


CarriedMeasureFormSet = forms.formset_factory(CarriedMeasureForm, extra=0)


class FinalAssessmentForm(forms.ModelForm):
    class Meta:
        model = FinalAssessment
        fields = ["assessment", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, computed_verdicts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.computed_verdict = (computed_verdicts or {}).get(self.instance.pk, Verdict.NO_DATA)
        self.fields["assessment"].choices = [("", "– noch offen –"), *Assessment.choices]

    def clean(self):
        cleaned = super().clean()
        assessment = cleaned.get("assessment")
        if (
            reason_required(assessment, str(self.computed_verdict))
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error(
                "reason",
                f"Ziel {self.instance.goal_number}: Die Bewertung weicht von der errechneten "
                f"Bewertung auf den Dezemberwerten („{Verdict(self.computed_verdict).label}“) "
                "ab. Bitte begründen Sie die Abweichung (§ 4 Abs. 4, 5).",
            )
        return cleaned


FinalAssessmentFormSet = forms.inlineformset_factory(
    Dialog, FinalAssessment, form=FinalAssessmentForm, extra=0, can_delete=False
)


class DraftForms:
    """Every form of the draft page, bound together and validated together."""

    def __init__(self, dialog, data=None, *, carried_rows=(), computed_verdicts=None):
        agreement = dialog.agreement
        self.dialog = dialog
        initial = {"version": dialog.version}
        self.header = DialogEditForm(
            data, instance=dialog, agreement=agreement, prefix="dialog", initial=initial
        )
        self.participants = ParticipantFormSet(
            data,
            instance=dialog,
            prefix="participants",
            form_kwargs={"agreement": agreement},
            queryset=dialog.participants.select_related("organisation"),
        )
        self.items = AgendaItemFormSet(data, instance=dialog, prefix="items")
        self.measures = MeasureFormSet(
            data,
            instance=dialog,
            prefix="measures",
            form_kwargs={"agreement": agreement},
            queryset=dialog.measures.order_by("pk"),
        )
        self.carried = CarriedMeasureFormSet(
            data,
            prefix="carried",
            initial=[
                {
                    "measure": row.measure.pk,
                    "status": row.status,
                    "status_seen": row.status,
                    "note": row.review.note,
                }
                for row in carried_rows
            ],
            form_kwargs={
                "current_statuses": {row.measure.pk: row.measure.status for row in carried_rows}
            },
        )
        self.carried_rows = list(carried_rows)
        self.assessments = FinalAssessmentFormSet(
            data,
            instance=dialog,
            prefix="assessments",
            form_kwargs={"computed_verdicts": computed_verdicts},
        )
        self.helper = _helper()

    def all(self):
        return [
            self.header,
            self.participants,
            self.items,
            self.measures,
            self.carried,
            self.assessments,
        ]

    def is_valid(self):
        # Validate every form (no short cut), so that each one shows its errors.
        return all([form.is_valid() for form in self.all()])

    @property
    def carried_pairs(self):
        """(row, form) for the template: each carried measure beside its form."""
        rows = {row.measure.pk: row for row in self.carried_rows}
        pairs = []
        for form in self.carried.forms:
            measure_id = form["measure"].value()
            row = rows.get(int(measure_id)) if str(measure_id).isdigit() else None
            if row is not None:
                pairs.append((row, form))
        return pairs


class CommentForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["jobcenter_comment"]
        widgets = {"jobcenter_comment": forms.Textarea(attrs={"rows": 3})}


class BaseCommentFormSet(forms.BaseInlineFormSet):
    """The Jobcenter comments on the agenda as the ministry wrote it: no item is added."""

    def clean(self):
        super().clean()
        if self.total_form_count() > self.initial_form_count():
            raise forms.ValidationError(
                "Tagesordnungspunkte ergänzt nur das Ministerium im Entwurf; bitte tragen Sie "
                "Ihre Anmerkung bei einem bestehenden Punkt ein."
            )


CommentFormSet = forms.inlineformset_factory(
    Dialog,
    AgendaItem,
    form=CommentForm,
    formset=BaseCommentFormSet,
    extra=0,
    can_delete=False,
    edit_only=True,
)


class VersionForm(forms.Form):
    version = VersionField()


class StepForm(forms.Form):
    """A workflow step (send, withdraw, approve) on the version the user has seen."""

    version = VersionField()
    comment = forms.CharField(
        label="Bemerkung", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChangeRequestForm(StepForm):
    comment = forms.CharField(
        label="Gewünschte Änderungen",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Bitte beschreiben Sie, welche Änderungen Sie wünschen."},
    )


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ["item", "text", "reason"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "text": {"required": "Bitte geben Sie den Wortlaut der Korrektur an."},
            "reason": {"required": "Bitte begründen Sie die Korrektur."},
        }

    def __init__(self, *args, dialog, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.fields["item"].queryset = dialog.items.all()
        self.fields["item"].empty_label = "– das Protokoll insgesamt –"
        self.fields["item"].required = False


class MeasureStatusForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["status", "status_note"]
        widgets = {"status_note": forms.Textarea(attrs={"rows": 2})}
