"""Saved views: an agent keeps a queue filter and sort under a name; admins share theirs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tickets.models import Queue, SavedView
from tickets.models.agent import is_agent
from tickets.selectors_views import MAX_VIEWS, queue_filters_from_params, queue_params, saved_view_editable
from tickets.services.common import text_required

NAME_MAX = 60


def saved_view_create(
    *,
    actor: User,
    name: str,
    params: Mapping[str, Any],
    scope: str = SavedView.Scope.PERSONAL,
    queue_id: int | None = None,
) -> SavedView:
    """Save the queue filters ``params`` (a URL's query) as a view.

    Personal views are the agent's own; only admins share a view, with every agent or with one
    queue's agents. What the view lists is always bounded by what each agent may see.
    """
    if not is_agent(actor):
        raise ValidationError("Only agents can save views.")
    name = text_required(name, "name", "a name for the view", NAME_MAX)
    if scope not in SavedView.Scope.values:
        raise ValidationError({"scope": "Choose who sees the view."})
    if scope != SavedView.Scope.PERSONAL and not actor.is_superuser:
        raise ValidationError({"scope": "Only an admin can share a view."})
    queue = None
    if scope == SavedView.Scope.QUEUE:
        queue = Queue.objects.filter(pk=queue_id).first() if queue_id else None
        if queue is None:
            raise ValidationError({"queue": "Choose the queue whose agents see the view."})
    filters = queue_params(queue_filters_from_params(params))
    now = timezone.now()
    with transaction.atomic():
        mine = SavedView.objects.select_for_update().filter(owner=actor, scope=SavedView.Scope.PERSONAL)
        if scope == SavedView.Scope.PERSONAL and len(mine) >= MAX_VIEWS:
            raise ValidationError({"name": f"You have {MAX_VIEWS} views already; remove one first."})
        return SavedView.objects.create(
            name=name, scope=scope, owner=actor, queue=queue, filters=filters, created_at=now, updated_at=now
        )


def _check_editable(actor: User, view: SavedView, doing: str) -> None:
    if not saved_view_editable(actor=actor, view=view):
        raise ValidationError(
            f"Only an admin can {doing} a shared view." if view.is_shared else "This isn't your view."
        )


def saved_view_update(*, actor: User, view: SavedView, name: str, params: Mapping[str, Any] | None = None) -> SavedView:
    """Rename the view and, when ``params`` is given, make it list what those queue filters do
    (the queue as the agent sees it now). Its sidebar count is counted afresh: the cached one is
    keyed by the view's ``updated_at``."""
    _check_editable(actor, view, "change")
    name = text_required(name, "name", "a name for the view", NAME_MAX)
    fields = ["name", "updated_at"]
    view.name = name
    if params is not None:
        view.filters = queue_params(queue_filters_from_params(params))
        fields.append("filters")
    view.updated_at = timezone.now()
    view.save(update_fields=fields)
    return view


def saved_view_delete(*, actor: User, view: SavedView) -> None:
    """Remove a view: a personal one by its owner, a shared one by an admin."""
    _check_editable(actor, view, "remove")
    view.delete()
