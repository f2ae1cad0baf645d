"""Mail loops on the real stack: PostgreSQL, the real worker on Redis, a real SMTP server.

The customer's mailbox answers every email it gets (an autoresponder built here: it reads each
new email to her at the SMTP server and feeds an answer back through the intake, as her mail
server would deliver it to ours). Whether its answers carry RFC 3834's headers or are naive
"Re: <subject>" replies, after one exchange the desk sends her nothing more. And a bounce of the
acknowledgement makes no email at all.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from django.conf import settings

from helpdesk.celery import app
from mail.models import InboundMessage, Mailbox
from mail.services import email_ingest
from tests.e2e.conftest import Mailbox as SmtpSink
from tests.e2e.conftest import Worker
from tests.e2e.stack import wait_until
from tests.mail import bounces
from tickets.models import Customer, Message, OutboundEmail, Ticket, TicketEvent

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

GRACE = "grace@example.org"
SETTLE_SECONDS = 20.0
QUIET_SECONDS = 2.0
MAX_ROUNDS = 6  # a loop would show well before this; a bound keeps a broken desk from running forever


def worker_idle() -> bool:
    """Nothing left for the worker: no email waiting in the outbox, no task waiting on the broker."""
    unsent = OutboundEmail.objects.filter(status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING])
    if unsent.exists():
        return False
    with app.connection_for_read() as conn:
        return all(int(conn.default_channel.client.llen(queue)) == 0 for queue in settings.WORKER_QUEUES)


def settle(sink: SmtpSink) -> list[EmailMessage]:
    """Wait for the worker to be idle, then make sure nothing more arrives for a while."""
    wait_until(worker_idle, SETTLE_SECONDS, "the worker did not finish its work")
    return sink.wait_quiet(len(sink.messages), QUIET_SECONDS)


class Autoresponder:
    """Grace's mailbox while she is away: answers every email that reaches her, each once.

    ``rfc3834``: its answers say what they are (Auto-Submitted: auto-replied, In-Reply-To), as
    Exchange, Gmail and Dovecot's vacation do; else a naive one: "Re: <subject>" to the Reply-To
    (or, ``to_from``, to the From), no such headers, as a home-made script or an old server writes.
    """

    def __init__(self, sink: SmtpSink, mailbox: Mailbox, *, rfc3834: bool, to_from: bool = False) -> None:
        self.sink, self.mailbox, self.rfc3834, self.to_from = sink, mailbox, rfc3834, to_from
        self.seen = 0
        self.answers = 0

    def answer_new_mail(self) -> int:
        """Answer what arrived for Grace since last time; how many answers were sent."""
        new, self.seen = self.sink.messages[self.seen :], len(self.sink.messages)
        sent = 0
        for received in new:
            if str(received["To"]) != GRACE:
                continue  # an agent's notice: not her mailbox
            email_ingest(mailbox=self.mailbox, raw=self._answer(received))
            sent += 1
        self.answers += sent
        return sent

    def _answer(self, received: EmailMessage) -> bytes:
        answer = EmailMessage()
        answer["From"] = f"Grace Hopper <{GRACE}>"
        answer["To"] = str(received["From"] if self.to_from else received["Reply-To"] or received["From"])
        answer["Subject"] = f"{'Automatic reply' if self.rfc3834 else 'Re'}: {received['Subject']}"
        answer["Message-ID"] = make_msgid(domain="example.org")
        if self.rfc3834:
            answer["Auto-Submitted"] = "auto-replied"
            answer["In-Reply-To"] = str(received["Message-ID"])
            answer["References"] = str(received["Message-ID"])
        answer.set_content("I am away until Monday 7 December with no access to email.\n")
        return answer.as_bytes()


def first_request(mailbox: Mailbox) -> Ticket:
    message = EmailMessage()
    message["From"], message["To"] = f"Grace Hopper <{GRACE}>", mailbox.address
    message["Subject"], message["Message-ID"] = "The printer prints blank pages", make_msgid(domain="example.org")
    message.set_content("Since this morning every page comes out blank.\n")
    inbound = email_ingest(mailbox=mailbox, raw=message.as_bytes()).inbound
    assert inbound.ticket is not None
    return inbound.ticket


@pytest.mark.parametrize(
    ("rfc3834", "to_from"),
    [
        pytest.param(True, False, id="rfc3834-autoresponder"),
        pytest.param(False, False, id="naive-autoresponder"),
        # Without a Reply-To or In-Reply-To to go by, only the reference in the subject ties the
        # answer to the ticket (it comes from the ticket's customer): without that rule each
        # answer would open a ticket and be acknowledged, up to the hourly cap (5 rounds).
        pytest.param(False, True, id="naive-autoresponder-to-from"),
    ],
)
def test_an_autoresponder_answering_everything_gets_one_exchange_and_nothing_more(
    rfc3834: bool, to_from: bool, desk: Any, smtp_server: SmtpSink, celery_worker_process: Worker
) -> None:
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    ticket = first_request(mailbox)
    responder = Autoresponder(smtp_server, mailbox, rfc3834=rfc3834, to_from=to_from)
    smtp_server.wait_for(1)  # the acknowledgement
    rounds = 0
    while rounds < MAX_ROUNDS and responder.answer_new_mail():
        rounds += 1
        settle(smtp_server)

    assert (rounds, responder.answers) == (1, 1)  # it answered the acknowledgement; nothing came back to answer
    sent = settle(smtp_server)
    to_grace = [m for m in sent if str(m["To"]) == GRACE]
    assert [str(m["Auto-Submitted"]) for m in to_grace] == ["auto-replied"]  # only the acknowledgement
    assert Ticket.objects.count() == 1
    bodies = list(ticket.messages.filter(author_kind=Message.Author.CUSTOMER).values_list("body", flat=True))
    assert bodies[-1] == "I am away until Monday 7 December with no access to email."
    assert len(bodies) == 2  # the answer is on the ticket for the agent to read
    if rfc3834:
        assert sent == to_grace  # a machine's answer tells nobody
        assert InboundMessage.objects.filter(automatic=True).count() == 1
    else:
        # Nothing tells a naive answer from Grace's own: it is her reply, and the queue's agent hears of it.
        assert [str(m["To"]) for m in sent] == [GRACE, desk.agent_a.email]


def test_a_bounce_of_the_acknowledgement_makes_no_email_and_flags_the_address(
    desk: Any, smtp_server: SmtpSink, celery_worker_process: Worker
) -> None:
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    ticket = first_request(mailbox)
    [ack] = smtp_server.wait_for(1)
    settle(smtp_server)

    inbound = email_ingest(mailbox=mailbox, raw=bounces.postfix(ack.as_bytes())).inbound
    assert (inbound.status, inbound.ticket) == (InboundMessage.Status.BOUNCE, ticket)
    assert len(settle(smtp_server)) == 1  # still only the acknowledgement: nothing to Grace, nobody told
    assert Ticket.objects.count() == 1
    assert ticket.messages.count() == 1
    assert OutboundEmail.objects.get(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).status == OutboundEmail.Status.BOUNCED
    assert Customer.objects.get(email=GRACE).email_bounce_reason.startswith("550 5.1.1")
    assert ticket.events.filter(kind=TicketEvent.Kind.EMAIL_BOUNCED).count() == 1
