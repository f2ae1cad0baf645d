"""What a bulk job can do to each ticket: a registry of actions, each a call to the service a
one-by-one change uses, so permissions, events and promises are the same either way.

To add an action, write its single-ticket service first, then register it here::

    bulk_action_register(BulkAction(
        name="priority", label="Change priority", unchanged="Already that priority", clean=_clean_priority,
        apply=lambda ticket, actor, p: ticket_priority_change(ticket=ticket, agent=actor, priority=p["priority"]),
    ))

and give the desk's bulk form its parameter (``desk/forms_bulk.py``). ``apply`` calls exactly one
service, which is atomic (a refused change rolls back its own savepoint, and the job's other
tickets in the same transaction stand). It returns whether the ticket changed, and raises
``ValidationError`` to skip the ticket with the message as the reason. It runs inside the
job's transaction that also marks the ticket done, so once per ticket.

An action whose service also comes in a batch form gives it as ``apply_many`` (the job then uses
it): the tickets of one batch at once, returning per ticket id True (changed), False (unchanged)
or the reason it was refused. A status change or close of 10,000 tickets is then a few
statements per hundred tickets instead of ten per ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from tickets.models import Queue, Tag, Ticket
from tickets.models.agent import agents
from tickets.services.desk import ticket_assign, ticket_priority_change, ticket_status_change, tickets_status_change
from tickets.services.triage import tag_name_check, ticket_tags_change, ticket_triage
from tickets.tags import split_tag_names

Params = Mapping[str, Any]


@dataclass(frozen=True)
class BulkAction:
    name: str
    label: str  # "Change status": the job page's title
    unchanged: str  # the reason shown for a ticket that already was so
    clean: Callable[[Params, User], dict[str, Any]]  # checked once, when the job starts
    apply: Callable[[Ticket, User, Params], bool]  # one ticket, through its service
    tells_customers: bool = False  # offers "Email the customers" (off unless ticked)
    apply_many: Callable[[list[Ticket], User, Params], dict[int, bool | str]] | None = None


BULK_ACTIONS: dict[str, BulkAction] = {}


def bulk_action_register(action: BulkAction) -> BulkAction:
    BULK_ACTIONS[action.name] = action
    return action


def _notify(params: Params) -> bool:
    return params.get("notify") in (True, "1", "on", "true")


# --- assign -----------------------------------------------------------------------------------------


def _clean_assign(params: Params, actor: User) -> dict[str, Any]:
    """ "me", "none", or an agent's id; whether they work in each ticket's queue is checked per ticket."""
    value = str(params.get("assignee", "")).strip()
    if value == "me":
        return {"assignee": actor.pk}
    if value == "none":
        return {"assignee": None}
    if value.isdigit() and agents().filter(pk=int(value)).exists():
        return {"assignee": int(value)}
    raise ValidationError({"assignee": "Pick who to assign the tickets to."})


bulk_action_register(
    BulkAction(
        name="assign",
        label="Assign",
        unchanged="Already had that assignee",
        clean=_clean_assign,
        apply=lambda ticket, actor, p: ticket_assign(ticket=ticket, agent=actor, assignee_id=p["assignee"]),
    )
)


# --- status and close ---------------------------------------------------------------------------------


def _clean_status(params: Params, actor: User) -> dict[str, Any]:
    status = str(params.get("status", ""))
    if status not in Ticket.Status.values:
        raise ValidationError({"status": "Choose a status from the list."})
    return {"status": status, "notify": _notify(params)}


bulk_action_register(
    BulkAction(
        name="status",
        label="Change status",
        unchanged="Already in that status",
        clean=_clean_status,
        apply=lambda ticket, actor, p: ticket_status_change(ticket=ticket, agent=actor, status=p["status"]),
        apply_many=lambda tickets, actor, p: tickets_status_change(
            ticket_ids=[t.pk for t in tickets], agent=actor, status=p["status"]
        ),
        tells_customers=True,
    )
)
bulk_action_register(
    BulkAction(
        name="close",
        label="Close",
        unchanged="Already closed",
        clean=lambda params, actor: {"notify": _notify(params)},
        apply=lambda ticket, actor, p: ticket_status_change(ticket=ticket, agent=actor, status=Ticket.Status.CLOSED),
        apply_many=lambda tickets, actor, p: tickets_status_change(
            ticket_ids=[t.pk for t in tickets], agent=actor, status=Ticket.Status.CLOSED
        ),
        tells_customers=True,
    )
)


# --- priority -------------------------------------------------------------------------------------------


def _clean_priority(params: Params, actor: User) -> dict[str, Any]:
    value = str(params.get("priority", ""))
    if not value.isdigit() or int(value) not in Ticket.Priority.values:
        raise ValidationError({"priority": "Choose a priority from the list."})
    return {"priority": int(value)}


bulk_action_register(
    BulkAction(
        name="priority",
        label="Change priority",
        unchanged="Already that priority",
        clean=_clean_priority,
        apply=lambda ticket, actor, p: ticket_priority_change(ticket=ticket, agent=actor, priority=p["priority"]),
    )
)


# --- queue and kind -----------------------------------------------------------------------------------


def _clean_move(params: Params, actor: User) -> dict[str, Any]:
    """Any queue, as on the ticket page: moving a ticket out of one's own queues is triage."""
    value = str(params.get("queue", "")).strip()
    if not (value.isdigit() and len(value) < 10 and Queue.objects.filter(pk=int(value)).exists()):
        raise ValidationError({"queue": "Choose the queue to move the tickets to."})
    return {"queue": int(value)}


