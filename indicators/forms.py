"""Forms of the indicator data upload."""

from django import forms
from django.conf import settings
from django.utils import timezone

from indicators.imports import file_size, mapping
from indicators.imports.cells import _shown
from indicators.imports.layout import HEADER_SCAN_ROWS
from indicators.models import DeliverySource, Variant
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


class ColumnMappingForm(forms.Form):
    """The mapping step: per column of the chosen header row its role and, for a Kennzahl's
    column, the variant. The rules a whole mapping keeps are those of imports.mapping, the
    same as for `import_indicators --zuordnung`."""

    # Chosen in the select above the form; a value outside it comes from an old or altered
    # page only, and is told with the place to choose it (the field is hidden).
    kopfzeile = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=HEADER_SCAN_ROWS,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"),
            f"Die Kopfzeile muss eine der ersten {HEADER_SCAN_ROWS} Zeilen der Datei sein; "
            "bitte wählen Sie sie oben unter „Kopfzeile“.",
        ),
    )

    def __init__(self, *args, header, codes, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        indicators = sorted(set(codes.values()), key=lambda i: (i.sort_order, i.code))
        choices = [
            ("Spalte", list(mapping.ROLES.items())),
            (
                "Werte einer Kennzahl (breite Form)",
                [(i.code, f"{i.code} – {i.name}") for i in indicators],
            ),
        ]
        for index, cell in enumerate(header):
            role = roles[index] if index < len(roles) else "ignorieren"
            code, _, variant = role.partition(":")
            name = f"„{_shown(cell)}“" if cell.strip() else "ohne Überschrift"
            self.fields[f"rolle_{index}"] = forms.ChoiceField(
                label=f"Rolle der Spalte {index + 1} ({name})", choices=choices, initial=code
            )
            self.fields[f"variante_{index}"] = forms.ChoiceField(
                label=f"Variante der Spalte {index + 1}",
                choices=Variant.choices,
                initial=variant,
                required=False,
                help_text="nur für eine Kennzahl",
                error_messages={
                    "invalid_choice": "Diese Variante gibt es nicht; bitte eine der Liste wählen."
                },
            )

    def clean(self):
        columns = []
        for index, cell in enumerate(self.header):
            role = self.cleaned_data.get(f"rolle_{index}")
            if role is None:  # the field's own error says what is wrong
                return self.cleaned_data
            variant = self.cleaned_data.get(f"variante_{index}") or ""
            columns.append(
                (cell, f"{role}:{variant}" if role not in mapping.ROLES and variant else role)
            )
        problems = mapping.roles_problems(columns)
        if problems:
            raise forms.ValidationError(problems)
        self.columns = tuple(columns)
        return self.cleaned_data

    def rows(self):
        """Per column: (number, header cut short, role field, variant field) for the
        template."""
        return [
            (index + 1, _shown(cell), self[f"rolle_{index}"], self[f"variante_{index}"])
            for index, cell in enumerate(self.header)
        ]
