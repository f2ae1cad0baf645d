"""The Reply-To address unique to a ticket: ``support+HD-1014-<signature>@host``.

Plus-addressing on the support mailbox (``REPLY_TO_ADDRESS``, else ``DEFAULT_FROM_EMAIL``'s
address), so every mail server delivers it to the same mailbox. The signature is an HMAC of the
reference under SECRET_KEY, 10 base32 characters (50 bits), compared in constant time: knowing a
ticket's reference is not enough to write into it, so mail intake may trust the address alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import parseaddr

from django.conf import settings

from tickets.models import Ticket

SIGNATURE_CHARS = 10


def support_address() -> str:
    """The bare address customers write and reply to, e.g. ``support@example.com``."""
    configured = settings.REPLY_TO_ADDRESS or settings.DEFAULT_FROM_EMAIL
    return parseaddr(configured)[1].strip().lower()


def _signature(reference: str) -> str:
    key = f"helpdesk.reply-address:{settings.SECRET_KEY}".encode()
    digest = hmac.new(key, reference.upper().encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:SIGNATURE_CHARS].lower()


def reply_address(ticket: Ticket) -> str:
    local, _, domain = support_address().partition("@")
    return f"{local}+{ticket.reference}-{_signature(ticket.reference)}@{domain}"


def ticket_pk_from_reply_address(address: str) -> int | None:
    """The ticket a signed plus-address names, or None for any other address or a wrong signature."""
    local, _, domain = parseaddr(address)[1].strip().lower().rpartition("@")
    support_local, _, support_domain = support_address().partition("@")
    base, plus, tag = local.partition("+")
    if not plus or base != support_local or domain != support_domain:
        return None
    reference, _, signature = tag.rpartition("-")
    pk = Ticket.pk_from_reference(reference)
    if pk is None or not hmac.compare_digest(signature.encode(), _signature(reference).encode()):
        return None
    return pk
