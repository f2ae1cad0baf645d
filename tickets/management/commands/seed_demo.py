"""``manage.py seed_demo``: queues, agents and a dozen lived-in tickets for a first look.

Safe to run again: queues and users are looked up before they are made, and the tickets
are skipped when a demo customer already exists. Tickets are made through the services,
so they carry events and outbox rows exactly like real ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from knowledgebase.seed import seed_articles
from tickets import services
from tickets.models import Customer, Queue, RootCause, Ticket
from tickets.services import gestures, resolutions

S = Ticket.Status


@dataclass(frozen=True)
class DemoUser:
    role: str
    username: str
    password: str  # published on purpose: demo logins for a local first look
    first_name: str
    last_name: str
    queues: tuple[str, ...]  # slugs
    superuser: bool = False


USERS = (
    DemoUser("Admin", "admin", "demo-admin-2026!", "Ada", "Admin", (), superuser=True),
    DemoUser("Team lead", "carol", "demo-lead-2026!", "Carol", "Chen", ("general", "billing", "technical")),
    DemoUser("Agent", "alice", "demo-alice-2026!", "Alice", "Andersen", ("general", "billing")),
    DemoUser("Agent", "bob", "demo-bob-2026!", "Bob", "Brennan", ("technical", "general")),
)
QUEUES = (("general", "General support"), ("billing", "Billing"), ("technical", "Technical"))
LEAD = "carol"


@dataclass(frozen=True)
class Step:
    hours: float  # after the ticket was opened
    action: str  # reply | note | customer | status | priority | assign
    agent: str = ""
    body: str = ""
    value: Any = None


def reply(hours: float, agent: str, body: str, then: str | None = None) -> Step:
    return Step(hours, "reply", agent, body, then)


def note(hours: float, agent: str, body: str) -> Step:
    return Step(hours, "note", agent, body)


def customer(hours: float, body: str) -> Step:
    return Step(hours, "customer", body=body)


def status(hours: float, agent: str, value: str) -> Step:
    return Step(hours, "status", agent, value=value)


def resolution(hours: float, agent: str, cause: str, body: str) -> Step:
    """A complaint's resolution (what went wrong, its root cause): needed before it is solved."""
    return Step(hours, "resolution", agent, body, value=cause)


def gesture(hours: float, agent: str, kind: str, amount: str, currency: str) -> Step:
    return Step(hours, "gesture", agent, amount, value=(kind, currency))


def priority(hours: float, agent: str, value: int) -> Step:
    return Step(hours, "priority", agent, value=value)


def assign(hours: float, agent: str, to: str) -> Step:
    return Step(hours, "assign", agent, value=to)


@dataclass(frozen=True)
class Scenario:
    hours_ago: float
    name: str
    email: str
    kind: str
    subject: str
    description: str
    channel: str = Ticket.Channel.WEB
    steps: tuple[Step, ...] = field(default=())


