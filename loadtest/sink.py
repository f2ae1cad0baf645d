"""An SMTP server that accepts every message and records when each arrived, for the load test.

``python loadtest/sink.py PORT OUT.jsonl``: one JSON line per message, ``{"reference", "subject",
"at"}`` (the ticket reference found in the subject, and the arrival time as a Unix timestamp).
"""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

from aiosmtpd.controller import Controller

REFERENCE = re.compile(r"\[(HD-\d+)\]")


class Recorder:
    def __init__(self, path: str) -> None:
        self._out = open(path, "a", encoding="utf-8")  # noqa: SIM115  open for the server's life
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        at = time.time()
        subject = str(make_header(decode_header(message_from_bytes(envelope.content).get("Subject", ""))))
        found = REFERENCE.search(subject)
        line = json.dumps({"reference": found.group(1) if found else "", "subject": subject[:120], "at": at})
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()
        return "250 OK"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
