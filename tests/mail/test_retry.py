"""Retrying a quarantined message (mail.services.inbound_retry and the admin's "Retry filing"):
the same routing on the stored raw message, a result per message, never two tickets, and only
for admins allowed to."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse

from mail import services as mail_services
from mail.models import InboundMessage, Mailbox
from mail.services import email_ingest, inbound_retry
from tests.factories import UserFactory
from tests.mail.corpus import LATIN1
from tests.services import require_postgres
from tickets.models import OutboundEmail, Ticket

NO_SENDER = b"Subject: =?utf-8?q?Qui_suis-je=3F?=\r\n\r\nNo sender at all.\r\n"
CHANGELIST = reverse("admin:mail_inboundmessage_changelist")


def quarantined_by_a_bug(monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox) -> InboundMessage:
    """LATIN1 arrived while filing had a bug: quarantined. The bug is then fixed (undone)."""
    with monkeypatch.context() as patched:
        patched.setattr(mail_services.services, "ticket_submit", _broken)
        inbound = email_ingest(mailbox=mailbox, raw=LATIN1).inbound
    assert inbound.status == InboundMessage.Status.QUARANTINED
    return inbound


def _broken(**kwargs: object) -> None:
    raise KeyError("a bug in filing")


def staff(*codenames: str) -> Client:
    user = UserFactory(username="clerk", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="mail", codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_once_the_cause_is_fixed_a_retry_files_it_exactly_once(monkeypatch, mailbox):
    inbound = quarantined_by_a_bug(monkeypatch, mailbox)
    retried = inbound_retry(inbound=inbound)
    ticket = Ticket.objects.get()
    assert retried.summary == f"Filed as {ticket.reference}"
    inbound.refresh_from_db()
    assert (inbound.status, inbound.ticket, inbound.reason) == ("ticket", ticket, "")
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count() == 1

    again = inbound_retry(inbound=inbound)
    assert again.summary == f"Already filed (opened a ticket {ticket.reference})."
    assert Ticket.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db
def test_a_message_that_still_cannot_be_filed_stays_quarantined_with_its_reason(mailbox):
    inbound = email_ingest(mailbox=mailbox, raw=NO_SENDER).inbound
    retried = inbound_retry(inbound=inbound)
    assert retried.summary == "Still quarantined: Please give an email address like name@example.com."
    inbound.refresh_from_db()
    assert (inbound.status, inbound.raw) == ("quarantined", NO_SENDER)
    assert not Ticket.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_retries_at_the_same_moment_open_one_ticket(monkeypatch, desk):
    require_postgres()  # two connections at once: SQLite locks the whole file instead of the row
    mailbox = Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
    inbound = quarantined_by_a_bug(monkeypatch, mailbox)
    real_submit = mail_services.services.ticket_submit

    def slow_submit(**kwargs: object):  # holds the first retry inside its transaction a while
        time.sleep(0.5)
        return real_submit(**kwargs)

    monkeypatch.setattr(mail_services.services, "ticket_submit", slow_submit)
    summaries: list[str] = []
    start = threading.Barrier(2)

    def retry() -> None:
        try:
            start.wait()
            summaries.append(inbound_retry(inbound=inbound).summary)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    ticket = Ticket.objects.get()
    assert sorted(summaries) == [f"Already filed (opened a ticket {ticket.reference}).", f"Filed as {ticket.reference}"]


@pytest.mark.django_db
def test_the_admin_retries_from_the_list_and_reads_a_result_per_message(monkeypatch, mailbox, admin_client_):
    stuck = email_ingest(mailbox=mailbox, raw=NO_SENDER).inbound
    fixed = quarantined_by_a_bug(monkeypatch, mailbox)
    response = admin_client_.post(
        CHANGELIST, {"action": "retry_filing", "_selected_action": [stuck.pk, fixed.pk]}, follow=True
    )
    shown = response.content.decode()
    reference = Ticket.objects.get().reference
    assert f"Message {fixed.pk} from grace@example.org: Filed as {reference}" in shown
    assert f"Message {stuck.pk} from ?: Still quarantined: Please give an email address" in shown


@pytest.mark.django_db
def test_the_change_page_of_a_quarantined_message_has_a_retry_button(monkeypatch, mailbox, admin_client_):
    inbound = quarantined_by_a_bug(monkeypatch, mailbox)
    change = reverse("admin:mail_inboundmessage_change", args=[inbound.pk])
    retry = reverse("admin:mail_inboundmessage_retry", args=[inbound.pk])
    assert f'action="{retry}"' in admin_client_.get(change).content.decode()
    assert admin_client_.get(retry).status_code == 405
    response = admin_client_.post(retry, follow=True)
    assert response.redirect_chain[-1][0] == change
    assert f"Filed as {Ticket.objects.get().reference}" in response.content.decode()
    assert f'action="{retry}"' not in response.content.decode()  # filed: nothing left to retry


@pytest.mark.django_db
def test_staff_who_may_only_read_inbound_messages_cannot_retry(monkeypatch, mailbox):
    inbound = quarantined_by_a_bug(monkeypatch, mailbox)
    reader = staff("view_inboundmessage")
    change = reverse("admin:mail_inboundmessage_change", args=[inbound.pk])
    retry = reverse("admin:mail_inboundmessage_retry", args=[inbound.pk])
    page = reader.get(change).content.decode()
    assert "Quarantined" in page and "Retry filing" not in page
    assert "retry_filing" not in reader.get(CHANGELIST).content.decode()
    reader.post(CHANGELIST, {"action": "retry_filing", "_selected_action": [inbound.pk]})
    assert reader.post(retry).status_code == 403
    inbound.refresh_from_db()
    assert inbound.status == "quarantined" and not Ticket.objects.exists()


@pytest.mark.django_db
def test_staff_with_the_retry_permission_can(monkeypatch, mailbox):
    inbound = quarantined_by_a_bug(monkeypatch, mailbox)
    clerk = staff("view_inboundmessage", "retry_inboundmessage")
    assert "retry_filing" in clerk.get(CHANGELIST).content.decode()
    clerk.post(CHANGELIST, {"action": "retry_filing", "_selected_action": [inbound.pk]})
    inbound.refresh_from_db()
    assert inbound.status == "ticket"
