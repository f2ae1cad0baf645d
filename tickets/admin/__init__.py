"""Django admin: configuration (queues, customers) and read-mostly views of tickets and the outbox.

Tickets change only through the services, so the admin shows status, priority and
assignee read-only and links to the desk, where those changes are recorded as events.
"""

from tickets.admin import agent, care, customer, outbox, queue, sla, tag, ticket, workspace

__all__ = ["agent", "care", "customer", "outbox", "queue", "sla", "tag", "ticket", "workspace"]
