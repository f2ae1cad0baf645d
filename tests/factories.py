from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from tickets.links import link_hash_for_salt, new_link_secret
from tickets.models import Customer, Message, Queue, Ticket, TicketEvent
from tickets.services.search_index import search_refresh


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@desk.example")
    is_staff = True

    @factory.post_generation
    def password(obj, create: bool, extracted: object, **kwargs: object) -> None:
        obj.set_password(extracted or "correct-horse-battery")
        if create:
            obj.save(update_fields=["password"])


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Queue {n}")
    slug = factory.Sequence(lambda n: f"queue-{n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    created_at = factory.LazyFunction(timezone.now)


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket made directly (not through ticket_submit): for tests of reads and pages."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    kind = Ticket.Kind.PROBLEM
    queue = factory.SubFactory(QueueFactory)
    customer = factory.SubFactory(CustomerFactory)
    subject = factory.Faker("sentence", nb_words=6)
    link_salt = factory.LazyFunction(lambda: new_link_secret()[0])
    link_hash = ""
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyAttribute(lambda t: t.created_at)

    @factory.post_generation
    def link(obj: Ticket, create: bool, extracted: object, **kwargs: object) -> None:
        obj.link_hash = link_hash_for_salt(obj.link_salt)
        if create:
            obj.save(update_fields=["link_hash"])

    @factory.post_generation
    def search_document(obj: Ticket, create: bool, extracted: object, **kwargs: object) -> None:
        """As the services do: the ticket is found by search (PostgreSQL) like one a customer sent."""
        if create:
            search_refresh([obj.pk])


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message
        skip_postgeneration_save = True

    ticket = factory.SubFactory(TicketFactory)
    visibility = Message.Visibility.PUBLIC
    author_kind = Message.Author.CUSTOMER
    body = factory.Faker("paragraph")
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def search_document(obj: Message, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            search_refresh([obj.ticket_id])


def timeline_written(ticket: Ticket, messages: int, events: int, *, notes_every: int = 0) -> list[tuple]:
    """Messages two to a second and events three to a second, so many instants hold several
    entries of both kinds; returns every entry's place, oldest first."""
    start = timezone.now() - timedelta(days=1)
    rows = Message.objects.bulk_create(
        Message(
            ticket=ticket,
            body=f"Message {n}",
            author_kind=Message.Author.CUSTOMER,
            visibility=Message.Visibility.NOTE if notes_every and n % notes_every == 0 else Message.Visibility.PUBLIC,
            created_at=start + timedelta(seconds=n // 2),
        )
        for n in range(messages)
    )
    changes = TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket=ticket,
            kind=TicketEvent.Kind.PRIORITY_CHANGED,
            new_value=str(n),
            created_at=start + timedelta(seconds=n // 3),
        )
        for n in range(events)
    )
    places = [(m.created_at, False, m.pk) for m in rows] + [(e.created_at, True, e.pk) for e in changes]
    return sorted(places)
