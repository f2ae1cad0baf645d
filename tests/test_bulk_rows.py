"""``insert_rows`` (helpdesk/lib/bulk_rows.py): many rows in one statement, column by column.

The same checks run on SQLite (``bulk_create`` underneath) and on PostgreSQL (``unnest``), so the
two ways give the same rows, defaults and answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.lib.bulk_rows import insert_rows
from tests.factories import TicketFactory
from tickets.models import Notice, Promise, TicketEvent

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_each_position_is_a_row_with_the_constants_and_every_other_field_at_its_default(desk):
    tickets = TicketFactory.create_batch(3, queue=desk.queue_a)

    insert_rows(
        TicketEvent,
        {"ticket_id": [t.pk for t in tickets]},
        constants={"kind": TicketEvent.Kind.PROMISE_BROKEN, "created_at": AT},
    )

    rows = TicketEvent.objects.filter(kind=TicketEvent.Kind.PROMISE_BROKEN).order_by("ticket_id")
    assert [(e.ticket_id, e.created_at) for e in rows] == [(t.pk, AT) for t in tickets]
    assert {(e.actor_id, e.actor_is_customer, e.old_value, e.new_value, e.via, e.due_at) for e in rows} == {
        (None, False, "", "", "", None)
    }


def _promise(ticket) -> Promise:
    return Promise.objects.create(
        ticket=ticket, kind=Promise.Kind.NEXT_UPDATE, source=Promise.Source.POLICY, due_at=AT, created_at=AT
    )


def test_returning_gives_each_new_row_its_id(desk):
    tickets = TicketFactory.create_batch(2, queue=desk.queue_a)
    promises = [_promise(t) for t in tickets]

    rows = insert_rows(
        Notice,
        {
            "promise_id": [p.pk for p in promises],
            "ticket_id": [t.pk for t in tickets],
            "user_id": [desk.agent_a.pk, desk.agent_b.pk],
            "kind": ["breach", "breach"],
        },
        constants={"created_at": AT},
        returning=["id", "user_id", "ticket_id"],
    )

    stored = {(n.pk, n.user_id, n.ticket_id) for n in Notice.objects.all()}
    assert set(rows) == stored and len(stored) == 2


def test_a_row_already_there_by_the_unique_fields_is_left_as_it_was_and_returned(desk):
    ticket = TicketFactory(queue=desk.queue_a)
    promise = _promise(ticket)
    read_at = AT - timedelta(minutes=5)
    earlier = Notice.objects.create(
        promise=promise,
        ticket=ticket,
        user=desk.agent_a,
        kind="breach",
        created_at=AT - timedelta(hours=1),
        read_at=read_at,
    )

    rows = insert_rows(
        Notice,
        {
            "promise_id": [promise.pk, promise.pk],
            "ticket_id": [ticket.pk, ticket.pk],
            "user_id": [desk.agent_a.pk, desk.agent_b.pk],
            "kind": ["breach", "breach"],
        },
        constants={"created_at": AT},
        unique_fields=["promise", "kind", "user"],
        returning=["id", "user_id"],
    )

    assert Notice.objects.count() == 2
    new = Notice.objects.get(user=desk.agent_b)
    assert set(rows) == {(earlier.pk, desk.agent_a.pk), (new.pk, desk.agent_b.pk)}
    earlier.refresh_from_db()
    assert (earlier.created_at, earlier.read_at) == (AT - timedelta(hours=1), read_at)
    assert new.created_at == AT and new.read_at is None


def test_nothing_to_write_sends_nothing(desk, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows(TicketEvent, {"ticket_id": []}, constants={"kind": "created", "created_at": AT}) == []


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"ticket_id": [1, 2], "kind": ["created"]}, "different lengths"),
        ({"ticket_id": [1], "colour": ["red"]}, "no field ['colour']"),
    ],
)
def test_columns_that_do_not_fit_the_model_are_refused_before_anything_is_sent(desk, columns, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        insert_rows(TicketEvent, columns, constants={"created_at": AT})
    assert not TicketEvent.objects.filter(created_at=AT).exists()
