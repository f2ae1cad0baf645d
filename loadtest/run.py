"""The load test behind ``make loadtest``: the real stack under simulated customers and agents.

It starts, on this machine, on loopback only:
- gunicorn serving the desk over HTTPS (a throwaway self-signed certificate, so production settings
  and their Secure cookies apply), PostgreSQL (``LOADTEST_DATABASE_URL``, a database whose name
  contains "load", dropped and made again), Redis as broker and cache (``LOADTEST_REDIS_URL``, flushed),
  a Celery worker and beat, and an SMTP sink (``loadtest/sink.py``) that records when each email arrives;
- then locust, headless, in one run (``Steps`` in loadtest/locustfile.py): ``LOADTEST_AGENTS`` agents
  (default 20) sign in during a 20 s warm-up and keep browsing and replying throughout, while the
  customers come at each rate in ``LOADTEST_RATES`` (submissions per second, default ``2,4,6,8,12``)
  for ``LOADTEST_STEP_SECONDS`` each (default 30).

For each step (less its first 5 s, while its customers arrive) it reports the rate achieved, the
form's response times, and submit-to-acknowledgement at the SMTP server (p50, p95, p99: the
customer's wait for our email); for the whole run, every kind of request and its failures. The
sustained rate is the highest achieved with p99 under 2 s, and only if no request failed. Results:
a table on stdout and ``var/loadtest/result.json``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "loadtest"
PORT, SMTP_PORT = 8765, 2626
PASSWORD = "load-test-agent-password"  # noqa: S105  the simulated agents' own, on a throwaway database
TARGET_P99 = 2.0  # seconds from submit to the acknowledgement at the SMTP server
SETTLE_SECONDS = 20  # how long to wait after a step for its last acknowledgements
OPENSSL = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
LOCUST = [sys.executable, "-m", "locust", "-f", "loadtest/locustfile.py", "--headless", "--only-summary"]
LOCUST += ["--stop-timeout", "10", "--exit-code-on-error", "0"]
WARMUP = 20  # seconds for the agents to sign in and settle before the first step
RAMP_SECONDS = 5  # the start of each step, while its extra customers arrive, is not counted
PACE = 4  # seconds between one simulated customer's submissions (loadtest/locustfile.py)


def environment() -> dict[str, str]:
    database = os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_load")
    redis = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/12")
    if "load" not in urlsplit(database).path:
        sys.exit("LOADTEST_DATABASE_URL must name a database containing 'load': it is dropped and made again.")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "CACHE_", "DATABASE_"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="load-test-only-5vN8qW2xL7rT4kB9mZ3pH6sD1fG0jC-never-used-for-a-real-desk",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{PORT}",
        DATABASE_URL=database,
        CELERY_BROKER_URL=redis,
        CACHE_URL=redis,
        EMAIL_URL=f"smtp://127.0.0.1:{SMTP_PORT}",
        RATELIMIT_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",  # one address per simulated customer
        HELPDESK_VAR_DIR=str(OUT / "var"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str]) -> None:
    database = urlsplit(env["DATABASE_URL"])
    name, server = database.path.lstrip("/"), database._replace(path="/postgres").geturl()
    subprocess.run(["psql", server, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    subprocess.run(["redis-cli", "-u", env["CELERY_BROKER_URL"], "flushdb"], check=True, stdout=subprocess.DEVNULL)
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    agents = int(os.environ.get("LOADTEST_AGENTS", "20"))
    manage(env, "shell", "-c", SEED.format(agents=agents, password=PASSWORD))
    key, cert = OUT / "key.pem", OUT / "cert.pem"
    subprocess.run(
        [*OPENSSL, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )


SEED = """
from django.contrib.auth.models import User
from tickets.models import Queue
queue = Queue.objects.get(is_default=True)
for n in range({agents}):
    user = User.objects.create_user(f"agent{{n}}", f"agent{{n}}@load.example", "{password}", is_staff=True)
    queue.agents.add(user)
"""


@contextmanager
def started(command: list[str], env: dict[str, str], log: str) -> Iterator[subprocess.Popen[bytes]]:
    with (OUT / log).open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for_web(env: dict[str, str]) -> None:
    for _ in range(60):
        answered = subprocess.run(
            ["curl", "-ksf", "-o", "/dev/null", f"https://127.0.0.1:{PORT}/healthz"], check=False, env=env
        )
        if answered.returncode == 0:
            return
        time.sleep(1)
    sys.exit("gunicorn did not answer /healthz within a minute: see var/loadtest/web.log")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def measure(env: dict[str, str], rates: list[int], seconds: int) -> list[dict[str, Any]]:
    """One locust run through every rate (loadtest/locustfile.py, ``Steps``); each step's figures."""
    submits, started = OUT / "submits.jsonl", OUT / "started.txt"
    locust_env = {**env, "LOADTEST_SUBMITS": str(submits), "LOADTEST_AGENT_PASSWORD": PASSWORD}
    locust_env.update(
        LOADTEST_STARTED=str(started),
        LOADTEST_CUSTOMER_PACE=str(PACE),
        LOADTEST_RATES=",".join(map(str, rates)),
        LOADTEST_STEP_SECONDS=str(seconds),
        LOADTEST_WARMUP_SECONDS=str(WARMUP),
    )
    run = ["--host", f"https://127.0.0.1:{PORT}", "--csv", str(OUT / "locust")]
    subprocess.run([*LOCUST, *run], cwd=ROOT, env=locust_env, check=True, stdout=subprocess.DEVNULL)
    sent = [json.loads(line) for line in submits.read_text().splitlines()] if submits.exists() else []
    begun = float(started.read_text())
    arrived = _arrivals(begun, {row["reference"] for row in sent if row["reference"]})
    figures = []
    for index, rate in enumerate(rates):
        opens = begun + WARMUP + index * seconds + RAMP_SECONDS  # the step's customers all arrived
        closes = begun + WARMUP + (index + 1) * seconds
        rows = [row for row in sent if opens <= row["sent_at"] < closes]
        figures.append(_step_figures(rate, rows, arrived, closes - opens))
    requests = _requests(OUT / "locust")
    return [{**step, "requests_whole_run": requests} for step in figures]


