"""Full-text search over the texts of the product: agreements, goals, implementation steps,
minutes (agenda items, final assessments), measures and explanations (docs/search.md).

It lives in the dialogs app because it reads the minutes, and dialogs is the top of the
dependency chain (docs/architecture.md): it may import every app below it, none of them
imports it. Every source is read through the same `visible_to(user)` querysets as the pages,
so a hit is never something its link would refuse.

On PostgreSQL the search is PostgreSQL's full-text search with the German configuration
(stemming, ranking, snippets by `ts_headline`). Elsewhere (SQLite) a simpler fallback: each
word of the query is cut to a German stem by a few suffix rules and must occur in the text,
case-insensitive; hits are ranked by how often the stems occur.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from agreements.models import Agreement, Explanation, Goal, ImplementationStep
from dialogs.models import AgendaItem, Dialog, FinalAssessment, Measure
from zielsteuerung import formats
from zielsteuerung.models import Organisation

MAX_HITS = 100
# Marks around the matched words in a PostgreSQL snippet: private-use characters that no
# text holds, replaced by <mark> after the snippet is escaped.
START, STOP = "\ue000", "\ue001"


class Kind:
    AGREEMENT = "vereinbarung"
    GOAL = "ziel"
    STEP = "schritt"
    MINUTES = "protokoll"
    MEASURE = "massnahme"
    EXPLANATION = "erlaeuterung"

    CHOICES = [
        (AGREEMENT, "Zielvereinbarungen"),
        (GOAL, "Ziele"),
        (STEP, "Umsetzungsschritte"),
        (MINUTES, "Protokolle"),
        (MEASURE, "Maßnahmen"),
        (EXPLANATION, "Erläuterungen"),
    ]
    LABELS = {
        AGREEMENT: "Zielvereinbarung",
        GOAL: "Ziel",
        STEP: "Umsetzungsschritt",
        MINUTES: "Protokoll",
        MEASURE: "Maßnahme",
        EXPLANATION: "Erläuterung",
    }


def _visible_agreements(user):
    return Agreement.objects.visible_to(user)


def _goal_url(goal):
    return reverse("agreements:detail", args=[goal.agreement_id]) + f"#ziel-{goal.number}"


def _dialog_heading(dialog):
    return f"{dialog.title} vom {formats.day(dialog.date)}"


@dataclass(frozen=True)
class Source:
    """One kind of text: where its rows come from (scoped to the user), which fields are
    searched, the path from a row to its agreement, and how a hit is named and linked."""

    kind: str
    fields: tuple[str, ...]
    rows: Callable  # user -> queryset of what the user may see
    agreement: str  # lookup path from the row to its agreement, "" for the agreement
    related: tuple[str, ...]
    title: Callable
    url: Callable

    def lookup(self, name):
        return f"{self.agreement}__{name}" if self.agreement else name

    def agreement_of(self, row):
        for part in self.agreement.split("__") if self.agreement else ():
            row = getattr(row, part)
        return row


SOURCES = [
    Source(
        kind=Kind.AGREEMENT,
        fields=(
            "title",
            "preamble",
            "principles",
            "framework",
            "obligations",
            "budget_intro",
            "goals_intro",
            "indicator_reference",
            "target_followup",
        ),
        rows=_visible_agreements,
        agreement="",
        related=("traeger",),
        title=lambda a: f"Zielvereinbarung {a.year}",
        url=lambda a: reverse("agreements:detail", args=[a.pk]),
    ),
    Source(
        kind=Kind.GOAL,
        fields=(
            "title",
            "description",
            "target_text",
            "monitoring_text",
            "steps_intro",
            "criterion",
        ),
        rows=lambda user: Goal.objects.filter(agreement__in=_visible_agreements(user)),
        agreement="agreement",
        related=("agreement__traeger",),
        title=lambda g: f"Ziel {g.number}: {g.title}",
        url=_goal_url,
    ),
    Source(
        kind=Kind.STEP,
        fields=("text", "status_note"),
        rows=lambda user: ImplementationStep.objects.filter(
            goal__agreement__in=_visible_agreements(user)
        ),
        agreement="goal__agreement",
        related=("goal__agreement__traeger",),
        title=lambda s: f"Umsetzungsschritt zu Ziel {s.goal.number}: {s.goal.title}",
        url=lambda s: _goal_url(s.goal),
    ),
    Source(
        kind=Kind.MINUTES,
        fields=("title", "discussion", "decisions", "jobcenter_comment"),
        rows=lambda user: AgendaItem.objects.filter(dialog__in=Dialog.objects.visible_to(user)),
        agreement="dialog__agreement",
        related=("dialog__agreement__traeger",),
        title=lambda i: f"{_dialog_heading(i.dialog)}: {i.title}",
        url=lambda i: reverse("dialogs:detail", args=[i.dialog_id]),
    ),
    Source(
        kind=Kind.MINUTES,
        fields=("goal_title", "reason"),
        rows=lambda user: FinalAssessment.objects.filter(
            dialog__in=Dialog.objects.visible_to(user)
        ),
        agreement="dialog__agreement",
        related=("dialog__agreement__traeger",),
        title=lambda f: (
            f"{_dialog_heading(f.dialog)}: abschließende Bewertung von Ziel {f.goal_number}"
        ),
        url=lambda f: reverse("dialogs:detail", args=[f.dialog_id]),
    ),
    Source(
        kind=Kind.MEASURE,
        fields=("text", "status_note", "responsible_person"),
        rows=lambda user: Measure.objects.visible_to(user),
        agreement="agreement",
        related=("agreement__traeger", "dialog"),
        title=lambda m: f"Maßnahme aus dem {_dialog_heading(m.dialog)}",
        url=lambda m: reverse("dialogs:detail", args=[m.dialog_id]),
    ),
    Source(
        kind=Kind.EXPLANATION,
        fields=("text",),
        rows=lambda user: Explanation.objects.visible_to(user),
        agreement="goal__agreement",
        related=("goal__agreement__traeger",),
        title=lambda e: (
            f"Erläuterung zu Ziel {e.goal.number} ({e.goal.title}), {formats.month_name(e.month)}"
        ),
        url=lambda e: (
            reverse("dashboards:traeger", args=[e.goal.agreement.traeger.key])
            + f"?year={e.goal.agreement.year}#ziel-{e.goal.number}"
        ),
    ),
]


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    url: str
    context: str  # safe HTML: the snippet with the matched words in <mark>
    year: int
    traeger: str
    rank: float

    @property
    def kind_label(self):
        return Kind.LABELS[self.kind]


@dataclass(frozen=True)
class Result:
    hits: list
    truncated: bool  # more than MAX_HITS matched


def uses_postgres():
    return connection.vendor == "postgresql"


def search(user, query, *, year=None, traeger_key=None, kind=None, limit=MAX_HITS):
    """The hits of `query` in what `user` may see, best first, at most `limit`."""
    if not words(query):
        return Result(hits=[], truncated=False)
    find = _postgres_hits if uses_postgres() else _fallback_hits
    hits = []
    for source in SOURCES:
        if kind and source.kind != kind:
            continue
        rows = source.rows(user).select_related(*source.related)
        if year:
            rows = rows.filter(**{source.lookup("year"): year})
        if traeger_key:
            rows = rows.filter(**{source.lookup("traeger__key"): traeger_key})
        hits.extend(find(source, rows, query, limit + 1))
    hits.sort(key=lambda hit: (-hit.rank, -hit.year, hit.traeger, hit.title))
    return Result(hits=hits[:limit], truncated=len(hits) > limit)


def _hit(source, row, context, rank):
    agreement = source.agreement_of(row)
    return Hit(
        kind=source.kind,
        title=source.title(row),
        url=source.url(row),
        context=context,
        year=agreement.year,
        traeger=agreement.traeger.name,
        rank=rank,
    )


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def _document(fields):
    if len(fields) == 1:
        return F(fields[0])
    parts = []
    for name in fields:
        parts += [name, Value(" \n ")]
    return Concat(*parts[:-1], output_field=TextField())


def _marked(snippet):
    """The escaped snippet with PostgreSQL's marks turned into <mark>."""
    text = escape(" ".join(snippet.split()))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


