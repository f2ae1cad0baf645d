"""The batch sender: many rows per run over one SMTP session, each result recorded, one broker
message per transaction and lane. The real worker and SMTP server: tests/e2e/test_outbox_batch_e2e.py.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any, ClassVar

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from tests.factories import CustomerFactory, TicketFactory
from tickets.models import Notice, OutboundEmail
from tickets.services import outbox
from tickets.services.outbox import Lane, outbox_claim_token, outbox_enqueue, outbox_requeue_due
from tickets.services.outbox_batch import outbox_send_batch

pytestmark = pytest.mark.django_db


class ScriptedBackend(EmailBackend):
    """The locmem backend, counting sessions; addresses in ``refuse`` get the SMTP answer given."""

    opened: ClassVar[int] = 0
    refuse: ClassVar[dict[str, tuple[int, str]]] = {}
    hang_up_before: ClassVar[set[str]] = set()  # the server closes the session before these, once each
    down: ClassVar[bool] = False

    def open(self) -> bool:
        if self.down:
            raise ConnectionRefusedError(111, "Connection refused")
        type(self).opened += 1
        return True

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if message.to[0] in self.hang_up_before:
                self.hang_up_before.discard(message.to[0])
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            if answer := self.refuse.get(message.to[0]):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: answer})
        return super().send_messages(messages)


@pytest.fixture
def backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedBackend"
    ScriptedBackend.opened, ScriptedBackend.refuse, ScriptedBackend.hang_up_before = 0, {}, set()
    ScriptedBackend.down = False
    return ScriptedBackend


@pytest.fixture
def published(monkeypatch) -> list[Lane]:
    lanes: list[Lane] = []
    monkeypatch.setattr(outbox, "publish_lane", lanes.append)
    return lanes


def links_email(n: int, **fields: Any) -> OutboundEmail:
    customer = CustomerFactory(email=f"customer{n}@example.com")
    return outbox_enqueue(
        key=f"links:{n}", kind=OutboundEmail.Kind.TICKET_LINKS, customer=customer, context={"ticket_ids": []}, **fields
    )


def statuses() -> dict[str, str]:
    return dict(OutboundEmail.objects.values_list("to_email", "status"))


def test_one_run_sends_every_due_row_over_one_session_and_records_each(backend):
    for n in range(7):
        links_email(n)

    result = outbox_send_batch(lane=Lane.MAIL, limit=3)

    assert (result.counts["sent"], result.more) == (7, False)
    assert backend.opened == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"customer{n}@example.com" for n in range(7))
    rows = OutboundEmail.objects.all()
    assert {(r.status, r.attempts, r.claimed_until) for r in rows} == {(OutboundEmail.Status.SENT, 1, None)}
    assert all(r.subject and r.body_text and r.sent_at for r in rows)
    assert str(outbox_send_batch(lane=Lane.MAIL)) == "sent=0 skipped=0 retry=0 failed=0 more=no"  # nothing twice
    assert len(mail.outbox) == 7


def test_a_refused_address_fails_with_its_error_a_busy_one_is_retried_later_and_the_rest_go_out(backend):
    for n in range(3):
        links_email(n)
    backend.refuse = {"customer0@example.com": (550, b"no such user"), "customer1@example.com": (451, b"busy")}

    result = outbox_send_batch(lane=Lane.MAIL)

    assert (result.counts["sent"], result.counts["failed"], result.counts["retry"]) == (1, 1, 1)
    assert statuses() == {
        "customer0@example.com": OutboundEmail.Status.FAILED,
        "customer1@example.com": OutboundEmail.Status.PENDING,
        "customer2@example.com": OutboundEmail.Status.SENT,
    }
    failed = OutboundEmail.objects.get(to_email="customer0@example.com")
    assert "550" in failed.last_error and "no such user" in failed.last_error
    busy = OutboundEmail.objects.get(to_email="customer1@example.com")
    assert busy.next_attempt_at > timezone.now() and "451" in busy.last_error
    backend.refuse = {}
    assert outbox_send_batch(lane=Lane.MAIL).counts["sent"] == 0  # not due yet: backoff
    with time_machine.travel(busy.next_attempt_at + timedelta(seconds=1)):
        assert outbox_send_batch(lane=Lane.MAIL).counts["sent"] == 1
    assert [m.to[0] for m in mail.outbox] == ["customer2@example.com", "customer1@example.com"]


def test_a_session_the_server_closed_between_messages_is_opened_again_and_the_email_still_goes(backend):
    for n in range(3):
        links_email(n)
    backend.hang_up_before = {"customer1@example.com"}

    assert outbox_send_batch(lane=Lane.MAIL).counts["sent"] == 3
    assert backend.opened == 2
    assert set(statuses().values()) == {OutboundEmail.Status.SENT}


def test_a_server_that_is_down_leaves_every_email_for_a_later_try(backend):
    for n in range(2):
        links_email(n)
    backend.down = True

    result = outbox_send_batch(lane=Lane.MAIL)

    assert (result.counts["retry"], result.counts["failed"]) == (2, 0)
    rows = OutboundEmail.objects.all()
    assert {(r.status, r.attempts) for r in rows} == {(OutboundEmail.Status.PENDING, 1)}
    assert all("Connection refused" in r.last_error and r.next_attempt_at > timezone.now() for r in rows)


def test_each_lane_sends_only_its_own_rows_and_never_a_held_one(backend, desk):
    links_email(1)
    links_email(2, hold=True)
    ticket = TicketFactory(queue=desk.queue_a)
    notice = Notice.objects.create(
        user=desk.agent_a, ticket=ticket, kind=Notice.Kind.MENTION, created_at=timezone.now()
    )
    outbox.outbox_enqueue_notices(notices=[notice])

    assert outbox_send_batch(lane=Lane.NOTICES).counts["sent"] == 1
    assert [m.to[0] for m in mail.outbox] == [desk.agent_a.email]
    assert outbox_send_batch(lane=Lane.MAIL).counts["sent"] == 1
    assert statuses()["customer2@example.com"] == OutboundEmail.Status.HELD


def test_out_of_time_a_run_gives_back_what_it_did_not_reach_and_says_more(backend):
    for n in range(4):
        links_email(n)

    result = outbox_send_batch(lane=Lane.MAIL, budget_seconds=-1)

    assert (result.counts["sent"], result.more) == (0, True)
    assert {(r.status, r.attempts, r.claimed_until) for r in OutboundEmail.objects.all()} == {
        (OutboundEmail.Status.PENDING, 0, None)
    }


def test_rows_claimed_by_a_live_run_are_left_alone_a_dead_runs_are_taken_after_the_lease(backend, settings):
    links_email(1)
    lost = outbox_claim_token()
    OutboundEmail.objects.update(status=OutboundEmail.Status.SENDING, claimed_until=lost, attempts=1)

    assert outbox_send_batch(lane=Lane.MAIL).counts["sent"] == 0
    # A retry of the same run names its earlier lease: it takes its own claim back at once.
    assert outbox_send_batch(lane=Lane.MAIL, claims=[lost, outbox_claim_token()]).counts["sent"] == 1
    links_email(2)
    OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.SENDING, claimed_until=timezone.now() + timedelta(seconds=5)
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)):
        assert outbox_send_batch(lane=Lane.MAIL).counts["sent"] == 1
    assert len(mail.outbox) == 2


def test_a_transaction_writing_many_emails_publishes_one_message_per_lane_after_commit(
    published, desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(5):
            links_email(n)
        ticket = TicketFactory(queue=desk.queue_a)
        notices = [
            Notice.objects.create(user=user, ticket=ticket, kind=Notice.Kind.MENTION, created_at=timezone.now())
            for user in (desk.agent_a, desk.agent_b)
        ]
        outbox.outbox_enqueue_notices(notices=notices)
        assert published == []  # nothing before the commit
    assert len(callbacks) == 2
    assert sorted(published) == [Lane.MAIL, Lane.NOTICES]
    assert OutboundEmail.objects.count() == 7


def test_a_rolled_back_email_publishes_nothing_and_a_later_one_still_does(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        links_email(1)
        with pytest.raises(RuntimeError), transaction.atomic():
            links_email(2)
            raise RuntimeError("the savepoint rolls back")
    assert published == [Lane.MAIL]  # the outer email's run survived the inner rollback
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        links_email(3)
        raise RuntimeError("all of it rolls back")
    assert published == [Lane.MAIL]


def test_a_savepoint_that_registered_the_run_and_rolled_back_leaves_the_next_email_to_register_again(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            links_email(1)
            raise RuntimeError("the savepoint rolls back")
        links_email(2)
    assert published == [Lane.MAIL]
    assert list(OutboundEmail.objects.values_list("key", flat=True)) == ["links:2"]


def test_the_requeue_queues_a_run_for_each_lane_with_rows_stuck_or_due_for_a_retry(published, settings, desk):
    links_email(1)
    assert outbox_requeue_due() == 0  # just queued: its run is presumably on the way
    ticket = TicketFactory(queue=desk.queue_a)
    notice = Notice.objects.create(
        user=desk.agent_a, ticket=ticket, kind=Notice.Kind.MENTION, created_at=timezone.now()
    )
    outbox.outbox_enqueue_notices(notices=[notice])
    OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTICE).update(attempts=1)  # a retry, due now

    assert outbox_requeue_due() == 1
    assert published == [Lane.NOTICES]
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS + 1)):
        assert outbox_requeue_due() == 2
    assert published == [Lane.NOTICES, Lane.MAIL, Lane.NOTICES]


def test_the_task_queues_its_next_run_while_rows_remain(backend, published, monkeypatch):
    from tickets import tasks
    from tickets.services.outbox_batch import outbox_send_batch as send_batch

    for n in range(3):
        links_email(n)
    monkeypatch.setattr(tasks, "publish_lane", published.append)
    monkeypatch.setattr(tasks, "outbox_send_batch", lambda **kw: send_batch(budget_seconds=-1, **kw))

    assert tasks.send_customer_emails_task() == "sent=0 skipped=0 retry=0 failed=0 more=yes"
    assert published == [Lane.MAIL]
    monkeypatch.setattr(tasks, "outbox_send_batch", send_batch)
    assert tasks.send_customer_emails_task() == "sent=3 skipped=0 retry=0 failed=0 more=no"
    assert published == [Lane.MAIL]
