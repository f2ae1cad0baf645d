"""The customer's private link to a ticket: ``/support/t/<reference>/<token>/``.

The token is an HMAC of a random per-ticket salt under SECRET_KEY, so the database
holds only the salt and the token's SHA-256: reading the database neither reveals
nor forges a link, yet the outbox can rebuild the link when it sends an email.
Rotating the salt revokes every earlier link to the ticket.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.urls import reverse

from tickets.models import Ticket


def new_link_secret() -> tuple[str, str]:
    """A fresh (salt, hash) pair for a ticket."""
    salt = secrets.token_urlsafe(32)
    return salt, link_hash_for_salt(salt)


def link_hash_for_salt(salt: str) -> str:
    return _hash(_token_from_salt(salt))


def _token_from_salt(salt: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"ticket-link:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_token(ticket: Ticket) -> str:
    return _token_from_salt(ticket.link_salt)


def link_matches(ticket: Ticket, token: str) -> bool:
    return hmac.compare_digest(_hash(token), ticket.link_hash)


def link_path(ticket: Ticket) -> str:
    return reverse("portal:ticket", kwargs={"reference": ticket.reference, "token": link_token(ticket)})


def link_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}{link_path(ticket)}"


def _link_pattern() -> re.Pattern[str]:
    sample = reverse("portal:ticket", kwargs={"reference": "REF", "token": "TOKEN"})
    pattern = re.escape(sample).replace("REF", r"([A-Za-z0-9-]+)").replace("TOKEN", r"[A-Za-z0-9_-]+")
    return re.compile(pattern)


def _rate_pattern() -> re.Pattern[str]:
    sample = reverse("portal:rate", kwargs={"token": "TOKEN", "rating": 1})
    return re.compile(re.escape(sample).replace("TOKEN", r"[A-Za-z0-9_:-]+").replace("1", r"(\d+)"))


def redact_links(text: str) -> str:
    """``text`` with every private link's token hidden, for copies of emails kept in the database
    (the survey's rating links too: satisfaction/links.py)."""
    sample = reverse("portal:ticket", kwargs={"reference": "REF", "token": "TOKEN"})
    hidden = sample.replace("TOKEN", "[private link]")
    text = _link_pattern().sub(lambda m: hidden.replace("REF", m.group(1)), text)
    rate = reverse("portal:rate", kwargs={"token": "TOKEN", "rating": 1}).replace("TOKEN", "[rating link]")
    return _rate_pattern().sub(lambda m: rate.replace("/1/", f"/{m.group(1)}/"), text)