def _clean_kind(params: Params, actor: User) -> dict[str, Any]:
    kind = str(params.get("kind", ""))
    if kind not in Ticket.Kind.values:
        raise ValidationError({"kind": "Choose a kind from the list."})
    return {"kind": kind}


bulk_action_register(
    BulkAction(
        name="move",
        label="Move to queue",
        unchanged="Already in that queue",
        clean=_clean_move,
        apply=lambda ticket, actor, p: (
            ticket_triage(ticket=ticket, agent=actor, queue_id=p["queue"], kind=ticket.kind).changed
        ),
    )
)
bulk_action_register(
    BulkAction(
        name="kind",
        label="Correct the kind",
        unchanged="Already that kind",
        clean=_clean_kind,
        apply=lambda ticket, actor, p: (
            ticket_triage(ticket=ticket, agent=actor, queue_id=ticket.queue_id, kind=p["kind"]).changed
        ),
    )
)


# --- tags -------------------------------------------------------------------------------------------------


def _clean_tag_add(params: Params, actor: User) -> dict[str, Any]:
    names = split_tag_names(str(params.get("tags", "")))
    if not names:
        raise ValidationError({"tags": "Type the tags to add, separated by commas."})
    for name in names:
        tag_name_check(name)
    return {"tags": ", ".join(names)}


def _clean_tag_remove(params: Params, actor: User) -> dict[str, Any]:
    names = split_tag_names(str(params.get("tags", "")))
    lowered = [name.lower() for name in names]
    ids = list(Tag.objects.annotate(lname=Lower("name")).filter(lname__in=lowered).values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"tags": "Type the tags to take off (tags that exist), separated by commas."})
    return {"tag_ids": ids, "tags": ", ".join(names)}


bulk_action_register(
    BulkAction(
        name="tag",
        label="Add tags",
        unchanged="Had those tags already",
        clean=_clean_tag_add,
        apply=lambda ticket, actor, p: ticket_tags_change(ticket=ticket, agent=actor, add=p["tags"]) > 0,
    )
)
bulk_action_register(
    BulkAction(
        name="untag",
        label="Remove tags",
        unchanged="Had none of those tags",
        clean=_clean_tag_remove,
        apply=lambda ticket, actor, p: ticket_tags_change(ticket=ticket, agent=actor, remove=p["tag_ids"]) > 0,
    )
)
