"""``manage.py seed_demo``: a lived-in desk on the first run, nothing more on the next."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tickets.models import Customer, Message, OutboundEmail, Queue, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, object]:
    models = (get_user_model(), Queue, Queue.agents.through, Customer, Ticket, Message, TicketEvent, OutboundEmail)
    counts = {model.__name__: model.objects.count() for model in models}
    tickets = list(Ticket.objects.order_by("pk").values_list("pk", "status", "priority", "assignee", "updated_at"))
    return {**counts, "tickets": tickets}


def test_running_twice_changes_nothing():
    _seed()
    first = _snapshot()

    output = _seed()

    assert _snapshot() == first
    assert first["Ticket"] >= 10
    assert "already present" in output


def test_tickets_cover_every_kind_and_status():
    _seed()

    assert set(Ticket.objects.values_list("kind", flat=True)) == set(Ticket.Kind.values)
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)


def test_conversations_have_notes_replies_and_history():
    _seed()

    agent_messages = Message.objects.filter(author_kind=Message.Author.AGENT)
    assert agent_messages.filter(visibility=Message.Visibility.NOTE).exists()
    assert agent_messages.filter(visibility=Message.Visibility.PUBLIC).exists()
    # Follow-ups from customers, beyond each ticket's first message.
    assert Message.objects.filter(author_kind=Message.Author.CUSTOMER).count() > Ticket.objects.count()
    kinds = set(TicketEvent.objects.values_list("kind", flat=True))
    assert {TicketEvent.Kind.STATUS_CHANGED, TicketEvent.Kind.ASSIGNED, TicketEvent.Kind.PRIORITY_CHANGED} <= kinds
    acknowledged = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).count()
    assert acknowledged == Ticket.objects.count()
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.AGENT_REPLY).exists()


def test_history_spans_days_and_nothing_is_in_the_future():
    _seed()
    now = timezone.now()

    created = sorted(Ticket.objects.values_list("created_at", flat=True))
    assert (created[-1] - created[0]).days >= 7
    assert all(at <= now for at in Message.objects.values_list("created_at", flat=True))
    assert all(at <= now for at in TicketEvent.objects.values_list("created_at", flat=True))


def test_queues_and_agents():
    _seed()

    general = Queue.objects.get(slug="general")
    assert general.is_default
    assert Queue.objects.filter(is_default=True).count() == 1
    assert {q.name for q in Queue.objects.all()} >= {"General support", "Billing", "Technical"}

    def queues_of(username: str) -> set[str]:
        return set(Queue.objects.filter(agents__username=username).values_list("slug", flat=True))

    assert queues_of("alice") == {"general", "billing"}
    assert queues_of("bob") == {"technical", "general"}
    assert all(q.team_lead is not None for q in Queue.objects.all())


def _logins(output: str) -> dict[str, tuple[str, str]]:
    """Printed lines such as ``Admin: admin / <password>``, by username: (role, password)."""
    lines = re.findall(r"^\s*([\w ]+): (\w+) / (\S+)", output, re.MULTILINE)
    return {username: (role, password) for role, username, password in lines}


def test_printed_logins_work():
    logins = _logins(_seed())

    assert logins["admin"][0] == "Admin"
    admin = Client()
    assert admin.login(username="admin", password=logins["admin"][1])
    assert admin.get(reverse("admin:tickets_ticket_changelist")).status_code == 200
    assert logins["alice"][0] == "Agent"
    agent = Client()
    assert agent.login(username="alice", password=logins["alice"][1])
    assert not get_user_model().objects.get(username="alice").is_superuser


def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        _seed()
    assert not get_user_model().objects.exists()
    assert not Ticket.objects.exists()
