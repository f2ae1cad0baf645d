"""An agent's notices (reminders and breach notices from the sweep): the bell and its list.

Every read and write here is scoped to one user: nobody sees or marks another's notices.
The notices themselves are written by the sweep (``tickets.services.sweep``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.utils import timezone

from tickets.models import Notice

# --- Writes --------------------------------------------------------------------------------


def notices_mark_read(*, user: User, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notices as read (only ``notice_ids`` when given); returns how many.

    Ids of other users' notices are ignored, so a forged id changes nothing.
    """
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(pk__in=list(notice_ids))
    return unread.update(read_at=timezone.now())
