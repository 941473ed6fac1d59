"""Where each goal stands: the JFW engine of indicators.computations applied to the agreements.

This module chooses the data basis (a reporting month and, per Landkreis, one delivery), loads
that delivery's values in one query and hands them to the pure functions. It never mixes
deliveries: a month the chosen delivery lacks makes the comparison impossible, and the missing
months are named. Only values for "gesamt" (sex g) count.

The number of queries does not depend on the number of agreements, goals or months:
agreements and goals (2), the reporting month (1, when not given), the delivery per Landkreis
(2, when not given) and the values (1, left out when every figure comes from the cache).

Computed figures are cached per delivery (deliveries never change once stored): the key names
the delivery (id and storage time), the Landkreis, the reporting month or year, and the goal
with everything its verdict depends on (indicator, direction, target type and value), so an
edited target is computed afresh. See `_cache_key`.
"""

import hashlib
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from agreements.models import Agreement, Goal, GoalKind, TargetType
from indicators import computations, forecast
from indicators.computations import Target, Verdict
from indicators.models import DataDelivery, Values
from zielsteuerung import formats


@dataclass(frozen=True, kw_only=True)
class Figures:
    """A goal's figures at one reporting month, as the JFW engine computes them: the one record
    of them that the pages, downloads, the minutes (stored at approval through
    dialogs.AgendaItem.store_figures) and the PDFs show."""

    indicator_code: str
    month: date | None  # reporting month, first day
    jfw: Decimal | None = None  # K2/K2E4/K3E1 in percent (5.5696…), K1 in EUR, K3 in persons
    jfw_previous_year: Decimal | None = None
    change_percent: Decimal | None = None  # relative change in percent, e.g. Decimal("8.6974…")
    target_change_percent: Decimal | None = None  # None for monitoring goals and quota targets
    target_path: Decimal | None = None  # the JFW the target asks for at this month
    verdict: Verdict = Verdict.NO_DATA
    missing_months: tuple[date, ...] = ()
    numerator: Decimal | None = None  # Σ integrations beside a quota; None for K1/K3
    denominator: Decimal | None = None  # mean stock beside a quota
    note: str = ""  # why there is no comparison, in German; empty when there is one

    @classmethod
    def of_evaluation(cls, code, month, evaluation, note=""):
        """The figures of an engine evaluation (computations.evaluate) at `month`."""
        comparison = evaluation.comparison
        return cls(
            indicator_code=code,
            month=month,
            jfw=comparison.current.value,
            jfw_previous_year=comparison.previous.value,
            change_percent=comparison.change_percent,
            target_change_percent=evaluation.target_change_percent,
            target_path=evaluation.target_path,
            verdict=evaluation.verdict,
            missing_months=comparison.missing_months,
            numerator=comparison.current.numerator,
            denominator=comparison.current.denominator,
            note=note,
        )

    @property
    def figures(self):
        """The figures alone (of a GoalAttainment: without goal and delivery)."""
        return Figures(**{f.name: getattr(self, f.name) for f in fields(Figures)})

    @property
    def comparable(self):
        return self.jfw is not None and self.jfw_previous_year is not None

    @property
    def is_empty(self):
        return self.jfw is None and self.jfw_previous_year is None and self.target_path is None

    @property
    def off_track(self):
        return self.verdict == Verdict.NOT_MET

    @property
    def verdict_label(self):
        """„auf Zielkurs“ during the year, „erreicht“ on the December values."""
        return self.verdict.label_for(self.month)

    @property
    def missing_months_text(self):
        """`Januar 2020, Februar 2020`: as the minutes name the missing months."""
        return ", ".join(formats.month_name(month) for month in self.missing_months)


