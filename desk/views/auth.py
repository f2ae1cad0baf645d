"""Signing in to and out of the desk.

Sign-in is limited twice, both counted in the cache (see ``helpdesk.lib.ratelimit``): every
attempt per client address (``RATELIMIT_LOGIN``), and failures per account from any address
(``RATELIMIT_LOGIN_ACCOUNT``: 5 failures start a cool-off of 1 minute that doubles with each
further failure up to 15 minutes). Refused attempts answer 429, say when to try again, keep the
typed username and check no password.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from helpdesk.lib import ratelimit

ADDRESS_THROTTLED = "Too many sign-in attempts from your address. Please wait a few minutes."


def account_throttled_message(until: datetime) -> str:
    """'Too many sign-in attempts for this account. Try again in 2 minutes (at 14:32 UTC).'"""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    local = timezone.localtime(until)
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many sign-in attempts for this account. "
        f"Try again in {minutes} {unit} (at {local:%H:%M} {local.tzname()})."
    )


class DeskLoginView(auth_views.LoginView):
    template_name = "desk/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Refuse before any password is checked.
        if not ratelimit.hit(request, "login", settings.RATELIMIT_LOGIN):
            return self._throttled(ADDRESS_THROTTLED)
        until = ratelimit.account_cooloff_until(request.POST.get("username", ""))
        if until is not None:
            return self._throttled(account_throttled_message(until))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        ratelimit.account_reset(self.request.POST.get("username", ""))
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = self.request.POST.get("username", "")
        if username.strip() and self.request.POST.get("password"):  # a real guess, not a blank field
            until = ratelimit.account_failed(username)
            if until is not None:
                return self._throttled(account_throttled_message(until))
        return super().form_invalid(form)

    def _throttled(self, message: str) -> HttpResponse:
        """The form again with the typed username, the reason, and when to try again."""
        form = self.get_form_class()(self.request, initial={"username": self.request.POST.get("username", "")})
        context = self.get_context_data(form=form, throttled=message)
        return self.render_to_response(context, status=429)


class DeskLogoutView(auth_views.LogoutView):
    pass
