"""The ticket page's heartbeat (POST /desk/t/<reference>/presence/, JSON): who else is there, and
what changed in the conversation since the page was loaded.

Posted by static/js/presence.js every few seconds while the page is visible, with the agent's
``state`` ("viewing", "reply", "note", or "left" when the page closes) and the page's ``seen``
marker. The same lookup as the page (404 outside the agent's queues), a constant number of
queries, and presence from the cache only: with the cache down, nobody is shown and the
answer is still 200 (desk/presence.py).
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from desk import presence
from desk.access import AgentRequest, agent_required
from tickets import selectors
from tickets.conversation import conversation_changes

MARKER_DIGITS = 18  # an event id; longer is no id of ours (and would overflow the column)


@require_POST
@agent_required
def ticket_presence(request: AgentRequest, reference: str) -> JsonResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    state = request.POST.get("state", "viewing")
    if state == "left":
        presence.presence_leave(ticket_id=ticket.pk, user=request.user)
        return JsonResponse({"others": [], "changes": [], "more": False})
    others = presence.presence_beat(ticket_id=ticket.pk, user=request.user, state=state)
    seen = request.POST.get("seen", "")
    changes, more = [], False
    if seen.isascii() and seen.isdigit() and len(seen) <= MARKER_DIGITS:
        found = conversation_changes(ticket=ticket, seen_event_id=int(seen), viewer=request.user)
        now = timezone.now()
        changes, more = [change.described(now) for change in found.items], found.more
    return JsonResponse({"others": others, "changes": changes, "more": more})