def _postgres_hits(source, rows, query, limit):
    tsquery = SearchQuery(query, config="german", search_type="websearch")
    rows = (
        rows.annotate(found=SearchVector(*source.fields, config="german"))
        .filter(found=tsquery)
        .annotate(
            rank=SearchRank(SearchVector(*source.fields, config="german"), tsquery),
            snippet=SearchHeadline(
                _document(source.fields),
                tsquery,
                config="german",
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "pk")[:limit]
    )
    return [_hit(source, row, _marked(row.snippet), row.rank) for row in rows]


# ---------------------------------------------------------------------------------------------
# Fallback (SQLite)

# German inflection endings, longest first; a stem keeps at least STEM_MIN letters.
SUFFIXES = ("ern", "em", "en", "er", "es", "e", "s", "n")
STEM_MIN = 4
CONTEXT_BEFORE, CONTEXT_AFTER = 60, 160


def words(query):
    return re.findall(r"\w+", query or "")


def stem(word):
    """`Alleinerziehenden` → `alleinerziehend`, as `Alleinerziehende`: the word in lower case
    without one German inflection ending."""
    word = word.lower()
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= STEM_MIN:
            return word[: -len(suffix)]
    return word


def _fallback_hits(source, rows, query, limit):
    stems = sorted({stem(word) for word in words(query)}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(s) + r"\w*" for s in stems))
    hits = []
    for row in rows.order_by("pk"):
        text = "\n".join(str(getattr(row, name)) for name in source.fields)
        lowered = text.lower()  # keeps positions (casefold would not: ß → ss)
        if not all(s in lowered for s in stems):
            continue
        rank = sum(lowered.count(s) for s in stems)
        hits.append(_hit(source, row, snippet(text, pattern), rank))
    hits.sort(key=lambda hit: -hit.rank)
    return hits[:limit]


