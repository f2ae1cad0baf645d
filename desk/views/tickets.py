"""A ticket on the desk (/desk/t/<reference>/): the page, its reply composer, the change form.

One function renders the page (``ticket_page``), whatever led to it: a plain visit, an insert in
the composer without JavaScript, a courtesy check or a form error. Every change is a POST; every
lookup is scoped to the agent.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timezone import get_current_timezone as tz
from django.views.decorators.http import require_GET, require_POST

from canned_responses.selectors import courtesy_flags
from canned_responses.services import ReplyPosted, canned_reply_post
from desk import care, collide, composer, triage, workspace
from desk.access import AgentRequest, agent_required
from desk.forms import AgentReplyForm, TicketUpdateForm
from helpdesk.lib.forms import add_service_errors
from knowledgebase import selectors as kb_selectors
from knowledgebase.links import article_markdown_link
from satisfaction.selectors import ticket_surveys
from tickets import selectors, services
from tickets.conversation import ConversationChanged
from tickets.customers import customer_facts
from tickets.downloads import attachment_response
from tickets.models import Ticket
from tickets.promise_text import agent_waiting_note, pauses_when_waiting
from tickets.selectors_timeline import Cursor, ticket_timeline_for_agent, ticket_timeline_showing
from tickets.time_text import weekday_clock


def _timeline_context(request: AgentRequest, ticket: Ticket) -> dict[str, Any]:
    """The timeline's page (the latest, the one before ``?before=``, or the one showing
    ``?message=``) and the links between pages."""
    before = Cursor.parse(request.GET.get("before"))
    message_id = request.GET.get("message", "")
    if before is None and message_id.isdigit() and len(message_id) < 19:
        page = ticket_timeline_showing(ticket, message_id=int(message_id))
    else:
        page = ticket_timeline_for_agent(ticket, before=before)
    here = workspace.ticket_back_url(request, ticket)
    joiner = "&" if "?" in here else "?"
    return {
        "timeline": page.entries,
        "timeline_page": page,
        "timeline_earlier_url": f"{here}{joiner}before={page.earlier}#timeline" if page.earlier else "",
        "timeline_latest_url": f"{here}#timeline",
    }


def ticket_page(
    request: AgentRequest, ticket: Ticket, *, status: int = 200, extra: dict[str, Any] | None = None, **forms: Any
) -> HttpResponse:
    """The ticket page with the given forms (fresh ones where none is given)."""
    agents = selectors.agents_for_ticket(ticket)
    update_form = forms.get("update_form") or TicketUpdateForm(
        agents=agents,
        initial={"status": ticket.status, "priority": ticket.priority, "assignee": ticket.assignee_id},
    )
    reply_form = forms.get("reply_form") or AgentReplyForm()
    composer.composer_choices_set(form=reply_form, user=request.user, ticket=ticket)  # one query
    copies = selectors.ticket_copies(ticket)
    composer.composer_copies_set(form=reply_form, copies=copies)
    policy = selectors.policy_for(ticket)
    status_after = reply_form["status_after"].value() or ticket.status  # "Keep the current status"
    context = {
        "ticket": ticket,
        "promise": selectors.promise_pending(ticket),
        # What "Waiting on customer" will do to the promise, shown before sending (static/js/promise-pick.js).
        "waiting_pauses": pauses_when_waiting(policy),
        "waiting_note": agent_waiting_note(customer_first_name=ticket.customer.first_name, policy=policy),
        "waiting_chosen": status_after == Ticket.Status.WAITING,
        "promise_stats": selectors.promise_stats_for_ticket(ticket),
        "surveys": ticket_surveys(ticket),  # one query: each solve's rating
        "follow_ups": selectors.ticket_follow_ups_for_agent(user=request.user, ticket=ticket),
        "copies": copies,
        "now": timezone.now(),
        **_timeline_context(request, ticket),
        "customer_facts": customer_facts(user=request.user, customer=ticket.customer, ticket=ticket),  # two queries
        "reply_form": reply_form,
        "update_form": update_form,
        # The composer's "Insert a help article link": the best public articles for the subject.
        "kb_articles": [(a, article_markdown_link(a)) for a in kb_selectors.articles_for_agent_picker(ticket.subject)],
        "site_url": settings.SITE_URL,
        **collide.page_context(ticket=ticket, reply_form=reply_form),  # presence, "seen" marker, @mentions
        **triage.page_context(user=request.user, ticket=ticket, forms=forms, queue_agents=agents),
        **care.page_context(user=request.user, ticket=ticket, forms=forms),  # follow-ups, goodwill, resolution
        "nav": workspace.ticket_nav(request, request.user, ticket),  # previous / next in the view
        **(extra or {}),
    }
    return render(request, "desk/ticket.html", context, status=status)


@require_GET
@agent_required
def ticket_detail(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    if ticket.merged_into_id is not None:  # a merged duplicate: its conversation goes on in the target
        return triage.merged_redirect(request, ticket) or ticket_page(request, ticket)
    return ticket_page(request, ticket)


def composer_again(request: AgentRequest, ticket: Ticket, inserted: composer.Inserted) -> HttpResponse:
    """An insert without JavaScript: the page again, the composer filled in, nothing sent."""
    if inserted.note:
        messages.info(request, inserted.note)
    return ticket_page(request, ticket, reply_form=AgentReplyForm(initial=inserted.initial))


def _courtesy_prompt(
    request: AgentRequest, ticket: Ticket, form: AgentReplyForm, *, internal: bool
) -> HttpResponse | None:
    """Blunt phrases in a public reply to a complaint: the page again, gently asking; nothing sent.

    "Send anyway" resubmits the same form with ``confirm_courtesy`` set.
    """
    if form.cleaned_data["confirm_courtesy"]:
        return None
    flagged = courtesy_flags(ticket=ticket, body=form.cleaned_data["body"], internal=internal)
    if not flagged:
        return None
    return ticket_page(request, ticket, reply_form=form, extra={"courtesy_flags": flagged})


def _changed_prompt(
    request: AgentRequest, ticket: Ticket, form: AgentReplyForm, exc: ConversationChanged
) -> HttpResponse:
    """The conversation changed since the page was loaded: the page again with what changed, the
    text kept, nothing sent. The form now carries the new marker, so "Send anyway" sends."""
    ticket.refresh_from_db()  # as it is now: the status or assignee may have changed too
    now = timezone.now()
    changes = exc.changes
    extra = {
        "conversation_changes": [change.described(now) for change in changes.items],
        "conversation_more": changes.more,
        "new_since": changes.since,
        "seen_marker": exc.latest_event_id,
    }
    return ticket_page(request, ticket, status=409, reply_form=form, extra=extra)


def _reply_done(ticket: Ticket, posted: ReplyPosted, *, internal: bool, copied: list[str]) -> str:
    """'Reply sent to Ada. Next update promised by Tue 14:00 (London time).' in the agent's zone."""
    if internal:
        return "Internal note added."
    done = f"Reply sent to {ticket.customer.name}" + (f", copied to {', '.join(copied)}." if copied else ".")
    promise = posted.promise
    if promise is not None and promise.due_at is not None:
        done += f" Next update promised by {weekday_clock(promise.due_at, tz())}."
    elif promise is not None and promise.is_paused:
        done += f" The clock waits for {ticket.customer.first_name}'s answer; no update time is promised."
    return done


