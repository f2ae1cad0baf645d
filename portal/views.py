"""The customer portal (/support/): no accounts, a private link per ticket."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpdesk.lib import ratelimit
from helpdesk.lib.forms import add_service_errors
from helpdesk.lib.outage import after_commit_step
from knowledgebase import selectors as kb_selectors
from knowledgebase.models import DeflectionEvent
from knowledgebase.services import deflection_record
from portal.forms import CustomerReplyForm, ResendLinksForm, TicketSubmitForm
from tickets import selectors, services
from tickets.customers import customer_has_other_addresses
from tickets.downloads import attachment_response
from tickets.links import link_path
from tickets.models import Ticket
from tickets.promise_text import customer_promise_text, customer_zone, intake_promise_text
from tickets.selectors_timeline import Cursor, ticket_conversation_for_customer
from tickets.selectors_triage import ticket_continued_in
from tickets.services.portal import SUBJECT_MAX

# Which ticket the success page shows: a signed cookie, not the session, so a submission writes
# no session row (a read, an update and a commit fewer per submission). It holds the ticket's id
# only, never the link, and is signed with the site's key: no other ticket can be put in it.
SUBMITTED_SALT = "portal.submitted"
SUBMITTED_MAX_AGE = 24 * 3600
RATELIMIT_REVOKE = (5, 3600)  # per client address and ticket: each one sends an email


def _private(response: HttpResponse) -> HttpResponse:
    """Headers for a page that carries (or links to) a private ticket link.

    The link is a capability, so it must never reach another site in a Referer header.
    ``same-origin`` already guarantees that: browsers send no Referer at all on cross-site
    requests, and these pages load nothing from other origins (every asset is ours, and
    the CSP allows nothing else). ``no-referrer`` would be stricter in name only, and it
    breaks the page: under it Chromium sends ``Origin: null`` on the page's own form POST,
    and Django's CSRF check refuses every customer reply as "Origin checking failed".
    """
    response["Referrer-Policy"] = "same-origin"
    return response


def _submitted_cookie() -> str:
    # Like the session cookie: ``__Host-`` (secure, whole site, this host only) wherever that one is.
    return "__Host-submitted" if settings.SESSION_COOKIE_SECURE else "portal_submitted"


def _submitted_remember(response: HttpResponse, pk: int) -> HttpResponse:
    response.set_signed_cookie(
        _submitted_cookie(),
        str(pk),
        salt=SUBMITTED_SALT,
        max_age=SUBMITTED_MAX_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _submitted_recall(request: HttpRequest) -> int | None:
    """The ticket this browser submitted last (within a day), from the signed cookie; None if none or forged."""
    value = request.get_signed_cookie(_submitted_cookie(), default=None, salt=SUBMITTED_SALT, max_age=SUBMITTED_MAX_AGE)
    return int(value) if value is not None and value.isdigit() else None


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@require_http_methods(["GET", "HEAD", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TicketSubmitForm(request.POST, request.FILES)
        if not ratelimit.hit(request, "submit", settings.RATELIMIT_PUBLIC_FORM):
            form.is_valid()
            form.add_error(None, "We've received many requests from your address. Please try again in an hour.")
            return render(request, "portal/new.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submitted = services.ticket_submit(
                    name=data["name"],
                    email=data["email"],
                    kind=data["kind"],
                    subject=data["subject"],
                    description=data["description"],
                    files=data["attachments"],
                    submission_key=data["submission_key"] or None,
                    timezone_name=data["timezone"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # The submission key doubles as the form id of knowledge-base suggestions: "submitted anyway".
                after_commit_step(  # the ticket is saved: nothing after this may show an error page
                    "deflection record",
                    deflection_record,
                    form_id=data["submission_key"],
                    kind=DeflectionEvent.Kind.SUBMITTED,
                )
                return _submitted_remember(redirect("portal:submitted"), submitted.ticket.pk)
        return render(request, "portal/new.html", {"form": form}, status=400)
    # "Ask our team about this" on a help article prefills the subject (and names the article).
    initial = {"submission_key": uuid.uuid4().hex, "subject": request.GET.get("subject", "")[:SUBJECT_MAX]}
    article = kb_selectors.article_public_or_none(request.GET.get("article", ""))
    if article is not None:
        initial["description"] = f"About the help article “{article.title}”: "
    form = TicketSubmitForm(initial=initial)
    return render(request, "portal/new.html", {"form": form})


@never_cache
@require_safe
def ticket_submitted(request: HttpRequest) -> HttpResponse:
    pk = _submitted_recall(request)
    ticket = selectors.ticket_get_by_id(pk) if pk is not None else None
    if ticket is None:
        return redirect("portal:new")
    context = {
        "ticket": ticket,
        "ticket_path": link_path(ticket),
        "promise_sentence": intake_promise_text(ticket, timezone.now()),  # the acknowledgement's words
        "ack_held": selectors.ticket_ack_held(ticket),
        # A request from an address merged into another customer's goes to that customer's address:
        # shown masked, so typing someone's old address never reveals their current one.
        "confirmation_to": masked_email(ticket.customer.email)
        if customer_has_other_addresses(ticket.customer)
        else ticket.customer.email,
    }
    return _private(render(request, "portal/submitted.html", context))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def ticket_detail(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_link(reference=reference, token=token)
    form = CustomerReplyForm()
    status = 200
    if request.method == "POST":
        form = CustomerReplyForm(request.POST, request.FILES)
        if not ratelimit.hit(request, "reply", settings.RATELIMIT_CUSTOMER_REPLY, extra=reference):
            form.is_valid()
            form.add_error(None, "You've sent many replies in a short time. Please wait a little and try again.")
            status = 429
        elif form.is_valid():
            try:
                written = services.customer_write(
                    ticket=ticket, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _written(request, ticket, written)
        status = status if status != 200 else 400
        ticket.refresh_from_db()
    return _ticket_page(request, ticket, token, form=form, status=status)


def _written(request: HttpRequest, ticket: Ticket, written: services.Written) -> HttpResponse:
    """After a reply: this page again, or the follow-up request it went to (the customer's own).
    A merged duplicate's reply joins the other request, but its link is never handed out here: the
    duplicate's link may have been shared, the other request's went only to the customer."""
    if written.ticket.pk == ticket.pk or (ticket.merged_into_id is not None and not written.opened):
        messages.success(request, "Thanks, your reply has been added. We'll be in touch.")
        return redirect(request.path)
    follow_up = written.ticket
    if not written.opened:
        messages.success(request, f"Thanks, your message has been added to your newer request {follow_up.reference}.")
    elif selectors.ticket_ack_held(follow_up):
        messages.success(request, f"Thanks. We've opened a new request, {follow_up.reference}, for your message.")
    else:
        messages.success(
            request,
            f"Thanks. We've opened a new request, {follow_up.reference}, for your message, "
            "and emailed you its private link.",
        )
    return redirect(link_path(follow_up))


def _conversation_context(request: HttpRequest, ticket: Ticket, token: str) -> dict[str, object]:
    """The conversation's page (the latest messages, or those before ``?before=``) and its links."""
    page = ticket_conversation_for_customer(ticket, before=Cursor.parse(request.GET.get("before")))
    here = reverse("portal:ticket", kwargs={"reference": ticket.reference, "token": token})
    return {
        "conversation": [entry.message for entry in page.entries],
        "conversation_page": page,
        "conversation_earlier_url": f"{here}?before={page.earlier}#conversation" if page.earlier else "",
        "conversation_latest_url": f"{here}#conversation",
    }


def _ticket_page(
    request: HttpRequest, ticket: Ticket, token: str, *, form: CustomerReplyForm, status: int = 200, **extra: object
) -> HttpResponse:
    if ticket.merged_into_id is not None:
        return _merged_page(request, ticket, status=status)
    promise = selectors.promise_pending(ticket)
    promise_due, promise_waits = customer_promise_text(ticket, promise, timezone.now())  # as the emails say it
    context = {
        "ticket": ticket,
        "promise": promise,
        "promise_due": promise_due,
        "promise_waits": promise_waits,
        "now": timezone.now(),
        **_conversation_context(request, ticket, token),
        "takes_replies": services.takes_replies(ticket, timezone.now()),
        "reopen_days": settings.REOPEN_WITHIN_DAYS,
        "form": form,
        "ticket_path": reverse("portal:ticket", kwargs={"reference": ticket.reference, "token": token}),
        **extra,
    }
    with timezone.override(customer_zone(ticket)):  # every time on the page in the customer's own zone
        response = render(request, "portal/ticket.html", context, status=status)
    return _private(response)


def _merged_page(request: HttpRequest, ticket: Ticket, *, status: int) -> HttpResponse:
    """A merged request's private link: where the conversation goes on, never that ticket's link
    (this link may have been shared; the other one went to the customer's address only)."""
    target = ticket_continued_in(ticket)
    context = {"ticket": ticket, "target": target, "email": masked_email(target.customer.email)}
    return _private(render(request, "portal/ticket_merged.html", context, status=status))


def masked_email(address: str) -> str:
    """``dana@example.com`` as ``d***@example.com``: enough to recognise, not to harvest."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


@never_cache
@require_POST
def link_revoke(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """ "Revoke this link and send me a new one": only the link's holder can ask, and the
    new link goes to the customer's address, never onto this page."""
    ticket = selectors.ticket_get_for_link(reference=reference, token=token)
    if not ratelimit.hit(request, "revoke", RATELIMIT_REVOKE, extra=reference):
        error = "You've asked for new links several times already. Please check your inbox or try again later."
        return _ticket_page(request, ticket, token, form=CustomerReplyForm(), status=429, revoke_error=error)
    ticket = services.link_revoke(ticket=ticket)
    response = render(
        request, "portal/link_revoked.html", {"ticket": ticket, "email": masked_email(ticket.customer.email)}
    )
    return _private(response)


@never_cache
@require_safe
def attachment_download(request: HttpRequest, reference: str, token: str, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get_for_link(reference=reference, token=token, attachment_id=attachment_id)
    return attachment_response(attachment)


@require_http_methods(["GET", "HEAD", "POST"])
def links_resend_view(request: HttpRequest) -> HttpResponse:
    form = ResendLinksForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit(request, "links", settings.RATELIMIT_RESEND_LINKS):
            form.add_error(None, "You've asked several times already. Please check your inbox or try again later.")
            return render(request, "portal/links.html", {"form": form}, status=429)
        if form.is_valid():
            services.links_resend(email=form.cleaned_data["email"])
            # Same answer whether or not we know the address.
            return render(request, "portal/links_sent.html", {"email": form.cleaned_data["email"]})
        return render(request, "portal/links.html", {"form": form}, status=400)
    return render(request, "portal/links.html", {"form": form})
