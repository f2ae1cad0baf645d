"""The TLS context for IMAP servers and OAuth token endpoints: verified, chain and host name."""

from __future__ import annotations

import ssl

from django.conf import settings


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, plus ``IMAP_CA_FILE``'s when set (a private CA)."""
    context = ssl.create_default_context()
    if settings.IMAP_CA_FILE:
        context.load_verify_locations(cafile=settings.IMAP_CA_FILE)
    return context
