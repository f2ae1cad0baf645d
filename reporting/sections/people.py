"""Names of the agents whose figures the viewer may see, for sections whose rows name agents that
need not appear in the day rows of tickets (ratings, praise)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User

from reporting.report import ReportContext


def visible_agent_names(context: ReportContext, ids: Iterable[int | None]) -> dict[int, str]:
    """Agent id -> name, in name order: everyone's for leads and admins, else only the viewer's
    (one query, none when there is nobody to name)."""
    wanted = {pk for pk in ids if pk is not None}
    if not context.scope.all_agents:
        wanted &= {context.scope.user.pk}
    if not wanted:
        return {}
    users = User.objects.filter(pk__in=wanted).order_by("first_name", "last_name", "username")
    return {user.pk: user.get_full_name() or user.username for user in users}
