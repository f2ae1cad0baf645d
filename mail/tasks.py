"""The IMAP poll, run by beat every minute, and the daily clearing of old raw messages
(``tickets/periodic.py`` declares the schedule, naming these tasks as strings).

No retry here: a failed run is simply the next minute's run. Two beats at once are safe: each
mailbox is polled under a lease (``mail.imap``), and a message is flagged only once committed.
"""

from __future__ import annotations

from celery import shared_task

from mail.imap import TASK_TIME_LIMIT_SECONDS, poll_active_mailboxes
from mail.retention import inbound_raw_purge


# Celery ships no type hints, so mypy calls `shared_task` untyped: the ignore says only that.
@shared_task(  # type: ignore[untyped-decorator]
    name="mail.tasks.poll_mailboxes",
    soft_time_limit=TASK_TIME_LIMIT_SECONDS - 30,
    time_limit=TASK_TIME_LIMIT_SECONDS,
)
def poll_mailboxes_task() -> dict[str, str]:
    """Per mailbox id: what its run did, or "busy" when another run holds it."""
    return {pk: str(result) if result is not None else "busy" for pk, result in poll_active_mailboxes().items()}


@shared_task(name="mail.tasks.purge_raw_messages", soft_time_limit=270, time_limit=300)  # type: ignore[untyped-decorator]
def purge_raw_messages_task() -> int:
    """How many raw messages were cleared; a run cut short by its time limit goes on the next day."""
    return inbound_raw_purge()
