"""The desk search's part of ``manage.py bench``: realistic conversations, their search documents,
and the search page timed over a set of realistic queries.

Each ticket gets three messages (the customer's request, an agent's reply, then the customer's
answer or, one ticket in three, an internal note), written straight into the table with SQL from
sentences a help desk reads every day, with the details that make tickets findable: products,
order numbers (ORD-482913), error codes (E4821), model numbers (LP4821), first names. The common
words are shared by many tickets and the details by few, as in a real desk. The documents are then
built by ``search_backfill``, batch by batch, as an upgrade would (``manage.py search_index``).
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tickets.models import Message, Ticket
from tickets.services.search_index import search_backfill


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Ada Grace Alan Linus Margaret Dennis Barbara Ken Frances Tim Radia Vint Hedy Katherine Edsger Donald John "
    "Sophie Liam Chloe Diego Amara Noah Mei Omar Ines Yusuf Priya Lars Elena Tomas Zara Kofi Hana Mateo Aisha "
    "Felix Nora Ravi Julia Sven Leila Marco Ingrid Kenji Fatima Pablo Anya Emeka Rosa"
)
LAST_NAMES = _words(
    "Lovelace Hopper Turing Torvalds Hamilton Ritchie Liskov Thompson Allen Berners-Lee Perlman Cerf Lamarr "
    "Johnson Dijkstra Knuth McCarthy Martin Oconnor Ramos Okafor Nguyen Haddad Silva Kaya Sharma Larsen Petrova "
    "Novak Ahmed Mensah Sato Garcia Rahman Weber Lindqvist Patel Rossi Berg Tanaka Hussein Lopez Ivanova Eze "
    "Moreno Fischer Andersen Kowalski Mwangi Duarte Schmidt Costa Yamamoto Dubois Murphy Jensen Romero Kim Ali "
    "Nowak Brown Wilson Taylor Clarke Walker Wright Green Hall Wood Harris Lewis Young King Scott Adams Baker "
    "Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murray"
)
PRODUCTS = _words(
    "printer scanner router laptop tablet phone headset monitor keyboard webcam dock charger modem "
    "subscription invoice account password app dashboard report export backup calendar mailbox licence "
    "thermostat camera speaker watch drone projector"
)
SUBJECTS = [
    "{product} not working",
    "{product} stopped working after the update",
    "Refund for order {order}",
    "Charged twice for order {order}",
    "Error {code} when I sign in",
    "Cannot reset my password",
    "Where is my parcel?",
    "{product} keeps disconnecting",
    "Question about my {product}",
    "Complaint about the delivery",
    "Invoice shows the wrong address",
    "How do I cancel my subscription?",
    "{product} {model} makes a strange noise",
    "Export to CSV fails",
    "Two-factor codes are rejected",
    "Upgrade my plan",
    "Wrong item delivered for order {order}",
    "{product} battery drains quickly",
    "Cannot add a second user",
    "Warranty repair for my {product}",
]
CUSTOMER_LINES = [
    "Hello, my {product} stopped working yesterday.",
    "I was charged twice for order {order} and would like a refund.",
    "The app shows error {code} every time I try to sign in.",
    "It worked fine until the last update.",
    "I have already restarted it twice.",
    "The {product} {model} shows a blinking red light.",
    "Could you tell me where my parcel is? The tracking page has not changed for a week.",
    "The invoice lists our old billing address.",
    "I would like to cancel my subscription at the end of the month.",
    "This is the third time I write about this and nobody has answered.",
    "Please call me back, I am available in the afternoon.",
    "I attached a screenshot of the error.",
    "We need this fixed before Friday, our team depends on it.",
    "The password reset email never arrives, not even in the spam folder.",
    "The delivery driver left the box in the rain and everything inside is wet.",
    "I paid with PayPal but the order still says unpaid.",
    "The export to CSV fails halfway with a timeout.",
    "My colleague cannot be added as a second user on the account.",
    "The {product} disconnects from the wifi every few minutes.",
    "I ordered a blue {product} but received a black one.",
    "Thanks for the quick answer, that fixed it.",
    "Unfortunately the problem is back after the restart.",
    "Is there a warranty on the {product} {model}?",
    "The battery of the {product} lasts less than an hour now.",
    "Our accountant needs the VAT number on every invoice.",
    "Kind regards, {name}",
]
AGENT_LINES = [
    "Thanks for getting in touch, {name}.",
    "Sorry about the trouble with your {product}.",
    "I have issued a refund for order {order}; it should reach your card within five working days.",
    "Could you send us a photo of the label on the back of the {product}?",
    "Error {code} usually means the clock on your phone is out of sync.",
    "Please try unplugging the {product} for thirty seconds and plugging it back in.",
    "I have asked the warehouse to check where your parcel is.",
    "You can update the billing address under Settings, then Billing.",
    "I have cancelled the subscription; you keep access until the end of the period.",
    "I am sorry nobody answered sooner, that should not have happened.",
    "A replacement {product} {model} is on its way.",
    "I have passed this to our technical team and will update you tomorrow.",
    "Could you tell us which version of the app you are using?",
    "The password reset link is valid for one hour.",
    "Best regards, the support team",
]
NOTE_LINES = [
    "Escalated to the supplier, their reference {code}.",
    "Customer called twice about this; be gentle.",
    "Refund approved by finance for order {order}.",
    "Known issue with the {product} {model} firmware, see the engineering board.",
    "Checked the logs: error {code} at sign-in, clock skew.",
    "Offered a goodwill voucher; waiting for the manager to approve.",
    "Warehouse says the parcel was returned to sender.",
]
MODELS = ["LP", "XR", "MX", "TZ", "QK", "VB", "RN", "SD"]
BATCH_TICKETS = 100_000


def _pick(array: str, length: int) -> str:
    return f"({array})[1 + floor(random() * {length})::int]"


def _filled(line: str) -> str:
    """A line with its slots filled at random: product, order number, error code, model, first name."""
    text = line
    for slot, value in [
        ("{product}", _pick("%(products)s::text[]", len(PRODUCTS))),
        ("{order}", "'ORD-' || (100000 + floor(random() * 900000)::int)"),
        ("{code}", "'E' || (1000 + floor(random() * 9000)::int)"),
        ("{model}", f"{_pick('%(models)s::text[]', len(MODELS))} || (1000 + floor(random() * 9000)::int)"),
        ("{name}", _pick("%(first_names)s::text[]", len(FIRST_NAMES))),
    ]:
        text = f"replace({text}, '{slot}', {value})"
    return text


_LINE = (
    f"CASE WHEN k > 0 AND s.role = 'customer' THEN {_pick('%(customer_lines)s::text[]', len(CUSTOMER_LINES))} "
    f"WHEN s.role = 'agent' THEN {_pick('%(agent_lines)s::text[]', len(AGENT_LINES))} "
    f"ELSE {_pick('%(note_lines)s::text[]', len(NOTE_LINES))} END"
)  # "k > 0" ties the aggregate below to its own level (an aggregate of outer columns only belongs outside)
MESSAGES_SQL = f"""
INSERT INTO tickets_message (ticket_id, visibility, author_kind, author_user_id, body, created_at,
                             author_display, author_email, full_body)
