from __future__ import annotations

import pytest

from mail.models import Mailbox


@pytest.fixture
def mailbox(desk) -> Mailbox:
    """The support mailbox, filing new tickets in queue A (Alice's)."""
    return Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)
