"""The customer after "solved" (/support/): "Did this solve it?" and "How did we do?".

A GET never changes anything: the links in our emails open a page that asks, and only its
button (a POST with CSRF) acts, so a mail scanner that follows every link changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from helpdesk.lib import ratelimit
from helpdesk.lib.forms import add_service_errors
from portal.forms_after import RatingForm, StillNeedHelpForm
from portal.views import _private, _written
from satisfaction import selectors as csat
from satisfaction.services.loop import solved_confirm, solved_reopen
from satisfaction.services.surveys import rating_record
from tickets import selectors
from tickets.links import link_path


def _page(request: HttpRequest, template: str, context: dict[str, object], status: int = 200) -> HttpResponse:
    return _private(render(request, f"portal/{template}", context, status=status))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def solved_yes(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_link(reference=reference, token=token)
    error = ""
    if request.method == "POST":
        try:
            solved_confirm(ticket=ticket)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, "Thank you for letting us know. We've closed your request.")
            return redirect(link_path(ticket))
    context = {"ticket": ticket, "ticket_path": link_path(ticket), "error": error}
    return _page(request, "solved_yes.html", context, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def solved_no(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    ticket = selectors.ticket_get_for_link(reference=reference, token=token)
    form = StillNeedHelpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if not ratelimit.hit(request, "reply", settings.RATELIMIT_CUSTOMER_REPLY, extra=reference):
            form.is_valid()
            form.add_error(None, "You've sent many replies in a short time. Please wait a little and try again.")
            status = 429
        elif form.is_valid():
            try:
                written = solved_reopen(ticket=ticket, body=form.cleaned_data["body"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if written.ticket.pk != ticket.pk:  # a follow-up request, or the one a duplicate joined
                    return _written(request, ticket, written)
                messages.success(request, "Thanks, we've reopened your request. We'll be in touch.")
                return redirect(link_path(ticket))
    context = {"ticket": ticket, "ticket_path": link_path(ticket), "form": form}
    return _page(request, "solved_no.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request: HttpRequest, token: str, rating: int) -> HttpResponse:
    try:
        survey = csat.survey_for_token(token)
    except csat.LinkExpired:
        return _page(request, "rate_link_bad.html", {"expired": True}, status=410)
    except csat.LinkInvalid:
        return _page(request, "rate_link_bad.html", {"expired": False}, status=404)
    if survey.rated_at is not None:
        return _page(request, "rate_done.html", {"survey": survey, "already": True})
    initial = {"rating": rating} if 1 <= rating <= survey.scale else {}
    form = RatingForm(request.POST or None, scale=survey.scale, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rated = rating_record(
                survey_id=survey.pk, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _page(request, "rate_done.html", {"survey": rated.survey, "already": not rated.recorded})
    context = {"survey": survey, "ticket": survey.ticket, "form": form, "five_point": survey.scale == 5}
    return _page(request, "rate.html", context, status=400 if form.errors else 200)
