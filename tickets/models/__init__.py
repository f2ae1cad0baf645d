from tickets.models.customer import Customer
from tickets.models.event import TicketEvent
from tickets.models.message import Attachment, Message
from tickets.models.outbox import OutboundEmail
from tickets.models.queue import Queue
from tickets.models.ticket import Ticket

__all__ = ["Attachment", "Customer", "Message", "OutboundEmail", "Queue", "Ticket", "TicketEvent"]
