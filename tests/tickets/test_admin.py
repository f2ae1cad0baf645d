"""The Django admin: configuration pages load, tickets stay read-mostly, the outbox can retry."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import QueueFactory, TicketFactory
from tickets.links import link_token
from tickets.models import OutboundEmail, Queue, Ticket, TicketEvent
from tickets.services import agent_reply_post, ticket_submit
from tickets.services.outbox import Lane


def _submit(agent, n: int = 0) -> Ticket:
    ticket = ticket_submit(
        name="Rosa Diaz",
        email=f"rosa{n}@example.com",
        kind=Ticket.Kind.PROBLEM,
        subject=f"Invoice {n} shows the wrong company name",
        description="The PDF says ACME Ltd but we are ACME GmbH.",
        submission_key=f"form-key-{n}-7f3a9c",
    ).ticket
    agent_reply_post(ticket=ticket, agent=agent, body="Checked the billing profile: old name cached.", internal=True)
    agent_reply_post(ticket=ticket, agent=agent, body="Thanks Rosa, we've corrected the name.")
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def worked_ticket(desk) -> Ticket:
    """A ticket made the real way: first message, a note, a public reply, events and outbox rows."""
    return _submit(desk.agent_a)


CHANGE_PAGE_OBJECTS = {
    "queue": lambda t: t.queue,
    "customer": lambda t: t.customer,
    "ticket": lambda t: t,
    "outboundemail": lambda t: t.emails.get(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT),
}


@pytest.mark.parametrize("model", CHANGE_PAGE_OBJECTS)
def test_changelist_lists_rows_for_admin(admin_client_, worked_ticket, model):
    response = admin_client_.get(reverse(f"admin:tickets_{model}_changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 1


@pytest.mark.parametrize("model", CHANGE_PAGE_OBJECTS)
def test_change_page_loads_for_admin(admin_client_, worked_ticket, model):
    obj = CHANGE_PAGE_OBJECTS[model](worked_ticket)

    response = admin_client_.get(reverse(f"admin:tickets_{model}_change", args=[obj.pk]))

    assert response.status_code == 200


def _row_queries(client, url: str) -> int:
    """The page's queries, counted from the same start: the content types' per-process cache emptied
    first (other tests in the same process may have filled it, or emptied it, at any point)."""
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", CHANGE_PAGE_OBJECTS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client_, desk, model):
    def add_rows(n: int) -> None:
        for i in range(n):
            queue = QueueFactory(team_lead=desk.agent_b)
            queue.agents.add(desk.agent_a)
            ticket = _submit(desk.agent_a, n=Ticket.objects.count() + i)
            TicketFactory(queue=queue, assignee=desk.agent_a, customer=ticket.customer)

    url = reverse(f"admin:tickets_{model}_changelist")
    add_rows(1)
    with_one = _row_queries(admin_client_, url)
    add_rows(15)

    assert _row_queries(admin_client_, url) == with_one


def test_ticket_change_page_query_count_does_not_grow_with_messages(admin_client_, worked_ticket, desk):
    url = reverse("admin:tickets_ticket_change", args=[worked_ticket.pk])
    few = _row_queries(admin_client_, url)
    for i in range(10):
        agent_reply_post(ticket=worked_ticket, agent=desk.agent_b, body=f"Follow-up {i}", internal=True)

    assert _row_queries(admin_client_, url) == few


def test_queue_list_counts_agents_and_open_tickets(admin_client_, desk):
    TicketFactory.create_batch(2, queue=desk.queue_a)
    TicketFactory(queue=desk.queue_a, status=Ticket.Status.RESOLVED)
    desk.queue_a.agents.add(desk.agent_b)

    response = admin_client_.get(reverse("admin:tickets_queue_changelist"))

    billing = next(q for q in response.context["cl"].result_list if q.pk == desk.queue_a.pk)
    assert (billing.agent_total, billing.open_total) == (2, 2)


def test_ticket_search_by_reference_finds_that_ticket(admin_client_, desk):
    tickets = TicketFactory.create_batch(3, queue=desk.queue_a)
    wanted = tickets[1]
    url = reverse("admin:tickets_ticket_changelist")

    for term in (wanted.reference, wanted.reference.lower()):
        response = admin_client_.get(url, {"q": term})
        assert [t.pk for t in response.context["cl"].result_list] == [wanted.pk]


def test_ticket_search_by_customer_email(admin_client_, worked_ticket):
    TicketFactory(subject="Unrelated")

    response = admin_client_.get(reverse("admin:tickets_ticket_changelist"), {"q": "rosa0@example"})

    assert [t.pk for t in response.context["cl"].result_list] == [worked_ticket.pk]


def test_ticket_change_page_shows_conversation_and_desk_link(admin_client_, worked_ticket):
    response = admin_client_.get(reverse("admin:tickets_ticket_change", args=[worked_ticket.pk]))

    html = response.content.decode()
    assert "Checked the billing profile: old name cached." in html
    assert "Internal note" in html
    assert reverse("desk:ticket", kwargs={"reference": worked_ticket.reference}) in html
    assert 'name="status"' not in html
    assert 'name="assignee"' not in html


def test_ticket_change_page_never_shows_link_secrets(admin_client_, worked_ticket):
    response = admin_client_.get(reverse("admin:tickets_ticket_change", args=[worked_ticket.pk]))

    html = response.content.decode()
    for secret in (worked_ticket.link_hash, worked_ticket.link_salt, link_token(worked_ticket)):
        assert secret not in html
    assert worked_ticket.submission_key not in html
    assert "link_hash" not in html


def _change_form_post(response, **changes: object) -> dict[str, object]:
    """What the browser would post back for the page in ``response``, with ``changes`` applied."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    data.update(changes)
    return data