def _step_figures(rate: int, rows: list[dict[str, Any]], arrived: dict[str, float], span: float) -> dict[str, Any]:
    done = [row for row in rows if row["reference"]]
    waits = [arrived[row["reference"]] - row["sent_at"] for row in done if row["reference"] in arrived]
    took = [row["took"] * 1000 for row in rows]
    return {
        "target_rate": rate,
        "achieved_rate": round(len(done) / span, 1),
        "submitted": len(done),
        "acknowledged": len(waits),
        "failed_submissions": len(rows) - len(done),
        "form_p50_ms": round(statistics.median(took)) if took else None,
        "form_p99_ms": round(percentile(took, 0.99)) if took else None,
        "ack_p50_s": round(statistics.median(waits), 2) if waits else None,
        "ack_p95_s": round(percentile(waits, 0.95), 2) if waits else None,
        # Unacknowledged submissions count as past the target: p99 is only given when all arrived.
        "ack_p99_s": round(percentile(waits, 0.99), 2) if waits and len(waits) == len(done) else None,
    }


def _arrivals(since: float, references: set[str]) -> dict[str, float]:
    """The first email's arrival per reference (the acknowledgement), waiting for stragglers."""
    deadline = time.time() + SETTLE_SECONDS
    while True:
        first: dict[str, float] = {}
        for line in (OUT / "smtp.jsonl").read_text().splitlines():
            row = json.loads(line)
            if row["reference"] in references and row["at"] >= since:
                first[row["reference"]] = min(first.get(row["reference"], row["at"]), row["at"])
        if len(first) == len(references) or time.time() > deadline:
            return first
        time.sleep(1)


def _requests(prefix: Path) -> dict[str, dict[str, Any]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        return {
            row["Name"]: {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": int(float(row["50%"] or 0)),
                "p99_ms": int(float(row["99%"] or 0)),
            }
            for row in csv.DictReader(stats)
            if row["Name"] != "Aggregated"
        }


def report(steps: list[dict[str, Any]]) -> dict[str, Any]:
    whole_run = steps[0]["requests_whole_run"] if steps else {}
    failures = sum(row["failures"] for row in whole_run.values())
    held = [s for s in steps if s["ack_p99_s"] is not None and s["ack_p99_s"] < TARGET_P99]
    result = {
        "machine": {"cores": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)},
        "agents": int(os.environ.get("LOADTEST_AGENTS", "20")),
        "failed_requests": failures,
        "sustained_submissions_per_second": max((s["achieved_rate"] for s in held), default=0) if not failures else 0,
        "steps": [{key: value for key, value in s.items() if key != "requests_whole_run"} for s in steps],
        "requests": whole_run,
    }
    print(f"{'rate/s':>7} {'done/s':>7} {'acks':>9} {'ack p50':>8} {'p95':>6} {'p99':>6} {'form p50':>9} {'p99':>7}")
    for s in steps:
        print(
            f"{s['target_rate']:>7} {s['achieved_rate']:>7} {s['acknowledged']:>4}/{s['submitted']:<4} "
            f"{s['ack_p50_s'] or '-':>8} {s['ack_p95_s'] or '-':>6} {s['ack_p99_s'] or '-':>6} "
            f"{s['form_p50_ms'] or '-':>7}ms {s['form_p99_ms'] or '-':>5}ms"
        )
    print(f"{'request':<32} {'count':>6} {'fails':>6} {'p50 ms':>7} {'p99 ms':>7}   (the whole run)")
    for name, row in whole_run.items():
        print(f"{name:<32} {row['count']:>6} {row['failures']:>6} {row['p50_ms']:>7} {row['p99_ms']:>7}")
    held_rate = result["sustained_submissions_per_second"]
    print(f"sustained: {held_rate} submissions/s with p99 to the acknowledgement under 2 s; {failures} failed requests")
    (OUT / "result.json").write_text(json.dumps(result, indent=2))
    return result


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    env = environment()
    prepare(env)
    (OUT / "smtp.jsonl").touch()
    rates = [int(rate) for rate in os.environ.get("LOADTEST_RATES", "2,4,6,8,12").split(",")]
    seconds = int(os.environ.get("LOADTEST_STEP_SECONDS", "30"))
    celery = [sys.executable, "-m", "celery", "-A", "helpdesk"]
    with ExitStack() as stack:
        sink = [sys.executable, "loadtest/sink.py", str(SMTP_PORT), str(OUT / "smtp.jsonl")]
        stack.enter_context(started(sink, env, "smtp.log"))
        stack.enter_context(started([*celery, "worker", "--loglevel=WARNING", "--concurrency=2"], env, "worker.log"))
        stack.enter_context(started([*celery, "beat", "--loglevel=WARNING"], env, "beat.log"))
        web = [sys.executable, "-m", "gunicorn", "helpdesk.wsgi:application", "--bind", f"127.0.0.1:{PORT}"]
        web += ["--workers", "4", "--certfile", str(OUT / "cert.pem"), "--keyfile", str(OUT / "key.pem")]
        stack.enter_context(started(web, env, "web.log"))
        wait_for_web(env)
        report(measure(env, rates, seconds))


if __name__ == "__main__":
    main()