def snippet(text, pattern):
    """The text around the first match, the matches in <mark>, cut at word boundaries."""
    lowered = text.lower()
    first = pattern.search(lowered)
    start = max(0, first.start() - CONTEXT_BEFORE) if first else 0
    end = min(len(text), start + CONTEXT_BEFORE + CONTEXT_AFTER)
    if start > 0:
        start = text.find(" ", start) + 1 or start
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    pieces = ["… " if start > 0 else ""]
    position = start
    for match in pattern.finditer(lowered, start, end):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        position = match.end()
    pieces.append(escape(text[position:end]))
    pieces.append(" …" if end < len(text) else "")
    return mark_safe(" ".join("".join(pieces).split()))


# ---------------------------------------------------------------------------------------------
# The page


class SearchForm(forms.Form):
    q = forms.CharField(label="Suchbegriff", max_length=200, required=False)
    jahr = forms.TypedChoiceField(label="Jahr", coerce=int, required=False, empty_value=None)
    landkreis = forms.ChoiceField(label="Landkreis", required=False)
    art = forms.ChoiceField(label="Art", required=False)

    def __init__(self, *args, years, traeger, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jahr"].choices = [("", "alle Jahre")] + [(y, str(y)) for y in years]
        self.fields["landkreis"].choices = [("", "alle Landkreise")] + [
            (unit.key, unit.name) for unit in traeger
        ]
        self.fields["art"].choices = [("", "alle Arten")] + Kind.CHOICES
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
            field.error_messages["invalid_choice"] = (
                f"„%(value)s“ steht für „{field.label}“ nicht zur Wahl; bitte wählen Sie aus "
                "der Liste."
            )
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].error_messages["max_length"] = (
            "Der Suchbegriff ist zu lang (höchstens %(limit_value)d Zeichen)."
        )


@login_required
@require_GET
def search_page(request):
    user = request.user
    years = sorted(
        set(Agreement.objects.visible_to(user).values_list("year", flat=True)), reverse=True
    )
    traeger = Organisation.objects.visible_to(user).traeger().order_by("name")
    form = SearchForm(request.GET or None, years=years, traeger=traeger)
    result, query = None, ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if words(query):
            result = search(
                user,
                query,
                year=form.cleaned_data["jahr"],
                traeger_key=form.cleaned_data["landkreis"] or None,
                kind=form.cleaned_data["art"] or None,
            )
    return render(
        request,
        "dialogs/search.html",
        {
            "nav": "search",
            "form": form,
            "query": query,
            "result": result,
            "max_hits": MAX_HITS,
            "stemmed": uses_postgres(),
        },
        status=400 if form.errors else 200,
    )
