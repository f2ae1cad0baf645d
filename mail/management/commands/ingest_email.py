"""``manage.py ingest_email --mailbox NAME < message.eml``: one raw message from an MTA pipe.

Exit codes follow sysexits.h, which Postfix's pipe(8) understands: 0 when the message is stored
(a ticket, a reply, a duplicate or quarantined), 75 (EX_TEMPFAIL) when the database failed or the
mailbox is unknown or inactive, so the MTA keeps the message and retries later instead of
bouncing it. A retry of a message whose first try did commit is a duplicate: nothing new.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from mail.models import Mailbox
from mail.services import email_ingest

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read one email on standard input and file it for the mailbox (a Postfix pipe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", required=True, help="The mailbox's name in the admin.")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        try:
            mailbox = Mailbox.objects.filter(name=options["mailbox"], is_active=True).first()
            if mailbox is None:
                self.stderr.write(f"No active mailbox named {options['mailbox']!r}; the MTA will retry.")
                sys.exit(EX_TEMPFAIL)
            result = email_ingest(mailbox=mailbox, raw=raw)
        except DatabaseError as exc:
            self.stderr.write(f"Database error, the MTA will retry: {exc}")
            sys.exit(EX_TEMPFAIL)
        inbound = result.inbound
        what = "duplicate of" if result.duplicate else inbound.get_status_display().lower() + ":"
        ticket = inbound.ticket.reference if inbound.ticket else inbound.reason
        self.stdout.write(f"{what} {ticket}")