# fmt: off
SCENARIOS = (
    Scenario(
        300, "Chloé Martin", "chloe.martin@example.com", Ticket.Kind.PROBLEM,
        "Two-factor codes are always rejected",
        "Since yesterday every code from my authenticator app is refused as invalid. "
        "I have tried five times and now I'm locked out of my account.",
        steps=(
            assign(1, LEAD, "bob"),
            reply(2, "bob", "Sorry you're locked out, Chloé. Codes are rejected when the phone's clock "
                  "drifts: could you turn on automatic date and time on your phone and try again?", S.WAITING),
            customer(20, "That was it! My phone clock was four minutes behind. It works now, thank you."),
            status(21, "bob", S.RESOLVED),
            status(170, "bob", S.CLOSED),
        ),
    ),
    Scenario(
        220, "Liam O'Connor", "liam.oconnor@example.com", Ticket.Kind.INFO,
        "How do I change my billing address?",
        "We moved offices. Where can I update the address that appears on our invoices?",
        steps=(
            assign(2, "alice", "alice"),
            reply(3, "alice", "Hi Liam, go to Settings → Billing → Company details and edit the address "
                  "there; the next invoice will use it.", S.RESOLVED),
            customer(5, "Found it and updated it, thanks for the quick answer."),
            status(6, "alice", S.CLOSED),
        ),
    ),
    Scenario(
        150, "Diego Ramos", "diego.ramos@example.com", Ticket.Kind.COMPLAINT,
        "Rude answer from your phone support",
        "I called about a late delivery and the person on the phone was dismissive and hung up on me. "
        "I've been a customer for six years and expected better.",
        channel=Ticket.Channel.PHONE,
        steps=(
            assign(1, LEAD, LEAD),
            note(2, LEAD, "Listened to the call recording: the agent was out of line. Coaching booked "
                 "for Thursday. Offer a goodwill credit."),
            gesture(2.5, LEAD, "credit", "20", "EUR"),
            resolution(2.6, LEAD, "Our mistake", "The agent was dismissive and hung up; coaching booked, "
                       "20 EUR credit given."),
            reply(3, LEAD, "Diego, I listened to your call and I'm sorry: you should never have been spoken "
                  "to that way. I've added a credit of 20 € to your account and we are working with the "
                  "team member concerned.", S.RESOLVED),
        ),
    ),
    Scenario(
        100, "Fatima Zahra", "fatima.zahra@example.com", Ticket.Kind.INFO,
        "Do you offer discounts for non-profits?",
        "We're a small charity and would like to use your service for our volunteers. "
        "Is there a non-profit plan?",
        steps=(
            assign(2, "alice", "alice"),
            reply(4, "alice", "Hi Fatima, yes: registered charities get 50% off any plan. Reply with your "
                  "charity number and we'll apply it to your account.", S.RESOLVED),
        ),
    ),
    Scenario(
        76, "Hannah Lindqvist", "hannah.lindqvist@example.com", Ticket.Kind.PROBLEM,
        "App crashes when I upload photos",
        "The Android app closes as soon as I pick more than one photo to upload. One photo works.",
        steps=(
            assign(1, LEAD, "bob"),
            reply(2, "bob", "Thanks Hannah. Which version of the app and of Android are you on? "
                  "You'll find the app version under Settings → About.", S.WAITING),
            customer(9, "App 4.12.0 on Android 14, Pixel 7."),
            note(10, "bob", "Reproduced on Android 14 with 3+ photos. Filed BUG-812 with the mobile team."),
            reply(11, "bob", "We can reproduce it and the mobile team is on it. Until the fix ships, "
                  "uploading photos one at a time works. I'll update you as soon as the release is out."),
        ),
    ),
    Scenario(
        50, "Samuel Okafor", "samuel.okafor@example.com", Ticket.Kind.PROBLEM,
        "Export to CSV fails with an error",
        "When I export last month's orders to CSV I get 'Something went wrong' after about a minute.",
        channel=Ticket.Channel.EMAIL,
        steps=(
            assign(1, "bob", "bob"),
            reply(2, "bob", "Hi Samuel, sorry about that. Roughly how many orders are in that month, "
                  "and does a shorter date range export correctly?", S.WAITING),
        ),
    ),
    Scenario(
        36, "Emma Novak", "emma.novak@example.com", Ticket.Kind.INFO,
        "Our VAT number is missing from invoices",
        "Our accountant needs our VAT number on every invoice. Can you add it?",
        channel=Ticket.Channel.EMAIL,
        steps=(
            assign(1, "alice", "alice"),
            reply(2, "alice", "Of course, Emma. Could you send us the VAT number exactly as it should "
                  "appear? We'll reissue this year's invoices with it.", S.WAITING),
        ),
    ),
    Scenario(
        26, "Maria Garcia", "maria.garcia@example.com", Ticket.Kind.COMPLAINT,
        "I was charged twice for March",
        "My card was charged twice for the March subscription. This is the second time this year "
        "and nobody warned me.",
        steps=(
            assign(1, LEAD, "alice"),
            priority(1, LEAD, Ticket.Priority.URGENT),
            note(2, "alice", "Confirmed the duplicate charge with the payment provider; refund RF-2291 "
                 "requested."),
            reply(3, "alice", "Maria, I'm sorry: you were indeed charged twice. I've refunded the second "
                  "payment; it takes 3 to 5 working days to reach your card."),
            customer(6, "Thanks. Can I get that in writing for my accountant?"),
        ),
    ),
    Scenario(
        8, "Tom Becker", "tom.becker@example.com", Ticket.Kind.PROBLEM,
        "Checkout is down for our customers",
        "Since this morning our shop's customers get 'payment failed' at checkout. We're losing sales.",
        steps=(
            priority(0.2, "bob", Ticket.Priority.URGENT),
            assign(0.2, "bob", "bob"),
            note(0.5, "bob", "Incident INC-77: the payment provider is degraded in the EU region."),
            reply(0.6, "bob", "Tom, we see it too: our payment provider has an outage in Europe. "
                  "We're working with them and will update you within the hour."),
        ),
    ),
    Scenario(
        5, "Aiko Tanaka", "aiko.tanaka@example.com", Ticket.Kind.PROBLEM,
        "Password reset email never arrives",
        "I've asked for a password reset three times but no email arrives, not even in spam.",
        channel=Ticket.Channel.EMAIL,
        steps=(note(1, "bob", "Mail log shows a bounce from their company's filter. Ask IT to allow us?"),),
    ),
    Scenario(
        2, "Jonas Weber", "jonas.weber@example.com", Ticket.Kind.INFO,
        "Can I add a second user to my account?",
        "My colleague needs access too. Does that cost extra?",
    ),
    Scenario(
        0.7, "Priya Natarajan", "priya.natarajan@example.com", Ticket.Kind.COMPLAINT,
        "Still waiting for my refund after three weeks",
        "You promised a refund on the 2nd. It's been three weeks and nothing has arrived. "
        "Nobody answers my emails.",
    ),
)
# fmt: on


