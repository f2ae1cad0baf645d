from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from helpdesk.lib import ratelimit


class DeskLoginView(auth_views.LoginView):
    template_name = "tickets/desk/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not ratelimit.hit(request, "login", settings.RATELIMIT_LOGIN):
            # Refuse before any password is checked; keep what the agent typed as their name.
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
            context = self.get_context_data(
                form=form,
                throttled="Too many sign-in attempts from your address. Please wait a few minutes.",
            )
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


class DeskLogoutView(auth_views.LogoutView):
    pass