@require_POST
@agent_required
def ticket_reply(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    if "apply_canned" in request.POST:  # "Insert" a canned response: nothing is sent
        inserted = composer.canned_insert(post=request.POST, user=request.user, ticket=ticket, at=timezone.now())
        return composer_again(request, ticket, inserted)
    if "insert_article" in request.POST:  # "Insert article link": nothing is sent
        return composer_again(request, ticket, composer.article_insert(post=request.POST))
    form = AgentReplyForm(request.POST, request.FILES)
    composer.composer_copies_set(form=form, copies=selectors.ticket_copies(ticket))
    if form.is_valid():
        data = form.cleaned_data
        internal = data["visibility"] == "note"
        prompt = _courtesy_prompt(request, ticket, form, internal=internal)
        if prompt is not None:
            return prompt
        try:
            next_due_at = None
            if not internal:
                next_due_at = services.agent_due_choice(
                    ticket=ticket, choice=data["next_update"], custom=data["next_update_at"], at=timezone.now()
                )
            posted = canned_reply_post(
                ticket=ticket,
                agent=request.user,
                body=data["body"],
                internal=internal,
                status_after=data["status_after"] or None,
                files=data["attachments"],
                next_due_at=next_due_at,
                canned_id=data["canned_id"],
                copies=composer.copy_choice(data),
                seen_event_id=data["seen"],
            )
        except ConversationChanged as exc:
            return _changed_prompt(request, ticket, form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            copied = [] if internal else data["copy_to"]
            messages.success(request, _reply_done(ticket, posted, internal=internal, copied=copied))
            if internal:
                collide.mentions_announce(request, message=posted.message, author=request.user)
            return redirect(workspace.ticket_back_url(request, ticket))
    return ticket_page(request, ticket, status=400, reply_form=form)


@require_POST
@agent_required
def ticket_update(request: AgentRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    form = TicketUpdateForm(request.POST, agents=selectors.agents_for_ticket(ticket))
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.ticket_update(
                ticket=ticket,
                agent=request.user,
                status=data["status"],
                priority=data["priority"],
                assignee_id=data["assignee"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Ticket updated." if changed else "Nothing to change.")
            return redirect(workspace.ticket_back_url(request, ticket))
    ticket.refresh_from_db()
    return ticket_page(request, ticket, status=400, update_form=form)


@require_POST
@agent_required
def bounce_clear(request: AgentRequest, reference: str) -> HttpResponse:
    """The agent knows the customer's address works again: stop flagging it as bouncing."""
    ticket = selectors.ticket_get_for_agent(user=request.user, reference=reference)
    email = ticket.customer.email
    if services.customer_bounce_clear(customer=ticket.customer, ticket=ticket, agent=request.user, at=timezone.now()):
        messages.success(request, f"Cleared: emails to {email} are no longer flagged as bouncing.")
    else:
        messages.info(request, f"Emails to {email} were not flagged as bouncing.")
    return redirect("desk:ticket", reference=ticket.reference)


@require_GET
@agent_required
def attachment_download(request: AgentRequest, reference: str, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get_for_agent(user=request.user, reference=reference, attachment_id=attachment_id)
    return attachment_response(attachment)
