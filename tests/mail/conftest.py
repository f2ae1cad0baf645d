from __future__ import annotations

from collections.abc import Iterator

import pytest

from mail import oauth
from mail.models import Mailbox


@pytest.fixture
def mailbox(desk) -> Mailbox:
    """The support mailbox, filing new tickets in queue A (Alice's)."""
    return Mailbox.objects.create(name="support", address="support@localhost", queue=desk.queue_a)


@pytest.fixture(autouse=True)
def _no_cached_oauth_tokens() -> Iterator[None]:
    """Access tokens live in the worker's memory (``mail.oauth``): each test starts without any."""
    oauth.forget_all()
    yield
    oauth.forget_all()
