"""Forms of the indicator data upload."""

from django import forms
from django.conf import settings
from django.utils import timezone

from indicators.imports import file_size
from indicators.models import DeliverySource
from zielsteuerung.access import is_ministry

MINISTRY_SOURCES = [
    (DeliverySource.LAND, DeliverySource.LAND.label),
    (DeliverySource.BA, DeliverySource.BA.label),
    (DeliverySource.JOBCENTER, DeliverySource.JOBCENTER.label),
]


class UploadForm(forms.Form):
    """File, Ladestand and Wartezeit; ministries also choose the source and whether unknown
    keys become comparison units. A Jobcenter's upload is always its own (source Jobcenter)."""

    file = forms.FileField(
        label="Datei",
        help_text="CSV (Semikolon, Komma oder Tabulator) oder Excel-Arbeitsmappe (.xlsx)",
    )
    ladestand = forms.DateField(
        label="Ladestand",
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Tag, an dem die Daten abgezogen wurden",
    )
    waiting_months = forms.IntegerField(
        label="Wartezeit (Monate)",
        min_value=0,
        max_value=12,
        initial=0,
        help_text="0 = ohne Wartezeit; die BA veröffentlicht mit 3 Monaten Wartezeit",
    )
    source = forms.ChoiceField(label="Quelle", choices=MINISTRY_SOURCES, initial="land")
    create_units = forms.BooleanField(
        label="Unbekannte Schlüssel als Vergleichseinheiten anlegen",
        required=False,
        help_text="Für Jobcenter außerhalb der 16 Landkreise, z. B. in Daten der BA",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not is_ministry(user):
            del self.fields["source"]
            del self.fields["create_units"]

    def clean_ladestand(self):
        ladestand = self.cleaned_data["ladestand"]
        if ladestand > timezone.localdate():
            raise forms.ValidationError("Der Ladestand liegt in der Zukunft.")
        return ladestand

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"Die Datei ist {file_size(upload.size)} groß; erlaubt sind höchstens "
                f"{file_size(settings.UPLOAD_MAX_BYTES)}."
            )
        return upload

    @property
    def chosen_source(self):
        if "source" in self.fields:
            return self.cleaned_data["source"]
        return DeliverySource.JOBCENTER


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[A-Za-z0-9_-]{43}$", widget=forms.HiddenInput)