@dataclass(frozen=True, kw_only=True)
class GoalAttainment(Figures):
    """Where one goal stands: its figures at the reporting month, computed on one delivery."""

    goal: Goal  # quantitative or monitoring, with an indicator
    delivery: DataDelivery | None
    # Newer deliveries of the Landkreis passed over because they lack months (Incomplete).
    newer_incomplete: tuple = ()

    @classmethod
    def of(cls, goal, delivery, figures):
        return cls(goal=goal, delivery=delivery, **vars(figures.figures))

    @property
    def agreement(self):
        return self.goal.agreement

    @property
    def distance_percent(self):
        """How far the JFW lies from the target path, in percent of the path, signed so that
        a positive distance is ahead of the target and a negative one behind it (for a
        „niedriger“ indicator or a ceiling a JFW below the path is ahead). None without a
        target path or figure."""
        return distance_percent(self.jfw, self.target_path, target_of(self.goal))


def distance_percent(jfw, path, target):
    """(JFW / target path − 1) × 100, positive when ahead of the target: for a target met
    from above (a „niedriger“ indicator, a ceiling) the sign is turned. None without figures."""
    if target is None or jfw is None or not path:
        return None
    distance = (jfw / path - 1) * 100
    return distance if target.wants_higher else -distance


# ---------------------------------------------------------------------------------------------
# Data basis


def base_series(year=None, *, units=None, deliveries=None):
    """The series of base quantities (gesamt), holding months of `year` if given; for
    questions about which months and deliveries exist, answered without reading values."""
    series = Values.objects.base()
    if year is not None:
        series = series.in_year(year)
    if units is not None:
        series = series.for_units(units)
    if deliveries is not None:
        series = series.of_deliveries(deliveries)
    return series


def latest_base_month(year, *, units=None, deliveries=None):
    """The latest month of `year` with base values (of `units`, in `deliveries`), or None."""
    return base_series(year, units=units, deliveries=deliveries).latest_month(date(year, 12, 1))


def default_basis(year, *, traeger=None, deliveries=None):
    """The reporting month and the delivery the dashboards use for `traeger` by default.

    With `traeger`, only that Landkreis' values count (a Jobcenter's own upload lacks the
    other Landkreise) and the delivery is the newest that holds every month the comparisons
    of its agreement's goals need (see `choose_basis`). Without, the latest month of `year`
    with data and the newest delivery holding it. `deliveries` restricts the choice.
    """
    if traeger is not None:
        agreements = Agreement.objects.filter(year=year, traeger=traeger)
        codes = {
            goal.indicator.code
            for agreement in _with_goals(agreements)
            for goal in measured_goals(agreement)
        }
        month, choices = choose_basis(
            year, {traeger.pk: codes}, units=[traeger.pk], deliveries=deliveries
        )
        choice = choices.get(traeger.pk)
        return month, choice.delivery if choice else None
    month = latest_base_month(year, deliveries=deliveries)
    if month is None:
        return None, None
    series = base_series(year, deliveries=deliveries).holding(month)
    delivery = DataDelivery.objects.filter(pk__in=series.deliveries()).newest_first().first()
    return month, delivery


@dataclass(frozen=True)
class Incomplete:
    """A delivery newer than the one a Landkreis is judged on that lacks months the chosen
    comparison needs (e.g. a Jobcenter's upload of its newest month only)."""

    delivery: DataDelivery
    missing_months: tuple[date, ...]


@dataclass(frozen=True)
class Choice:
    """The delivery a unit is judged on, and the newer ones passed over as incomplete."""

    delivery: DataDelivery
    newer_incomplete: tuple[Incomplete, ...] = ()


def _needed(codes, month):
    """The (code, month) pairs the comparisons of `codes` at `month` need."""
    return sorted(
        {
            pair
            for code in codes
            if computations.is_computable(code)
            for pair in computations.needed_values(code, month.year, month.month)
        }
    )


def _lacking(held, needed):
    """The months of `needed` that `held` ({code: months with a value}) lacks."""
    return tuple(sorted({month for code, month in needed if month not in held.get(code, ())}))


