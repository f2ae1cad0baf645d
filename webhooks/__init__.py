"""Signed webhooks: tell other systems what happened on the desk.

A domain app above ``tickets`` (it reads the ticket history; ``tickets`` never imports it).
The dispatcher (``dispatch.py``) turns new history rows into one delivery per endpoint; the
sender (``services/sending.py``) posts them, signed (``signing.py``), to public addresses only
(``netguard.py``). See README "Webhooks" and docs/architecture.md.
"""
