"""Explanations of goals off the target path (models.Explanation): what the Landkreis page
shows beside each goal, and which goals off the path still lack one (the start page)."""

from agreements.models import Explanation


def by_goal(goals):
    """{goal id: [Explanation, …] by month} for `goals` (one query)."""
    result = {}
    for explanation in Explanation.objects.for_goals(goals).order_by("month"):
        result.setdefault(explanation.goal_id, []).append(explanation)
    return result


def attach_to_panels(panels):
    """Give each panel of the Landkreis page `explanations` (all of the goal's, by month),
    `to_explain` (months off the target path, each with its explanation or None) and
    `unexplained` (off the target path at the shown month, without an explanation for it)."""
    explanations = by_goal([panel.goal for panel in panels])
    for panel in panels:
        attainment = panel.cell.attainment
        panel.explanations = explanations.get(panel.goal.pk, [])
        of_month = {explanation.month: explanation for explanation in panel.explanations}
        panel.to_explain = [
            (row.figures.month, of_month.get(row.figures.month))
            for row in panel.months
            if row.figures.off_track
        ]
        panel.unexplained = attainment.off_track and not any(
            explanation.month == attainment.month for explanation in panel.explanations
        )
    return panels


def unexplained(attainments):
    """The attainments off the target path that have no explanation for their month."""
    off_track = [item for item in attainments if item.off_track and item.month]
    if not off_track:
        return []
    explained = set(
        Explanation.objects.for_goals([item.goal for item in off_track]).values_list(
            "goal_id", "month"
        )
    )
    return [item for item in off_track if (item.goal.pk, item.month) not in explained]