def choose_basis(year, codes, *, units=None, month=None, deliveries=None):
    """(reporting month, {unit_id: Choice}): the data basis of `year` by the dashboards' rule.

    Each unit is judged on the newest delivery (among `deliveries`, if given) that holds
    every month the comparisons of its indicators need at the reporting month (`codes`:
    {unit_id: indicator codes}, or one collection of codes for every unit); newer deliveries
    of the unit that lack months are passed over and named in `Choice.newer_incomplete`.
    When no delivery is complete, the newest holding the month is used and the goals show
    the missing months. One comparison never mixes deliveries.

    `month` (a date): default the latest month of the year with data at which some unit has
    a complete delivery, else the latest month with data. Two queries, whatever the number of
    units, deliveries and months; which months hold a value is read, not the figures.
    """
    held, in_year = {}, {}
    rows = base_series(units=units, deliveries=deliveries).months_held(
        date(year - 2, 12, 1), date(year, 12, 1)
    )
    for unit_id, delivery_id, code, held_month in rows:
        key = (unit_id, delivery_id)
        held.setdefault(key, {}).setdefault(code, set()).add(held_month)
        if held_month.year == year:
            in_year[key] = max(in_year.get(key, held_month), held_month)
    if not in_year:
        return month, {}
    by_pk = DataDelivery.objects.in_bulk({delivery_id for _, delivery_id in in_year})
    candidates = {}
    for unit_id, delivery_id in in_year:
        candidates.setdefault(unit_id, []).append(by_pk[delivery_id])
    for unit_deliveries in candidates.values():
        unit_deliveries.sort(key=lambda d: d.newness, reverse=True)

    def codes_of(unit_id):
        return codes.get(unit_id, ()) if isinstance(codes, dict) else codes

    def lacking(unit_id, delivery, at):
        return _lacking(held[(unit_id, delivery.pk)], _needed(codes_of(unit_id), at))

    def holds(unit_id, delivery, at):
        return any(at in months for months in held[(unit_id, delivery.pk)].values())

    if month is None:
        latest = max(in_year.values())
        month = latest
        measured = [unit_id for unit_id in candidates if _needed(codes_of(unit_id), latest)]
        for number in range(latest.month, 0, -1):
            at = date(year, number, 1)
            if any(
                not lacking(unit_id, delivery, at)
                for unit_id in measured
                for delivery in candidates[unit_id]
            ):
                month = at
                break

    chosen = {}
    for unit_id, unit_deliveries in candidates.items():
        holding = [d for d in unit_deliveries if holds(unit_id, d, month)]
        if not holding:
            continue
        complete = next((d for d in holding if not lacking(unit_id, d, month)), None)
        delivery = complete or holding[0]
        newer = [
            Incomplete(d, lacking(unit_id, d, month))
            for d in unit_deliveries
            if d.newness > delivery.newness
        ]
        chosen[unit_id] = Choice(delivery, tuple(newer))
    return month, chosen


def _load_pairs(pairs, codes, first_month, last_month):
    """{(unit_id, delivery_id): {(code, month): value}} for each (unit_id, delivery_id) pair,
    in one query: a unit's values of that delivery only, never another's."""
    result = {pair: {} for pair in pairs}
    if not pairs or not codes:
        return result
    rows = (
        Values.objects.of_deliveries({delivery_id for _, delivery_id in pairs})
        .for_units({unit_id for unit_id, _ in pairs})
        .of_codes(codes)
        .total()
        .cells(first_month, last_month)
    )
    for unit_id, delivery_id, code, _, month, value in rows:
        if (unit_id, delivery_id) in result:
            result[(unit_id, delivery_id)][(code, month)] = value
    return result


def _load_values(chosen, codes, first_month, last_month):
    """{unit_id: {(code, month): value}} of each unit's chosen delivery, in one query."""
    values = _load_pairs(
        {(unit, d.pk) for unit, d in chosen.items()}, codes, first_month, last_month
    )
    return {unit: values[(unit, d.pk)] for unit, d in chosen.items()}


# ---------------------------------------------------------------------------------------------
# Goals


def _with_goals(agreements):
    goals = Prefetch(
        "goals",
        queryset=Goal.objects.select_related("indicator").order_by("number"),
    )
    if isinstance(agreements, QuerySet):
        return list(agreements.select_related("traeger").prefetch_related(goals))
    agreements = list(agreements)
    prefetch_related_objects(agreements, goals)
    return agreements


def measured_goals(agreement):
    """The goals measured on an indicator: quantitative and monitoring goals with one."""
    return [
        goal
        for goal in agreement.goals.all()
        if goal.kind in (GoalKind.QUANTITATIVE, GoalKind.MONITORING) and goal.indicator_id
    ]


