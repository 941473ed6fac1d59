"""The upload's steps between the first check and the confirmation, on the waiting upload
that indicators/views.py keeps (`_keep_pending`):

- the **mapping step** for a file whose header row is not understood: the user names the
  header row and each column's role (imports/mapping.py); the file is then checked with it
  like any file, and the mapping is saved on confirmation (views.upload_confirm) and used
  again, with a note and a way to change it, for the next file with the same header;
- taking over the **Datenstand** a BA table's title rows give, on the user's click only.
"""

import secrets
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from indicators import imports, preview, views
from indicators.forms import ColumnMappingForm, ConfirmForm
from indicators.imports.layout import HEADER_SCAN_ROWS, trimmed
from indicators.imports.mapping import (
    Mapping,
    default_header_line,
    fingerprint,
    guessed_roles,
    samples,
)
from indicators.models import ColumnMapping, DataDelivery, DeliverySource
from zielsteuerung import formats
from zielsteuerung.access import UPLOAD, require

OTHER_FILE = (
    "Diese Zuordnung galt einer anderen, zuvor hochgeladenen Datei. Bitte ordnen Sie die Spalten "
    "der Datei zu, die jetzt wartet."
)
GONE = "Es wartet keine hochgeladene Datei mehr. Bitte laden Sie die Datei erneut hoch."


def _waiting(request, token=None):
    """(details, bytes) of the user's waiting upload, or None; with `token`, only when it is
    the token of that upload (a form of an older preview is no longer valid)."""
    pending = request.session.get(views.PENDING)
    if not pending or (token is not None and not secrets.compare_digest(token, pending["token"])):
        return None
    try:
        return pending, views._pending_path(pending["token"]).read_bytes()
    except FileNotFoundError:
        request.session.pop(views.PENDING, None)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def upload_mapping(request):
    """GET: the waiting file checked with its mapping (the one chosen, else the one saved for
    this header), or the mapping step when there is none or `?aendern` asks to change it
    (`?zeile=N` takes another header row). POST: check the file with the mapping given."""
    require(request.user, UPLOAD, DataDelivery)
    waiting = _waiting(request)
    if waiting is None:
        messages.error(request, GONE)
        return redirect("indicators:upload")
    pending, data = waiting
    codes = imports._indicator_codes()
    chosen = Mapping.from_data(pending.get("mapping"))
    asked = request.POST.get("blatt") or request.GET.get("blatt")
    try:
        head = imports.head_rows(data, asked or (chosen and chosen.sheet) or pending.get("sheet"))
    except imports.Refused as refusal:
        messages.error(request, " ".join(str(p) for p in refusal.problems))
        return redirect("indicators:upload")
    sheet, rows = head.sheet, head.rows
    if request.method == "POST":
        token = ConfirmForm(request.POST)
        if not token.is_valid() or _waiting(request, token.cleaned_data["token"]) is None:
            messages.error(request, OTHER_FILE)  # a page of a file uploaded before this one
            return redirect("indicators:upload_mapping")
        line = _line(request.POST.get("kopfzeile"), rows, codes)
        form = ColumnMappingForm(request.POST, header=_header(rows, line), codes=codes)
        if form.is_valid():
            return _checked(request, pending, data, Mapping(line, form.columns, sheet), "")
        return _mapping_page(request, pending, form, head, line, status=400)
    if not {"aendern", "zeile", "blatt"} & set(request.GET):
        if chosen is not None:
            return _checked(request, pending, data, chosen, pending.get("mapping_saved", ""))
        saved = _saved(request.user, pending["source"], rows, sheet)
        if saved is not None:
            return _checked(request, pending, data, *saved)
    same_sheet = chosen is not None and chosen.sheet == sheet
    if "zeile" in request.GET or not same_sheet:
        line = _line(request.GET.get("zeile"), rows, codes)
    else:
        line = chosen.header_line
    header = _header(rows, line)
    if same_sheet and chosen.header_line == line:
        roles = [role for _, role in chosen.columns]
    else:
        roles = guessed_roles(header, codes)
    form = ColumnMappingForm(initial={"kopfzeile": line}, header=header, codes=codes, roles=roles)
    return _mapping_page(request, pending, form, head, line)


def _line(text, rows, codes):
    """The header row asked for, if it is a non-empty one of the first 30 rows; else the row
    most like a header."""
    candidates = {line for line, cells in rows[:HEADER_SCAN_ROWS] if any(cells)}
    if text and text.isdigit() and int(text) in candidates:
        return int(text)
    return default_header_line(rows, codes) or 1


def _header(rows, line):
    return trimmed(next((cells for number, cells in rows if number == line), []))


def _saved(user, source, rows, sheet):
    """(Mapping, note) of the mapping the user's organisation saved for one of the file's
    first rows as header, or None."""
    by_print = {fingerprint(cells): line for line, cells in rows[:HEADER_SCAN_ROWS] if any(cells)}
    saved = ColumnMapping.objects.for_header(user, source, by_print)
    if saved is None:
        return None
    mapping = Mapping(
        by_print[saved.fingerprint], tuple(zip(saved.header, saved.roles, strict=True)), sheet
    )
    who = f" von {formats.person_name(saved.created_by)}" if saved.created_by else ""
    when = f"{timezone.localtime(saved.updated_at):%d.%m.%Y}"
    return mapping, f"gespeichert am {when}{who}"


def _checked(request, pending, data, mapping, saved):
    """The preview of the waiting file checked with `mapping`; the mapping waits with it."""
    details = {**pending, "mapping": mapping.to_data(), "mapping_saved": saved}
    check = views._check(request, data, details)
    details["values"] = check.value_count
    details["titles"] = preview.titles_choice(check, details)
    request.session[views.PENDING] = details
    return views._preview_page(request, check, details, details["token"])


def _mapping_page(request, pending, form, head, line, status=200):
    rows = head.rows
    examples = samples(rows, line, len(form.header))
    return render(
        request,
        "indicators/upload_mapping.html",
        {
            "details": pending,
            "ladestand": date.fromisoformat(pending["ladestand"]),
            "source_label": DeliverySource(pending["source"]).label,
            "form": form,
            "columns": [(*row, examples[row[0] - 1]) for row in form.rows()],
            "line": line,
            "sheet": head.sheet,
            "sheets": head.sheets,
            "lines": [
                (number, _shown_row(cells))
                for number, cells in rows[:HEADER_SCAN_ROWS]
                if any(cells)
            ],
            "nav": "upload",
        },
        status=status,
    )


def _shown_row(cells):
    return formats.shorten(" | ".join(cell for cell in cells if cell), 90)


@login_required
@require_POST
def upload_titles(request):
    """Check the waiting file again with the Datenstand and Wartezeit its title rows give."""
    require(request.user, UPLOAD, DataDelivery)
    form = ConfirmForm(request.POST)
    waiting = _waiting(request, form.cleaned_data["token"]) if form.is_valid() else None
    if waiting is None or not waiting[0].get("titles"):
        messages.error(
            request, "Diese Vorschau ist nicht mehr gültig. Bitte laden Sie die Datei erneut hoch."
        )
        return redirect("indicators:upload")
    pending, data = waiting
    titles = pending["titles"]
    details = {
        **pending,
        "ladestand": titles["ladestand"],
        "waiting_months": titles["waiting_months"],
    }
    check = views._check(request, data, details)
    details["values"] = check.value_count
    details["titles"] = preview.titles_choice(check, details)
    request.session[views.PENDING] = details
    messages.info(request, f"Datenstand der Datei übernommen: {titles['label']}.")
    return views._preview_page(request, check, details, details["token"])