def test_admin_save_cannot_change_status_priority_or_assignee(admin_client_, worked_ticket, desk):
    url = reverse("admin:tickets_ticket_change", args=[worked_ticket.pk])
    events_before = TicketEvent.objects.filter(ticket=worked_ticket).count()
    assignee_before = Ticket.objects.get(pk=worked_ticket.pk).assignee_id
    assert assignee_before == desk.agent_a.pk  # she replied to it (assign-on-reply); the post asks for Bob
    data = _change_form_post(
        admin_client_.get(url),
        subject="Invoice shows the old company name",
        status=Ticket.Status.CLOSED,
        priority=Ticket.Priority.URGENT,
        assignee=desk.agent_b.pk,
    )

    response = admin_client_.post(url, data)

    assert response.status_code == 302
    worked_ticket.refresh_from_db()
    assert worked_ticket.subject == "Invoice shows the old company name"
    assert (worked_ticket.status, worked_ticket.priority, worked_ticket.assignee_id) == (
        Ticket.Status.OPEN,
        Ticket.Priority.NORMAL,
        assignee_before,
    )
    assert TicketEvent.objects.filter(ticket=worked_ticket).count() == events_before


def test_admin_save_writes_only_the_columns_it_changed(admin_client_, worked_ticket):
    """A full-row save would write back the promise's due time and the status read moments ago."""
    url = reverse("admin:tickets_ticket_change", args=[worked_ticket.pk])
    data = _change_form_post(admin_client_.get(url), subject="Invoice shows the old company name")

    with CaptureQueriesContext(connection) as queries:
        assert admin_client_.post(url, data).status_code == 302

    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "tickets_ticket"')]
    assert update.split(" WHERE ")[0].count("=") == 2  # subject and updated_at
    assert '"subject" =' in update
    worked_ticket.refresh_from_db()
    assert worked_ticket.subject == "Invoice shows the old company name"


def test_admin_cannot_add_tickets_or_outbox_rows(admin_client_, desk):
    assert admin_client_.get(reverse("admin:tickets_ticket_add")).status_code == 403
    assert admin_client_.get(reverse("admin:tickets_outboundemail_add")).status_code == 403