def target_of(goal):
    """The goal's target for the engine, or None for a monitoring goal."""
    if goal.kind != GoalKind.QUANTITATIVE or goal.target_value is None:
        return None
    return Target(
        type=goal.target_type or TargetType.CHANGE,
        value=goal.target_value,
        better=goal.indicator.better,
    )


def _month_date(year, month):
    if month is None:
        return None
    if isinstance(month, date):
        if month.year != year:
            raise ValueError(f"Der Berichtsmonat {month:%m/%Y} liegt nicht im Jahr {year}.")
        return month.replace(day=1)
    if not 1 <= int(month) <= 12:
        raise ValueError(f"Einen Monat {month} gibt es nicht.")
    return date(year, int(month), 1)


def _missing_text(comparison, delivery):
    by_code = {}
    for code, month in comparison.missing:
        by_code.setdefault(code, []).append(formats.month_name(month))
    listed = "; ".join(f"{code} {', '.join(months)}" for code, months in by_code.items())
    return (
        f"Kein Vergleich möglich: in der Lieferung mit {delivery} fehlen {listed}."
        if delivery is not None
        else f"Kein Vergleich möglich: es fehlen {listed}."
    )


def _note(code, evaluation, delivery):
    comparison = evaluation.comparison
    if comparison.missing:
        return _missing_text(comparison, delivery)
    if comparison.current.exact is None or comparison.previous.exact is None:
        return "Kein Vergleich möglich: der Bestand, auf den sich die Quote bezieht, ist 0."
    if comparison.ratio is None:
        return f"Keine Veränderung berechenbar: der Vorjahreswert von {code} ist 0."
    return ""


def _without_figures(goal, month, verdict, note):
    target = target_of(goal)
    return Figures(
        indicator_code=goal.indicator.code,
        month=month,
        target_change_percent=target.value if target and target.is_change else None,
        verdict=verdict,
        note=note,
    )


def _figures(goal, month, delivery, values):
    """The goal's Figures at `month` from `values` (those of `delivery`)."""
    code = goal.indicator.code
    if not computations.is_computable(code):
        note = f"{code} wird nicht aus gelieferten Basisgrößen berechnet; kein Vergleich möglich."
        return _without_figures(goal, month, Verdict.NO_DATA, note)
    target = target_of(goal)
    if month is None:
        verdict = Verdict.MONITORING if target is None else Verdict.NO_DATA
        note = f"Für {goal.agreement.year} liegen keine Daten vor."
        return _without_figures(goal, None, verdict, note)
    evaluation = computations.evaluate(
        code, values, month.year, month.month, target, monitoring=target is None
    )
    return Figures.of_evaluation(code, month, evaluation, _note(code, evaluation, delivery))


def _attainment(goal, month, delivery, values):
    figures = _figures(goal, month, delivery, values)
    return GoalAttainment.of(goal, delivery if figures.month is not None else None, figures)


# ---------------------------------------------------------------------------------------------
# Cache of computed figures

# v2: the figures are cached as a Figures record (v1: a tuple of its fields).
CACHE_PREFIX = "zs-attainment-v2"
CACHE_SECONDS = 7 * 24 * 60 * 60


