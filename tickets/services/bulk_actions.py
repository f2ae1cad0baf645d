"""What a bulk job can do to each ticket: a registry of actions, each a call to the service a
one-by-one change uses, so permissions, events and promises are the same either way.

To add an action (moving queue, correcting the kind, tags...), write its single-ticket service
first, then register it here::

    bulk_action_register(BulkAction(
        name="move", label="Move to queue", unchanged="Already in that queue", clean=_clean_move,
        apply=lambda ticket, actor, p: ticket_queue_move(ticket=ticket, agent=actor, queue_id=p["queue"]),
    ))

and give the desk's bulk form its parameter (``desk/forms_bulk.py``). ``apply`` calls exactly one
service, which is atomic (a refused change rolls back its own savepoint, and the job's other
tickets in the same transaction stand). It returns whether the ticket changed, and raises
``ValidationError`` to skip the ticket with the message as the reason. It runs inside the
job's transaction that also marks the ticket done, so once per ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from tickets.models import Ticket
from tickets.models.agent import agents
from tickets.services.desk import ticket_assign, ticket_priority_change, ticket_status_change

Params = Mapping[str, Any]


@dataclass(frozen=True)
class BulkAction:
    name: str
    label: str  # "Change status": the job page's title
    unchanged: str  # the reason shown for a ticket that already was so
    clean: Callable[[Params, User], dict[str, Any]]  # checked once, when the job starts
    apply: Callable[[Ticket, User, Params], bool]  # one ticket, through its service
    tells_customers: bool = False  # offers "Email the customers" (off unless ticked)


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