def test_agent_without_superuser_is_denied(alice, worked_ticket):
    assert alice.get(reverse("admin:tickets_ticket_changelist")).status_code == 403
    assert alice.get(reverse("admin:tickets_ticket_change", args=[worked_ticket.pk])).status_code == 403
    assert alice.get(reverse("admin:tickets_outboundemail_changelist")).status_code == 403
    assert alice.get(reverse("admin:index")).context["app_list"] == []


def test_anonymous_visitor_is_sent_to_admin_login(stranger, worked_ticket):
    response = stranger.get(reverse("admin:tickets_ticket_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _send_again(client, *emails: OutboundEmail):
    return client.post(
        reverse("admin:tickets_outboundemail_changelist"),
        {"action": "send_again_now", "index": 0, "_selected_action": [e.pk for e in emails]},
    )


def test_send_again_now_puts_failed_email_back_in_line(
    admin_client_, worked_ticket, django_capture_on_commit_callbacks
):
    failed = worked_ticket.emails.get(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
    long_ago = timezone.now() - timedelta(days=1)
    OutboundEmail.objects.filter(pk=failed.pk).update(
        status=OutboundEmail.Status.FAILED, attempts=10, next_attempt_at=long_ago, last_error="550 no such user"
    )
    sent = worked_ticket.emails.get(kind=OutboundEmail.Kind.AGENT_REPLY)
    OutboundEmail.objects.filter(pk=sent.pk).update(status=OutboundEmail.Status.SENT, sent_at=long_ago)
    before = timezone.now()

    with (
        mock.patch("tickets.services.outbox.kick_now") as kick,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _send_again(admin_client_, failed, sent)

    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == OutboundEmail.Status.PENDING
    assert failed.next_attempt_at >= before
    assert sent.status == OutboundEmail.Status.SENT
    kick.assert_called_once_with(Lane.MAIL)  # one sender run for the customer-email lane


def test_staff_who_may_only_view_the_outbox_cannot_send_again(alice, desk, worked_ticket):
    desk.agent_a.user_permissions.add(Permission.objects.get(codename="view_outboundemail"))
    failed = worked_ticket.emails.get(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
    OutboundEmail.objects.filter(pk=failed.pk).update(status=OutboundEmail.Status.FAILED)
    url = reverse("admin:tickets_outboundemail_changelist")

    assert alice.get(url).status_code == 200
    assert "send_again_now" not in alice.get(url).content.decode()
    _send_again(alice, failed)
    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.FAILED


def test_outbox_list_shows_age_of_oldest_pending_email(admin_client_, worked_ticket):
    url = reverse("admin:tickets_outboundemail_changelist")
    oldest = worked_ticket.emails.get(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
    OutboundEmail.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(hours=2, minutes=5))

    subtitle = admin_client_.get(url).context["subtitle"]
    assert oldest.key in subtitle
    assert "2\xa0hours" in subtitle

    OutboundEmail.objects.update(status=OutboundEmail.Status.SENT)
    assert admin_client_.get(url).context["subtitle"] == "No email is waiting to be sent."


def test_a_second_default_queue_is_refused(admin_client_, db):
    queues_before = Queue.objects.count()
    response = admin_client_.post(
        reverse("admin:tickets_queue_add"), {"name": "Returns", "slug": "returns", "is_default": "on"}
    )

    assert response.status_code == 200
    assert "is already the default queue" in response.content.decode()
    assert Queue.objects.count() == queues_before


def test_admin_sets_an_agents_availability_and_zone(admin_client_, desk):
    from tickets.models import AgentProfile

    assert admin_client_.get(reverse("admin:tickets_agentprofile_changelist")).status_code == 200
    response = admin_client_.post(
        reverse("admin:tickets_agentprofile_add"),
        {"user": desk.agent_a.pk, "on_duty": "", "timezone": "Europe/Paris"},
    )
    assert response.status_code == 302
    profile = AgentProfile.objects.get(user=desk.agent_a)
    assert (profile.on_duty, profile.timezone) == (False, "Europe/Paris")
