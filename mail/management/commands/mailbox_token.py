"""``manage.py mailbox_token --mailbox NAME``: a new token for POST /mail/inbound/NAME/, printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mail.models import Mailbox
from mail.services import inbound_token_rotate


class Command(BaseCommand):
    help = "Set a new bearer token for a mailbox's inbound HTTP endpoint and print it (only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", required=True, help="The mailbox's name in the admin.")

    def handle(self, *args: Any, **options: Any) -> None:
        mailbox = Mailbox.objects.filter(name=options["mailbox"]).first()
        if mailbox is None:
            raise CommandError(f"No mailbox named {options['mailbox']!r}.")
        self.stdout.write(inbound_token_rotate(mailbox=mailbox))
