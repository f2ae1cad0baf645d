"""Every write to tickets goes through these functions (views, admin, tasks alike)."""

from tickets.services.bounces import customer_bounce_clear, email_bounce_record
from tickets.services.copies import CopyChoice, reply_copies_send, ticket_copies_add
from tickets.services.desk import (
    agent_reply_post,
    agent_reply_write,
    ticket_assign,
    ticket_priority_change,
    ticket_status_change,
    ticket_update,
)
from tickets.services.follow_up import Written, customer_write, takes_replies
from tickets.services.outbox import outbox_requeue_due, outbox_send
from tickets.services.portal import customer_reply_post, link_revoke, links_resend, ticket_submit
from tickets.services.promises import agent_due_choice

__all__ = [
    "CopyChoice",
    "Written",
    "agent_due_choice",
    "agent_reply_post",
    "agent_reply_write",
    "customer_bounce_clear",
    "customer_reply_post",
    "customer_write",
    "email_bounce_record",
    "link_revoke",
    "links_resend",
    "outbox_requeue_due",
    "outbox_send",
    "reply_copies_send",
    "takes_replies",
    "ticket_assign",
    "ticket_copies_add",
    "ticket_priority_change",
    "ticket_status_change",
    "ticket_submit",
    "ticket_update",
]
