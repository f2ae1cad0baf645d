"""Raw emails are kept MAIL_RAW_RETENTION_DAYS, then cleared by a daily task, in batches;
quarantined ones never, recent ones not yet, and 0 keeps everything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mail.models import InboundMessage
from mail.retention import inbound_raw_purge
from mail.services import email_ingest
from tests.mail.corpus import APPLE_MAIL_REPLY
from tests.mail.test_admin import QUARANTINED


def received(mailbox, n: int, days_ago: int, *, raw: bytes | None = None) -> InboundMessage:
    message = (
        raw
        or (
            f"From: grace@example.org\r\nTo: support@localhost\r\nSubject: Printer {n}\r\n"
            f"Message-ID: <retention-{n}@example.org>\r\n\r\nIt broke again ({n}).\r\n"
        ).encode()
    )
    inbound = email_ingest(mailbox=mailbox, raw=message).inbound
    InboundMessage.objects.filter(pk=inbound.pk).update(received_at=timezone.now() - timedelta(days=days_ago))
    inbound.refresh_from_db()
    return inbound


@pytest.fixture
def year_old(mailbox) -> list[InboundMessage]:
    return [received(mailbox, n, days_ago=400) for n in range(5)]


@pytest.mark.django_db
def test_old_filed_messages_lose_their_raw_bytes_and_keep_their_row_and_their_text(year_old):
    assert inbound_raw_purge() == 5
    for inbound in year_old:
        inbound.refresh_from_db()
        assert inbound.raw == b"" and bytes(inbound.raw_compressed) == b""
        assert inbound.raw_purged_at is not None
        assert inbound.message is not None and inbound.message.body.startswith("It broke again")
    assert inbound_raw_purge() == 0  # each is cleared once


@pytest.mark.django_db
def test_recent_and_quarantined_messages_keep_their_raw_bytes(mailbox, year_old):
    recent = received(mailbox, 10, days_ago=364)
    stuck = received(mailbox, 11, days_ago=900, raw=QUARANTINED)
    assert stuck.status == InboundMessage.Status.QUARANTINED

    assert inbound_raw_purge() == 5

    recent.refresh_from_db()
    stuck.refresh_from_db()
    assert (recent.raw_purged_at, stuck.raw_purged_at) == (None, None)
    assert recent.raw.startswith(b"From: grace@example.org") and stuck.raw == QUARANTINED


@pytest.mark.django_db
def test_the_purge_goes_in_batches_and_a_run_cut_short_is_finished_by_the_next(year_old):
    assert inbound_raw_purge(batch_size=2, max_batches=2) == 4  # two batches of two
    assert InboundMessage.objects.filter(raw_purged_at__isnull=True).count() == 1
    assert inbound_raw_purge(batch_size=2) == 1  # oldest first; the rest the next day


@pytest.mark.django_db
def test_zero_days_keeps_every_raw_message_forever(year_old, settings):
    settings.MAIL_RAW_RETENTION_DAYS = 0
    assert inbound_raw_purge() == 0
    assert not InboundMessage.objects.filter(raw_purged_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_retention_follows_the_setting(mailbox, settings):
    settings.MAIL_RAW_RETENTION_DAYS = 30
    old, young = received(mailbox, 1, days_ago=31), received(mailbox, 2, days_ago=29)
    assert inbound_raw_purge() == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.raw_purged_at is not None and young.raw_purged_at is None


@pytest.mark.django_db
def test_the_task_runs_the_purge_and_beat_runs_it_daily(year_old):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from helpdesk.celery import app
    from mail.tasks import purge_raw_messages_task

    assert purge_raw_messages_task() == 5
    entry = PeriodicTask.objects.get(name="Clear old raw emails")
    assert entry.task == "mail.tasks.purge_raw_messages" and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (24 * 60 * 60, IntervalSchedule.SECONDS)
    assert entry.task in app.tasks


@pytest.mark.django_db
def test_the_admin_shows_when_a_raw_message_was_cleared_and_does_not_offer_empty_bytes(admin_client_, mailbox):
    inbound = received(mailbox, 1, days_ago=400, raw=APPLE_MAIL_REPLY)
    inbound_raw_purge()
    inbound.refresh_from_db()
    listing = admin_client_.get(reverse("admin:mail_inboundmessage_changelist")).content.decode()
    assert "Raw kept" in listing
    detail = admin_client_.get(reverse("admin:mail_inboundmessage_change", args=[inbound.pk])).content.decode()
    assert "Raw message cleared" in detail
    download = admin_client_.post(
        reverse("admin:mail_inboundmessage_changelist"),
        {"action": "download_raw", "_selected_action": [inbound.pk]},
        follow=True,
    )
    assert download["Content-Type"].startswith("text/html")
    assert "was cleared on" in download.content.decode()