SELECT s.ticket_id,
       CASE s.role WHEN 'note' THEN 'note' ELSE 'public' END,
       CASE s.role WHEN 'customer' THEN 'customer' ELSE 'agent' END,
       CASE s.role WHEN 'customer' THEN NULL ELSE %(agent)s END,
       b.body,
       s.created_at + s.n * interval '2 hours',
       '', '', ''
FROM (
    SELECT t.id AS ticket_id, t.created_at, n,
           CASE WHEN n = 1 THEN 'customer' WHEN n = 2 THEN 'agent' WHEN t.id %% 3 = 0 THEN 'note'
                ELSE 'customer' END AS role
    FROM tickets_ticket t CROSS JOIN generate_series(1, 3) AS n
    WHERE t.id BETWEEN %(low)s AND %(high)s
) s
CROSS JOIN LATERAL (
    SELECT string_agg({_filled(_LINE)}, ' ' ORDER BY k) AS body
    FROM generate_series(1, 2 + (s.ticket_id + s.n) %% 4) AS k
) b
"""  # noqa: S608 - constant text; values travel as parameters

SUBJECTS_SQL = f"""
UPDATE tickets_ticket t
SET subject = {_filled(_pick("%(subjects)s::text[]", len(SUBJECTS)))}
WHERE t.id BETWEEN %(low)s AND %(high)s AND t.subject LIKE 'Bench ticket %%'
"""  # noqa: S608 - constant text; values travel as parameters

_FULL_NAME = (
    f"{_pick('%(first_names)s::text[]', len(FIRST_NAMES))} || ' ' || {_pick('%(last_names)s::text[]', len(LAST_NAMES))}"
)
CUSTOMERS_SQL = f"""
UPDATE tickets_customer c SET name = {_FULL_NAME} WHERE c.name LIKE 'Customer %%'
"""  # noqa: S608 - constant text; values travel as parameters


def _params() -> dict[str, Any]:
    return {
        "products": PRODUCTS,
        "models": MODELS,
        "first_names": FIRST_NAMES,
        "last_names": LAST_NAMES,
        "customer_lines": CUSTOMER_LINES,
        "agent_lines": AGENT_LINES,
        "note_lines": NOTE_LINES,
        "subjects": SUBJECTS,
    }


def seed_conversations(agent: User, log: Any) -> dict[str, Any]:
    """Three messages per ticket (for tickets after the last one that has some), realistic subjects and customer
    names, then every missing search document. Returns how long each step took."""
    timings: dict[str, Any] = {}
    last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # Tickets get their messages in id order, a batch per transaction: a run that stopped half-way
    # goes on after the last ticket that has some.
    done = Message.objects.order_by("-ticket_id").values_list("ticket_id", flat=True).first() or 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(CUSTOMERS_SQL, _params())
        for low in range(done + 1, last + 1, BATCH_TICKETS):
            params = {**_params(), "agent": agent.pk, "low": low, "high": low + BATCH_TICKETS - 1}
            cursor.execute(SUBJECTS_SQL, params)
            cursor.execute(MESSAGES_SQL, params)
            log(f"messages: tickets up to {min(low + BATCH_TICKETS - 1, last)} ({time.perf_counter() - started:.0f} s)")
        cursor.execute("ANALYZE tickets_message")
        cursor.execute("ANALYZE tickets_customer")
    timings["messages_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()

    def progress(done: int, last_id: int) -> None:
        if done % 100_000 == 0:
            log(f"search documents: {done} ({time.perf_counter() - started:.0f} s)")

    indexed = search_backfill(batch=5_000, progress=progress)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tickets_ticketsearch")
        cursor.execute("VACUUM ANALYZE tickets_ticket")
    timings["documents_built"] = indexed
    timings["documents_seconds"] = round(time.perf_counter() - started, 1)
    return timings


def _sample(pattern: str) -> str:
    """A detail that really occurs in some message (an order number, an error code, a model)."""
    message = Message.objects.filter(body__regex=pattern).order_by("pk").values_list("body", flat=True).first()
    found = re.search(pattern, message or "")
    if found is None:
        raise CommandError(f"No seeded message matches {pattern}")
    return found.group(0)


def search_queries() -> list[tuple[str, dict[str, str]]]:
    """What agents type: common words, phrases, operators, details, names, an address, with and without filters."""
    customer = Ticket.objects.select_related("customer").order_by("pk")[12_345 % max(Ticket.objects.count(), 1)]
    mentioned = Ticket.objects.order_by("-pk").first()
    return [
        ("printer", {}),
        ("refund", {}),
        ('"charged twice"', {}),
        ("router disconnects", {}),
        ("invoice -paypal", {}),
        ("scanner or projector", {}),
        (_sample(r"ORD-[0-9]{6}"), {}),
        (_sample(r"E[0-9]{4}"), {}),
        (_sample(r"(LP|XR|MX)[0-9]{4}"), {}),
        (customer.customer.name.split()[-1], {}),
        (customer.customer.name, {}),
        (customer.customer.email, {}),
        ("supplier escalated", {}),
        (mentioned.reference if mentioned else "HD-1001", {}),
        ("refund", {"kind": "complaint", "status": "active"}),
        ("password reset email", {"status": "resolved"}),
    ]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(int(len(ordered) * share) - 1, 0)], 1)


def time_search(repeat: int) -> dict[str, Any]:
    """The search page (/desk/search/), as an agent of the bench's three queues loads it: every query
    once to warm up, then ``repeat`` rounds of every query (rounds, so a burst of load on a shared
    machine spreads over all queries). p50/p95 over all timed loads and over each round's p50 and
    p95 (their median: "median of several runs"), the time spent in PostgreSQL, each query's
    median, and the query counts seen (one: constant)."""
    agent = User.objects.get(username="bench-agent")
    client = Client(HTTP_HOST="localhost")
    client.force_login(agent)
    queries = [
        (f"{text} {filters}" if filters else text, {"q": text, "status": "all", **filters})
        for text, filters in search_queries()
    ]
    for _, params in queries:  # "status": a filter, so the search runs: no jump to a ticket
        client.get("/desk/search/", params)
    loads: dict[str, list[float]] = {label: [] for label, _ in queries}
    rounds: list[list[float]] = []
    database: list[float] = []  # the page's time in PostgreSQL, the rest being Python and the template
    query_counts: set[int] = set()
    results: dict[str, int] = {}
    for _ in range(repeat):
        this_round = []
        for label, params in queries:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/desk/search/", params)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"The search page answered {response.status_code} for {label!r}")
            loads[label].append(elapsed)
            this_round.append(elapsed)
            query_counts.add(len(captured))
            database.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
            results[label] = response.content.decode().count('class="search-hit ')
        rounds.append(this_round)
    everything = [ms for runs in loads.values() for ms in runs]
    return {
        "p50_ms": round(statistics.median(everything), 1),
        "p95_ms": _percentile(everything, 0.95),
        "max_ms": round(max(everything), 1),
        "median_of_rounds_p50_ms": round(statistics.median(statistics.median(r) for r in rounds), 1),
        "median_of_rounds_p95_ms": round(statistics.median(_percentile(r, 0.95) for r in rounds), 1),
        "database_p50_ms": round(statistics.median(database), 1),
        "database_p95_ms": _percentile(database, 0.95),
        "loads_timed": len(everything),
        "queries": max(query_counts),
        "query_counts_seen": sorted(query_counts),
        "median_ms_per_query": {label: round(statistics.median(runs), 1) for label, runs in loads.items()},
        "results_on_first_page": results,
    }