@contextmanager
def clock_at(when: datetime) -> Iterator[None]:
    """Run the services as if at ``when``: they read timezone.now(), so the history gets real gaps."""
    with mock.patch.object(timezone, "now", return_value=when):
        yield


class Command(BaseCommand):
    help = "Create demo queues, agents and tickets (idempotent). Prints the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo logins have published passwords.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates logins with published passwords, so it runs only with DEBUG on "
                "(use --force if this really is a demo site)."
            )
        with transaction.atomic():
            queues = self._ensure_queues()
            users = {demo.username: self._ensure_user(demo, queues) for demo in USERS}
            for queue in queues.values():
                if queue.team_lead_id is None:
                    queue.team_lead = users[LEAD][0]
                    queue.save(update_fields=["team_lead"])
            made = self._seed_tickets({name: user for name, (user, _) in users.items()})
            articles_made = seed_articles(author=users[LEAD][0])

        self.stdout.write("Demo data ready.")
        self.stdout.write(f"  Queues: {', '.join(q.name for q in queues.values())}")
        if made:
            self.stdout.write(f"  Tickets: {made} demo tickets created.")
        else:
            self.stdout.write("  Tickets: demo tickets already present, none added.")
        self.stdout.write(f"  Help articles: {articles_made} created (the knowledge base is at /kb/).")
        self.stdout.write("Logins (desk at /desk/, admin at /admin/):")
        for demo in USERS:
            _, created = users[demo.username]
            suffix = "" if created else "  (existing account, password left as it was)"
            self.stdout.write(f"  {demo.role}: {demo.username} / {demo.password}{suffix}")

    def _ensure_queues(self) -> dict[str, Queue]:
        queues = {}
        for slug, name in QUEUES:
            queue = Queue.objects.filter(slug=slug).first()
            if queue is None:
                has_default = Queue.objects.filter(is_default=True).exists()
                queue = Queue.objects.create(slug=slug, name=name, is_default=slug == "general" and not has_default)
            queues[slug] = queue
        return queues

    def _ensure_user(self, demo: DemoUser, queues: dict[str, Queue]) -> tuple[User, bool]:
        user = get_user_model().objects.filter(username=demo.username).first()
        created = user is None
        if user is None:
            user = get_user_model()(
                username=demo.username,
                email=f"{demo.username}@helpdesk.example",
                first_name=demo.first_name,
                last_name=demo.last_name,
                is_staff=True,
                is_superuser=demo.superuser,
            )
            try:
                validate_password(demo.password, user)
            except ValidationError as exc:
                raise CommandError(f"Demo password for {demo.username} fails validation: {exc}") from exc
            user.set_password(demo.password)
            user.save()
        for slug in demo.queues:
            queues[slug].agents.add(user)
        return user, created

    def _seed_tickets(self, agents: dict[str, User]) -> int:
        if Customer.objects.filter(email__in=[s.email for s in SCENARIOS]).exists():
            return 0
        now = timezone.now()
        for scenario in sorted(SCENARIOS, key=lambda s: -s.hours_ago):
            opened = now - timedelta(hours=scenario.hours_ago)
            with clock_at(opened):
                ticket = services.ticket_submit(
                    name=scenario.name,
                    email=scenario.email,
                    kind=scenario.kind,
                    subject=scenario.subject,
                    description=scenario.description,
                    channel=scenario.channel,
                ).ticket
            for step in scenario.steps:
                with clock_at(opened + timedelta(hours=step.hours)):
                    _play(ticket, step, agents)
        return len(SCENARIOS)


def _play(ticket: Ticket, step: Step, agents: dict[str, User]) -> None:
    if step.action == "customer":
        services.customer_reply_post(ticket=ticket, body=step.body)
        return
    agent = agents[step.agent]
    if step.action in ("reply", "note"):
        services.agent_reply_post(
            ticket=ticket, agent=agent, body=step.body, internal=step.action == "note", status_after=step.value
        )
    elif step.action == "status":
        services.ticket_status_change(ticket=ticket, agent=agent, status=step.value)
    elif step.action == "resolution":
        cause = RootCause.objects.get_or_create(name=step.value)[0]
        resolutions.resolution_record(ticket=ticket, agent=agent, note=step.body, root_cause_id=cause.pk)
    elif step.action == "gesture":
        kind, currency = step.value
        gestures.gesture_record(ticket=ticket, agent=agent, type=kind, amount=step.body, currency=currency)
    elif step.action == "priority":
        services.ticket_priority_change(ticket=ticket, agent=agent, priority=step.value)
    elif step.action == "assign":
        services.ticket_assign(ticket=ticket, agent=agent, assignee_id=agents[step.value].pk)
    else:
        raise CommandError(f"Unknown demo step {step.action!r}")