def _cache_key(kind, delivery, traeger_id, when, goal):
    """A key for figures that only the delivery's values and the goal's target decide.

    The delivery is named by id *and* storage time, so that a database whose ids start again
    (a test database, a restored dump) never meets figures of another delivery."""
    indicator = goal.indicator
    stored = delivery.created_at.isoformat() if delivery.created_at else ""
    parts = (
        kind,
        delivery.pk,
        stored,
        traeger_id,
        when,
        goal.pk,
        goal.kind,
        indicator.code,
        indicator.better,
        goal.target_type,
        goal.target_value,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"{CACHE_PREFIX}:{kind}:{digest}"


def _cacheable(goal, delivery):
    return delivery is not None and computations.is_computable(goal.indicator.code)


# ---------------------------------------------------------------------------------------------
# Public entry points


def attainment_for_year(year, *, month=None, delivery=None, agreements=None, deliveries=None):
    """The attainment of every measured goal of the year's agreements (or of `agreements`).

    `month` (1..12 or a date in `year`) and the delivery of each Landkreis: by default as
    `choose_basis` decides (the newest delivery holding every month the goals' comparisons
    need, chosen among `deliveries` if given). `delivery`: one delivery for every Landkreis,
    complete or not (the goals then name the months it lacks).
    """
    if agreements is None:
        agreements = Agreement.objects.for_year(year)
    agreements = _with_goals(agreements)
    goals = [goal for agreement in agreements for goal in measured_goals(agreement)]
    if not goals:
        return []
    units = sorted({agreement.traeger_id for agreement in agreements})
    reporting_month = _month_date(year, month)
    if delivery is not None:
        if reporting_month is None:
            reporting_month = latest_base_month(year, units=units, deliveries=[delivery])
        chosen = dict.fromkeys(units, Choice(delivery))
    else:
        reporting_month, chosen = _choices(year, agreements, reporting_month, deliveries)
    if reporting_month is None:
        return [_attainment(goal, None, None, {}) for goal in goals]
    pairs = []
    for goal in goals:
        choice = chosen.get(goal.agreement.traeger_id)
        pairs.append((goal, choice.delivery if choice else None))
    results = _attainments(pairs, reporting_month)
    return [
        replace(result, newer_incomplete=choice.newer_incomplete)
        if (choice := chosen.get(result.goal.agreement.traeger_id))
        else result
        for result in results
    ]


def _choices(year, agreements, month, deliveries):
    """choose_basis for the agreements' Landkreise and the indicators of their goals."""
    codes = {}
    for agreement in agreements:
        codes.setdefault(agreement.traeger_id, set()).update(
            goal.indicator.code for goal in measured_goals(agreement)
        )
    return choose_basis(year, codes, units=sorted(codes), month=month, deliveries=deliveries)


def goal_attainments(agreement, *, month=None, delivery=None):
    """The attainment of the agreement's measured goals at `month` on `delivery` (defaults: the
    latest month of the agreement's year with data for its Landkreis, the newest delivery
    holding that month for it)."""
    return attainment_for_year(
        agreement.year, month=month, delivery=delivery, agreements=[agreement]
    )


def attainments_per_delivery(goals, month, deliveries):
    """{delivery: [GoalAttainment, …]}: the goals (of one agreement) at `month` computed on
    each of `deliveries` alone, as `goal_attainments(…, month=…, delivery=…)` would for each.

    For comparing deliveries, e.g. to find one that holds every month a formula needs: the
    values of all deliveries are read in one query (none when every figure is cached), and the
    figures share the cache with `attainment_for_year`."""
    goals, deliveries = list(goals), list(deliveries)
    results = _attainments([(goal, d) for d in deliveries for goal in goals], month)
    return {d: results[i * len(goals) : (i + 1) * len(goals)] for i, d in enumerate(deliveries)}


def _attainments(pairs, month):
    """The GoalAttainment of each (goal, delivery) pair at `month`, in order: from the cache
    where it has the figures; the rest computed from values read in one query, and cached."""
    keys = [
        _cache_key("goal", delivery, goal.agreement.traeger_id, month.isoformat(), goal)
        if _cacheable(goal, delivery)
        else None
        for goal, delivery in pairs
    ]
    cached = cache.get_many([key for key in keys if key is not None])
    to_compute = [
        (goal, delivery)
        for (goal, delivery), key in zip(pairs, keys, strict=True)
        if key not in cached
    ]
    codes = sorted(
        {
            code
            for goal, _ in to_compute
            if computations.is_computable(goal.indicator.code)
            for code in computations.FORMULAS[goal.indicator.code].codes
        }
    )
    values = _load_pairs(
        {(goal.agreement.traeger_id, d.pk) for goal, d in to_compute if d is not None},
        codes,
        date(month.year - 2, 12, 1),
        month,
    )
    results, fresh = [], {}
    for (goal, delivery), key in zip(pairs, keys, strict=True):
        if key in cached:
            figures = cached[key]
        else:
            pair = (goal.agreement.traeger_id, delivery.pk if delivery else None)
            figures = _figures(goal, month, delivery, values.get(pair, {}))
            if key is not None:
                fresh[key] = figures
        results.append(GoalAttainment.of(goal, delivery, figures))
    if fresh:
        cache.set_many(fresh, CACHE_SECONDS)
    return results


def monthly_series(agreement, goal, *, delivery, year=None):
    """Month by month (January to December of `year`, default the agreement's year): the
    Figures (JFW of this and the previous year, change, target path, verdict), all from
    `delivery`.

    Months the delivery lacks give None (and their missing months); the previous year and the
    target path usually reach further than the current year, which a chart shows as it is.
    """
    year = year or agreement.year
    code = goal.indicator.code if goal.indicator_id else ""
    key = None
    if goal.indicator_id and _cacheable(goal, delivery):
        key = _cache_key("series", delivery, agreement.traeger_id, year, goal)
        rows = cache.get(key)
        if rows is not None:
            return rows
    rows = _monthly_series(agreement, goal, delivery, year, code)
    if key is not None:
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _monthly_series(agreement, goal, delivery, year, code):
    target = target_of(goal) if goal.indicator_id else None
    monitoring = goal.kind == GoalKind.MONITORING
    computable = computations.is_computable(code)
    values = {}
    if delivery is not None and computable:
        chosen = {agreement.traeger_id: delivery}
        codes = computations.FORMULAS[code].codes
        values = _load_values(chosen, codes, date(year - 2, 12, 1), date(year, 12, 1))[
            agreement.traeger_id
        ]
    rows = []
    for number in range(1, 13):
        month = date(year, number, 1)
        if not computable:
            rows.append(Figures(indicator_code=code, month=month))
            continue
        evaluation = computations.evaluate(
            code, values, year, number, target, monitoring=monitoring or target is None
        )
        rows.append(Figures.of_evaluation(code, month, evaluation))
    return rows


# ---------------------------------------------------------------------------------------------
# Year-end forecast


def forecasts(attainments):
    """The year-end forecast (`forecast.Forecast`) of each attainment, in order: made at
    its reporting month from its own delivery — this year's JFW and the seasonal profile of
    the previous years, all from that one delivery. Cached like the attainment figures; the
    values of every delivery not in the cache are read in one query."""
    attainments = list(attainments)
    keys = [
        _cache_key("forecast", a.delivery, a.goal.agreement.traeger_id, a.month.isoformat(), a.goal)
        if a.month is not None and _cacheable(a.goal, a.delivery)
        else None
        for a in attainments
    ]
    cached = cache.get_many([key for key in keys if key is not None])
    wanted = [
        a
        for a, key in zip(attainments, keys, strict=True)
        if key is not None and key not in cached and a.month.month < 12
    ]
    values = {}
    if wanted:
        month = max(a.month for a in wanted)
        first = min(a.month.year for a in wanted) - 1 - forecast.FORECAST_YEARS
        codes = sorted({c for a in wanted for c in computations.FORMULAS[a.indicator_code].codes})
        values = _load_pairs(
            {(a.goal.agreement.traeger_id, a.delivery.pk) for a in wanted},
            codes,
            date(first, 12, 1),
            month,
        )
    results, fresh = [], {}
    for a, key in zip(attainments, keys, strict=True):
        if key in cached:
            results.append(cached[key])
            continue
        result = _forecast(a, values)
        if key is not None:
            fresh[key] = result
        results.append(result)
    if fresh:
        cache.set_many(fresh, CACHE_SECONDS)
    return results


def _forecast(attainment, values):
    code, month = attainment.indicator_code, attainment.month
    if month is None or attainment.delivery is None:
        year = attainment.goal.agreement.year
        return forecast.Forecast(code, year, 0, reason=attainment.note)
    if not computations.is_computable(code):
        return forecast.Forecast(code, month.year, month.month, reason=attainment.note)
    pair = (attainment.goal.agreement.traeger_id, attainment.delivery.pk)
    return forecast.forecast(
        code, values.get(pair, {}), month.year, month.month, target_of(attainment.goal)
    )
