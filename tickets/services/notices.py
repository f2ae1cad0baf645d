"""An agent's notices: the bell and its list, and the "customer replied" notice.

Every read and write here is scoped to one user: nobody sees or marks another's notices.
Reminders and breach notices are written by the sweep (``tickets.services.sweep``); a
customer's reply is announced by ``customer_reply_notify`` (called by ``customer_reply_post``) to
the assignee (or the queue's agents on duty) and the ticket's followers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from tickets.models import Message, Notice, Ticket
from tickets.models.agent import agents, is_agent
from tickets.selectors_triage import followers_to_notify
from tickets.services.outbox import outbox_enqueue_notices

# --- Writes --------------------------------------------------------------------------------


def notices_mark_read(*, user: User, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notices as read (only ``notice_ids`` when given); returns how many.

    Ids of other users' notices are ignored, so a forged id changes nothing.
    """
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(pk__in=list(notice_ids))
    return unread.update(read_at=timezone.now())


def _reply_recipients(ticket: Ticket, at: datetime) -> list[User]:
    """The assignee while still an agent, else the queue's agents on duty at ``at`` (as the sweep
    does); and the ticket's followers who may still see it. Each person once."""
    assignee = ticket.assignee
    if assignee is not None and is_agent(assignee):
        users = [assignee]
    else:
        users = agents().of_queue(ticket.queue_id).on_duty(at)
    users += followers_to_notify(ticket)
    return list({user.pk: user for user in users}.values())


def customer_reply_notify(*, message: Message, at: datetime) -> list[Notice]:
    """Tell the desk the customer answered: a notice and one email for each agent who should know.

    Must run inside the caller's transaction (the emails go to the broker after commit). The
    notices are unique per (message, user) and their emails per notice (``notice:<id>``), so a
    retried task or a second call for the same message writes and sends nothing new. The caller
    leaves out automatic messages (out-of-office replies): they are not the customer's answer.
    Returns the notices for ``message`` (old and new).
    """
    ticket = message.ticket
    Notice.objects.bulk_create(
        [
            Notice(message=message, ticket=ticket, user=user, kind=Notice.Kind.CUSTOMER_REPLY, created_at=at)
            for user in _reply_recipients(ticket, at)
        ],
        ignore_conflicts=True,  # the unique (message, user): once, however often this runs
    )
    notices = list(
        Notice.objects.filter(message=message, kind=Notice.Kind.CUSTOMER_REPLY).select_related("user").order_by("pk")
    )
    outbox_enqueue_notices(notices=notices)
    return notices
