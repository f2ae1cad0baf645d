"""Tell the agents an internal note mentions: a notice under their bell and one email each.

Who a mention means is decided in ``tickets.mentions``. The notices are unique per (message,
user) and their emails per notice (``notice:<id>``), so however often this runs for a note,
each agent it mentions is told once.
"""

from __future__ import annotations

from datetime import datetime

from tickets.mentions import Mentions, mentions_resolve
from tickets.models import Message, Notice
from tickets.services.outbox import outbox_enqueue_notices


def note_mentions_notify(*, message: Message, at: datetime) -> Mentions:
    """Notify the agents ``message`` (an internal note) mentions; a public reply notifies nobody.

    Must run inside the caller's transaction: the emails go to the broker after commit.
    """
    if message.visibility != Message.Visibility.NOTE:
        return Mentions()
    mentions = mentions_resolve(ticket=message.ticket, body=message.body, author=message.author_user)
    if not mentions.notify:
        return mentions
    Notice.objects.bulk_create(
        [
            Notice(message=message, ticket=message.ticket, user=user, kind=Notice.Kind.MENTION, created_at=at)
            for user in mentions.notify
        ],
        ignore_conflicts=True,  # the unique (message, user): once, however often this runs
    )
    notices = Notice.objects.filter(message=message, kind=Notice.Kind.MENTION).select_related("user").order_by("pk")
    outbox_enqueue_notices(notices=list(notices))
    return mentions
