"""The outbox: exactly one email per row, retries with backoff, stuck rows found again."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tickets import services
from tickets.models import OutboundEmail, Ticket
from tickets.selectors import outbox_due_ids
from tickets.services.outbox import SendResult, outbox_claim_token


@pytest.fixture
def ack(desk) -> OutboundEmail:
    services.ticket_submit(
        name="Ada Lovelace", email="ada@example.com", kind=Ticket.Kind.PROBLEM,
        subject="Engine stalls", description="It stops at step 3.",
    )  # fmt: skip
    return OutboundEmail.objects.get()


def send(email: OutboundEmail) -> SendResult:
    return services.outbox_send(email_id=email.pk)[0]


@pytest.mark.django_db
def test_sends_once_however_often_it_runs(ack):
    assert send(ack) is SendResult.SENT
    assert send(ack) is SendResult.SKIPPED
    assert len(mail.outbox) == 1
    ack.refresh_from_db()
    assert ack.status == "sent" and ack.sent_at is not None and ack.attempts == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == ack.message_id_header


@pytest.mark.django_db
def test_smtp_down_means_retry_later_with_the_error_recorded(ack, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    result, delay = services.outbox_send(email_id=ack.pk)
    assert result is SendResult.RETRY and 0 < delay <= 600
    ack.refresh_from_db()
    assert ack.status == "pending" and ack.attempts == 1
    assert "Connection" in ack.last_error or "refused" in ack.last_error.lower()
    assert ack.next_attempt_at > timezone.now()
    assert send(ack) is SendResult.SKIPPED  # not due yet: no hammering a down server
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(ack.next_attempt_at + timedelta(seconds=1)):
        assert send(ack) is SendResult.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_gives_up_after_the_last_attempt(ack, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    settings.OUTBOX_MAX_ATTEMPTS = 2
    assert send(ack) is SendResult.RETRY
    ack.refresh_from_db()
    with time_machine.travel(ack.next_attempt_at + timedelta(seconds=1)):
        assert send(ack) is SendResult.FAILED
    ack.refresh_from_db()
    assert ack.status == "failed" and ack.attempts == 2


@pytest.mark.django_db
def test_a_live_claim_blocks_a_second_sender_and_an_expired_one_does_not(ack):
    now = timezone.now()
    OutboundEmail.objects.filter(pk=ack.pk).update(status="sending", claimed_until=now + timedelta(minutes=5))
    assert send(ack) is SendResult.SKIPPED
    with time_machine.travel(now + timedelta(minutes=6)):
        assert ack.pk in outbox_due_ids()
        assert send(ack) is SendResult.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_retried_try_takes_back_its_own_claim_at_once_and_no_one_elses(ack):
    # A try claimed the row, then a database error hid the answer: its claim is live for the lease.
    lost = outbox_claim_token()
    OutboundEmail.objects.filter(pk=ack.pk).update(status="sending", claimed_until=datetime.fromisoformat(lost))
    assert services.outbox_send(email_id=ack.pk, claims=[outbox_claim_token()])[0] is SendResult.SKIPPED
    assert services.outbox_send(email_id=ack.pk, claims=[lost, outbox_claim_token()])[0] is SendResult.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_requeue_finds_only_rows_stuck_past_the_grace(ack, settings):
    assert outbox_due_ids() == []  # just queued: its task is presumably on the way
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS + 5)
    with time_machine.travel(later):
        assert outbox_due_ids() == [ack.pk]
    send(ack)
    with time_machine.travel(later):
        assert outbox_due_ids() == []
