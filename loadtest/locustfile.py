"""Customers submitting the public form and agents working the desk, driven by ``loadtest/run.py``.

Customers: each simulated customer sends the form once every few seconds (``constant_throughput``)
from its own address behind the proxy (``X-Forwarded-For``, as a load balancer sets it), so the
per-address rate limit sees many customers, as it would. Each submission's reference and send time
go to ``LOADTEST_SUBMITS`` (one JSON line each), which the harness joins with the SMTP sink's
arrival times.

Agents (``LOADTEST_AGENTS``, default 20): each signs in once, then browses the queue, opens a
ticket, and replies to about one in three, as a person working the queue would.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from typing import Any

from locust import HttpUser, LoadTestShape, between, constant_throughput, events, task

from loadtest.pages import CSRF, REFERENCE, SEEN, TICKET_LINK

SUBMITS = os.environ.get("LOADTEST_SUBMITS", "submits.jsonl")
PASSWORD = os.environ.get("LOADTEST_AGENT_PASSWORD", "load-test-agent-password")
KINDS = ["info", "problem", "problem", "complaint"]
_agent_numbers = itertools.count()


def _address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


class _Browser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.verify = False  # the harness's own self-signed certificate
        self.client.headers.update({"X-Forwarded-For": _address(), "Origin": self.host or ""})

    def _form_post(self, path: str, page: str, data: dict[str, Any], name: str, **kwargs: Any) -> Any:
        """POST the form on ``page`` as a browser would: its CSRF token, and the page as Referer."""
        token = CSRF.search(page)
        headers = {"Referer": f"{self.host}{path}"}
        fields = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        return self.client.post(path, fields, headers=headers, name=name, **kwargs)


class Customer(_Browser):
    # Each simulated customer sends the form once every PACE seconds at most; the harness starts
    # rate x PACE of them, so the rate holds while a submission takes up to PACE seconds.
    wait_time = constant_throughput(1 / float(os.environ.get("LOADTEST_CUSTOMER_PACE", "4")))

    @task
    def submit(self) -> None:
        self.client.headers["X-Forwarded-For"] = _address()  # a different customer each time
        self.client.cookies.clear()
        form = self.client.get("/support/new/", name="form")
        key = uuid.uuid4().hex
        data = {
            "name": "Load Test",
            "email": f"customer-{key[:12]}@load.example",
            "kind": random.choice(KINDS),
            "subject": f"Order {random.randrange(10_000, 99_999)} has not arrived",
            "description": "I ordered last week and nothing came. Could you check where it is?",
            "submission_key": key,
        }
        sent_at = time.time()
        with self._form_post("/support/new/", form.text, data, "submit", catch_response=True) as response:
            reference = REFERENCE.search(response.text)
            if reference is None:
                response.failure(f"no reference on the page after the form ({response.status_code})")
        row = {"reference": reference.group(0) if reference else "", "sent_at": sent_at, "took": time.time() - sent_at}
        with open(SUBMITS, "a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")


class Agent(_Browser):
    """A person working the queue: reads the queue, opens a ticket, reads it, sometimes replies.
    Each agent takes its own share of the queue's top tickets, as a team splits its work; when a
    colleague's reply got there first the desk answers 409 ("the conversation changed") and the
    agent rereads the ticket and sends again, as the page asks a person to."""

    fixed_count = int(os.environ.get("LOADTEST_AGENTS", "20"))
    wait_time = between(5, 15)  # reading time between two actions

    def on_start(self) -> None:
        super().on_start()
        self.number = next(_agent_numbers) % self.fixed_count
        login = self.client.get("/desk/login/", name="desk login")
        data = {"username": f"agent{self.number}", "password": PASSWORD}
        self._form_post("/desk/login/", login.text, data, "desk login")

    @task
    def work(self) -> None:
        queue = self.client.get("/desk/", name="desk queue")
        links = list(dict.fromkeys(TICKET_LINK.findall(queue.text)))
        mine = links[self.number :: self.fixed_count] or links
        if not mine:
            return
        path = random.choice(mine)
        page = self.client.get(path, name="desk ticket")
        if random.random() < 1 / 3:
            self._reply(path, page.text)

    def _reply(self, path: str, page: str) -> None:
        seen = SEEN.search(page)
        data = {
            "visibility": "public",
            "body": "Thanks for waiting: I've checked with the courier and it's on its way.",
            "next_update": "2bh",
            "seen": seen.group(1) if seen else "",
        }
        with self._form_post(f"{path}reply/", page, data, "desk reply", catch_response=True) as response:
            if response.status_code != 409:
                return
            response.success()  # the desk kept two replies from crossing: reread, then send
        reread = self.client.get(path, name="desk ticket (reread after 409)")
        seen = SEEN.search(reread.text)
        data["seen"] = seen.group(1) if seen else ""
        self._form_post(f"{path}reply/", reread.text, data, "desk reply (after reread)")


@events.test_start.add_listener
def _started(**_: Any) -> None:
    """When the run (and the shape's clock) starts: the harness cuts the steps from it."""
    with open(os.environ.get("LOADTEST_STARTED", "started.txt"), "w", encoding="utf-8") as out:
        out.write(str(time.time()))


class Steps(LoadTestShape):
    """The agents sign in and settle during ``LOADTEST_WARMUP_SECONDS``; then the customers come at
    each rate of ``LOADTEST_RATES`` in turn (``rate x PACE`` customers), ``LOADTEST_STEP_SECONDS``
    each, while the same agents keep working: one run, so no step pays for the agents' sign-in."""

    warmup = int(os.environ.get("LOADTEST_WARMUP_SECONDS", "20"))
    rates = [int(rate) for rate in os.environ.get("LOADTEST_RATES", "2,4,6,8,12").split(",")]
    seconds = int(os.environ.get("LOADTEST_STEP_SECONDS", "30"))
    pace = float(os.environ.get("LOADTEST_CUSTOMER_PACE", "4"))

    def tick(self) -> tuple[int, float] | None:
        now = self.get_run_time()
        if now < self.warmup:
            return Agent.fixed_count, Agent.fixed_count
        step = int((now - self.warmup) // self.seconds)
        if step >= len(self.rates):
            return None
        return Agent.fixed_count + int(self.rates[step] * self.pace), 200
