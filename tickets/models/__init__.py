from tickets.models.agent import AgentProfile
from tickets.models.bulk import BulkJob, BulkJobItem
from tickets.models.care import (
    ComplaintResolution,
    FollowUpRule,
    Gesture,
    GoodwillLimit,
    Praise,
    RootCause,
    ScheduledCheckIn,
)
from tickets.models.copied import CopiedAddress
from tickets.models.customer import Customer
from tickets.models.event import TicketEvent
from tickets.models.message import Attachment, Message
from tickets.models.outbox import OutboundEmail
from tickets.models.promise import Notice, Promise
from tickets.models.queue import Queue
from tickets.models.saved_view import SavedView
from tickets.models.search import TicketSearch
from tickets.models.sla import BusinessCalendar, Holiday, OpeningHours, SlaPolicy
from tickets.models.ticket import Ticket
from tickets.models.triage import Tag, TicketFollower, TicketLink, TicketTag

__all__ = [
    "AgentProfile",
    "Attachment",
    "BulkJob",
    "BulkJobItem",
    "BusinessCalendar",
    "ComplaintResolution",
    "CopiedAddress",
    "Customer",
    "FollowUpRule",
    "Gesture",
    "GoodwillLimit",
    "Holiday",
    "Message",
    "Notice",
    "OpeningHours",
    "OutboundEmail",
    "Praise",
    "Promise",
    "Queue",
    "RootCause",
    "SavedView",
    "ScheduledCheckIn",
    "SlaPolicy",
    "Tag",
    "Ticket",
    "TicketEvent",
    "TicketFollower",
    "TicketLink",
    "TicketSearch",
    "TicketTag",
]
