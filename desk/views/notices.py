"""The agent's notices under the bell (/desk/notices/): a list, and "Mark all as read" (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from desk.access import PAGE_SIZE, AgentRequest, agent_required
from tickets.selectors import notice_list_for_user
from tickets.services.notices import notices_mark_read


@require_GET
@agent_required
def notice_list(request: AgentRequest) -> HttpResponse:
    page = Paginator(notice_list_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "desk/notices.html", {"page": page, "now": timezone.now()})


@require_POST
@agent_required
def notices_read(request: AgentRequest) -> HttpResponse:
    count = notices_mark_read(user=request.user)
    if count:
        messages.success(request, f"Marked {count} notice{'s' if count != 1 else ''} as read.")
    else:
        messages.info(request, "No unread notices.")
    return redirect("desk:notices")
