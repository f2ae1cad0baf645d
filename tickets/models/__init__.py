from tickets.models.agent import AgentProfile
from tickets.models.customer import Customer
from tickets.models.event import TicketEvent
from tickets.models.message import Attachment, Message
from tickets.models.outbox import OutboundEmail
from tickets.models.promise import Notice, Promise
from tickets.models.queue import Queue
from tickets.models.search import TicketSearch
from tickets.models.sla import BusinessCalendar, Holiday, OpeningHours, SlaPolicy
from tickets.models.ticket import Ticket

__all__ = [
    "AgentProfile",
    "Attachment",
    "BusinessCalendar",
    "Customer",
    "Holiday",
    "Message",
    "Notice",
    "OpeningHours",
    "OutboundEmail",
    "Promise",
    "Queue",
    "SlaPolicy",
    "Ticket",
    "TicketEvent",
    "TicketSearch",
]
