"""Token secrets: how they look, and the one-way hash that is all the database keeps.

A token is ``hd_`` + 8 characters shown in lists (the prefix) + ``_`` + 40 random characters.
It is found by the SHA-256 of the whole token (a unique index): the secret is never compared
character by character, so the time an answer takes says nothing about how close a guess was.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "hd_"


def token_new() -> tuple[str, str]:
    """A fresh token and its prefix (what lists show)."""
    visible = secrets.token_hex(4)
    return f"{PREFIX}{visible}_{secrets.token_urlsafe(30)}", f"{PREFIX}{visible}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
